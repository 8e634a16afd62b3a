using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL003's rewrites of threads kept nowhere and joined by a CountdownEvent, and of a pair of threads whose lambdas ignore
/// their parameter with a stopwatch started between creation and start, must compute what the threads computed.
/// </summary>
public class ThreadKeepJoinExecutionTests
{
    private const string Program = """
        using System;
        using System.Diagnostics;
        using System.Linq;
        using System.Threading;

        public static class Work
        {
            static int found;
            static long rise, fall;

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

            static int Primes(int lo, int hi, int threads)
            {
                var latch = new CountdownEvent(threads);
                float step = (hi - lo) / (float)threads;
                for (int i = 0; i < threads; i++)
                {
                    float from = lo + i * step + 1;
                    float to = lo + (i + 1) * step;
                    new Thread(() => Scan(from, to, latch)).Start();
                }
                latch.Wait();
                return found;
            }

            static long[] Squares(int[] data, int parts)
            {
                var slots = new long[parts];
                var done = new CountdownEvent(parts);
                for (int p = 0; p < parts; p++)
                {
                    int part = p;
                    var worker = new Thread(() =>
                    {
                        long local = 0;
                        for (int i = part; i < data.Length; i += parts) local += (long)data[i] * data[i] % 1000003;
                        slots[part] = local;
                        done.Signal();
                    });
                    worker.Start();
                }
                done.Wait();
                return slots;
            }

            static long Pair(int n)
            {
                Thread up = new Thread(x =>
                {
                    long local = 0;
                    for (int i = 0; i < n; i++) local += i % 3;
                    Interlocked.Add(ref rise, local);
                });
                Thread down = new Thread(x =>
                {
                    long local = 0;
                    for (int i = 0; i < n; i++) local -= i % 5;
                    Interlocked.Add(ref fall, local);
                });
                var watch = Stopwatch.StartNew();
                up.Start(); down.Start();
                up.Join();
                down.Join();
                watch.Stop();
                return rise + fall;
            }

            public static string Run(int n)
            {
                var primes = Primes(1, n, 6);
                var data = Enumerable.Range(0, 200000).Select(i => i * 7919 % 100003).ToArray();
                var squares = Squares(data, 5);
                var pair = Pair(n * 50);
                return primes + "|" + string.Join(";", squares) + "|" + pair;
            }
        }
        """;

    [Fact]
    public async Task KeepLatchAndIgnoredParameterPairComputeTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForEachKeepJoinKey));
        Assert.Single(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelInvokeKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("latch.Wait();", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Work.Before"), "Work.Run", 200000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Work.After"), "Work.Run", 200000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
