using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16, the lock forms real GIL001 sites have that the fixes refused: the acquiring call as the first statement of
/// the try (<c>try { Monitor.Enter(g); … } finally { Monitor.Exit(g); }</c>), the write side of a
/// <c>ReaderWriterLockSlim</c>, and thread-own work after the shared update (<c>x += i; Thread.SpinWait(n);</c>), which now
/// runs after the release. A bare <c>Monitor.Enter(g); …; Monitor.Exit(g);</c> stays refused, with a detail saying why.
/// </summary>
public class LockFormsSinkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static readonly ReaderWriterLockSlim Rw = new ReaderWriterLockSlim();
            static readonly List<double> Results = new List<double>();
            static long count;
            static double total;

            static void Run(int n)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, string key, LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyCodeFixAsync(Wrap(body), Wrap(fixedBody), key, version);

    private static string Unmarked(string body)
        => body.Replace("{|GIL001:", string.Empty, StringComparison.Ordinal).Replace(")|}", ")", StringComparison.Ordinal);

    // ------------------------------------------------------------------ Enter as the try's first statement

    private const string EnterInsideTry = """
                    Parallel.For(0, n, i =>
                    {
                        try
                        {
                            {|GIL001:Monitor.Enter(Gate)|};
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    });
            """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_EnterInsideTheTry_WorkGoesInFrontOfTheTry(LanguageVersion version)
    {
        await VerifyAsync(EnterInsideTry, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        try
                        {
                            Monitor.Enter(Gate);
                            total += s;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task Interlocked_SemaphoreWaitInsideTheTry_TheWholeTryGoes()
    {
        var body = """
                    var gate = new SemaphoreSlim(1, 1);
                    Parallel.For(0, n, i =>
                    {
                        try
                        {
                            {|GIL001:gate.Wait()|};
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count += c;
                        }
                        finally
                        {
                            gate.Release();
                        }
                    });
            """;
        await VerifyAsync(body, """
                    var gate = new SemaphoreSlim(1, 1);
                    Parallel.For(0, n, i =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        Interlocked.Add(ref count, c);
                    });
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    // ------------------------------------------------------------------ ReaderWriterLockSlim write lock

    private const string WriteLock = """
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:Rw.EnterWriteLock()|};
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            Results.Add(s);
                        }
                        finally
                        {
                            Rw.ExitWriteLock();
                        }
                    });
            """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_WriteLock_WorkGoesInFrontOfEnterWriteLock(LanguageVersion version)
    {
        await VerifyAsync(WriteLock, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Rw.EnterWriteLock();
                        try
                        {
                            Results.Add(s);
                        }
                        finally
                        {
                            Rw.ExitWriteLock();
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task Refusal_WriteLockWorkReadsWhatAnotherWriterWrites()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        Rw.EnterWriteLock();
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i + total);
                            Results.Add(s);
                        }
                        finally
                        {
                            Rw.ExitWriteLock();
                        }
                    });
                    Rw.EnterWriteLock();
                    try
                    {
                        total = Results.Count;
                    }
                    finally
                    {
                        Rw.ExitWriteLock();
                    }
            """));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Empty(gil001.Keys);
    }

    // ------------------------------------------------------------------ thread-own work after the shared update

    private const string UpdateThenSpin = """
                    long x = 0;
                    Action work = () =>
                    {
                        for (int i = 0; i < n; i++)
                        {
                            try
                            {
                                {|GIL001:Monitor.Enter(Gate)|};
                                x += i;
                                Thread.SpinWait(50);
                            }
                            finally
                            {
                                Monitor.Exit(Gate);
                            }
                        }
                    };
                    Parallel.Invoke(work, work, work);
                    count = x;
            """;

    [Fact]
    public async Task Interlocked_UpdateThenSpin_TheSpinRunsAfterTheUpdate()
    {
        await VerifyAsync(UpdateThenSpin, """
                    long x = 0;
                    Action work = () =>
                    {
                        for (int i = 0; i < n; i++)
                        {
                            Interlocked.Add(ref x, i);
                            Thread.SpinWait(50);
                        }
                    };
                    Parallel.Invoke(work, work, work);
                    count = x;
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    [Fact]
    public async Task MoveOut_UpdateThenSpin_TheSpinLeavesTheLock()
    {
        await VerifyAsync(UpdateThenSpin, """
                    long x = 0;
                    Action work = () =>
                    {
                        for (int i = 0; i < n; i++)
                        {
                            try
                            {
                                Monitor.Enter(Gate);
                                x += i;
                            }
                            finally
                            {
                                Monitor.Exit(Gate);
                            }
                            Thread.SpinWait(50);
                        }
                    };
                    Parallel.Invoke(work, work, work);
                    count = x;
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task FirstAction_UpdateThenSpin_IsInterlocked()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(Unmarked(UpdateThenSpin)));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.InterlockedKey, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey }, gil001.Keys);
    }

    [Fact]
    public async Task MoveOut_WorkBeforeAndAfterTheUpdate_BothLeave()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            Results.Add(s);
                            double t = 0;
                            for (int k = 0; k < n; k++) t += Math.Cos(k * i);
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        lock (Gate)
                        {
                            Results.Add(s);
                        }
                        double t = 0;
                        for (int k = 0; k < n; k++) t += Math.Cos(k * i);
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task FixAll_NewFormsInOneDocument()
    {
        var source = Wrap(EnterInsideTry + "\n" + WriteLock);
        var fixedSource = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        try
                        {
                            Monitor.Enter(Gate);
                            total += s;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    });
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Rw.EnterWriteLock();
                        try
                        {
                            Results.Add(s);
                        }
                        finally
                        {
                            Rw.ExitWriteLock();
                        }
                    });
            """);
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        };
        await test.RunAsync(CancellationToken.None);
    }

    // ------------------------------------------------------------------ using var scope = gate.EnterScope();

    private static string WrapLock(string body) => Usings + """
        class L
        {
            static readonly Lock Sync = new Lock();
            static long count;
            static readonly List<double> Results = new List<double>();

            static void Run(int n)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyLockAsync(string body, string fixedBody, string key, string? batchFixedBody = null)
    {
        var test = new VerifyCS.Test
        {
            TestCode = WrapLock(body),
            FixedCode = WrapLock(fixedBody),
            CodeActionEquivalenceKey = key,
            ReferenceAssemblies = TestReferences.Net90,
        };
        if (batchFixedBody is not null)
        {
            test.BatchFixedCode = WrapLock(batchFixedBody);
        }

        return test.RunAsync(CancellationToken.None);
    }

    private const string ScopeDeclaration = """
                    Parallel.For(0, n, i =>
                    {
                        using var scope = {|GIL001:Sync.EnterScope()|};
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Results.Add(s);
                    });
            """;

    private const string ScopeDeclarationMoved = """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        using var scope = Sync.EnterScope();
                        Results.Add(s);
                    });
            """;

    [Fact]
    public async Task MoveOut_UsingVarEnterScope_WorkGoesInFrontOfTheDeclaration()
    {
        await VerifyLockAsync(ScopeDeclaration, ScopeDeclarationMoved, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task Interlocked_UsingVarEnterScope_TheDeclarationGoes()
    {
        await VerifyLockAsync("""
                    Parallel.For(0, n, i =>
                    {
                        using var scope = {|GIL001:Sync.EnterScope()|};
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        count += c;
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        Interlocked.Add(ref count, c);
                    });
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    [Fact]
    public async Task FixAll_UsingVarEnterScope_TwoLoops()
    {
        var twice = ScopeDeclaration + "\n" + ScopeDeclaration.Replace("i =>", "j =>", StringComparison.Ordinal).Replace("k * i", "k * j", StringComparison.Ordinal);
        var movedTwice = ScopeDeclarationMoved + "\n" + ScopeDeclarationMoved.Replace("i =>", "j =>", StringComparison.Ordinal).Replace("k * i", "k * j", StringComparison.Ordinal);
        await VerifyLockAsync(twice, movedTwice, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, movedTwice);
    }

    [Fact]
    public async Task Refusal_UsingVarEnterScope_TrailingWorkCannotLeave()
    {
        // The scope holds the lock to the end of the block: work after the update has no "after the release" to go to,
        // and with it still locked, what stays is CPU-bound: no action.
        var offers = await CodeFixOffers.ForAsync(WrapLock("""
                    Parallel.For(0, n, i =>
                    {
                        using var scope = Sync.EnterScope();
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Results.Add(s);
                        double t = 0;
                        for (int k = 0; k < n; k++) t += Math.Sqrt(k + i);
                    });
            """));
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork).Keys);
    }

    [Fact]
    public async Task ThreadLocal_UsingVarEnterScope_TheMergeTakesTheScope()
    {
        await VerifyLockAsync("""
                    Parallel.For(0, n, i =>
                    {
                        using var scope = {|GIL001:Sync.EnterScope()|};
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        count += c;
                    });
            """, """
                    Parallel.For<long>(0, n, () => 0, (i, loopState, localCount) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        localCount += c;
                        return localCount;
                    }, localCount => { using var scope = Sync.EnterScope(); count += localCount; });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task Refusal_UsingVarEnterScope_ScopeNamedAgain()
    {
        var body = """
                    Parallel.For(0, n, i =>
                    {
                        using var scope = {|GIL001:Sync.EnterScope()|};
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Results.Add(s);
                        scope.Dispose();
                    });
            """;
        await VerifyLockAsync(body, body, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    // ------------------------------------------------------------------ refusals

    [Theory]
    [InlineData("the trailing work reads what stays locked", """
                    double acc = 0;
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            acc += i;
                            double t = 0;
                            for (int k = 0; k < n; k++) t += Math.Cos(k * acc);
                        }
                    });
            """)]
    [InlineData("the trailing work writes into a list the update published", """
                    var mine = new List<double>();
                    Parallel.For(0, n, i =>
                    {
                        var own = new List<double>();
                        lock (Gate)
                        {
                            Results.Add(own.Count);
                            mine = own;
                            for (int k = 0; k < n; k++) own.Add(Math.Cos(k * i));
                        }
                    });
            """)]
    [InlineData("a bare Monitor.Enter … Monitor.Exit", """
                    Parallel.For(0, n, i =>
                    {
                        Monitor.Enter(Gate);
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        total += s;
                        Monitor.Exit(Gate);
                    });
            """)]
    [InlineData("a bare EnterWriteLock … ExitWriteLock", """
                    Parallel.For(0, n, i =>
                    {
                        Rw.EnterWriteLock();
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Results.Add(s);
                        Rw.ExitWriteLock();
                    });
            """)]
    public async Task Refusal_NoActionOffered(string why, string body)
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(body));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.True(gil001.Keys.Count == 0, why + ": offered " + string.Join(", ", gil001.Keys));
    }

    [Fact]
    public async Task Refusal_BareEnterExit_TheDetailSaysWhy()
    {
        var why = await WhyAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        Monitor.Enter(Gate);
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        total += s;
                        Monitor.Exit(Gate);
                    });
            """));
        Assert.NotNull(why);
        Assert.StartsWith("GIL001-N1: ", why, StringComparison.Ordinal);
        Assert.Contains("Enter(…) with no try/finally", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_LockRunner_TheDetailNamesTheCallee()
    {
        var why = await WhyAsync(Usings + """
            static class Exclusive
            {
                private static readonly object Sync = new object();
                public static void Run(Action work) { lock (Sync) { work(); } }
            }

            static class Stats
            {
                public static double Total;
                public static void Fold(double[] data) => Exclusive.Run(() =>
                {
                    for (int i = 0; i < data.Length; i++)
                        for (int j = 0; j < data.Length; j++) Total += data[i] * data[j];
                });
            }
            """);
        Assert.NotNull(why);
        Assert.StartsWith("GIL001-N1: ", why, StringComparison.Ordinal);
        Assert.Contains("Run(…) runs the lambda under its callee's lock", why, StringComparison.Ordinal);
    }

    /// <summary>WhyNoFix's answer for the one GIL diagnostic of <paramref name="source"/>.</summary>
    private static Task<string?> WhyAsync(string source) => FixRefusals.OnlyAsync(source);
}
