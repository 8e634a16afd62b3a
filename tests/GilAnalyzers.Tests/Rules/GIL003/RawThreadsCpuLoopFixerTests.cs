using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

public class RawThreadsCpuLoopFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadArray_ParallelForPartitions(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static long Run(int n, int threadCount)
                {
                    var partial = new long[threadCount];
                    var threads = new Thread[threadCount];
                    for (int t = 0; t < threadCount; t++)
                    {
                        int id = t;
                        threads[t] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int i = id; i < n; i += threadCount) sum += (long)i * i;
                            partial[id] = sum;
                        })|];
                    }
                    foreach (var th in threads) th.Start();
                    foreach (var th in threads) th.Join();
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n, int threadCount)
                {
                    var partial = new long[threadCount];
                    Parallel.For(0, threadCount, t =>
                    {
                        int id = t;
                        long sum = 0;
                        for (int i = id; i < n; i += threadCount) sum += (long)i * i;
                        partial[id] = sum;
                    });
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task UnevenRangeSplit_ParallelForRangeWithLocalAccumulator(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static long Run(int n)
                {
                    int threadCount = Environment.ProcessorCount;
                    long total = 0;
                    int chunk = n / threadCount;
                    var threads = new Thread[threadCount];
                    for (int t = 0; t < threadCount; t++)
                    {
                        int id = t;
                        int start = id * chunk;
                        int end = id == threadCount - 1 ? n : start + chunk;
                        threads[t] = [|new Thread(() =>
                        {
                            long local = 0;
                            for (int j = start; j < end; j++)
                            {
                                for (int k = 0; k < j; k++) local += k % 7;
                            }
                            Interlocked.Add(ref total, local);
                        })|];
                        threads[t].Start();
                    }
                    for (int t = 0; t < threadCount; t++) threads[t].Join();
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n)
                {
                    int threadCount = Environment.ProcessorCount;
                    long total = 0;
                    int chunk = n / threadCount;
                    Parallel.For<long>(0, n, () => 0, (j, loopState, local) =>
                    {
                        for (int k = 0; k < j; k++) local += k % 7;
                        return local;
                    }, local =>
                    {
                        Interlocked.Add(ref total, local);
                    });
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey, version);
    }

    [Fact]
    public async Task RangeSplitWithoutAccumulator_ParallelForRange()
    {
        var source = Usings + """
            class C
            {
                static void Run(double[] output, int threadCount)
                {
                    var threads = new List<Thread>();
                    for (int t = 0; t < threadCount; t++)
                    {
                        int start = t * output.Length / threadCount;
                        int end = (t + 1) * output.Length / threadCount;
                        var worker = [|new Thread(() =>
                        {
                            for (int j = start; j < end; j++)
                            {
                                double x = 0;
                                for (int k = 0; k < 1000; k++) x += Math.Sin(j + k);
                                output[j] = x;
                            }
                        })|];
                        threads.Add(worker);
                        worker.Start();
                    }
                    foreach (var worker in threads) worker.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void Run(double[] output, int threadCount)
                {
                    Parallel.For(0, output.Length, j =>
                    {
                        double x = 0;
                        for (int k = 0; k < 1000; k++) x += Math.Sin(j + k);
                        output[j] = x;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task ParameterizedMethodGroup_ParallelForPartitions()
    {
        var source = Usings + """
            class C
            {
                static readonly long[] Results = new long[8];

                static void Work(object state)
                {
                    int id = (int)state;
                    long s = 0;
                    for (int i = 0; i < 1000000; i++) s += i % (id + 1);
                    Results[id] = s;
                }

                static void Run()
                {
                    var threads = new Thread[8];
                    for (int t = 0; t < 8; t++)
                    {
                        threads[t] = [|new Thread(Work)|];
                        threads[t].Start(t);
                    }
                    for (int t = 0; t < 8; t++) threads[t].Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly long[] Results = new long[8];

                static void Work(object state)
                {
                    int id = (int)state;
                    long s = 0;
                    for (int i = 0; i < 1000000; i++) s += i % (id + 1);
                    Results[id] = s;
                }

                static void Run()
                {
                    Parallel.For(0, 8, t =>
                    {
                        Work(t);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ExplicitThreads_ParallelInvoke(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static long Run(int n)
                {
                    long a = 0, b = 0;
                    var left = [|new Thread(() => { for (int i = 0; i < n / 2; i++) a += i; })|];
                    var right = new Thread(() => { for (int i = n / 2; i < n; i++) b += i; });
                    left.Start();
                    right.Start();
                    left.Join();
                    right.Join();
                    return a + b;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n)
                {
                    long a = 0, b = 0;
                    Parallel.Invoke(() => { for (int i = 0; i < n / 2; i++) a += i; }, () => { for (int i = n / 2; i < n; i++) b += i; });
                    return a + b;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelInvokeKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOutInTheDocument()
    {
        var source = Usings + """
            class C
            {
                static void A(double[] data)
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        threads[t] = [|new Thread(() => { for (int i = id; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); })|];
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }

                static void B(double[] data)
                {
                    var threads = new Thread[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        threads[t] = [|new Thread(() => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]); })|];
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void A(double[] data)
                {
                    Parallel.For(0, 2, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]);
                    });
                }

                static void B(double[] data)
                {
                    Parallel.For(0, 4, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task ThreadCapturingLoopVariable_ReportsWithoutFix()
    {
        var source = Usings + """
            class C
            {
                static void Run(double[] data)
                {
                    var threads = new Thread[4];
                    for (int t = 0; t < 4; t++)
                    {
                        threads[t] = [|new Thread(() => { for (int i = t; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); })|];
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task ThreadIdentityOrPriority_ReportsWithoutFix()
    {
        var source = Usings + """
            class C
            {
                [ThreadStatic] static double scratch;

                static void Run(double[] data)
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        threads[t] = [|new Thread(() => { for (int i = id; i < data.Length; i += 2) { scratch += data[i]; data[i] = scratch; } })|];
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }

                static void Prioritised(double[] data)
                {
                    var a = [|new Thread(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); })|];
                    var b = new Thread(() => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                    a.Priority = ThreadPriority.Highest;
                    a.Start(); b.Start(); a.Join(); b.Join();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task ThreadsJoinedOneByOne_AreNoFanOut()
    {
        var source = Usings + """
            class C
            {
                static void Loop(double[] data)
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        threads[t] = new Thread(() => { for (int i = id; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                        threads[t].Start();
                        threads[t].Join();
                    }
                }

                static void Explicit(double[] data)
                {
                    var a = new Thread(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                    var b = new Thread(() => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                    a.Start();
                    a.Join();
                    b.Start();
                    b.Join();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task CeilingChunkWithMathMinAndLockedMerge_ParallelForRange()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static long total;

                static void Run(int[] values, int workers)
                {
                    int chunk = (values.Length + workers - 1) / workers;
                    var threads = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int start = w * chunk;
                        int end = Math.Min(values.Length, start + chunk);
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int j = start; j < end; j++)
                            {
                                for (int k = 0; k < values[j]; k++) sum += k;
                            }
                            lock (Gate) { total += sum; }
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static long total;

                static void Run(int[] values, int workers)
                {
                    int chunk = (values.Length + workers - 1) / workers;
                    Parallel.For<long>(0, values.Length, () => 0, (j, loopState, sum) =>
                    {
                        for (int k = 0; k < values[j]; k++) sum += k;
                        return sum;
                    }, sum =>
                    {
                        lock (Gate) { total += sum; }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task SplitThatDoesNotCoverTheRange_OffersNoRangeFix()
    {
        var source = Usings + """
            class C
            {
                static long total;

                static void Run(int n, int workers)
                {
                    int chunk = n / workers;
                    var threads = new Thread[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int start = w * chunk;
                        int end = start + chunk;
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int j = start; j < end; j++) sum += j % 3;
                            Interlocked.Add(ref total, sum);
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task FloatingPointAccumulator_OffersNoRangeFix()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static void Run(int n)
                {
                    var threads = new Thread[2];
                    int chunk = n / 2;
                    for (int t = 0; t < 2; t++)
                    {
                        int start = t * chunk;
                        int end = t == 2 - 1 ? n : start + chunk;
                        threads[t] = [|new Thread(() =>
                        {
                            double local = 0;
                            for (int j = start; j < end; j++) local += Math.Sqrt(j);
                            lock (Gate) { total += local; }
                        })|];
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }
}

public class RawThreadsCpuLoopFixerImportTests
{
    [Fact]
    public async Task MissingTasksUsing_IsAdded()
    {
        var source = """
            using System;
            using System.Threading;

            class C
            {
                static void Run(double[] data)
                {
                    var a = [|new Thread(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); })|];
                    var b = new Thread(() => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                    a.Start();
                    b.Start();
                    a.Join();
                    b.Join();
                }
            }
            """;
        var fixedSource = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                static void Run(double[] data)
                {
                    Parallel.Invoke(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); }, () => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelInvokeKey);
    }
}
