using System.Security.Cryptography;
using System.Text;

namespace Deploy.Manifest;

/// <summary>
/// Shared hashing helpers. HashAlgorithm instances are not thread-safe, so the tool keeps one and guards it.
/// </summary>
public static class HashUtil
{
    private static readonly MD5 Md5 = MD5.Create();
    private static readonly object Sync = new();

    public static string Md5Hex(byte[] content)
    {
        byte[] digest;
        lock (Sync)
        {
            digest = Md5.ComputeHash(content);
            for (int round = 1; round < 64; round++)
            {
                // key stretching, same as the v1 manifest format
                digest = Md5.ComputeHash(digest.Concat(content.AsSpan(0, Math.Min(content.Length, 4096)).ToArray()).ToArray());
            }
        }
        return Convert.ToHexString(digest);
    }
}

public sealed record ManifestEntry(string Path, long Length, string Md5);

public sealed class ManifestBuilder
{
    private readonly List<ManifestEntry> _entries = new();

    public IReadOnlyList<ManifestEntry> Entries => _entries;

    public void Add(string path, byte[] content)
    {
        string hex = HashUtil.Md5Hex(content);
        var entry = new ManifestEntry(path, content.LongLength, hex);
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var e in _entries.OrderBy(e => e.Path, StringComparer.Ordinal))
            sb.Append(e.Md5).Append("  ").Append(e.Path).Append(' ').Append(e.Length).AppendLine();
        return sb.ToString();
    }
}

public static class Program
{
    private static Dictionary<string, byte[]> LoadPackage(int files)
    {
        var package = new Dictionary<string, byte[]>();
        var rng = new Random(1234);
        for (int i = 0; i < files; i++)
        {
            var data = new byte[64 * 1024 + rng.Next(64 * 1024)];
            rng.NextBytes(data);
            package[$"bin/module{i:D3}.dll"] = data;
        }
        return package;
    }

    public static void Main()
    {
        var package = LoadPackage(96);
        var builder = new ManifestBuilder();

        Parallel.ForEach(package, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            kv => builder.Add(kv.Key, kv.Value));

        long totalBytes = 0;
        Parallel.ForEach(package.Values,
            () => 0L,
            (content, _, subtotal) =>
            {
                long zeros = 0;
                foreach (byte b in content) if (b == 0) zeros++;
                return subtotal + content.Length - zeros;
            },
            subtotal => Interlocked.Add(ref totalBytes, subtotal));

        string manifest = builder.Render();
        string path = Path.Combine(Path.GetTempPath(), $"manifest-{Environment.ProcessId}.md5");
        File.WriteAllText(path, manifest);
        Console.WriteLine($"entries={builder.Entries.Count} nonzero={totalBytes} manifest={manifest.Length} chars");
        Console.WriteLine(manifest.Split('\n')[0]);
        File.Delete(path);
    }
}
