using System.Diagnostics;
using System.Numerics;

namespace MeshSmoother;

/// <summary>Plain Laplacian smoothing run on a fixed set of worker threads, one vertex band each.</summary>
public sealed class LaplacianWorkers : ISmoother
{
    private readonly int _workerCount;
    public LaplacianWorkers(int workerCount) => _workerCount = workerCount;
    public string Name => "laplacian";

    public void Smooth(Mesh mesh, int iterations)
    {
        int[][] nb = mesh.Neighbours;
        for (int it = 0; it < iterations; it++)
        {
            Vector3[] src = mesh.Positions;
            var dst = new Vector3[src.Length];
            int band = (src.Length + _workerCount - 1) / _workerCount;
            var workers = new Thread[_workerCount];
            for (int w = 0; w < _workerCount; w++)
            {
                int start = w * band, end = Math.Min(src.Length, start + band);
                workers[w] = new Thread(() =>
                {
                    for (int v = start; v < end; v++)
                    {
                        Vector3 avg = Vector3.Zero;
                        foreach (int n in nb[v]) avg += src[n];
                        dst[v] = Vector3.Lerp(src[v], avg / nb[v].Length, 0.6f);
                    }
                });
                workers[w].Start();
            }
            foreach (Thread t in workers) t.Join();
            mesh.Positions = dst;
        }
    }
}

public sealed class QualityReport
{
    public double MinAngle = double.MaxValue;
    public double MeanAspect;
    public Vector3[] VertexNormals = [];
}

public sealed class MeshInspector
{
    private readonly MeshGuard _guard = new();

    public QualityReport Inspect(Mesh mesh)
    {
        var report = new QualityReport { VertexNormals = new Vector3[mesh.VertexCount] };
        double aspectSum = 0;
        Parallel.For(0, mesh.TriangleCount, t =>
        {
            int a = mesh.Triangles[3 * t], b = mesh.Triangles[3 * t + 1], c = mesh.Triangles[3 * t + 2];
            using (_guard.Enter())
            {
                Vector3 pa = mesh.Positions[a], pb = mesh.Positions[b], pc = mesh.Positions[c];
                Vector3 n = Vector3.Cross(pb - pa, pc - pa);
                double minAngle = double.MaxValue;
                Vector3[] p = [pa, pb, pc];
                for (int k = 0; k < 3; k++)
                {
                    Vector3 e1 = Vector3.Normalize(p[(k + 1) % 3] - p[k]), e2 = Vector3.Normalize(p[(k + 2) % 3] - p[k]);
                    minAngle = Math.Min(minAngle, Math.Acos(Math.Clamp(Vector3.Dot(e1, e2), -1f, 1f)) * 180 / Math.PI);
                }
                double longest = Math.Max((pb - pa).Length(), Math.Max((pc - pb).Length(), (pa - pc).Length()));
                double aspect = longest * longest * Math.Sqrt(3) / (2 * n.Length());
                report.MinAngle = Math.Min(report.MinAngle, minAngle);
                aspectSum += aspect;
                report.VertexNormals[a] += n;
                report.VertexNormals[b] += n;
                report.VertexNormals[c] += n;
            }
        });
        report.MeanAspect = aspectSum / mesh.TriangleCount;
        return report;
    }
}

public static class Program
{
    public static void Main()
    {
        var inspector = new MeshInspector();
        ISmoother[] smoothers = [new LaplacianWorkers(Environment.ProcessorCount), new TaubinSmoother()];
        var sw = Stopwatch.StartNew();
        foreach (ISmoother smoother in smoothers)
        {
            Mesh mesh = Mesh.NoisyGrid(160, seed: 11);
            QualityReport before = inspector.Inspect(mesh);
            smoother.Smooth(mesh, iterations: 20);
            QualityReport after = inspector.Inspect(mesh);
            double roughness = after.VertexNormals.Average(n => n == Vector3.Zero ? 0 : 1 - Math.Abs(Vector3.Normalize(n).Z));
            Console.WriteLine($"{smoother.Name,-10} min angle {before.MinAngle:F1} -> {after.MinAngle:F1} deg, " +
                              $"aspect {before.MeanAspect:F3} -> {after.MeanAspect:F3}, roughness {roughness:F4}");
        }
        Console.Error.WriteLine($"elapsed {sw.ElapsedMilliseconds} ms");
    }
}
