using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A runner that takes a process-wide lock around the delegate it is handed, after a bypass that lets some callers run
/// the delegate without it (<c>if (mode == Mode.Unlocked) { work(); return; } lock (Sync) { work(); }</c>): the callers that
/// do not opt out queue for the lock exactly as with a plain runner, so their lambda is the lock's region. A runner whose
/// leading statements do anything else, or whose "bypass" falls through into the lock, is not read as one.
/// </summary>
public class Locks41RunnerBypassTests
{
    private const string Runner = """
        using System;

        enum Mode { Locked, Unlocked }

        static class Guarded
        {
            private static readonly object Sync = new object();

            public static void Run(Mode mode, Action work)
            {
                if (mode == Mode.Unlocked)
                {
                    work();
                    return;
                }

                lock (Sync)
                {
                    work();
                }
            }

            public static T Get<T>(bool direct, Func<T> work)
            {
                if (direct) return work();
                lock (Sync) return work();
            }

            public static void Noisy(bool verbose, Action work)
            {
                if (verbose)
                {
                    Console.WriteLine("running");
                }

                lock (Sync)
                {
                    work();
                }
            }

            public static void Twice(bool warm, Action work)
            {
                if (warm)
                {
                    work();
                }

                lock (Sync)
                {
                    work();
                }
            }
        }

        """;

    [Fact]
    public async Task CpuWorkHandedToARunnerWithABypass_Reports()
    {
        var source = Runner + """
            static class Grid
            {
                public static double Energy;

                public static void Relax(double[] cells) => {|#0:Guarded.Run|}(Mode.Locked, () =>
                {
                    for (int i = 0; i < cells.Length; i++)
                        for (int j = 0; j < cells.Length; j++) Energy += cells[i] * cells[j];
                });

                public static double Spread(double[] cells) => {|#1:Guarded.Get|}(false, () =>
                {
                    double s = 0;
                    for (int i = 0; i < cells.Length; i++)
                        for (int j = 0; j < cells.Length; j++) s += Math.Abs(cells[i] - cells[j]);
                    return s;
                });
            }
            """;
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Sync", "nested loop, 2 levels", "'Relax', a process-wide lock that every calling thread queues for"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("Sync", "nested loop, 2 levels", "'Spread', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task RunnerWhosePrefixIsNotABypass_NoDiagnostic()
    {
        // Noisy logs before the lock and Twice runs the work once more before it: neither is a runner of the lambda alone.
        var source = Runner + """
            static class Grid
            {
                public static double Energy;

                public static void Relax(double[] cells) => Guarded.Noisy(true, () =>
                {
                    for (int i = 0; i < cells.Length; i++)
                        for (int j = 0; j < cells.Length; j++) Energy += cells[i] * cells[j];
                });

                public static void Warm(double[] cells) => Guarded.Twice(true, () =>
                {
                    for (int i = 0; i < cells.Length; i++)
                        for (int j = 0; j < cells.Length; j++) Energy += cells[i] * cells[j];
                });

                public static void Bump(double value) => Guarded.Run(Mode.Locked, () => Energy += value);
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }
}
