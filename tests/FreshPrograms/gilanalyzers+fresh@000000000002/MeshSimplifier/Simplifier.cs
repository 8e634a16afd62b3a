using System.Numerics;

namespace MeshSimplifier;

public sealed record Mesh(Vector3[] Vertices, int[] Triangles);

public interface ISimplifier
{
    Mesh Simplify(Mesh mesh);
}

/// <summary>
/// Rossignac-Borrel vertex clustering: snap vertices to a uniform grid, use the mean of each cell as its
/// representative, drop triangles that collapse.
/// </summary>
public sealed class VertexClusteringSimplifier(int cellsPerAxis) : ISimplifier
{
    public Mesh Simplify(Mesh mesh)
    {
        var min = new Vector3(float.MaxValue);
        var max = new Vector3(float.MinValue);
        foreach (var v in mesh.Vertices)
        {
            min = Vector3.Min(min, v);
            max = Vector3.Max(max, v);
        }
        var cellSize = (max - min) / cellsPerAxis + new Vector3(1e-6f);

        var cellOf = new int[mesh.Vertices.Length];
        var cellIndex = new Dictionary<int, int>();
        var sums = new List<Vector3>();
        var counts = new List<int>();
        for (int i = 0; i < mesh.Vertices.Length; i++)
        {
            var c = (mesh.Vertices[i] - min) / cellSize;
            int key = ((int)c.X * cellsPerAxis + (int)c.Y) * cellsPerAxis + (int)c.Z;
            if (!cellIndex.TryGetValue(key, out int rep))
            {
                rep = sums.Count;
                cellIndex.Add(key, rep);
                sums.Add(Vector3.Zero);
                counts.Add(0);
            }
            sums[rep] += mesh.Vertices[i];
            counts[rep]++;
            cellOf[i] = rep;
        }

        var vertices = new Vector3[sums.Count];
        for (int r = 0; r < vertices.Length; r++) vertices[r] = sums[r] / counts[r];

        var triangles = new List<int>(mesh.Triangles.Length / 4);
        var seen = new HashSet<(int, int, int)>();
        for (int t = 0; t < mesh.Triangles.Length; t += 3)
        {
            int a = cellOf[mesh.Triangles[t]], b = cellOf[mesh.Triangles[t + 1]], c = cellOf[mesh.Triangles[t + 2]];
            if (a == b || b == c || a == c) continue;
            var key = Canonical(a, b, c);
            if (seen.Add(key)) triangles.AddRange(new[] { a, b, c });
        }
        return new Mesh(vertices, triangles.ToArray());
    }

    private static (int, int, int) Canonical(int a, int b, int c)
    {
        // rotate so that the smallest index comes first, keeping the winding
        if (a < b && a < c) return (a, b, c);
        if (b < a && b < c) return (b, c, a);
        return (c, a, b);
    }
}

public static class MeshFactory
{
    public static Mesh NoisySphere(int rings, int segments, int seed)
    {
        var rng = new Random(seed);
        var verts = new List<Vector3>();
        for (int r = 0; r <= rings; r++)
        {
            double theta = Math.PI * r / rings;
            for (int s = 0; s < segments; s++)
            {
                double phi = 2 * Math.PI * s / segments;
                float radius = 1f + (float)(rng.NextDouble() * 0.03);
                verts.Add(new Vector3((float)(Math.Sin(theta) * Math.Cos(phi)), (float)Math.Cos(theta), (float)(Math.Sin(theta) * Math.Sin(phi))) * radius);
            }
        }
        var tris = new List<int>();
        for (int r = 0; r < rings; r++)
            for (int s = 0; s < segments; s++)
            {
                int a = r * segments + s, b = r * segments + (s + 1) % segments;
                int c = (r + 1) * segments + s, d = (r + 1) * segments + (s + 1) % segments;
                tris.AddRange(new[] { a, c, b, b, c, d });
            }
        return new Mesh(verts.ToArray(), tris.ToArray());
    }
}
