using System.Diagnostics;

namespace HashManifestBuilder;

internal static class Program
{
    private static int Main(string[] args)
    {
        int fileCount = args.Length > 0 ? int.Parse(args[0]) : 40;
        var files = SyntheticTree.Create(fileCount, seed: 8);
        string manifestPath = Path.Combine(Path.GetTempPath(), "manifest.txt");

        var sw = Stopwatch.StartNew();
        using (var manifest = new ManifestWriter(manifestPath))
        {
            var builder = new ManifestBuilder(manifest);
            builder.AddAll(files);
            Console.WriteLine($"{builder.Entries.Count} files, {ChunkHasher.ChunksHashed} chunks, {sw.ElapsedMilliseconds} ms -> {manifestPath}");
        }
        return 0;
    }
}

internal static class SyntheticTree
{
    public static IReadOnlyList<(string Path, byte[] Content)> Create(int count, int seed)
    {
        var rng = new Random(seed);
        var files = new List<(string, byte[])>();
        for (int i = 0; i < count; i++)
        {
            var content = new byte[64 * 1024 + rng.Next(192 * 1024)];
            rng.NextBytes(content);
            files.Add(($"assets/pack{i / 10}/file{i:D4}.bin", content));
        }
        return files;
    }
}
