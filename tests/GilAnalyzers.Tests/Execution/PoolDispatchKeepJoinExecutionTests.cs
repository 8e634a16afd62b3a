using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL004's keep-the-join rewrites, applied with the first code action, must compute what the hand-made pool fan-outs
/// computed: worker objects handed their event by the constructor, a latch carried in an object[] state, a lambda whose
/// helper signals, and a recursive merge sort that queues its two halves.
/// </summary>
public class PoolDispatchKeepJoinExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public sealed class Orbit
        {
            private readonly int _seed;
            private readonly ManualResetEvent _finished;

            public Orbit(int seed, ManualResetEvent finished)
            {
                _seed = seed;
                _finished = finished;
            }

            public long Steps { get; private set; }

            public void Run(object slot)
            {
                long total = 0;
                for (long n = _seed; n < _seed + 3000; n++)
                {
                    long x = n;
                    while (x != 1) { x = (x & 1) == 0 ? x / 2 : 3 * x + 1; total++; }
                }
                Steps = total + (int)slot;
                _finished.Set();
            }
        }

        public static class Fans
        {
            static readonly int[] hits = new int[64];
            static int primeCount;

            static long[] Orbits(int jobs)
            {
                var finished = new ManualResetEvent[jobs];
                var orbits = new Orbit[jobs];
                var random = new Random(11);
                for (int i = 0; i < jobs; i++)
                {
                    finished[i] = new ManualResetEvent(false);
                    var orbit = new Orbit(random.Next(1, 50000), finished[i]);
                    orbits[i] = orbit;
                    ThreadPool.QueueUserWorkItem(orbit.Run, i);
                }
                WaitHandle.WaitAll(finished);
                return orbits.Select(o => o.Steps).ToArray();
            }

            static void Tally(object payload)
            {
                var parts = (object[])payload;
                int stride = (int)parts[0];
                int local = 0;
                for (int v = stride; v < 400000; v += stride) local += v % 7 == 0 ? 1 : 0;
                Interlocked.Add(ref hits[stride % hits.Length], local);
                ((CountdownEvent)parts[1]).Signal();
            }

            static int[] Strides(int[] strides)
            {
                var latch = new CountdownEvent(strides.Length);
                foreach (var stride in strides)
                {
                    ThreadPool.QueueUserWorkItem(Tally, new object[] { stride, latch });
                }
                latch.Wait();
                return hits.ToArray();
            }

            static void Check(long n, CountdownEvent latch)
            {
                bool prime = n > 1;
                for (long d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                if (prime) Interlocked.Increment(ref primeCount);
                latch.Signal();
            }

            static int Primes(int from, int to)
            {
                var latch = new CountdownEvent((to - from) / 2);
                for (int i = from; i < to; i += 2)
                {
                    int candidate = i;
                    ThreadPool.QueueUserWorkItem(_ => Check(candidate, latch));
                }
                latch.Wait();
                return primeCount;
            }

            static void Sort(int[] a, int lo, int hi)
            {
                if (hi - lo < 4096) { Array.Sort(a, lo, hi - lo + 1); return; }
                int mid = (lo + hi) / 2;
                var leftDone = new ManualResetEvent(false);
                var rightDone = new ManualResetEvent(false);
                ThreadPool.QueueUserWorkItem(_ => { Sort(a, lo, mid); leftDone.Set(); });
                ThreadPool.QueueUserWorkItem(_ => { Sort(a, mid + 1, hi); rightDone.Set(); });
                WaitHandle.WaitAll(new WaitHandle[] { leftDone, rightDone });
                var merged = new int[hi - lo + 1];
                int i = lo, j = mid + 1, k = 0;
                while (i <= mid && j <= hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                while (i <= mid) merged[k++] = a[i++];
                while (j <= hi) merged[k++] = a[j++];
                Array.Copy(merged, 0, a, lo, merged.Length);
            }

            public static string Run(int n)
            {
                var orbits = Orbits(12);
                var strides = Strides(Enumerable.Range(1, 40).ToArray());
                var primes = Primes(3, 3 + 2 * n);
                var random = new Random(5);
                var data = Enumerable.Range(0, 60000).Select(_ => random.Next()).ToArray();
                Sort(data, 0, data.Length - 1);
                long check = 0;
                for (int i = 0; i < data.Length; i += 97) check = check * 31 + data[i];
                return string.Join(";", orbits) + "|" + string.Join(";", strides) + "|" + primes + "|" + check;
            }
        }
        """;

    [Fact]
    public async Task KeepJoinRewritesComputeTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Equal(3, outcome.Applied.Count(fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey));
        Assert.Single(outcome.Applied, fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelInvokeKeepJoinKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.DoesNotContain("ThreadPool.QueueUserWorkItem", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("workItems.Add((orbit.Run, i));", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Parallel.Invoke(", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Fans.Before"), "Fans.Run", 3001);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Fans.After"), "Fans.Run", 3001);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
