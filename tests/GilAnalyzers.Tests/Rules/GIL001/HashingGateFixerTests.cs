using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Hashing under a one-slot gate, written the way real code writes it: a hasher made by the framework's factory
/// (<c>SHA256.Create()</c>, also as <c>using var</c>) inside the gate. The hasher is the worker's own, so the hashing
/// moves out and only the shared list stays gated; a disposable whose disposal others observe stays refused.
/// </summary>
public class HashingGateFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.IO;\nusing System.Security.Cryptography;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class Digests
        {
            static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

            static List<string> Run(List<byte[]> blobs)
            {
                var result = new List<string>();
        """ + "\n" + body + "\n" + """
                return result;
            }
        }
        """;

    [Theory]
    [InlineData("var sha = SHA256.Create();")]
    [InlineData("using var sha = SHA256.Create();")]
    public async Task HasherMadeUnderTheGate_HashingMovesOutOfTheGate(string declaration)
    {
        await VerifyCS.VerifyCodeFixAsync(Wrap("""
                    Parallel.ForEach(blobs, blob =>
                    {
                        {|GIL001:Gate.Wait()|};
                        try
                        {
            """ + "\n                " + declaration + "\n" + """
                            byte[] digest = blob;
                            for (int round = 0; round < 1000; round++) digest = sha.ComputeHash(digest);
                            result.Add(Convert.ToHexString(digest));
                        }
                        finally
                        {
                            Gate.Release();
                        }
                    });
            """), Wrap("""
                    Parallel.ForEach(blobs, blob =>
                    {
            """ + "\n            " + declaration + "\n" + """
                        byte[] digest = blob;
                        for (int round = 0; round < 1000; round++) digest = sha.ComputeHash(digest);
                        var item = Convert.ToHexString(digest);
                        Gate.Wait();
                        try
                        {
                            result.Add(item);
                        }
                        finally
                        {
                            Gate.Release();
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task WriterDisposedUnderTheGate_NoMoveOut()
    {
        // Disposing the writer flushes it into the shared stream: later disposal would change what the stream holds.
        var source = Usings + """
            class Report
            {
                static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

                static void Run(List<int[]> rows, MemoryStream output)
                {
                    Parallel.ForEach(rows, row =>
                    {
                        Gate.Wait();
                        try
                        {
                            using var writer = new StreamWriter(output, leaveOpen: true);
                            long sum = 0;
                            for (int i = 0; i < row.Length; i++) for (int j = 0; j < row.Length; j++) sum += row[i] * row[j];
                            writer.WriteLine(sum);
                        }
                        finally
                        {
                            Gate.Release();
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        foreach (var offer in offers)
        {
            Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, offer.Keys);
        }
    }
}
