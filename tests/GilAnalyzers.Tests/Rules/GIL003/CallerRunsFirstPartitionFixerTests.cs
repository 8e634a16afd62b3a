using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>for (int i = 1; i &lt; n; i++) start thread i; Work(0); join</c>: the calling thread runs partition 0 itself right
/// after starting the others. Parallel.For(0, n, …) runs every partition, and the caller's call goes away — only when
/// that call is the threads' own call with the partition index 0.
/// </summary>
public class CallerRunsFirstPartitionFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Worker = """
            static readonly long[] Sums = new long[16];

            static void Count(int n, int part, int size)
            {
                long s = 0;
                for (int k = part * size; k < (part + 1) * size; k++) s += (k * 31L) % n;
                Sums[part] = s;
            }

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task CallerRunsPartitionZero_BecomesParallelForFromZero(LanguageVersion version)
    {
        var source = Usings + "class Flips\n{\n" + Worker + """
                public static void Run(int n)
                {
                    int parts = 4;
                    int size = 50000;
                    var workers = new Thread[parts];
                    for (int i = 1; i < parts; i++)
                    {
                        int part = i;
                        (workers[part] = [|new Thread(() => Count(n, part, size))|]).Start();
                    }
                    Count(n, 0, size);
                    for (int i = 1; i < workers.Length; i++) workers[i].Join();
                }
            }
            """;
        var fixedSource = Usings + "class Flips\n{\n" + Worker + """
                public static void Run(int n)
                {
                    int parts = 4;
                    int size = 50000;
                    Parallel.For(0, parts, i =>
                    {
                        int part = i;
                        Count(n, part, size);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    private const string PullingWorkers = """
        class Mixer
        {
            static void Mix(uint[] blocks, int j)
            {
                for (int r = 0; r < 200000; r++) blocks[j] = blocks[j] * 1664525u + 1013904223u;
            }

            public static void MixAll(uint[] blocks, int parallel, int maxThreads)
            {
                int current = 0;
                ThreadStart worker = delegate
                {
                    while (true)
                    {
                        int j = Interlocked.Increment(ref current) - 1;
                        if (j >= parallel)
                        {
                            break;
                        }

                        Mix(blocks, j);
                    }
                };

                int threadCount = Math.Max(1, Math.Min(Environment.ProcessorCount, Math.Min(maxThreads, parallel)));
                Thread[] threads = new Thread[threadCount - 1];
                for (int i = 0; i < threads.Length; i++)
                {
                    (threads[i] = [|new Thread(worker, 8192)|]).Start();
                }
                worker();
                for (int i = 0; i < threads.Length; i++)
                {
                    threads[i].Join();
                }
            }
        }
        """;

    [Fact]
    public async Task CallerRunsTheThreadsOwnWorker_BecomesOneMoreIteration()
    {
        // threadCount - 1 threads pull items from a shared counter and the caller pulls too: Parallel.For runs threadCount
        // such workers (the array's size plus the caller), and the caller's own call goes away.
        await VerifyCS.VerifyCodeFixAsync(Usings + PullingWorkers, FixedPullingWorkers, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    private static string FixedPullingWorkers => Usings + PullingWorkers.Replace("[|", string.Empty).Replace("|]", string.Empty).Replace("""
                        Thread[] threads = new Thread[threadCount - 1];
                        for (int i = 0; i < threads.Length; i++)
                        {
                            (threads[i] = new Thread(worker, 8192)).Start();
                        }
                        worker();
                        for (int i = 0; i < threads.Length; i++)
                        {
                            threads[i].Join();
                        }
                """, """
                        Parallel.For(0, threadCount, i =>
                        {
                            while (true)
                            {
                                int j = Interlocked.Increment(ref current) - 1;
                                if (j >= parallel)
                                {
                                    break;
                                }

                                Mix(blocks, j);
                            }
                        });
                """);

    [Fact]
    public async Task FixAll_CallerRunsTheWorkerMethodGroup_AlsoOneMoreIteration()
    {
        // The same with a method group (new Thread(Drain) … Drain();) beside the delegate-local method: both rewritten.
        var group = """
            class Queue
            {
                private int _next;
                private readonly double[] _items = new double[64];

                private void Drain()
                {
                    int k;
                    while ((k = Interlocked.Increment(ref _next) - 1) < _items.Length)
                    {
                        for (int r = 0; r < 100000; r++) _items[k] = Math.Sqrt(_items[k] + r);
                    }
                }

                public void RunAll(int helpers)
                {
                    var threads = new Thread[helpers];
                    for (int t = 0; t < threads.Length; t++)
                    {
                        threads[t] = [|new Thread(Drain)|];
                        threads[t].Start();
                    }
                    Drain();
                    foreach (var thread in threads) thread.Join();
                }
            }
            """;
        var fixedGroup = """
            class Queue
            {
                private int _next;
                private readonly double[] _items = new double[64];

                private void Drain()
                {
                    int k;
                    while ((k = Interlocked.Increment(ref _next) - 1) < _items.Length)
                    {
                        for (int r = 0; r < 100000; r++) _items[k] = Math.Sqrt(_items[k] + r);
                    }
                }

                public void RunAll(int helpers)
                {
                    Parallel.For(0, helpers + 1, t =>
                    {
                        Drain();
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(Usings + PullingWorkers + "\n" + group, FixedPullingWorkers + "\n" + fixedGroup, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryCallerPartitionFanOut()
    {
        var source = Usings + "class Flips\n{\n" + Worker + """
                static void Spin(int n, int size)
                {
                    long s = 0;
                    for (int k = 0; k < size; k++) s += (k * 7L) % n;
                    Sums[15] = s;
                }

                public static void A(int n)
                {
                    var workers = new Thread[3];
                    for (int i = 1; i < 3; i++)
                    {
                        int part = i;
                        workers[i] = [|new Thread(() => Count(n, part, 100000))|];
                        workers[i].Start();
                    }
                    Count(n, 0, 100000);
                    for (int i = 1; i < 3; i++) workers[i].Join();
                }

                public static void B(int n)
                {
                    var workers = new Thread[4];
                    for (int i = 1; i < 4; i++)
                    {
                        (workers[i] = [|new Thread(() => Spin(n, 100000))|]).Start();
                    }
                    Spin(n, 100000);
                    for (int i = 1; i < workers.Length; i++) workers[i].Join();
                }
            }
            """;
        var fixedSource = Usings + "class Flips\n{\n" + Worker + """
                static void Spin(int n, int size)
                {
                    long s = 0;
                    for (int k = 0; k < size; k++) s += (k * 7L) % n;
                    Sums[15] = s;
                }

                public static void A(int n)
                {
                    Parallel.For(0, 3, i =>
                    {
                        int part = i;
                        Count(n, part, 100000);
                    });
                }

                public static void B(int n)
                {
                    Parallel.For(0, 4, i =>
                    {
                        Spin(n, 100000);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "the caller runs a different partition than 0",
            """
                public static void Run(int n)
                {
                    var workers = new Thread[4];
                    for (int i = 1; i < 4; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(n, part, 100000));
                        workers[i].Start();
                    }
                    Count(n, 3, 100000);
                    for (int i = 1; i < 4; i++) workers[i].Join();
                }
            }
            """
        },
        {
            "other code runs before the caller's partition",
            """
                public static void Run(int n)
                {
                    var workers = new Thread[4];
                    for (int i = 1; i < 4; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(n, part, 100000));
                        workers[i].Start();
                    }
                    Console.WriteLine("main part");
                    Count(n, 0, 100000);
                    for (int i = 1; i < 4; i++) workers[i].Join();
                }
            }
            """
        },
        {
            "the loop starts at 1 and the caller runs nothing",
            """
                public static void Run(int n)
                {
                    var workers = new Thread[4];
                    for (int i = 1; i < 4; i++)
                    {
                        int part = i;
                        workers[i] = new Thread(() => Count(n, part, 100000));
                        workers[i].Start();
                    }
                    for (int i = 1; i < 4; i++) workers[i].Join();
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + "class C\n{\n" + Worker + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
    }
}
