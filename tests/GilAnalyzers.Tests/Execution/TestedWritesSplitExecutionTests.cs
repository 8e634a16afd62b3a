using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's per-call pair list plus the split of a tested loop (<c>if (Meets(a, b)) { writes }</c>, the test with an
/// <c>out</c> result) run before and after the first (FixAll) action: the contact counts, the per-body pushes and the
/// Interlocked total must print the same.
/// </summary>
public class TestedWritesSplitExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Body
        {
            public int Key;
            public double X;
            public long Push;
            public readonly object Sync = new object();
        }

        public sealed class Sweep
        {
            private readonly SemaphoreSlim _slot = new SemaphoreSlim(1, 1);
            private readonly List<(int, int)> _near = new List<(int, int)>();
            private int _contacts;

            public int Contacts => _contacts;

            public int Run(Body[] bodies)
            {
                var touched = new int[bodies.Length];
                Parallel.For(0, bodies.Length, i =>
                {
                    var a = bodies[i];
                    _slot.Wait();
                    try
                    {
                        _near.Clear();
                        Near(a, bodies, _near);
                        foreach (var (_, j) in _near)
                        {
                            var b = bodies[j];
                            if (Meets(a, b, 400, out long weight))
                            {
                                Kick(a, b, weight);
                                touched[i]++;
                            }
                        }
                    }
                    finally
                    {
                        _slot.Release();
                    }
                });
                return touched.Sum();
            }

            private void Kick(Body a, Body b, long weight)
            {
                var first = a.Key < b.Key ? a : b;
                var second = a.Key < b.Key ? b : a;
                lock (first.Sync)
                {
                    lock (second.Sync)
                    {
                        a.Push -= weight;
                        b.Push += weight;
                    }
                }

                Interlocked.Increment(ref _contacts);
            }

            private static void Near(Body a, Body[] all, List<(int, int)> into)
            {
                for (int k = 0; k < all.Length; k++)
                {
                    if (all[k].Key > a.Key && Math.Abs(all[k].X - a.X) < 3) into.Add((a.Key, k));
                }
            }

            private static bool Meets(Body a, Body b, int steps, out long weight)
            {
                for (int s = 1; s <= steps; s++)
                {
                    double gap = Math.Abs(a.X - b.X) * s;
                    if (gap > 50)
                    {
                        weight = s;
                        return true;
                    }
                }

                weight = 0;
                return false;
            }
        }

        public static class Simulation
        {
            public static string Run(int count)
            {
                var bodies = Enumerable.Range(0, count).Select(k => new Body { Key = k, X = ((k * 7919) % 1000) / 37.0 }).ToArray();
                var sweep = new Sweep();
                int touched = sweep.Run(bodies);
                return touched + ";" + sweep.Contacts + ";" + string.Join(",", bodies.Select(b => b.Push));
            }
        }
        """;

    [Fact]
    public async Task PairListAndTestedKicks_SameCountsAndPushesAfterTheFirstAction()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL001.ScratchToLocal");
        Assert.Matches(@"var test = Meets\(a, b, 400, out long weight\);\s*pending\.Add\(\(b, weight, test\)\);", outcome.Source);
        Assert.Matches(@"_slot\.Wait\(\);\s*try\s*\{\s*foreach \(var \(b, weight, test\) in pending\)", outcome.Source);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Sweep.Before"), "Simulation.Run", 300);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Sweep.After"), "Simulation.Run", 300);

        Assert.NotNull(before);
        Assert.DoesNotMatch("^0;", (string)before!);
        Assert.Equal(before, after);
    }
}
