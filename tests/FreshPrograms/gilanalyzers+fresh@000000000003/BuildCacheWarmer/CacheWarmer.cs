using System.Security.Cryptography;
using System.Text;

namespace BuildCacheWarmer;

public sealed class CacheWarmer(FakeRemoteCache cache, UnitCompiler compiler)
{
    private readonly SemaphoreSlim _uploadSlots = new(4);

    public async Task<IReadOnlyList<UnitKey>> ComputeKeysAsync(IReadOnlyList<SourceUnit> repo)
    {
        var keyTasks = repo.Select(async unit =>
        {
            using var sha = SHA256.Create();
            byte[] digest = Array.Empty<byte>();
            foreach (string file in unit.Files)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(file);
                for (int round = 0; round < 8; round++)
                {
                    digest = sha.ComputeHash(digest.Concat(bytes).ToArray());
                }
            }
            string key = Convert.ToHexString(digest).ToLowerInvariant();
            await Task.Yield();
            return new UnitKey(unit.Name, key);
        }).ToList();
        UnitKey[] keys = await Task.WhenAll(keyTasks);
        return keys;
    }

    public async Task<List<Artifact>> CompileMissingAsync(IReadOnlyList<SourceUnit> repo, IReadOnlyList<UnitKey> missing)
    {
        var byName = repo.ToDictionary(u => u.Name);
        var jobs = missing.Select(k => Task.Run(() => compiler.Compile(byName[k.Unit], k.Key)));
        Artifact[] built = await Task.WhenAll(jobs);
        return built.ToList();
    }

    public async Task UploadAsync(IEnumerable<Artifact> artifacts)
    {
        var uploads = artifacts.Select(async a =>
        {
            await _uploadSlots.WaitAsync();
            try
            {
                await cache.PutAsync(a);
            }
            finally
            {
                _uploadSlots.Release();
            }
        });
        await Task.WhenAll(uploads);
    }
}

// Wraps the toolchain's in-process code generator. The generator was written for a
// single-threaded build host, so callers go through one mutex.
public sealed class UnitCompiler
{
    private readonly Mutex _toolchain = new();
    private readonly Dictionary<string, int> _symbols = new();

    public Artifact Compile(SourceUnit unit, string key)
    {
        _toolchain.WaitOne();
        try
        {
            _symbols.Clear();
            uint checksum = 2166136261;
            int size = 0;
            foreach (string file in unit.Files)
            {
                foreach (string line in file.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    foreach (string token in tokens)
                    {
                        _symbols[token] = _symbols.TryGetValue(token, out int n) ? n + 1 : 1;
                        foreach (char c in token)
                        {
                            checksum = (checksum ^ c) * 16777619;
                        }
                        size += token.Length;
                    }
                }
            }
            for (int pass = 0; pass < 200; pass++)
            {
                foreach (var (symbol, count) in _symbols)
                {
                    checksum = (checksum ^ (uint)(symbol.Length * count + pass)) * 16777619;
                }
            }
            return new Artifact(unit.Name, key, checksum, size);
        }
        finally
        {
            _toolchain.ReleaseMutex();
        }
    }
}
