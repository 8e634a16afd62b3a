using System.Security.Cryptography;
using System.Text;

namespace BuildCacheWarmer;

// CI helper: computes content keys for every source unit of a synthetic repository,
// "compiles" the units whose key is not in the remote cache yet, and uploads the outputs.
public static class Program
{
    public static async Task Main()
    {
        var repo = SyntheticRepo.Create(units: 48, filesPerUnit: 6, seed: 12);
        var cache = new FakeRemoteCache(knownFraction: 0.25);
        var warmer = new CacheWarmer(cache, new UnitCompiler());

        IReadOnlyList<UnitKey> keys = await warmer.ComputeKeysAsync(repo);
        var missing = keys.Where(k => !cache.Contains(k.Key)).ToList();
        var outputs = await warmer.CompileMissingAsync(repo, missing);
        await warmer.UploadAsync(outputs);

        Console.WriteLine($"units:     {keys.Count}");
        Console.WriteLine($"cache hit: {keys.Count - missing.Count}");
        Console.WriteLine($"compiled:  {outputs.Count}");
        Console.WriteLine($"uploaded:  {cache.Uploaded}");
        Console.WriteLine($"artifact digest: {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", outputs.OrderBy(o => o.Unit).Select(o => o.Checksum))))).Substring(0, 16)}");
    }
}

public sealed record SourceUnit(string Name, IReadOnlyList<string> Files);
public sealed record UnitKey(string Unit, string Key);
public sealed record Artifact(string Unit, string Key, uint Checksum, int Size);

public static class SyntheticRepo
{
    public static IReadOnlyList<SourceUnit> Create(int units, int filesPerUnit, int seed)
    {
        var rng = new Random(seed);
        var list = new List<SourceUnit>();
        for (int u = 0; u < units; u++)
        {
            var files = new List<string>();
            for (int f = 0; f < filesPerUnit; f++)
            {
                var sb = new StringBuilder();
                int lines = 200 + rng.Next(400);
                for (int l = 0; l < lines; l++) sb.Append("let x").Append(rng.Next(1000)).Append(" = f(").Append(l).Append(");\n");
                files.Add(sb.ToString());
            }
            list.Add(new SourceUnit($"unit{u:D2}", files));
        }
        return list;
    }
}

public sealed class FakeRemoteCache(double knownFraction)
{
    private readonly HashSet<string> _known = new();
    private readonly object _gate = new();
    private int _uploaded;

    public int Uploaded => _uploaded;

    public bool Contains(string key) => key[0] < (char)('0' + (int)(16 * knownFraction)) || _known.Contains(key);

    public async Task PutAsync(Artifact artifact)
    {
        await Task.Delay(2); // network round trip
        lock (_gate)
        {
            _known.Add(artifact.Key);
            _uploaded++;
        }
    }
}
