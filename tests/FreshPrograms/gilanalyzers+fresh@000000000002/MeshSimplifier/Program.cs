using System.Diagnostics;

namespace MeshSimplifier;

internal static class Program
{
    private static void Main(string[] args)
    {
        int meshCount = args.Length > 0 ? int.Parse(args[0]) : 24;
        var meshes = Enumerable.Range(0, meshCount).Select(i => MeshFactory.NoisySphere(rings: 90, segments: 120, seed: i)).ToList();

        var batch = new LodBatch(new VertexClusteringSimplifier(cellsPerAxis: 24));
        var sw = Stopwatch.StartNew();
        var results = batch.BuildLods(meshes);
        sw.Stop();

        int before = meshes.Sum(m => m.Triangles.Length / 3);
        int after = results.Sum(r => r.Simplified.Triangles.Length / 3);
        Console.WriteLine($"{results.Count} meshes: {before:N0} -> {after:N0} triangles in {sw.ElapsedMilliseconds} ms");
    }
}
