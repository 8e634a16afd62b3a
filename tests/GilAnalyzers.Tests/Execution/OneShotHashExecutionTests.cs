using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// A library that hashes through one shared hasher behind a process-wide lock, called from many threads, run before and
/// after its first (FixAll) action: the one-shot <c>HashData</c> must give byte-for-byte the same digests.
/// </summary>
public class OneShotHashExecutionTests
{
    private const string Program = """
        using System;
        using System.IO;
        using System.Linq;
        using System.Security.Cryptography;
        using System.Threading.Tasks;

        public static class Fingerprints
        {
            private static readonly SHA256 s_sha = SHA256.Create();
            private static readonly MD5 s_md5 = MD5.Create();

            public static string Of(byte[] content)
            {
                lock (s_sha)
                {
                    return Convert.ToHexString(s_sha.ComputeHash(content));
                }
            }

            public static Guid IdOf(byte[] content, int offset, int count)
            {
                lock (s_md5)
                {
                    return new Guid(s_md5.ComputeHash(content, offset, count));
                }
            }

            public static string OfStream(Stream stream)
            {
                lock (s_sha)
                {
                    return Convert.ToBase64String(s_sha.ComputeHash(stream));
                }
            }

            public static string Run(int files)
            {
                var results = new string[files];
                Parallel.For(0, files, i =>
                {
                    var data = new byte[4096 + i * 37];
                    new Random(i).NextBytes(data);
                    results[i] = Of(data) + ":" + IdOf(data, i % 64, 1024) + ":" + OfStream(new MemoryStream(data));
                });
                return string.Join(",", results);
            }
        }
        """;

    [Fact]
    public async Task SharedHashersBehindLocks_SameDigestsWithHashData()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);
        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.OneShotHashKey);
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("SHA256.HashData(stream)", outcome.Source, StringComparison.Ordinal);
        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Fingerprints.Before"), "Fingerprints.Run", 200);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Fingerprints.After"), "Fingerprints.Run", 200);
        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
