using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's keep-the-join rewrites: pool fan-outs whose join the planner cannot remove (the join object in the item's
/// state or signalled in a method the item calls, a field join, a fixed set of items) keep their callbacks, states and
/// join objects; only the dispatch changes to Parallel.ForEach after the queuing loop, or Parallel.Invoke for a set.
/// </summary>
public class PoolDispatchKeepJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task LatchInObjectArrayState_MethodGroup_ParallelForEachAfterTheLoop()
    {
        var source = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(List<int> primes)
                {
                    var remaining = new CountdownEvent(primes.Count);
                    for (int i = 0; i < primes.Count; i++)
                    {
                        {|GIL004:ThreadPool.QueueUserWorkItem(Cross, new object[] { primes[i], remaining })|};
                    }
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        var fixedSource = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(List<int> primes)
                {
                    var remaining = new CountdownEvent(primes.Count);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int i = 0; i < primes.Count; i++)
                    {
                        workItems.Add((Cross, new object[] { primes[i], remaining }));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkerObjectsHoldingTheirEvent_StateIsTheIndex_ParallelForEach(LanguageVersion version)
    {
        // The job object is handed its event by the constructor; the random sizes are drawn in the loop, in order.
        var source = Usings + """
            class Collatz
            {
                readonly int _limit;
                readonly ManualResetEvent _done;
                public long Longest;

                public Collatz(int limit, ManualResetEvent done) { _limit = limit; _done = done; }

                public void Run(object context)
                {
                    for (long n = 1; n < _limit; n++)
                    {
                        long x = n, steps = 0;
                        while (x != 1) { x = (x & 1) == 0 ? x / 2 : 3 * x + 1; steps++; }
                        if (steps > Longest) Longest = steps;
                    }
                    _done.Set();
                }
            }

            class Driver
            {
                static long[] Main2(int jobs)
                {
                    var done = new ManualResetEvent[jobs];
                    var all = new Collatz[jobs];
                    var random = new Random(7);
                    for (int i = 0; i < jobs; i++)
                    {
                        done[i] = new ManualResetEvent(false);
                        var job = new Collatz(random.Next(1000, 5000), done[i]);
                        all[i] = job;
                        {|GIL004:ThreadPool.QueueUserWorkItem(job.Run, i)|};
                    }
                    WaitHandle.WaitAll(done);
                    return all.Select(a => a.Longest).ToArray();
                }
            }
            """;
        var fixedSource = Usings + """
            class Collatz
            {
                readonly int _limit;
                readonly ManualResetEvent _done;
                public long Longest;

                public Collatz(int limit, ManualResetEvent done) { _limit = limit; _done = done; }

                public void Run(object context)
                {
                    for (long n = 1; n < _limit; n++)
                    {
                        long x = n, steps = 0;
                        while (x != 1) { x = (x & 1) == 0 ? x / 2 : 3 * x + 1; steps++; }
                        if (steps > Longest) Longest = steps;
                    }
                    _done.Set();
                }
            }

            class Driver
            {
                static long[] Main2(int jobs)
                {
                    var done = new ManualResetEvent[jobs];
                    var all = new Collatz[jobs];
                    var random = new Random(7);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int i = 0; i < jobs; i++)
                    {
                        done[i] = new ManualResetEvent(false);
                        var job = new Collatz(random.Next(1000, 5000), done[i]);
                        all[i] = job;
                        workItems.Add((job.Run, i));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(done);
                    return all.Select(a => a.Longest).ToArray();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey, version);
    }

    [Fact]
    public async Task CSharp6_NoTuples_KeyValuePairHoldsTheItem()
    {
        var source = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(int[] primes)
                {
                    var remaining = new CountdownEvent(primes.Length);
                    foreach (var p in primes)
                    {
                        {|GIL004:ThreadPool.QueueUserWorkItem(new WaitCallback(Cross), new object[] { p, remaining })|};
                    }
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        var fixedSource = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(int[] primes)
                {
                    var remaining = new CountdownEvent(primes.Length);
                    var workItems = new List<KeyValuePair<WaitCallback, object>>();
                    foreach (var p in primes)
                    {
                        workItems.Add(new KeyValuePair<WaitCallback, object>(new WaitCallback(Cross), new object[] { p, remaining }));
                    }
                    Parallel.ForEach(workItems, item => item.Key(item.Value));
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey, LanguageVersion.CSharp6);
    }

    [Fact]
    public async Task LambdaCallsAHelperThatSignals_NullableState_ParallelForEach()
    {
        var source = "#nullable enable\n" + Usings + """
            class Primes
            {
                static int found;

                static void Scan(int from, int to)
                {
                    var latch = new CountdownEvent((to - from) / 2);
                    for (int i = from; i < to; i += 2)
                    {
                        int candidate = i;
                        {|GIL004:ThreadPool.QueueUserWorkItem(_ => Check(candidate, latch))|};
                    }
                    latch.Wait();
                }

                static void Check(long n, CountdownEvent latch)
                {
                    bool prime = n > 1;
                    for (long d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                    if (prime) Interlocked.Increment(ref found);
                    latch.Signal();
                }
            }
            """;
        var fixedSource = "#nullable enable\n" + Usings + """
            class Primes
            {
                static int found;

                static void Scan(int from, int to)
                {
                    var latch = new CountdownEvent((to - from) / 2);
                    var workItems = new List<(WaitCallback Callback, object? State)>();
                    for (int i = from; i < to; i += 2)
                    {
                        int candidate = i;
                        workItems.Add((_ => Check(candidate, latch), null));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    latch.Wait();
                }

                static void Check(long n, CountdownEvent latch)
                {
                    bool prime = n > 1;
                    for (long d = 2; d * d <= n; d++) if (n % d == 0) { prime = false; break; }
                    if (prime) Interlocked.Increment(ref found);
                    latch.Signal();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task FixedPairOfItemsWithTheirEvents_ParallelInvoke()
    {
        var source = Usings + """
            class MergeSorter
            {
                public static void Sort(int[] a, int lo, int hi)
                {
                    if (hi - lo < 2048) { Array.Sort(a, lo, hi - lo + 1); return; }
                    int mid = (lo + hi) / 2;
                    var leftDone = new ManualResetEvent(false);
                    var rightDone = new ManualResetEvent(false);
                    {|GIL004:ThreadPool.QueueUserWorkItem(_ =>
                    {
                        Sort(a, lo, mid);
                        leftDone.Set();
                    })|};
                    ThreadPool.QueueUserWorkItem(_ => { Sort(a, mid + 1, hi); rightDone.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { leftDone, rightDone });
                    Merge(a, lo, mid, hi);
                }

                static void Merge(int[] a, int lo, int mid, int hi)
                {
                    var merged = new int[hi - lo + 1];
                    int i = lo, j = mid + 1, k = 0;
                    while (i <= mid && j <= hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i <= mid) merged[k++] = a[i++];
                    while (j <= hi) merged[k++] = a[j++];
                    Array.Copy(merged, 0, a, lo, merged.Length);
                }
            }
            """;
        var fixedSource = Usings + """
            class MergeSorter
            {
                public static void Sort(int[] a, int lo, int hi)
                {
                    if (hi - lo < 2048) { Array.Sort(a, lo, hi - lo + 1); return; }
                    int mid = (lo + hi) / 2;
                    var leftDone = new ManualResetEvent(false);
                    var rightDone = new ManualResetEvent(false);
                    Parallel.Invoke(() =>
                    {
                        Sort(a, lo, mid);
                        leftDone.Set();
                    }, () => { Sort(a, mid + 1, hi); rightDone.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { leftDone, rightDone });
                    Merge(a, lo, mid, hi);
                }

                static void Merge(int[] a, int lo, int mid, int hi)
                {
                    var merged = new int[hi - lo + 1];
                    int i = lo, j = mid + 1, k = 0;
                    while (i <= mid && j <= hi) merged[k++] = a[i] <= a[j] ? a[i++] : a[j++];
                    while (i <= mid) merged[k++] = a[i++];
                    while (j <= hi) merged[k++] = a[j++];
                    Array.Copy(merged, 0, a, lo, merged.Length);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelInvokeKeepJoinKey);
    }

    [Fact]
    public async Task FixAll_TwoStateCarriedFanOutsInOneDocument()
    {
        var source = Usings + """
            class Bands
            {
                static void Part(object state)
                {
                    var parts = (object[])state;
                    var data = (double[])parts[0];
                    int id = (int)parts[1];
                    for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i] + 1);
                    ((ManualResetEvent)parts[2]).Set();
                }

                static void First(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    for (int t = 0; t < 4; t++)
                    {
                        events[t] = new ManualResetEvent(false);
                        {|GIL004:ThreadPool.QueueUserWorkItem(Part, new object[] { data, t, events[t] })|};
                    }
                    WaitHandle.WaitAll(events);
                }

                static void Second(double[] data, double[] more)
                {
                    var events = new List<ManualResetEvent>();
                    for (int t = 0; t < 4; t++)
                    {
                        var e = new ManualResetEvent(false);
                        events.Add(e);
                        {|GIL004:ThreadPool.QueueUserWorkItem(Part, new object[] { more, t, e })|};
                    }
                    WaitHandle.WaitAll(events.ToArray());
                }
            }
            """;
        var fixedSource = Usings + """
            class Bands
            {
                static void Part(object state)
                {
                    var parts = (object[])state;
                    var data = (double[])parts[0];
                    int id = (int)parts[1];
                    for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i] + 1);
                    ((ManualResetEvent)parts[2]).Set();
                }

                static void First(double[] data)
                {
                    var events = new ManualResetEvent[4];
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        events[t] = new ManualResetEvent(false);
                        workItems.Add((Part, new object[] { data, t, events[t] }));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(events);
                }

                static void Second(double[] data, double[] more)
                {
                    var events = new List<ManualResetEvent>();
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int t = 0; t < 4; t++)
                    {
                        var e = new ManualResetEvent(false);
                        events.Add(e);
                        workItems.Add((Part, new object[] { more, t, e }));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(events.ToArray());
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task Refusals_LoopVariableReadLeavingEarlyHeldLockAndStatementsBetweenSetItems()
    {
        var reasons = await PoolJoinRewriteTests.ReasonsAsync(Usings + """
            class Refused
            {
                static readonly object Gate = new object();

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    var data = (double[])parts[0];
                    for (int i = (int)parts[1]; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i] + 1);
                    ((CountdownEvent)parts[2]).Signal();
                }

                static void Check(double[] data, int id, CountdownEvent latch)
                {
                    for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i] + 1);
                    latch.Signal();
                }

                static void ReadsLoopVariable(double[] data)
                {
                    var latch = new CountdownEvent(4);
                    for (int t = 0; t < 4; t++)
                    {
                        ThreadPool.QueueUserWorkItem(_ => Check(data, t, latch));
                    }
                    latch.Wait();
                }

                static void LeavesEarly(double[] data, bool[] stop)
                {
                    var latch = new CountdownEvent(4);
                    for (int t = 0; t < 4; t++)
                    {
                        if (stop[t]) return;
                        ThreadPool.QueueUserWorkItem(Cross, new object[] { data, t, latch });
                    }
                    latch.Wait();
                }

                static void HoldsALock(double[] data)
                {
                    var latch = new CountdownEvent(4);
                    lock (Gate)
                    {
                        for (int t = 0; t < 4; t++)
                        {
                            ThreadPool.QueueUserWorkItem(Cross, new object[] { data, t, latch });
                        }
                    }
                    latch.Wait();
                }

                static void SetWithWorkBetween(int[] a, int[] b)
                {
                    var left = new ManualResetEvent(false);
                    var right = new ManualResetEvent(false);
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < a.Length; i++) a[i] = a[i] * 3 + 1; left.Set(); });
                    b[0] = a.Length;
                    ThreadPool.QueueUserWorkItem(_ => { for (int i = 0; i < b.Length; i++) b[i] = b[i] * 5 + 1; right.Set(); });
                    WaitHandle.WaitAll(new WaitHandle[] { left, right });
                }
            }
            """);
        Assert.Equal(4, reasons.Count);
        Assert.Contains("the work item reads 't', which the queuing loop changes after queuing it", reasons[0]);
        Assert.Contains("the queuing loop can leave early (return)", reasons[1]);
        Assert.Contains("the items are queued while the method holds a lock", reasons[2]);
        Assert.Contains("other statements run between the calls that queue the work items", reasons[3]);
        Assert.All(reasons, r => Assert.StartsWith("GIL004-N1", r));
    }
}
