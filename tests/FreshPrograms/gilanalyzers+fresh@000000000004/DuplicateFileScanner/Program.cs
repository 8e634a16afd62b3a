using System.Security.Cryptography;

namespace DuplicateFileScanner;

sealed class Blob
{
    public required string Path { get; init; }
    public required byte[] Content { get; init; }
    public ulong QuickPrint { get; set; }
}

sealed class DuplicateGroup
{
    public List<string> Paths { get; } = new();
}

sealed class Scanner
{
    private readonly SemaphoreSlim _hashGate = new(1, 1);
    private readonly Dictionary<string, DuplicateGroup> _groups = new();

    public IEnumerable<DuplicateGroup> Duplicates => _groups.Values.Where(g => g.Paths.Count > 1);

    // 64-bit FNV-1a over sampled 4 KiB windows; cheap prefilter before the full hash
    public static void QuickPrints(IList<Blob> blobs)
    {
        int half = blobs.Count / 2;
        var helper = new Thread(() => QuickPrintRange(blobs, 0, half));
        helper.Start();
        QuickPrintRange(blobs, half, blobs.Count);
        helper.Join();
    }

    private static void QuickPrintRange(IList<Blob> blobs, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            var data = blobs[i].Content;
            ulong h = 14695981039346656037UL;
            for (int pass = 0; pass < 3; pass++)
                for (int j = pass; j < data.Length; j += 3)
                    h = (h ^ data[j]) * 1099511628211UL;
            blobs[i].QuickPrint = h;
        }
    }

    public void FullHash(IEnumerable<Blob> candidates)
    {
        Parallel.ForEach(candidates, blob =>
        {
            _hashGate.Wait();
            try
            {
                var digest = Convert.ToHexString(SHA256.HashData(blob.Content));
                var chunkDigests = new List<string>();
                for (int off = 0; off < blob.Content.Length; off += 16 * 1024)
                {
                    int len = Math.Min(16 * 1024, blob.Content.Length - off);
                    chunkDigests.Add(Convert.ToHexString(MD5.HashData(blob.Content.AsSpan(off, len))));
                }
                var key = digest + ":" + chunkDigests.Count;
                if (!_groups.TryGetValue(key, out var group))
                    _groups[key] = group = new DuplicateGroup();
                Register(group, blob.Path);
            }
            finally
            {
                _hashGate.Release();
            }
        });
    }

    private static void Register(DuplicateGroup group, string path)
    {
        lock (group)
        {
            group.Paths.Add(path);
        }
    }
}

static class Program
{
    static void Main()
    {
        var rng = new Random(99);
        var originals = Enumerable.Range(0, 60).Select(_ =>
        {
            var data = new byte[256 * 1024];
            rng.NextBytes(data);
            return data;
        }).ToList();

        var blobs = new List<Blob>();
        for (int i = 0; i < 200; i++)
        {
            var src = originals[rng.Next(originals.Count)];
            var copy = (byte[])src.Clone();
            if (rng.Next(3) == 0) copy[rng.Next(copy.Length)] ^= 0xFF;
            blobs.Add(new Blob { Path = $"/photos/2023/img_{i:0000}.jpg", Content = copy });
        }

        Scanner.QuickPrints(blobs);
        var candidates = blobs.GroupBy(b => b.QuickPrint).Where(g => g.Count() > 1).SelectMany(g => g).ToList();
        var scanner = new Scanner();
        scanner.FullHash(candidates);

        var dups = scanner.Duplicates.ToList();
        Console.WriteLine($"{blobs.Count} files, {candidates.Count} candidates, {dups.Count} duplicate groups");
        foreach (var g in dups.OrderByDescending(g => g.Paths.Count).Take(3))
            Console.WriteLine($"  {g.Paths.Count} copies, e.g. {g.Paths.Min()}");
    }
}
