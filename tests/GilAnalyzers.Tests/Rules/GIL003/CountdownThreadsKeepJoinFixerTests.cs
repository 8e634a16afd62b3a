using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003's keep-the-latch rewrite: threads made and started one per iteration, kept nowhere, and joined by a
/// CountdownEvent their work signals; the work is collected and run by Parallel.ForEach after the loop, the latch stays.
/// </summary>
public class CountdownThreadsKeepJoinFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task ChainedStart_HelperSignals_ParallelForEachAfterTheLoop()
    {
        var source = Usings + """
            class Ranges
            {
                static int found;

                static void Scan(float from, float to, CountdownEvent latch)
                {
                    for (long n = (long)from; n <= (long)to; n++)
                    {
                        bool prime = n > 1;
                        for (long d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                        if (prime) Interlocked.Increment(ref found);
                    }
                    latch.Signal();
                }

                static int Count(int lo, int hi, int threads)
                {
                    var latch = new CountdownEvent(threads);
                    float step = (hi - lo) / (float)threads;
                    for (int i = 0; i < threads; i++)
                    {
                        float from = lo + i * step + 1;
                        float to = lo + (i + 1) * step;
                        {|GIL003:new Thread(() => Scan(from, to, latch))|}.Start();
                    }
                    latch.Wait();
                    return found;
                }
            }
            """;
        var fixedSource = Usings + """
            class Ranges
            {
                static int found;

                static void Scan(float from, float to, CountdownEvent latch)
                {
                    for (long n = (long)from; n <= (long)to; n++)
                    {
                        bool prime = n > 1;
                        for (long d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                        if (prime) Interlocked.Increment(ref found);
                    }
                    latch.Signal();
                }

                static int Count(int lo, int hi, int threads)
                {
                    var latch = new CountdownEvent(threads);
                    float step = (hi - lo) / (float)threads;
                    var threadWork = new List<ThreadStart>();
                    for (int i = 0; i < threads; i++)
                    {
                        float from = lo + i * step + 1;
                        float to = lo + (i + 1) * step;
                        threadWork.Add(() => Scan(from, to, latch));
                    }
                    Parallel.ForEach(threadWork, work => work());
                    latch.Wait();
                    return found;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task FixAll_LocalThreadStartedNextAndAChainedOne()
    {
        var source = Usings + """
            class Sums
            {
                static long total;

                static void First(int[] data, int parts)
                {
                    var done = new CountdownEvent(parts);
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        var worker = {|GIL003:new Thread(() =>
                        {
                            long local = 0;
                            for (int i = part; i < data.Length; i += parts) local += (long)data[i] * data[i];
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        })|};
                        worker.Start();
                    }
                    done.Wait();
                }

                static void Second(int[] data, int parts)
                {
                    var done = new CountdownEvent(parts);
                    foreach (var part in new[] { 0, 1, 2, 3 })
                    {
                        {|GIL003:new Thread(() =>
                        {
                            long local = 0;
                            for (int i = part; i < data.Length; i += 4) local += data[i] % 13;
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        })|}.Start();
                    }
                    done.Wait();
                }
            }
            """;
        var fixedSource = Usings + """
            class Sums
            {
                static long total;

                static void First(int[] data, int parts)
                {
                    var done = new CountdownEvent(parts);
                    var threadWork = new List<ThreadStart>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        threadWork.Add(() =>
                        {
                            long local = 0;
                            for (int i = part; i < data.Length; i += parts) local += (long)data[i] * data[i];
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        });
                    }
                    Parallel.ForEach(threadWork, work => work());
                    done.Wait();
                }

                static void Second(int[] data, int parts)
                {
                    var done = new CountdownEvent(parts);
                    var threadWork = new List<ThreadStart>();
                    foreach (var part in new[] { 0, 1, 2, 3 })
                    {
                        threadWork.Add(() =>
                        {
                            long local = 0;
                            for (int i = part; i < data.Length; i += 4) local += data[i] % 13;
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        });
                    }
                    Parallel.ForEach(threadWork, work => work());
                    done.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task ReadsTheLoopVariable_OrThreadUsedAgain_NoFix()
    {
        var source = Usings + """
            class Sums
            {
                static long total;

                static void ReadsLoopVariable(int[] data)
                {
                    var done = new CountdownEvent(4);
                    for (int p = 0; p < 4; p++)
                    {
                        [|new Thread(() =>
                        {
                            long local = 0;
                            for (int i = p; i < data.Length; i += 4) local += data[i];
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        })|].Start();
                    }
                    done.Wait();
                }

                static void NamedAfterStart(int[] data)
                {
                    var done = new CountdownEvent(4);
                    for (int p = 0; p < 4; p++)
                    {
                        int part = p;
                        var worker = [|new Thread(() =>
                        {
                            long local = 0;
                            for (int i = part; i < data.Length; i += 4) local += data[i];
                            Interlocked.Add(ref total, local);
                            done.Signal();
                        })|];
                        worker.Start();
                        Console.WriteLine(worker.ManagedThreadId);
                    }
                    done.Wait();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
