using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using VerifyWhereItIs = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A process-wide lock in a private helper that parallel code calls, around a <c>foreach</c> over the helper's parameter,
/// when every call of the helper in its type hands it a digest or a small constant-length buffer: a few dozen light
/// steps (formatting a hash as hex), not work the callers queue for. A helper handed data of any size (a block read
/// from a file), or one with heavy work per element, stays reported.
/// </summary>
public class Locks60SmallDataLoopTests
{
    private const string Signer = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Security.Cryptography;
        using System.Text;
        using System.Threading.Tasks;

        public static class BlockSigner
        {
            private static readonly object s_format = new object();

        """;

    [Fact]
    public async Task DigestFormattedAsHexUnderStaticLock_NoDiagnostic()
    {
        var source = Signer + """
                public static IDictionary<int, string> Sign(List<byte[]> blocks)
                {
                    var result = new ConcurrentDictionary<int, string>();
                    Parallel.For(0, blocks.Count, i =>
                    {
                        using var sha = SHA256.Create();
                        var digest = sha.ComputeHash(blocks[i]);
                        result[i] = ToHex(digest);
                    });
                    return result;
                }

                private static string ToHex(byte[] data)
                {
                    lock (s_format)
                    {
                        var text = new StringBuilder();
                        foreach (var b in data)
                        {
                            text.Append(string.Format("{0:x2}", b));
                        }

                        return text.ToString();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WholeBlockFormattedAsHexUnderStaticLock_IsReported()
    {
        // The helper is handed the block itself, of any size: a pass over the caller's data under the lock.
        var source = Signer + """
                public static IDictionary<int, string> Dump(List<byte[]> blocks)
                {
                    var result = new ConcurrentDictionary<int, string>();
                    Parallel.For(0, blocks.Count, i =>
                    {
                        result[i] = ToHex(blocks[i]);
                    });
                    return result;
                }

                private static string ToHex(byte[] data)
                {
                    {|#0:lock (s_format)|}
                    {
                        var text = new StringBuilder();
                        foreach (var b in data)
                        {
                            text.Append(string.Format("{0:x2}", b));
                        }

                        return text.ToString();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_format", "foreach loop", "'ToHex', called from a Parallel.For body"));
    }

    [Fact]
    public async Task HelperCallableFromOutsideItsType_IsReported()
    {
        // Public: other code may hand it anything, so what this type passes says nothing about its size.
        var source = Signer + """
                public static IDictionary<int, string> Sign(List<byte[]> blocks)
                {
                    var result = new ConcurrentDictionary<int, string>();
                    Parallel.For(0, blocks.Count, i =>
                    {
                        using var sha = SHA256.Create();
                        result[i] = ToHex(sha.ComputeHash(blocks[i]));
                    });
                    return result;
                }

                public static string ToHex(byte[] data)
                {
                    {|#0:lock (s_format)|}
                    {
                        var text = new StringBuilder();
                        foreach (var b in data)
                        {
                            text.Append(string.Format("{0:x2}", b));
                        }

                        return text.ToString();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_format", "foreach loop", "'ToHex', called from a Parallel.For body"));
    }

    [Fact]
    public async Task HeavyWorkPerByteOfDigest_IsReported()
    {
        // Each byte of the digest drives a loop of its own: nested work, however small the digest, heavy enough to be
        // reported where the process-wide lock is.
        var source = Signer + """
                public static IDictionary<int, long> Stretch(List<byte[]> blocks)
                {
                    var result = new ConcurrentDictionary<int, long>();
                    Parallel.For(0, blocks.Count, i =>
                    {
                        using var sha = SHA256.Create();
                        var digest = sha.ComputeHash(blocks[i]);
                        result[i] = Mix(digest);
                    });
                    return result;
                }

                private static long Mix(byte[] data)
                {
                    {|#0:lock (s_format)|}
                    {
                        long acc = 17;
                        foreach (var b in data)
                        {
                            for (var round = 0; round < 100000; round++)
                            {
                                acc = acc * 31 + (b ^ round);
                            }
                        }

                        return acc;
                    }
                }
            }
            """;
        await VerifyWhereItIs.VerifyAnalyzerAsync(source,
            VerifyWhereItIs.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_format", "nested loop, 2 levels", "'Mix', a process-wide lock that every calling thread queues for"));
    }
}
