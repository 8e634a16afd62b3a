using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003's Parallel.For for threads made by a LINQ query (<c>Enumerable.Range(0, n).Select(i =&gt; new Thread(…)).ToList()</c>)
/// and started and joined by the next two statements (foreach or List.ForEach): the three statements become one
/// Parallel.For over the same range; anything else around the threads keeps the refusal, with the reason.
/// </summary>
public class QueryMadeThreadsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Bands = """
            static readonly double[] bands = new double[8];

            static void Band(int band, int stride)
            {
                double total = 0;
                for (int row = band; row < 4_000; row += stride)
                {
                    for (int col = 0; col < 4_000; col++)
                    {
                        total += Math.Sqrt(row * 31 + col);
                    }
                }

                bands[band] = total;
            }

        """;

    [Fact]
    public async Task ForeachStartsAndJoins_LambdaWork_ParallelForOverTheRange()
    {
        var source = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    // one thread per band
                    var threads = Enumerable.Range(0, workers).Select(b => {|GIL003:new Thread(() => Band(b, workers))|}).ToList();
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads)
                    {
                        t.Join();
                    }

                    return bands.Sum();
                }
            }
            """;
        var fixedSource = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    // one thread per band
                    Parallel.For(0, workers, b => Band(b, workers));

                    return bands.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForQueryKey);
    }

    [Fact]
    public async Task ListForEachStartsAndJoins_NamedThreadsBlockWork_ParallelForAndTheOnlyAction()
    {
        var source = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    var pool = Enumerable.Range(0, workers)
                        .Select(w => {|GIL003:new Thread(() =>
                        {
                            Band(w, workers);
                        }) { Name = "band " + w }|})
                        .ToList();
                    pool.ForEach(t => t.Start());
                    pool.ForEach(t => t.Join());
                    return bands.Sum();
                }
            }
            """;
        var fixedSource = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    Parallel.For(0, workers, w =>
                    {
                        Band(w, workers);
                    });
                    return bands.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForQueryKey);

        var offers = await CodeFixOffers.ForAsync(source.Replace("{|GIL003:", string.Empty).Replace("|}", string.Empty));
        var gil003 = Assert.Single(offers, o => o.Id == "GIL003");
        Assert.Equal(RawThreadsCpuLoopFixer.ParallelForQueryKey, gil003.Keys[0]);
    }

    [Fact]
    public async Task FixAll_MethodGroupWorkAndAnArrayFromAnOffsetRange()
    {
        var source = Usings + "class Sky\n{\n" + Bands + """
                static int next = -1;

                static void Drain()
                {
                    int band;
                    while ((band = Interlocked.Increment(ref next)) < bands.Length)
                    {
                        Band(band, bands.Length);
                    }
                }

                static void Greedy(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(_ => {|GIL003:new Thread(Drain)|}).ToArray();
                    foreach (var t in threads) { t.Start(); }
                    Array.ForEach(threads, t => t.Join());
                }

                static void Offset()
                {
                    var threads = Enumerable.Range(2, 6).Select(b => {|GIL003:new Thread(delegate () { Band(b, 6); })|}).ToList();
                    threads.ForEach(t => t.Start());
                    threads.ForEach(t => t.Join());
                }
            }
            """;
        var fixedSource = Usings + "class Sky\n{\n" + Bands + """
                static int next = -1;

                static void Drain()
                {
                    int band;
                    while ((band = Interlocked.Increment(ref next)) < bands.Length)
                    {
                        Band(band, bands.Length);
                    }
                }

                static void Greedy(int workers)
                {
                    Parallel.For(0, workers, _ => Drain());
                }

                static void Offset()
                {
                    Parallel.For(2, 2 + (6), b => { Band(b, 6); });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForQueryKey);
    }

    [Fact]
    public async Task CallingThreadRunsTheSameWorkBetweenStartAndJoin_OneIndexMore()
    {
        var source = Usings + "class Sky\n{\n" + Bands + """
                static int next = -1;

                static void Drain()
                {
                    int band;
                    while ((band = Interlocked.Increment(ref next)) < bands.Length)
                    {
                        Band(band, bands.Length);
                    }
                }

                static void Helpers(int workers)
                {
                    var helpers = Enumerable.Range(0, workers - 1).Select(_ => {|GIL003:new Thread(Drain)|}).ToList();
                    foreach (var t in helpers) t.Start();
                    Drain();
                    foreach (var t in helpers) t.Join();
                }

                static void Spare(int spare)
                {
                    var helpers = Enumerable.Range(0, spare).Select(_ => {|GIL003:new Thread(() => Band(0, 1))|}).ToList();
                    helpers.ForEach(t => t.Start());
                    Band(0, 1);
                    helpers.ForEach(t => t.Join());
                }
            }
            """;
        var fixedSource = Usings + "class Sky\n{\n" + Bands + """
                static int next = -1;

                static void Drain()
                {
                    int band;
                    while ((band = Interlocked.Increment(ref next)) < bands.Length)
                    {
                        Band(band, bands.Length);
                    }
                }

                static void Helpers(int workers)
                {
                    Parallel.For(0, workers, _ => Drain());
                }

                static void Spare(int spare)
                {
                    Parallel.For(0, (spare) + 1, _ => Band(0, 1));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForQueryKey);
    }

    [Fact]
    public async Task Refusals_CodeBetweenStartAndJoin_CountRead_CallerRunsOtherWork_NameWithEffects_OwnThread()
    {
        var reasons = await FixRefusals.ReasonsAsync(Usings + "class Sky\n{\n" + Bands + """
                static void Between(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => new Thread(() => Band(b, workers))).ToList();
                    foreach (var t in threads) t.Start();
                    Band(workers - 1, workers);
                    foreach (var t in threads) t.Join();
                }

                static int CountRead(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => new Thread(() => Band(b, workers))).ToList();
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                    return threads.Count;
                }

                static void CallerRunsOtherWork(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => new Thread(() => Band(b, workers))).ToList();
                    threads.ForEach(t => t.Start());
                    Band(0, workers);
                    threads.ForEach(t => t.Join());
                }

                static int s_named;

                static string NextName() => "band " + s_named++;

                static void NamedByCall(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => new Thread(() => Band(b, workers)) { Name = NextName() }).ToList();
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                }

                static void OwnThread(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => new Thread(() => { Band(b, workers); Console.WriteLine(Thread.CurrentThread.ManagedThreadId); })).ToList();
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                }
            }
            """, DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(5, reasons.Count);
        Assert.All(reasons, r => Assert.StartsWith("GIL003-N1", r));
        Assert.Contains("the query's threads cannot run as one Parallel.For: the threads are not all started by the next statement and joined by the one after it", reasons[0]);
        Assert.Contains("the query's threads cannot run as one Parallel.For: the thread collection 'threads' is used for more than starting and joining", reasons[1]);
        Assert.Contains("the query's threads cannot run as one Parallel.For: the threads are not all started by the next statement", reasons[2]);
        Assert.Contains("the query's threads cannot run as one Parallel.For: the threads are configured ({ Name = NextName() })", reasons[3]);
        Assert.Contains("the query's threads cannot run as one Parallel.For: the work depends on its own thread", reasons[4]);
    }

    [Fact]
    public async Task StackSizeUpToTheDefault_GoesWithTheThreads_ParallelForOverTheRange()
    {
        // A 256 KB stack only saves memory: the pool threads Parallel.For runs on have at least the default, as in the
        // loop rewrite (SmallStackThreadsFixerTests). Larger sizes are deliberate and are not reported at all.
        var source = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    var threads = Enumerable.Range(0, workers).Select(b => {|GIL003:new Thread(() => Band(b, workers), 256 * 1024)|}).ToList();
                    foreach (var t in threads) t.Start();
                    foreach (var t in threads) t.Join();
                    return bands.Sum();
                }
            }
            """;
        var fixedSource = Usings + "class Sky\n{\n" + Bands + """
                static double Run(int workers)
                {
                    Parallel.For(0, workers, b => Band(b, workers));
                    return bands.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForQueryKey);
    }
}
