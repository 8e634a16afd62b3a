using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Throttling helpers that hold a process-wide gate of another form than <c>lock</c> while they run the delegate they are
/// handed — <c>await s_gate.WaitAsync(); try { return action(); } finally { s_gate.Release(); }</c> on a static one-slot
/// <c>SemaphoreSlim</c>, <c>Monitor.Enter</c>/<c>Exit</c>, a write lock, <c>using (s_lock.EnterScope())</c>: each caller's lambda
/// is the gate's region, as with a runner written with <c>lock</c>. Not a runner: a gate in an instance field (each
/// instance has its own), a semaphore with more than one slot, a helper that does more under the gate than run the
/// delegate, or one that does other work outside it.
/// </summary>
public class Locks58GateRunnerTests
{
    private const string Runners = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Throttle
        {
            private static readonly SemaphoreSlim s_gate = new SemaphoreSlim(1, 1);
            private static readonly SemaphoreSlim s_wide = new SemaphoreSlim(4, 4);
            private static readonly object s_monitor = new object();
            private static readonly ReaderWriterLockSlim s_rw = new ReaderWriterLockSlim();

            public static async Task<T> RunAsync<T>(Func<T> action)
            {
                await s_gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    return action();
                }
                finally
                {
                    s_gate.Release();
                }
            }

            public static async Task RunWorkAsync(Func<Task> work)
            {
                await s_gate.WaitAsync();
                try
                {
                    await work();
                }
                finally
                {
                    s_gate.Release();
                }
            }

            public static void Exclusive(Action work)
            {
                Monitor.Enter(s_monitor);
                try
                {
                    work();
                }
                finally
                {
                    Monitor.Exit(s_monitor);
                }
            }

            public static T Write<T>(Func<T> work)
            {
                s_rw.EnterWriteLock();
                try
                {
                    return work();
                }
                finally
                {
                    s_rw.ExitWriteLock();
                }
            }

            public static async Task<T> WideAsync<T>(Func<T> action)
            {
                await s_wide.WaitAsync();
                try
                {
                    return action();
                }
                finally
                {
                    s_wide.Release();
                }
            }

            public static T Logged<T>(Func<T> action)
            {
                s_gate.Wait();
                try
                {
                    Console.WriteLine("start");
                    return action();
                }
                finally
                {
                    s_gate.Release();
                }
            }

            public static T Twice<T>(Func<T> action)
            {
                action();
                s_gate.Wait();
                try
                {
                    return action();
                }
                finally
                {
                    s_gate.Release();
                }
            }
        }

        sealed class Local
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public async Task<T> RunAsync<T>(Func<T> action)
            {
                await _gate.WaitAsync();
                try
                {
                    return action();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }

        static class Work
        {
            public static long Sum(int n)
            {
                long s = 0;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) s += (i * 31 + j) % 7;
                return s;
            }
        }

        """;

    [Fact]
    public async Task CpuWorkHandedToAStaticGateRunner_Reports()
    {
        var source = Runners + """
            sealed class ReportController
            {
                public static long Total;

                public Task<long> Index(int n) => {|#0:Throttle.RunAsync|}(() => Work.Sum(n));

                public Task Refresh(int n) => {|#1:Throttle.RunWorkAsync|}(() =>
                {
                    Total = Work.Sum(n);
                    return Task.CompletedTask;
                });

                public void Rebuild(int n) => {|#2:Throttle.Exclusive|}(() => Total = Work.Sum(n));

                public long Recount(int n) => {|#3:Throttle.Write|}(() => Work.Sum(n));
            }
            """;
        const string where = "a process-wide lock that every calling thread queues for";
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("s_gate", "calls 'Sum' (nested loop, 2 levels)", "'Index', " + where),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("s_gate", "calls 'Sum' (nested loop, 2 levels)", "'Refresh', " + where),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(2).WithArguments("s_monitor", "calls 'Sum' (nested loop, 2 levels)", "'Rebuild', " + where),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(3).WithArguments("s_rw", "calls 'Sum' (nested loop, 2 levels)", "'Recount', " + where));
    }

    [Fact]
    public async Task GatesThatAreNotAProcessWideRunnerOfTheLambdaAlone_NoDiagnostic()
    {
        // A four-slot semaphore is a throttle, not a lock; Logged does more than run the work under the gate; Twice runs
        // it once more outside; Local's gate belongs to each instance; a cheap lambda is not CPU-bound; and, as for any
        // gate, work that awaits a delay under it is waiting there, not computing.
        var source = Runners + """
            sealed class ReportController
            {
                private readonly Local _local = new Local();
                public static long Total;

                public Task<long> Wide(int n) => Throttle.WideAsync(() => Work.Sum(n));

                public long Logged(int n) => Throttle.Logged(() => Work.Sum(n));

                public long Twice(int n) => Throttle.Twice(() => Work.Sum(n));

                public Task<long> Own(int n) => _local.RunAsync(() => Work.Sum(n));

                public Task<long> Cheap(int n) => Throttle.RunAsync(() => Total + n);

                public Task Paced(int n) => Throttle.RunWorkAsync(async () =>
                {
                    Total = Work.Sum(n);
                    await Task.Delay(10);
                });
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }
}
