using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A lock taken with a timeout behind a guard that leaves the method — <c>if (!Monitor.TryEnter(x, t)) throw …;</c>,
/// <c>if (!gate.Wait(t)) return;</c> — then <c>try { … } finally { release; }</c>: the fixes now rewrite the try as they do for the
/// plain forms and keep the guard as written in front of it. What moves out of the lock runs before the attempt; when the
/// attempt times out the same exception (or return) follows, after work that touched nothing shared.
/// </summary>
public class GuardedAcquireFixerTests
{
    private const string Usings = "using System;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string body) => Usings + """
        class Sweep
        {
            static readonly object Gate = new object();
            static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);
            static double total;

            static double Integrate(int i)
            {
                double s = 0;
                for (int k = 1; k < 20000; k++) s += Math.Sin(i * 0.001 * k) / k;
                return s;
            }

            static void Run(int n)
            {
                Parallel.For(0, n, i =>
                {
        """ + "\n" + body + "\n" + """
                });
            }
        }
        """;

    [Fact]
    public async Task MonitorTryEnterWithTimeoutAndThrow_ComputationMovesInFrontOfTheGuard()
    {
        var source = Program("""
                    if (!{|GIL001:Monitor.TryEnter(Gate, TimeSpan.FromSeconds(5))|}) throw new TimeoutException("sweep busy");
                    try
                    {
                        var value = Integrate(i);
                        total += value;
                    }
                    finally
                    {
                        Monitor.Exit(Gate);
                    }
        """);
        var fixedSource = Program("""
                    var value = Integrate(i);
                    if (!Monitor.TryEnter(Gate, TimeSpan.FromSeconds(5))) throw new TimeoutException("sweep busy");
                    try
                    {
                        total += value;
                    }
                    finally
                    {
                        Monitor.Exit(Gate);
                    }
        """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task SemaphoreWaitWithTimeoutAndReturn_ComputationMovesInFrontOfTheGuard()
    {
        var source = Program("""
                    if (!{|GIL001:Slot.Wait(5000)|}) return;
                    try
                    {
                        var value = Integrate(i);
                        total += value;
                    }
                    finally
                    {
                        Slot.Release();
                    }
        """);
        var fixedSource = Program("""
                    var value = Integrate(i);
                    if (!Slot.Wait(5000)) return;
                    try
                    {
                        total += value;
                    }
                    finally
                    {
                        Slot.Release();
                    }
        """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task GuardWithLoggingThenThrow_ComputationMovesInFrontOfTheGuard()
    {
        // The guard's own statements run only when the lock was not taken, before and after the rewrite alike.
        var source = Program("""
                    if (!{|GIL001:Monitor.TryEnter(Gate, 5000)|})
                    {
                        Console.WriteLine("sweep busy");
                        throw new TimeoutException();
                    }

                    try
                    {
                        var value = Integrate(i);
                        total += value;
                    }
                    finally
                    {
                        Monitor.Exit(Gate);
                    }
        """);
        var fixedSource = Program("""
                    var value = Integrate(i);
                    if (!Monitor.TryEnter(Gate, 5000))
                    {
                        Console.WriteLine("sweep busy");
                        throw new TimeoutException();
                    }

                    try
                    {
                        total += value;
                    }
                    finally
                    {
                        Monitor.Exit(Gate);
                    }
        """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task GuardedTryWithACatch_NotRewritten()
    {
        // The catch would run with the lock held for what stays and without it for what moved: not a form the fixes keep.
        var source = Program("""
                    if (!Monitor.TryEnter(Gate, 5000)) throw new TimeoutException();
                    try
                    {
                        var value = Integrate(i);
                        total += value;
                    }
                    catch (ArithmeticException)
                    {
                        total = double.NaN;
                    }
                    finally
                    {
                        Monitor.Exit(Gate);
                    }
        """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.All(offers, o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, o.Keys));
    }
}
