using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Threads created by <c>for (uint i = 0; i &lt; n; ++i)</c> or a <c>long</c> index: the rewrite runs Parallel.For's long
/// overload (<c>Parallel.For(0L, n, …)</c>) and gives a <c>uint</c> index back its own type, so the partition's
/// arithmetic is unchanged. A loop that does not step by one is refused.
/// </summary>
public class WideIndexThreadsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task UnsignedIndex_BecomesLongParallelForWithTheIndexConvertedBack(LanguageVersion version)
    {
        var source = Usings + """
            class Primes
            {
                static bool IsPrime(uint v) { if (v < 2) return false; for (uint d = 2; d * d <= v; d++) if (v % d == 0) return false; return true; }

                public static List<uint> Between(uint first, uint last)
                {
                    var found = new List<uint>();
                    uint lanes = (uint)Environment.ProcessorCount;
                    uint width = (last - first) / lanes;
                    Thread[] crew = new Thread[lanes];
                    for (uint i = 0; i < lanes; ++i)
                    {
                        uint from = first + i * width;
                        uint to = from + width;
                        crew[i] = [|new Thread(() =>
                        {
                            for (uint v = from; v < to; ++v)
                            {
                                if (IsPrime(v))
                                {
                                    lock (found) found.Add(v);
                                }
                            }
                        })|];
                        crew[i].Start();
                    }
                    foreach (Thread t in crew) t.Join();
                    return found;
                }
            }
            """;
        var fixedSource = Usings + """
            class Primes
            {
                static bool IsPrime(uint v) { if (v < 2) return false; for (uint d = 2; d * d <= v; d++) if (v % d == 0) return false; return true; }

                public static List<uint> Between(uint first, uint last)
                {
                    var found = new List<uint>();
                    uint lanes = (uint)Environment.ProcessorCount;
                    uint width = (last - first) / lanes;
                    Parallel.For(0L, lanes, iIndex =>
                    {
                        uint i = (uint)iIndex;
                        uint from = first + i * width;
                        uint to = from + width;
                        for (uint v = from; v < to; ++v)
                        {
                            if (IsPrime(v))
                            {
                                lock (found) found.Add(v);
                            }
                        }
                    });
                    return found;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesUnsignedAndLongIndexLoops()
    {
        var source = Usings + """
            class Wide
            {
                static void Work(double[] d, long lane, long lanes)
                {
                    for (long k = lane; k < d.Length; k += lanes) d[k] = Math.Sqrt(d[k] + k);
                }

                public static void A(double[] d)
                {
                    var crew = new Thread[3];
                    for (long i = 0; i < 3; i++)
                    {
                        long lane = i;
                        crew[i] = [|new Thread(() => Work(d, lane, 3))|];
                        crew[i].Start();
                    }
                    foreach (var t in crew) t.Join();
                }

                public static void B(double[] d, uint lanes)
                {
                    var crew = new Thread[lanes];
                    for (uint i = 0; i < lanes; i++)
                    {
                        uint lane = i;
                        crew[i] = [|new Thread(() => Work(d, lane, lanes))|];
                        crew[i].Start();
                    }
                    foreach (var t in crew) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Wide
            {
                static void Work(double[] d, long lane, long lanes)
                {
                    for (long k = lane; k < d.Length; k += lanes) d[k] = Math.Sqrt(d[k] + k);
                }

                public static void A(double[] d)
                {
                    Parallel.For(0L, 3, i =>
                    {
                        long lane = i;
                        Work(d, lane, 3);
                    });
                }

                public static void B(double[] d, uint lanes)
                {
                    Parallel.For(0L, lanes, iIndex =>
                    {
                        uint i = (uint)iIndex;
                        uint lane = i;
                        Work(d, lane, lanes);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task UnsignedIndexSteppingByTwo_ReportWithoutAction()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            class C
            {
                static void Work(double[] d, long lane)
                {
                    for (long k = lane; k < d.Length; k += 8) d[k] = Math.Sqrt(d[k] + k);
                }

                static void Run(double[] d)
                {
                    var crew = new Thread[8];
                    for (uint i = 0; i < 8; i += 2)
                    {
                        uint lane = i;
                        crew[i] = new Thread(() => Work(d, lane));
                        crew[i].Start();
                    }
                    for (uint i = 0; i < 8; i += 2) crew[i].Join();
                }
            }
            """);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.Empty(gil003.Keys);
    }
}
