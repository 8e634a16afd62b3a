using System.Numerics;

namespace MeshSmoother;

public sealed class Mesh
{
    public Vector3[] Positions;
    public readonly int[] Triangles;
    private int[][]? _neighbours;
    private readonly object _adjacencyLock = new();

    public Mesh(Vector3[] positions, int[] triangles)
    {
        Positions = positions;
        Triangles = triangles;
    }

    public int VertexCount => Positions.Length;
    public int TriangleCount => Triangles.Length / 3;

    public int[][] Neighbours
    {
        get
        {
            if (_neighbours is not null) return _neighbours;
            lock (_adjacencyLock)
            {
                _neighbours ??= BuildNeighbours();
            }
            return _neighbours;
        }
    }

    private int[][] BuildNeighbours()
    {
        var sets = new HashSet<int>[VertexCount];
        for (int v = 0; v < VertexCount; v++) sets[v] = new HashSet<int>();
        for (int t = 0; t < Triangles.Length; t += 3)
        {
            int a = Triangles[t], b = Triangles[t + 1], c = Triangles[t + 2];
            sets[a].Add(b); sets[a].Add(c);
            sets[b].Add(a); sets[b].Add(c);
            sets[c].Add(a); sets[c].Add(b);
        }
        return sets.Select(s => s.OrderBy(x => x).ToArray()).ToArray();
    }

    public static Mesh NoisyGrid(int n, int seed)
    {
        var rng = new Random(seed);
        var pos = new Vector3[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                float h = MathF.Sin(x * 0.15f) * MathF.Cos(y * 0.12f) * 4f;
                pos[y * n + x] = new Vector3(x, y, h + (float)(rng.NextDouble() - 0.5) * 1.5f);
            }
        var tris = new List<int>();
        for (int y = 0; y < n - 1; y++)
            for (int x = 0; x < n - 1; x++)
            {
                int i = y * n + x;
                tris.AddRange([i, i + 1, i + n, i + 1, i + n + 1, i + n]);
            }
        return new Mesh(pos, tris.ToArray());
    }
}

/// <summary>Scoped exclusive section over a <see cref="Lock"/>: <c>using (guard.Enter()) { ... }</c>.</summary>
public sealed class MeshGuard
{
    private readonly Lock _lock = new();
    public Lock.Scope Enter() => _lock.EnterScope();
}

public interface ISmoother
{
    string Name { get; }
    void Smooth(Mesh mesh, int iterations);
}

/// <summary>Taubin lambda/mu smoothing; each pass writes a fresh position array.</summary>
public sealed class TaubinSmoother : ISmoother
{
    public string Name => "taubin";

    public void Smooth(Mesh mesh, int iterations)
    {
        int[][] nb = mesh.Neighbours;
        for (int it = 0; it < iterations; it++)
        {
            float factor = it % 2 == 0 ? 0.5f : -0.53f;
            Vector3[] src = mesh.Positions;
            var dst = new Vector3[src.Length];
            Parallel.For(0, src.Length, v =>
            {
                Vector3 avg = Vector3.Zero;
                foreach (int n in nb[v]) avg += src[n];
                avg /= nb[v].Length;
                dst[v] = src[v] + factor * (avg - src[v]);
            });
            mesh.Positions = dst;
        }
    }
}
