using System.Security.Cryptography;
using System.Text;

namespace BuildCacheHasher;

public sealed record SourceFile(string RelativePath, string FullPath);

public sealed record CacheKey(string Path, string Hash);

public interface IContentHasher
{
    string Hash(ReadOnlySpan<byte> content, string salt);
}

public sealed class StretchedSha256Hasher(int rounds) : IContentHasher
{
    public string Hash(ReadOnlySpan<byte> content, string salt)
    {
        byte[] saltBytes = Encoding.UTF8.GetBytes(salt);
        byte[] digest = SHA256.HashData(content);
        byte[] buffer = new byte[digest.Length + saltBytes.Length];
        for (int round = 0; round < rounds; round++)
        {
            digest.CopyTo(buffer, 0);
            saltBytes.CopyTo(buffer, digest.Length);
            digest = SHA256.HashData(buffer);
        }
        return Convert.ToHexString(digest);
    }
}

public sealed class CacheManifest(IContentHasher hasher, string toolchainSalt)
{
    private readonly object _sync = new();
    private readonly Dictionary<string, string> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _previous = new(StringComparer.Ordinal);
    private int _hits;

    public int Hits => Volatile.Read(ref _hits);

    public void SeedPrevious(IEnumerable<CacheKey> keys)
    {
        foreach (var key in keys) _previous[key.Path] = key.Hash;
    }

    public bool TryGetPrevious(string path, out string? hash)
    {
        lock (_previous)
        {
            return _previous.TryGetValue(path, out hash);
        }
    }

    public void Record(SourceFile file, byte[] content)
    {
        lock (_sync)
        {
            string hash = hasher.Hash(content, toolchainSalt);
            _entries[file.RelativePath] = hash;
            if (TryGetPrevious(file.RelativePath, out var old) && old == hash)
                _hits++;
        }
    }

    public IReadOnlyList<CacheKey> Snapshot()
    {
        lock (_sync)
            return _entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new CacheKey(e.Key, e.Value)).ToList();
    }
}

public static class Program
{
    public static async Task Main()
    {
        string root = Path.Combine(Path.GetTempPath(), "build-cache-hasher-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        try
        {
            var files = Enumerable.Range(0, 160)
                .Select(i => new SourceFile($"src/module{i % 8}/File{i:D3}.cs", Path.Combine(root, $"File{i:D3}.cs")))
                .ToList();

            await Task.WhenAll(files.Select(f => File.WriteAllTextAsync(f.FullPath, FakeSource(f.RelativePath))));

            var manifest = new CacheManifest(new StretchedSha256Hasher(rounds: 3000), toolchainSalt: "dotnet-10.0.1|Release|x64");
            manifest.SeedPrevious(files.Where((_, i) => i % 3 == 0)
                .Select(f => new CacheKey(f.RelativePath, "stale")));

            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                async (file, ct) =>
                {
                    byte[] content = await File.ReadAllBytesAsync(file.FullPath, ct);
                    manifest.Record(file, content);
                });

            var keys = manifest.Snapshot();
            string combined = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", keys.Select(k => k.Hash)))));
            Console.WriteLine($"hashed {keys.Count} files, {manifest.Hits} cache hits");
            Console.WriteLine($"first key {keys[0].Path} = {keys[0].Hash[..16]}");
            Console.WriteLine($"manifest hash {combined[..32]}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string FakeSource(string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"// {path}");
        for (int i = 0; i < 40; i++)
            sb.AppendLine($"    public int Member{i}() => {path.Length * 31 + i};");
        return sb.ToString();
    }
}
