using Xunit;
using VerifyGil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using VerifyGil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>False positives found by the real-code runner (docs/real-world.md), reduced to their minimal shape.</summary>
public class RealCodeRegressionTests
{
    /// <summary>
    /// ImageSharp UniformUnmanagedMemoryPool.UpdateTimer: under a static lock a Timer is created with a lambda that
    /// calls CPU-bound work. Creating the delegate runs nothing under the lock; the callback runs later, on the timer.
    /// </summary>
    private const string TimerCreatedUnderLock = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        class Pool
        {
            static readonly List<int[]> AllPools = new List<int[]>();
            static Timer timer;
            static int minPeriod = int.MaxValue;

            static void Register(int[] pool, int period)
            {
                lock (AllPools)
                {
                    AllPools.Add(pool);
                    if (timer == null)
                    {
                        timer = new Timer(_ => Trim(), null, period, period);
                    }

                    minPeriod = Math.Min(minPeriod, period);
                }
            }

            static void Trim()
            {
                foreach (var pool in AllPools)
                {
                    for (var i = 0; i < pool.Length; i++)
                    {
                        for (var k = 0; k < pool.Length; k++) { pool[i] ^= pool[k] * 31; }
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Lambda_created_under_lock_and_handed_to_a_constructor_is_not_work_under_the_lock_GIL001() =>
        VerifyGil001.VerifyAnalyzerAsync(TimerCreatedUnderLock);

    [Fact]
    public Task Lambda_created_under_lock_and_handed_to_a_constructor_is_not_work_under_the_lock_GIL006() =>
        VerifyGil006.VerifyAnalyzerAsync(TimerCreatedUnderLock);

    /// <summary>
    /// MonoGame-style pool (docs/real-world.md, fixer crash): another lock on the same object has a body without braces.
    /// The GIL001 fixer used to ask the compilation about a synthesized block and threw; now it plans over the real
    /// statement; since issue 16, an unbraced region of its own is planned with its body in braces and gets the braced
    /// form's actions.
    /// </summary>
    [Fact]
    public async Task FixerSurvivesAnUnbracedLockBodyElsewhereAndTreatsAnUnbracedOneAsBraced()
    {
        const string source = """
            using System.Collections.Generic;
            static class Pool
            {
                static readonly object Gate = new object();
                static readonly List<int> Items = new List<int>();
                static double total;
                static bool Any { get { lock (Gate) return Items.Count > 0; } }
                static void Work(int[] data)
                {
                    lock (Gate)
                    {
                        foreach (var i in data)
                            for (var k = 0; k < i; k++) { total += System.Math.Sqrt(k); }
                    }
                }
                static void Unbraced(int[] data)
                {
                    lock (Gate)
                        foreach (var i in data)
                            for (var k = 0; k < i; k++) { total += System.Math.Sqrt(k); }
                }
            }
            """;
        var offers = await GilAnalyzers.Tests.Verifiers.CodeFixOffers.ForAsync(source);
        Assert.Equal(2, offers.Count);
        Assert.All(offers, o => Assert.Equal(DiagnosticIds.SharedLockAroundCpuWork, o.Id));
        Assert.Equal(offers[0].Keys, offers[1].Keys);
    }
}
