using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ChecksumVerifier;

/// <summary>
/// Verifies a release manifest: every artifact's CRC-32 and SHA-256 must match what the build recorded.
/// </summary>
public sealed class ManifestVerifier
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    private int _verified;
    private int _mismatches;

    public int Verified => _verified;
    public int Mismatches => _mismatches;

    // CRC over the whole blob, done in software because the manifest format predates the hardware CRC path.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public uint ComputeCrc(byte[] data)
    {
        uint crc = 0xFFFFFFFFu;
        for (int i = 0; i < data.Length; i++)
        {
            crc = CrcTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(bool ok)
    {
        _verified++;
        if (!ok)
        {
            _mismatches++;
        }
    }

    public bool Verify(Artifact artifact)
    {
        bool crcOk = ComputeCrc(artifact.Data) == artifact.ExpectedCrc;
        bool shaOk = Convert.ToHexString(SHA256.HashData(artifact.Data)) == artifact.ExpectedSha256;
        return crcOk && shaOk;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}

public sealed record Artifact(string Name, byte[] Data, uint ExpectedCrc, string ExpectedSha256);

public static class Program
{
    public static void Main(string[] args)
    {
        int artifactCount = args.Length > 0 ? int.Parse(args[0]) : 40;
        var verifier = new ManifestVerifier();
        var artifacts = BuildManifest(verifier, artifactCount);

        var sw = Stopwatch.StartNew();
        Parallel.ForEach(artifacts, artifact =>
        {
            bool ok = verifier.Verify(artifact);
            verifier.Record(ok);
            if (!ok)
            {
                Console.Error.WriteLine($"MISMATCH {artifact.Name}");
            }
        });
        sw.Stop();

        Console.WriteLine($"{verifier.Verified} artifacts verified, {verifier.Mismatches} mismatches, {sw.ElapsedMilliseconds} ms");
    }

    private static List<Artifact> BuildManifest(ManifestVerifier verifier, int count)
    {
        var list = new List<Artifact>();
        var rng = new Random(99);
        for (int i = 0; i < count; i++)
        {
            var data = new byte[256 * 1024 + rng.Next(64 * 1024)];
            rng.NextBytes(data);
            uint crc = verifier.ComputeCrc(data);
            string sha = Convert.ToHexString(SHA256.HashData(data));
            // corrupt one artifact so the report has something in it
            if (i == count / 2)
            {
                crc ^= 1;
            }
            list.Add(new Artifact($"pkg-{i:D3}.nupkg", data, crc, sha));
        }
        return list;
    }
}
