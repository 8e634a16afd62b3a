using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

namespace ProofOfWorkMiner;

public sealed record Transaction(string From, string To, long Amount, int Sequence);

public sealed record GenesisTemplate(string Network, uint Timestamp, Transaction[] Allocations)
{
    public byte[] MerkleRoot { get; set; } = Array.Empty<byte>();
}

public sealed record GenesisFixture(string Network, uint Timestamp, string MerkleRoot, uint Nonce, string Hash, long Attempts);

public static class Merkle
{
    [MethodImpl(MethodImplOptions.Synchronized)]
    public static byte[] Root(IReadOnlyList<Transaction> txs)
    {
        var level = txs.Select(t => SHA256.HashData(SHA256.HashData(
            Encoding.UTF8.GetBytes($"{t.From}>{t.To}:{t.Amount}#{t.Sequence}")))).ToList();
        var pair = new byte[64];
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (int i = 0; i < level.Count; i += 2)
            {
                level[i].CopyTo(pair, 0);
                level[Math.Min(i + 1, level.Count - 1)].CopyTo(pair, 32);
                next.Add(SHA256.HashData(SHA256.HashData(pair)));
            }
            level = next;
        }
        return level[0];
    }
}

public static class Program
{
    private const int DifficultyBits = 14;

    private static int LeadingZeroBits(ReadOnlySpan<byte> hash)
    {
        int bits = 0;
        foreach (byte b in hash)
        {
            if (b == 0) { bits += 8; continue; }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }

    private static byte[] Header(GenesisTemplate t, uint nonce)
    {
        var header = new byte[76];
        Encoding.ASCII.GetBytes(t.Network.PadRight(8)[..8]).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), t.Timestamp);
        t.MerkleRoot.CopyTo(header, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(72), nonce);
        return header;
    }

    private static GenesisFixture Mine(GenesisTemplate t)
    {
        var header = Header(t, 0);
        Span<byte> hash = stackalloc byte[32];
        for (uint nonce = 0; ; nonce++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(72), nonce);
            SHA256.HashData(header, hash);
            SHA256.HashData(hash, hash);
            if (LeadingZeroBits(hash) >= DifficultyBits)
                return new GenesisFixture(t.Network, t.Timestamp, Convert.ToHexString(t.MerkleRoot), nonce, Convert.ToHexString(hash), nonce + 1L);
        }
    }

    public static async Task Main()
    {
        var templates = Enumerable.Range(0, 32).Select(n => new GenesisTemplate(
            $"testnet{n:D2}",
            1_700_000_000u + (uint)n * 86_400,
            Enumerable.Range(0, 1500).Select(i => new Transaction("genesis", $"acct-{n}-{i:D5}", 1_000_000L + i * 17L, i)).ToArray()))
            .ToList();

        Parallel.For(0, templates.Count, i => templates[i].MerkleRoot = Merkle.Root(templates[i].Allocations));

        string dir = Path.Combine(Path.GetTempPath(), $"genesis-fixtures-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var fixtures = await Task.WhenAll(templates.Select(async template =>
            {
                var fixture = Mine(template);
                await File.WriteAllTextAsync(Path.Combine(dir, $"{template.Network}.json"), JsonSerializer.Serialize(fixture));
                return fixture;
            }));

            var paths = Directory.GetFiles(dir, "*.json").OrderBy(p => p, StringComparer.Ordinal).ToArray();
            var texts = await Task.WhenAll(paths.Select(p => File.ReadAllTextAsync(p)));

            int valid = 0;
            foreach (var text in texts)
            {
                var f = JsonSerializer.Deserialize<GenesisFixture>(text)!;
                var template = templates.Single(t => t.Network == f.Network);
                var check = SHA256.HashData(SHA256.HashData(Header(template, f.Nonce)));
                if (Convert.ToHexString(check) == f.Hash && LeadingZeroBits(check) >= DifficultyBits) valid++;
            }

            foreach (var f in fixtures.Take(5))
                Console.WriteLine($"{f.Network}: nonce {f.Nonce,6}, hash {f.Hash[..16]}..., merkle {f.MerkleRoot[..12]}...");
            Console.WriteLine($"{fixtures.Length} genesis blocks, {fixtures.Sum(f => f.Attempts):N0} hashes, " +
                              $"{valid}/{texts.Length} fixtures verified from disk");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
