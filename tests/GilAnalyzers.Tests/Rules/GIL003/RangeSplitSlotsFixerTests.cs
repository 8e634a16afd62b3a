using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The whole-range rewrite of hand splits that write one result slot per partition (<c>partial[id] = sum</c>, summed
/// after the join) and of splits whose partitions call a method holding the range loop — with the calling thread running
/// partition 0 itself. Parallel.For balances the uneven rows; each worker adds its sum into the first slot, so the sum
/// over the slots is the same.
/// </summary>
public class RangeSplitSlotsFixerTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task CallerRunsSliceOfLocalFunctionWithSlots_ParallelForRangeFirst()
    {
        var source = Usings + """
            class C
            {
                static long Run(int n)
                {
                    int workers = Environment.ProcessorCount;
                    int slice = n / workers;
                    var partial = new long[workers];

                    void CountSlice(int id)
                    {
                        int from = id * slice;
                        int to = id == workers - 1 ? n : from + slice;
                        long close = 0;
                        for (int i = from; i < to; i++)
                        {
                            for (int j = 0; j < i; j++)
                            {
                                if (((i ^ j) & 7) == 0) close++;
                            }
                        }

                        partial[id] = close;
                    }

                    var threads = new Thread[workers];
                    for (int t = 1; t < workers; t++)
                    {
                        int id = t;
                        threads[t] = [|new Thread(() => CountSlice(id))|];
                        threads[t].Start();
                    }

                    CountSlice(0);
                    for (int t = 1; t < workers; t++) threads[t].Join();

                    long total = 0;
                    foreach (long count in partial) total += count;
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n)
                {
                    int workers = Environment.ProcessorCount;
                    int slice = n / workers;
                    var partial = new long[workers];
                    Parallel.For<long>(0, n, () => 0, (i, loopState, close) =>
                    {
                        for (int j = 0; j < i; j++)
                        {
                            if (((i ^ j) & 7) == 0) close++;
                        }
                        return close;
                    }, close =>
                    {
                        Interlocked.Add(ref partial[0], close);
                    });

                    long total = 0;
                    foreach (long count in partial) total += count;
                    return total;
                }
            }
            """;
        await new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            // The first action, the one Fix all and dotnet format apply.
            CodeActionIndex = 0,
        }.RunAsync();
    }

    [Fact]
    public async Task LambdaPartitionsWritingSlots_ParallelForRange()
    {
        var source = Usings + """
            class C
            {
                static int Run(int[] data)
                {
                    const int Workers = 4;
                    var found = new int[Workers];
                    var threads = new Thread[Workers];
                    for (int w = 0; w < Workers; w++)
                    {
                        int id = w;
                        int start = id * data.Length / Workers;
                        int end = (id + 1) * data.Length / Workers;
                        threads[w] = [|new Thread(() =>
                        {
                            int hits = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 2; d < data[k]; d++)
                                {
                                    if (data[k] % d == 0) { hits++; break; }
                                }
                            }
                            found[id] = hits;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    int sum = 0;
                    foreach (var f in found)
                    {
                        sum += f;
                    }
                    return sum;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static int Run(int[] data)
                {
                    const int Workers = 4;
                    var found = new int[Workers];
                    Parallel.For<int>(0, data.Length, () => 0, (k, loopState, hits) =>
                    {
                        for (int d = 2; d < data[k]; d++)
                        {
                            if (data[k] % d == 0) { hits++; break; }
                        }
                        return hits;
                    }, hits =>
                    {
                        Interlocked.Add(ref found[0], hits);
                    });
                    int sum = 0;
                    foreach (var f in found)
                    {
                        sum += f;
                    }
                    return sum;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task FlatWorkPerIndex_RangeComesSecond()
    {
        // Every index costs the same (no loop, no call): balancing gains nothing, so the partitions rewrite comes first
        // and the whole-range rewrite is the second action.
        var source = Usings + """
            class C
            {
                static long Run(int n)
                {
                    var partial = new long[2];
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int id = w;
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = id * n / 2; k < (id + 1) * n / 2; k++) sum += (long)k * k % 7;
                            partial[id] = sum;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n)
                {
                    var partial = new long[2];
                    Parallel.For<long>(0, n, () => 0, (k, loopState, sum) =>
                    {
                        sum += (long)k * k % 7;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref partial[0], sum);
                    });
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        await new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = RawThreadsCpuLoopFixer.ParallelForRangeKey,
            CodeActionIndex = 1,
        }.RunAsync();
    }

    [Fact]
    public async Task SlotsFoldedByTheJoinLoop_ParallelForRange()
    {
        // for (…) { threads[t].Join(); total += partial[t]; }: the join goes, the fold over every slot stays.
        var source = Usings + """
            class C
            {
                static long Run(int n, int workers)
                {
                    var partial = new long[workers];
                    var threads = new Thread[workers];
                    int chunk = (n + workers - 1) / workers;
                    for (int t = 0; t < workers; t++)
                    {
                        int id = t;
                        int start = id * chunk;
                        int end = Math.Min(n, start + chunk);
                        threads[t] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 1; d <= k; d++) sum += k % d;
                            }
                            partial[id] = sum;
                        })|];
                        threads[t].Start();
                    }
                    long total = 0;
                    for (int t = 0; t < workers; t++)
                    {
                        threads[t].Join();
                        total += partial[t];
                    }
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Run(int n, int workers)
                {
                    var partial = new long[workers];
                    int chunk = (n + workers - 1) / workers;
                    Parallel.For<long>(0, n, () => 0, (k, loopState, sum) =>
                    {
                        for (int d = 1; d <= k; d++) sum += k % d;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref partial[0], sum);
                    });
                    long total = 0;
                    for (int t = 0; t < workers; t++)
                    {
                        total += partial[t];
                    }
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task FixAll_RewritesEverySlotSplitInTheDocument()
    {
        var source = Usings + """
            class C
            {
                static long Remainders(int n)
                {
                    var partial = new long[2];
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int id = w;
                        int start = id * n / 2;
                        int end = (id + 1) * n / 2;
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 1; d <= k; d++) sum += k % d;
                            }
                            partial[id] = sum;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }

                static long Xors(int n)
                {
                    var partial = new long[2];
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int id = w;
                        int start = id * n / 2;
                        int end = (id + 1) * n / 2;
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 1; d <= k; d++) sum += k ^ d;
                            }
                            partial[id] = sum;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long Remainders(int n)
                {
                    var partial = new long[2];
                    Parallel.For<long>(0, n, () => 0, (k, loopState, sum) =>
                    {
                        for (int d = 1; d <= k; d++) sum += k % d;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref partial[0], sum);
                    });
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }

                static long Xors(int n)
                {
                    var partial = new long[2];
                    Parallel.For<long>(0, n, () => 0, (k, loopState, sum) =>
                    {
                        for (int d = 1; d <= k; d++) sum += k ^ d;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref partial[0], sum);
                    });
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task SlotsFoldedFromTheSecond_OfferNoRangeFix()
    {
        // The fold skips slot 0: the slots' values, not only their sum, decide the result.
        var source = Usings + """
            class C
            {
                static long Run(int n)
                {
                    var partial = new long[2];
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int id = w;
                        int start = id * n / 2;
                        int end = (id + 1) * n / 2;
                        threads[w] = [|new Thread(() =>
                        {
                            long sum = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 1; d <= k; d++) sum += k % d;
                            }
                            partial[id] = sum;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    long total = 0;
                    for (int t = 1; t < partial.Length; t++) total += partial[t];
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task SlotsReadOneByOne_OfferNoRangeFix()
    {
        // found[1] is printed: the slots' values, not only their sum, are seen after the join.
        var source = Usings + """
            class C
            {
                static void Run(int n)
                {
                    var found = new long[2];
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int id = w;
                        int start = id * n / 2;
                        int end = (id + 1) * n / 2;
                        threads[w] = [|new Thread(() =>
                        {
                            long hits = 0;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 0; d < k; d++) hits += (k ^ d) & 1;
                            }
                            found[id] = hits;
                        })|];
                        threads[w].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    Console.WriteLine(found[1]);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task AccumulatorStartingAboveZero_OffersNoRangeFix()
    {
        // Each partition adds its start of 1 once; after the rewrite each worker would: the counts differ.
        var source = Usings + """
            class C
            {
                static long total;

                static void Run(int n)
                {
                    var threads = new Thread[2];
                    for (int w = 0; w < 2; w++)
                    {
                        int start = w * n / 2;
                        int end = (w + 1) * n / 2;
                        threads[w] = [|new Thread(() =>
                        {
                            long hits = 1;
                            for (int k = start; k < end; k++)
                            {
                                for (int d = 0; d < k; d++) hits += (k ^ d) & 1;
                            }
                            Interlocked.Add(ref total, hits);
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
    public async Task LocalFunctionCalledElsewhere_IsKept()
    {
        var source = Usings + """
            class C
            {
                static long total;

                static void Run(int n)
                {
                    int workers = 4;
                    int chunk = n / workers;
                    void Slice(int p)
                    {
                        int start = p * chunk;
                        int end = p == workers - 1 ? n : start + chunk;
                        long sum = 0;
                        for (int k = start; k < end; k++)
                        {
                            for (int d = 0; d < k; d++) sum += (k * d) & 3;
                        }
                        Interlocked.Add(ref total, sum);
                    }

                    var threads = new Thread[workers];
                    for (int t = 0; t < workers; t++)
                    {
                        int p = t;
                        threads[t] = [|new Thread(() => Slice(p))|];
                        threads[t].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    Slice(workers - 1);
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static long total;

                static void Run(int n)
                {
                    int workers = 4;
                    int chunk = n / workers;
                    void Slice(int p)
                    {
                        int start = p * chunk;
                        int end = p == workers - 1 ? n : start + chunk;
                        long sum = 0;
                        for (int k = start; k < end; k++)
                        {
                            for (int d = 0; d < k; d++) sum += (k * d) & 3;
                        }
                        Interlocked.Add(ref total, sum);
                    }
                    Parallel.For<long>(0, n, () => 0, (k, loopState, sum) =>
                    {
                        for (int d = 0; d < k; d++) sum += (k * d) & 3;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref total, sum);
                    });
                    Slice(workers - 1);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task PrivateMethodPartitions_ParallelForRange()
    {
        var source = Usings + """
            class C
            {
                private readonly int[] weights = new int[1000];
                private long total;

                private void Work(int p)
                {
                    int start = p * weights.Length / 2;
                    int end = (p + 1) * weights.Length / 2;
                    long sum = 0;
                    for (int k = start; k < end; k++)
                    {
                        for (int d = 0; d < k; d++) sum += weights[k] ^ d;
                    }
                    Interlocked.Add(ref total, sum);
                }

                public void Run()
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int p = t;
                        threads[t] = [|new Thread(() => Work(p))|];
                        threads[t].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                private readonly int[] weights = new int[1000];
                private long total;

                private void Work(int p)
                {
                    int start = p * weights.Length / 2;
                    int end = (p + 1) * weights.Length / 2;
                    long sum = 0;
                    for (int k = start; k < end; k++)
                    {
                        for (int d = 0; d < k; d++) sum += weights[k] ^ d;
                    }
                    Interlocked.Add(ref total, sum);
                }

                public void Run()
                {
                    Parallel.For<long>(0, weights.Length, () => 0, (k, loopState, sum) =>
                    {
                        for (int d = 0; d < k; d++) sum += weights[k] ^ d;
                        return sum;
                    }, sum =>
                    {
                        Interlocked.Add(ref total, sum);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }

    [Fact]
    public async Task MethodWhoseFieldALocalHidesAtTheFanOut_OffersNoRangeFix()
    {
        // The loop reads the field `weights`; where the threads are made a local of that name hides it.
        var source = Usings + """
            class C
            {
                private readonly int[] weights = new int[1000];
                private long total;

                private void Work(int p)
                {
                    int start = p * weights.Length / 2;
                    int end = (p + 1) * weights.Length / 2;
                    long sum = 0;
                    for (int k = start; k < end; k++)
                    {
                        for (int d = 0; d < k; d++) sum += weights[k] ^ d;
                    }
                    Interlocked.Add(ref total, sum);
                }

                public void Run()
                {
                    var weights = new int[3];
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int p = t;
                        threads[t] = [|new Thread(() => Work(p))|];
                        threads[t].Start();
                    }
                    foreach (var thread in threads) thread.Join();
                    Console.WriteLine(weights.Length);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, RawThreadsCpuLoopFixer.ParallelForRangeKey);
    }
}
