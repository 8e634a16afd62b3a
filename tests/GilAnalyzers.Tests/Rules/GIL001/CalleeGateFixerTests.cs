using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A call under the lock whose callee takes a lock of its own (a one-slot semaphore, Monitor, Lock, a mutex) around
/// computing from its arguments: taking and releasing a lock is synchronisation, not a write of shared data — as for a
/// <c>lock</c> statement in the callee — so the call moves out of the outer lock. What the callee writes while holding
/// its own lock still counts.
/// </summary>
public class CalleeGateFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string callee, string body) => Usings + """
        class C
        {
        """ + "\n" + callee + "\n" + """
            static List<double> Run(double[] spots)
            {
                var results = new List<double>();
                var bookLock = new object();
                Parallel.ForEach(spots, spot =>
                {
        """ + "\n" + body + "\n" + """
                });
                return results;
            }
        }
        """;

    private const string SemaphoreCallee = """
            static readonly SemaphoreSlim EngineGate = new SemaphoreSlim(1, 1);

            static double Price(double spot, int seed)
            {
                EngineGate.Wait();
                try
                {
                    var rng = new Random(seed);
                    double s = 0;
                    for (int i = 0; i < 4000; i++) s += Math.Max(0, spot * Math.Exp(rng.NextDouble() - 0.5) - 100);
                    return s / 4000;
                }
                finally
                {
                    EngineGate.Release();
                }
            }
        """;

    private const string MonitorCallee = """
            static readonly object Sync = new object();

            static double Price(double spot, int seed)
            {
                bool taken = false;
                try
                {
                    Monitor.Enter(Sync, ref taken);
                    double s = 0;
                    for (int i = 0; i < 4000; i++) s += Math.Max(0, spot * Math.Exp(Math.Sin(i * seed) * 0.5) - 100);
                    return s / 4000;
                }
                finally
                {
                    if (taken) Monitor.Exit(Sync);
                }
            }
        """;

    private const string Locked = """
                    {|GIL001:lock (bookLock)|}
                    {
                        double basePrice = Price(spot, 11);
                        double up = Price(spot * 1.01, 11);
                        results.Add(up - basePrice);
                    }
        """;

    private const string Moved = """
                    double basePrice = Price(spot, 11);
                    double up = Price(spot * 1.01, 11);
                    lock (bookLock)
                    {
                        results.Add(up - basePrice);
                    }
        """;

    [Theory]
    [InlineData(SemaphoreCallee)]
    [InlineData(MonitorCallee)]
    public async Task ACalleeThatTakesItsOwnLock_MovesOutOfTheOuterLock(string callee)
    {
        await new VerifyCS.Test
        {
            TestCode = Wrap(callee, Locked),
            FixedCode = Wrap(callee, Moved),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ACalleeThatWritesSharedStateUnderItsOwnLock_StaysLocked()
    {
        // The callee counts its calls in a static field while it holds its gate: that write is shared, so the calls stay
        // under the outer lock and no action is offered.
        const string counting = """
                static readonly SemaphoreSlim EngineGate = new SemaphoreSlim(1, 1);
                static int s_priced;

                static double Price(double spot, int seed)
                {
                    EngineGate.Wait();
                    try
                    {
                        s_priced++;
                        double s = 0;
                        for (int i = 0; i < 4000; i++) s += Math.Max(0, spot * Math.Exp(Math.Sin(i * seed) * 0.5) - 100);
                        return s / 4000;
                    }
                    finally
                    {
                        EngineGate.Release();
                    }
                }
            """;
        await new VerifyCS.Test
        {
            TestCode = Wrap(counting, Locked),
            FixedCode = Wrap(counting, Locked),
        }.RunAsync(CancellationToken.None);
    }

    private const string Signalling = """
            static readonly SemaphoreSlim Ready = new SemaphoreSlim(0);
            static readonly Queue<double> Pending = new Queue<double>();

            static void Notify() => Ready.Release();

            static double Price(double spot, int seed)
            {
                double s = 0;
                for (int i = 0; i < 4000; i++) s += Math.Max(0, spot * Math.Exp(Math.Sin(i * seed) * 0.5) - 100);
                return s / 4000;
            }
        """;

    [Theory]
    [InlineData("Ready.Release();")]
    [InlineData("Notify();")]
    public async Task AReleaseThatSignalsAnotherThread_StaysWhereItIs(string signal)
    {
        // A release with no acquire beside it hands a permit to a waiting thread: moved in front of the outer lock, the
        // waiter could run before the item is queued. It stays a write, in the region and in a callee alike.
        var body = """
                    {|GIL001:lock (bookLock)|}
                    {
                        SIGNAL
                        double basePrice = Price(spot, 11);
                        Pending.Enqueue(basePrice);
                        results.Add(basePrice);
                    }
            """.Replace("SIGNAL", signal);
        await new VerifyCS.Test
        {
            TestCode = Wrap(Signalling, body),
            FixedCode = Wrap(Signalling, body),
        }.RunAsync(CancellationToken.None);
    }
}
