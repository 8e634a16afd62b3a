using System.Collections.Generic;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's rewrite of the joins real code writes besides a CountdownEvent: an event array or list joined by
/// WaitHandle.WaitAll (or a WaitOne loop), a pending counter whose last item sets an event, and new Task chunks started
/// by hand and joined by Task.WaitAll or a Wait loop. Each goes to Parallel.For with its join objects removed, or is
/// refused with a reason when they serve more than the join.
/// </summary>
public class PoolJoinRewriteTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task EventArrayJoinedByWaitAll_ParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Blur
            {
                static void Rows(float[,] image, float[,] output, int bands)
                {
                    var finished = new ManualResetEvent[bands];
                    for (int b = 0; b < bands; b++)
                    {
                        int band = b;
                        finished[b] = new ManualResetEvent(false);
                        {|#0:ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int y = band; y < image.GetLength(0); y += bands)
                                for (int x = 1; x < image.GetLength(1) - 1; x++)
                                    output[y, x] = (image[y, x - 1] + image[y, x] + image[y, x + 1]) / 3f;
                            finished[band].Set();
                        })|};
                    }
                    WaitHandle.WaitAll(finished);
                }
            }
            """;
        var fixedSource = Usings + """
            class Blur
            {
                static void Rows(float[,] image, float[,] output, int bands)
                {
                    Parallel.For(0, bands, b =>
                    {
                        int band = b;
                        for (int y = band; y < image.GetLength(0); y += bands)
                            for (int x = 1; x < image.GetLength(1) - 1; x++)
                                output[y, x] = (image[y, x - 1] + image[y, x] + image[y, x + 1]) / 3f;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'bands'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task EventMadeInLoopAddedToList_WaitAllOverToArray_ParallelFor()
    {
        var source = Usings + """
            class Hashes
            {
                static void Fill(ulong[] seeds, ulong[] digests)
                {
                    var handles = new List<WaitHandle>();
                    for (int i = 0; i < seeds.Length; i++)
                    {
                        int slot = i;
                        var ready = new AutoResetEvent(false);
                        handles.Add(ready);
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            ulong h = seeds[slot];
                            for (int round = 0; round < 100000; round++) h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
                            digests[slot] = h;
                            ready.Set();
                        })|];
                    }
                    WaitHandle.WaitAll(handles.ToArray());
                }
            }
            """;
        var fixedSource = Usings + """
            class Hashes
            {
                static void Fill(ulong[] seeds, ulong[] digests)
                {
                    Parallel.For(0, seeds.Length, i =>
                    {
                        int slot = i;
                        ulong h = seeds[slot];
                        for (int round = 0; round < 100000; round++) h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
                        digests[slot] = h;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task EventsFilledInTheirOwnLoop_WaitOnePerEvent_DisposedAfter_ParallelFor()
    {
        var source = Usings + """
            class Norms
            {
                static void Run(double[][] vectors, double[] norms)
                {
                    int n = vectors.Length;
                    var signals = new ManualResetEvent[n];
                    for (int i = 0; i < n; i++)
                        signals[i] = new ManualResetEvent(false);
                    for (int i = 0; i < n; i++)
                    {
                        int k = i;
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            double s = 0;
                            foreach (var v in vectors[k]) s += v * v;
                            norms[k] = Math.Sqrt(s);
                            signals[k].Set();
                        })|];
                    }
                    foreach (var signal in signals)
                        signal.WaitOne();
                    foreach (var signal in signals)
                        signal.Dispose();
                    Console.WriteLine(norms.Sum());
                }
            }
            """;
        var fixedSource = Usings + """
            class Norms
            {
                static void Run(double[][] vectors, double[] norms)
                {
                    int n = vectors.Length;
                    Parallel.For(0, n, i =>
                    {
                        int k = i;
                        double s = 0;
                        foreach (var v in vectors[k]) s += v * v;
                        norms[k] = Math.Sqrt(s);
                    });
                    Console.WriteLine(norms.Sum());
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp8)]
    [InlineData(LanguageVersion.Latest)]
    public async Task PendingCounterAndEvent_ParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Primes
            {
                static void Count(int[] limits, int[] counts)
                {
                    int pending = limits.Length;
                    using var allDone = new ManualResetEvent(false);
                    for (int i = 0; i < limits.Length; i++)
                    {
                        int at = i;
                        {|#0:ThreadPool.QueueUserWorkItem(_ =>
                        {
                            int found = 0;
                            for (int p = 2; p <= limits[at]; p++)
                            {
                                bool prime = true;
                                for (int d = 2; d * d <= p; d++) if (p % d == 0) { prime = false; break; }
                                if (prime) found++;
                            }
                            counts[at] = found;
                            if (Interlocked.Decrement(ref pending) == 0)
                                allDone.Set();
                        })|};
                    }
                    allDone.WaitOne();
                    Console.WriteLine(counts.Sum());
                }
            }
            """;
        var fixedSource = Usings + """
            class Primes
            {
                static void Count(int[] limits, int[] counts)
                {
                    Parallel.For(0, limits.Length, i =>
                    {
                        int at = i;
                        int found = 0;
                        for (int p = 2; p <= limits[at]; p++)
                        {
                            bool prime = true;
                            for (int d = 2; d * d <= p; d++) if (p % d == 0) { prime = false; break; }
                            if (prime) found++;
                        }
                        counts[at] = found;
                    });
                    Console.WriteLine(counts.Sum());
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'limits.Length'", "ThreadPool.QueueUserWorkItem + Interlocked counter + event", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task CompletedCounterCountingUpToTheChunks_ParallelFor()
    {
        var source = Usings + """
            class Chunks
            {
                static void Count(int chunks, int size, int[] found)
                {
                    int completed = 0;
                    var allDone = new ManualResetEvent(false);
                    for (int c = 0; c < chunks; c++)
                    {
                        int first = c * size;
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            int hits = 0;
                            for (int v = first; v < first + size; v++)
                                if (v > 1 && Enumerable.Range(2, (int)Math.Sqrt(v) - 1).All(d => v % d != 0)) hits++;
                            found[first / size] = hits;
                            if (Interlocked.Increment(ref completed) == chunks)
                                allDone.Set();
                        })|];
                    }
                    allDone.WaitOne();
                }
            }
            """;
        var fixedSource = Usings + """
            class Chunks
            {
                static void Count(int chunks, int size, int[] found)
                {
                    Parallel.For(0, chunks, c =>
                    {
                        int first = c * size;
                        int hits = 0;
                        for (int v = first; v < first + size; v++)
                            if (v > 1 && Enumerable.Range(2, (int)Math.Sqrt(v) - 1).All(d => v % d != 0)) hits++;
                        found[first / size] = hits;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task CompletedCounterNotCountingFromZero_KeepJoinFix()
    {
        var source = Usings + """
            class Chunks
            {
                static void OffByOne(int chunks, int size, int[] found)
                {
                    int completed = 1;
                    var allDone = new ManualResetEvent(false);
                    for (int c = 0; c < chunks; c++)
                    {
                        int first = c * size;
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            int hits = 0;
                            for (int v = first; v < first + size; v++)
                                if (v > 1 && Enumerable.Range(2, (int)Math.Sqrt(v) - 1).All(d => v % d != 0)) hits++;
                            found[first / size] = hits;
                            if (Interlocked.Increment(ref completed) == chunks)
                                allDone.Set();
                        })|];
                    }
                    allDone.WaitOne();
                }
            }
            """;
        var fixedSource = Usings + """
            class Chunks
            {
                static void OffByOne(int chunks, int size, int[] found)
                {
                    int completed = 1;
                    var allDone = new ManualResetEvent(false);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int c = 0; c < chunks; c++)
                    {
                        int first = c * size;
                        workItems.Add((_ =>
                        {
                            int hits = 0;
                            for (int v = first; v < first + size; v++)
                                if (v > 1 && Enumerable.Range(2, (int)Math.Sqrt(v) - 1).All(d => v % d != 0)) hits++;
                            found[first / size] = hits;
                            if (Interlocked.Increment(ref completed) == chunks)
                                allDone.Set();
                        }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    allDone.WaitOne();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task NewTaskStartedInLoop_WaitAll_ParallelFor()
    {
        var source = Usings + """
            class Pi
            {
                static void Sample(int workers, long perWorker, long[] hits)
                {
                    var workersTasks = new Task[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int id = w;
                        workersTasks[w] = [|new Task(() =>
                        {
                            var rng = new Random(id);
                            long inside = 0;
                            for (long k = 0; k < perWorker; k++)
                            {
                                double x = rng.NextDouble(), y = rng.NextDouble();
                                if (x * x + y * y <= 1) inside++;
                            }
                            hits[id] = inside;
                        }, TaskCreationOptions.LongRunning)|];
                        workersTasks[w].Start();
                    }
                    Task.WaitAll(workersTasks);
                }
            }
            """;
        var fixedSource = Usings + """
            class Pi
            {
                static void Sample(int workers, long perWorker, long[] hits)
                {
                    Parallel.For(0, workers, w =>
                    {
                        int id = w;
                        var rng = new Random(id);
                        long inside = 0;
                        for (long k = 0; k < perWorker; k++)
                        {
                            double x = rng.NextDouble(), y = rng.NextDouble();
                            if (x * x + y * y <= 1) inside++;
                        }
                        hits[id] = inside;
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task NewTaskInLocal_StartedByALaterLoop_WaitedOneByOne_ParallelFor()
    {
        var source = Usings + """
            class Squares
            {
                static void Run(double[] data, int parts)
                {
                    var jobs = new List<Task>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        var job = [|new Task(() =>
                        {
                            for (int i = part; i < data.Length; i += parts) data[i] = Math.Sqrt(data[i]) * Math.Log(data[i] + 1);
                        })|];
                        jobs.Add(job);
                    }
                    foreach (var job in jobs)
                        job.Start();
                    foreach (var job in jobs)
                        job.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            class Squares
            {
                static void Run(double[] data, int parts)
                {
                    Parallel.For(0, parts, p =>
                    {
                        int part = p;
                        for (int i = part; i < data.Length; i += parts) data[i] = Math.Sqrt(data[i]) * Math.Log(data[i] + 1);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task ForEachOverItems_CountdownAndTaskList_ParallelForEach()
    {
        var source = Usings + """
            class Digests
            {
                static void Queued(string[] words, Dictionary<string, int> unused, int[] scores)
                {
                    using (var left = new CountdownEvent(words.Length))
                    {
                        foreach (var word in words)
                        {
                            [|ThreadPool.QueueUserWorkItem(_ =>
                            {
                                int h = 17;
                                for (int round = 0; round < 20000; round++)
                                    foreach (char c in word) h = h * 31 + c;
                                scores[word.Length % scores.Length] ^= h;
                                left.Signal();
                            })|];
                        }
                        left.Wait();
                    }
                }

                static void Tasks(List<double[]> rows)
                {
                    var running = new List<Task>();
                    foreach (var row in rows)
                    {
                        running.Add([|Task.Factory.StartNew(() =>
                        {
                            for (int i = 0; i < row.Length; i++) row[i] = Math.Sqrt(Math.Abs(row[i])) + Math.Log(i + 1);
                        }, TaskCreationOptions.LongRunning)|]);
                    }
                    Task.WaitAll(running.ToArray());
                }
            }
            """;
        var fixedSource = Usings + """
            class Digests
            {
                static void Queued(string[] words, Dictionary<string, int> unused, int[] scores)
                {
                    Parallel.ForEach(words, word =>
                    {
                        int h = 17;
                        for (int round = 0; round < 20000; round++)
                            foreach (char c in word) h = h * 31 + c;
                        scores[word.Length % scores.Length] ^= h;
                    });
                }

                static void Tasks(List<double[]> rows)
                {
                    Parallel.ForEach(rows, row =>
                    {
                        for (int i = 0; i < row.Length; i++) row[i] = Math.Sqrt(Math.Abs(row[i])) + Math.Log(i + 1);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task ForEachOverItems_CountdownNotTheItemCount_KeepJoinFix()
    {
        var source = Usings + """
            class Digests
            {
                static void Queued(List<string> words, int[] scores)
                {
                    var left = new CountdownEvent(3);
                    foreach (var word in words)
                    {
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            int h = 17;
                            for (int round = 0; round < 20000; round++)
                                foreach (char c in word) h = h * 31 + c;
                            scores[word.Length % scores.Length] ^= h;
                            left.Signal();
                        })|];
                    }
                    left.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            class Digests
            {
                static void Queued(List<string> words, int[] scores)
                {
                    var left = new CountdownEvent(3);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    foreach (var word in words)
                    {
                        workItems.Add((_ =>
                        {
                            int h = 17;
                            for (int round = 0; round < 20000; round++)
                                foreach (char c in word) h = h * 31 + c;
                            scores[word.Length % scores.Length] ^= h;
                            left.Signal();
                        }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    left.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task FixAll_EventArrayCounterAndNewTaskShapes()
    {
        var source = Usings + """
            class Work
            {
                static void Events(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]);
                            events[id].Set();
                        })|];
                    }
                    WaitHandle.WaitAll(events);
                }

                static void Counter(double[] data)
                {
                    int remaining = 4;
                    var allDone = new ManualResetEventSlim(false);
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        [|ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]);
                            if (Interlocked.Decrement(ref remaining) == 0) allDone.Set();
                        })|];
                    }
                    allDone.Wait();
                }

                static void NewTaskStart(double[] data)
                {
                    var tasks = new Task[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        tasks[t] = [|new Task(() => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Log(data[i]); })|];
                        tasks[t].Start();
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        var fixedSource = Usings + """
            class Work
            {
                static void Events(double[] data)
                {
                    Parallel.For(0, 4, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]);
                    });
                }

                static void Counter(double[] data)
                {
                    Parallel.For(0, 4, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]);
                    });
                }

                static void NewTaskStart(double[] data)
                {
                    Parallel.For(0, 4, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 4) data[i] = Math.Log(data[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task JoinObjectsUsedBeyondTheJoin_KeepJoinFix()
    {
        var source = Usings + """
            class Kept
            {
                static void EventsReadAfterwards(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        [|ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); })|];
                    }
                    WaitHandle.WaitAll(events);
                    Console.WriteLine(events[0].WaitOne(0));
                }

                static void CounterStartsElsewhere(double[] data)
                {
                    int remaining = 5;
                    var allDone = new ManualResetEvent(false);
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        [|ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]); if (Interlocked.Decrement(ref remaining) == 0) allDone.Set(); })|];
                    }
                    allDone.WaitOne();
                }

                static void WaitAllWithTimeout(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        [|ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); })|];
                    }
                    WaitHandle.WaitAll(events, 5000);
                }

                static void OtherWorkWhileItemsRun(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        [|ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); })|];
                    }
                    Console.WriteLine("queued");
                    WaitHandle.WaitAll(events);
                }
            }
            """;
        var fixedSource = Usings + """
            class Kept
            {
                static void EventsReadAfterwards(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        workItems.Add((_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(events);
                    Console.WriteLine(events[0].WaitOne(0));
                }

                static void CounterStartsElsewhere(double[] data)
                {
                    int remaining = 5;
                    var allDone = new ManualResetEvent(false);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        workItems.Add((_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]); if (Interlocked.Decrement(ref remaining) == 0) allDone.Set(); }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    allDone.WaitOne();
                }

                static void WaitAllWithTimeout(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        workItems.Add((_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(events, 5000);
                }

                static void OtherWorkWhileItemsRun(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        workItems.Add((_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); }, null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    Console.WriteLine("queued");
                    WaitHandle.WaitAll(events);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task TasksUsedBeyondTheJoin_ReportedWithoutFix()
    {
        var source = Usings + """
            class Kept
            {
                static void ResultsReadInTheWaitLoop(int[] limits)
                {
                    var tasks = new List<Task<int>>();
                    for (int t = 0; t < limits.Length; t++)
                    {
                        int id = t;
                        var task = [|new Task<int>(() => { int c = 0; for (int p = 2; p < limits[id]; p++) if (p % 7 == 3) c++; return c; })|];
                        task.Start();
                        tasks.Add(task);
                    }
                    int total = 0;
                    foreach (var task in tasks)
                    {
                        task.Wait();
                        total += task.Result;
                    }
                    Console.WriteLine(total);
                }

                static void TasksWithTimeout(double[] data)
                {
                    var tasks = new Task[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        tasks[t] = [|Task.Factory.StartNew(() => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Log(data[i]); }, TaskCreationOptions.LongRunning)|];
                    }
                    Task.WaitAll(tasks, 5000);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task JoinsTheFullRewriteCannotRemove_GetTheKeepJoinFix()
    {
        var reasons = await ReasonsAsync(Usings + """
            class Kept
            {
                static void EventsReadAfterwards(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); });
                    }
                    WaitHandle.WaitAll(events);
                    Console.WriteLine(events[0].WaitOne(0));
                }

                static void CounterStartsElsewhere(double[] data)
                {
                    int remaining = 5;
                    var allDone = new ManualResetEvent(false);
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Exp(data[i]); if (Interlocked.Decrement(ref remaining) == 0) allDone.Set(); });
                    }
                    allDone.WaitOne();
                }

                static void EventInState(double[] data)
                {
                    var events = new AutoResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        events[t] = new AutoResetEvent(false);
                        ThreadPool.QueueUserWorkItem(Part, new object[] { data, t, events[t] });
                    }
                    WaitHandle.WaitAll(events);
                }

                static void Part(object state)
                {
                    var parts = (object[])state;
                    var data = (double[])parts[0];
                    int id = (int)parts[1];
                    for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]);
                    ((AutoResetEvent)parts[2]).Set();
                }
            }
            """);
        // The full rewrite cannot remove these joins (events read afterwards, a counter that does not start at the item
        // count, the event in the item's state); the keep-the-join rewrite still applies, so no refusal is left.
        Assert.Equal(new[] { "(fix offered)", "(fix offered)", "(fix offered)" }, reasons);
    }

    [Fact]
    public async Task EventJoinsWithIoOrSleepingOrPartialWaits_DoNotReport()
    {
        var source = Usings + """
            class Quiet
            {
                static void Files(string[] paths, long[] sizes)
                {
                    var events = new ManualResetEvent[paths.Length];
                    for (int i = 0; i < paths.Length; i++)
                    {
                        int k = i;
                        events[i] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(_ => { sizes[k] = new FileInfo(paths[k]).Length; events[k].Set(); });
                    }
                    WaitHandle.WaitAll(events);
                }

                static void Sleeps(int n)
                {
                    int pending = n;
                    var done = new ManualResetEvent(false);
                    for (int i = 0; i < n; i++)
                        ThreadPool.QueueUserWorkItem(_ => { Thread.Sleep(100); if (Interlocked.Decrement(ref pending) == 0) done.Set(); });
                    done.WaitOne();
                }

                static void FirstOnly(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        events[t] = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); events[id].Set(); });
                    }
                    WaitHandle.WaitAny(events);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    /// <summary>WhyNoFix's answer for every GIL004 diagnostic of the source, in order.</summary>
    internal static async Task<List<string>> ReasonsAsync(string source)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(),
                metadataReferences: SampleFixPipeline.PlatformReferences))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var result = new List<string>();
        foreach (var diagnostic in await SampleFixPipeline.AnalyzeAsync(document))
        {
            if (diagnostic.Id == DiagnosticIds.HandRolledPoolFanOut)
            {
                result.Add(await WhyNoFix.ExplainAsync(document, diagnostic) ?? "(fix offered)");
            }
        }

        return result;
    }

    [Fact]
    public async Task UnsignedIndexQueuingWithACountdown_BecomesLongParallelFor()
    {
        // for (uint i = 0; …): Parallel.For's long overload runs the same items and the index gets its own type back.
        var source = Usings + """
            class Blocks
            {
                static ulong Mix(ulong v) { for (int r = 0; r < 64; r++) v = v * 6364136223846793005UL + 1442695040888963407UL; return v; }

                public static ulong[] Run(uint count, ulong[] seeds)
                {
                    var results = new ulong[count];
                    using (var done = new CountdownEvent((int)count))
                    {
                        for (uint i = 0; i < count; i++)
                        {
                            uint block = i;
                            {|#0:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                ulong acc = 0;
                                for (int k = 0; k < seeds.Length; k++) acc ^= Mix(seeds[k] + block);
                                results[block] = acc;
                                done.Signal();
                            })|};
                        }
                        done.Wait();
                    }
                    return results;
                }
            }
            """;
        var fixedSource = Usings + """
            class Blocks
            {
                static ulong Mix(ulong v) { for (int r = 0; r < 64; r++) v = v * 6364136223846793005UL + 1442695040888963407UL; return v; }

                public static ulong[] Run(uint count, ulong[] seeds)
                {
                    var results = new ulong[count];
                    Parallel.For(0L, count, iIndex =>
                    {
                        uint i = (uint)iIndex;
                        uint block = i;
                        ulong acc = 0;
                        for (int k = 0; k < seeds.Length; k++) acc ^= Mix(seeds[k] + block);
                        results[block] = acc;
                    });
                    return results;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'count'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "calls 'Mix' (for loop)"));
    }
}
