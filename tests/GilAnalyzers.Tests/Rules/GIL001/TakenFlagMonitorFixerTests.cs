using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: <c>bool taken = false; try { Monitor.Enter(gate, ref taken); … } finally { if (taken) Monitor.Exit(gate); }</c>
/// (and the form with the Enter before the try) was reported but no fix understood it. The region's statements are those
/// of the try after the Enter; what moves out goes in front of the flag; when nothing is left to guard, the flag, the Enter
/// and the try/finally all go.
/// </summary>
public class TakenFlagMonitorFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body, string members = "") => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static long count;
            static double total;
        """ + members + """

            static void Run(int n)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, string key, LanguageVersion version = LanguageVersion.Latest, string members = "")
        => VerifyCS.VerifyCodeFixAsync(Wrap(body, members), Wrap(fixedBody, members), key, version);

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_EnterInsideTheTry_WorkGoesInFrontOfTheFlag(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            {|GIL001:Monitor.Enter(Gate, ref taken)|};
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task MoveOut_EnterBeforeTheTry_BracedRelease()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        var lockTaken = false;
                        {|GIL001:Monitor.Enter(Gate, ref lockTaken)|};
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Cos(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (lockTaken)
                            {
                                Monitor.Exit(Gate);
                            }
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Cos(k * i);
                        var lockTaken = false;
                        Monitor.Enter(Gate, ref lockTaken);
                        try
                        {
                            total += s;
                        }
                        finally
                        {
                            if (lockTaken)
                            {
                                Monitor.Exit(Gate);
                            }
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task NothingLeftToGuard_TheFlagTheEnterAndTheTryAllGo()
    {
        // What stays under the lock (the return) touches no shared state once the simulation has moved out.
        await VerifyAsync("""
                    total = ParallelEnumerable.Range(0, n).Select(seed =>
                    {
                        bool taken = false;
                        try
                        {
                            {|GIL001:Monitor.Enter(Gate, ref taken)|};
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * seed);
                            return Math.Sqrt(s);
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    }).Sum();
            """, """
                    total = ParallelEnumerable.Range(0, n).Select(seed =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * seed);
                        return Math.Sqrt(s);
                    }).Sum();
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    private const string CountFoldEnterBeforeTry = """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        {|GIL001:Monitor.Enter(Gate, ref taken)|};
                        try
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count += c;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadLocal_TheMergeTakesTheLockInTheSameForm(LanguageVersion version)
    {
        await VerifyAsync(CountFoldEnterBeforeTry, """
                    Parallel.For<long>(0, n, () => 0, (i, loopState, localCount) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        localCount += c;
                        return localCount;
                    }, localCount =>
                    {
                        bool taken = false;
                        Monitor.Enter(Gate, ref taken);
                        try
                        {
                            count += localCount;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey, version);
    }

    [Fact]
    public async Task Interlocked_TheWholeEnterTryFinallyGoes()
    {
        await VerifyAsync(CountFoldEnterBeforeTry, """
                    Parallel.For(0, n, i =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        Interlocked.Add(ref count, c);
                    });
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    [Fact]
    public async Task FirstAction_IsThePerWorkerFold()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(CountFoldEnterBeforeTry.Replace("{|GIL001:", string.Empty, StringComparison.Ordinal).Replace(")|};", ");", StringComparison.Ordinal)));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Equal(
            new[] { SharedLockAroundCpuWorkFixer.ThreadLocalKey, SharedLockAroundCpuWorkFixer.InterlockedKey, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey },
            gil001.Keys);
    }

    [Fact]
    public async Task FixAll_FixesBothFormsInTheDocument()
    {
        var source = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            {|GIL001:Monitor.Enter(Gate, ref taken)|};
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
                    Parallel.For(0, n, j =>
                    {
                        bool taken = false;
                        {|GIL001:Monitor.Enter(Gate, ref taken)|};
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Cos(k * j);
                            total -= s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """);
        var fixedSource = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
                    Parallel.For(0, n, j =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Cos(k * j);
                        bool taken = false;
                        Monitor.Enter(Gate, ref taken);
                        try
                        {
                            total -= s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
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

    // ------------------------------------------------------------------ refusals: no code action at all

    [Theory]
    [InlineData("a return inside the locked work", """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            double s = 0;
                            for (int k = 0; k < n; k++)
                            {
                                if (s > 1e9) return;
                                s += Math.Sqrt(k * i);
                            }
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """)]
    [InlineData("work between the Enter and the try", """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        Monitor.Enter(Gate, ref taken);
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        try
                        {
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """)]
    [InlineData("the flag is read after the try", """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                        if (!taken) Interlocked.Increment(ref count);
                    });
            """)]
    [InlineData("the flag is read inside the locked work", """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            double s = taken ? 0 : 1;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                        }
                    });
            """)]
    [InlineData("the finally does more than release", """
                    Parallel.For(0, n, i =>
                    {
                        bool taken = false;
                        try
                        {
                            Monitor.Enter(Gate, ref taken);
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            if (taken) Monitor.Exit(Gate);
                            Interlocked.Increment(ref count);
                        }
                    });
            """)]
    public async Task Refusal_NoActionOffered(string why, string body)
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(body));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.True(gil001.Keys.Count == 0, why + ": offered " + string.Join(", ", gil001.Keys));
    }
}
