using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a locked loop whose items run an expensive test and write shared state only when it passes
/// (<c>if (Collides(a, b)) { shared writes }</c>), often over a deconstructed pair list (<c>foreach (var (_, j) in pairs)</c>)
/// and with an <c>Interlocked</c> counter among the writes. The test is the item's value: it is computed in front of the
/// lock into a bool (with any <c>out</c> result it declares), kept per item, and the writes run under the lock in the same
/// order for the items whose test passed.
/// </summary>
public class TestedWritesSplitFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        sealed class Particle
        {
            public int Key;
            public double X;
            public double Push;
        }

        class Sim
        {
            static readonly object Gate = new object();
            static int _events;

            static bool Hits(Particle a, Particle b, int steps)
            {
                for (int s = 1; s <= steps; s++)
                {
                    if (Math.Abs(a.X - b.X) * s < 0.5) return true;
                }

                return false;
            }

            static bool HitsAt(Particle a, Particle b, int steps, out double depth)
            {
                for (int s = 1; s <= steps; s++)
                {
                    double d = Math.Abs(a.X - b.X) * s;
                    if (d < 0.5) { depth = 0.5 - d; return true; }
                }

                depth = 0;
                return false;
            }

            static int Step(Particle[] ps, List<(int, int)> pairs, int[] hits)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, LanguageVersion version = LanguageVersion.Latest)
        => VerifyCS.VerifyCodeFixAsync(Wrap(body), Wrap(fixedBody), SharedLockAroundCpuWorkFixer.SplitLoopKey, version);

    [Fact]
    public async Task DeconstructedPairs_TestedThenWritten_TestsRunOutsideTheLock()
    {
        var body = """
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var (from, to) in pairs)
                            {
                                if (Hits(ps[from], ps[to], 400))
                                {
                                    ps[from].Push += 1;
                                    hits[i]++;
                                    Interlocked.Increment(ref _events);
                                }
                            }
                        }
                    });
                    return hits.Sum();
            """;
        await VerifyAsync(body, """
                    Parallel.For(0, ps.Length, i =>
                    {
                        var pending = new List<(int from, bool test)>();
                        try
                        {
                            foreach (var (from, to) in pairs)
                            {
                                var test = Hits(ps[from], ps[to], 400);
                                pending.Add((from, test));
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var (from, test) in pending)
                                {
                                    if (test)
                                    {
                                        ps[from].Push += 1;
                                        hits[i]++;
                                        Interlocked.Increment(ref _events);
                                    }
                                }
                            }
                        }
                    });
                    return hits.Sum();
            """);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task OutResultOfTheTest_KeptPerItemForTheWrites(LanguageVersion version)
    {
        var body = """
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int j = 0; j < ps.Length; j++)
                            {
                                var other = ps[j];
                                if (HitsAt(ps[i], other, 300, out double depth))
                                {
                                    other.Push += depth;
                                }
                            }
                        }
                    });
                    return 0;
            """;
        await VerifyAsync(body, """
                    Parallel.For(0, ps.Length, i =>
                    {
                        var pending = new List<(Particle other, double depth, bool test)>();
                        try
                        {
                            for (int j = 0; j < ps.Length; j++)
                            {
                                var other = ps[j];
                                var test = HitsAt(ps[i], other, 300, out double depth);
                                pending.Add((other, depth, test));
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var (other, depth, test) in pending)
                                {
                                    if (test)
                                    {
                                        other.Push += depth;
                                    }
                                }
                            }
                        }
                    });
                    return 0;
            """, version);
    }

    [Fact]
    public async Task FixAll_TwoTestedLoops_BothSplit()
    {
        var body = """
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var (from, to) in pairs)
                            {
                                if (Hits(ps[from], ps[to], 400)) hits[i]++;
                            }
                        }
                    });
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var (from, to) in pairs)
                            {
                                if (Hits(ps[to], ps[from], 200)) hits[i] += 2;
                            }
                        }
                    });
                    return hits.Sum();
            """;
        string FixedBody(string second, string secondTest) => """
                    Parallel.For(0, ps.Length, i =>
                    {
                        var pending = new List<bool>();
                        try
                        {
                            foreach (var (from, to) in pairs)
                            {
                                var test = Hits(ps[from], ps[to], 400);
                                pending.Add(test);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var test in pending)
                                {
                                    if (test) hits[i]++;
                                }
                            }
                        }
                    });
                    Parallel.For(0, ps.Length, i =>
                    {
                        var SECOND = new List<bool>();
                        try
                        {
                            foreach (var (from, to) in pairs)
                            {
                                var TEST = Hits(ps[to], ps[from], 200);
                                SECOND.Add(TEST);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var TEST in SECOND)
                                {
                                    if (TEST) hits[i] += 2;
                                }
                            }
                        }
                    });
                    return hits.Sum();
            """.Replace("SECOND", second, StringComparison.Ordinal).Replace("TEST", secondTest, StringComparison.Ordinal);
        var test = new VerifyCS.Test
        {
            TestCode = Wrap(body),
            // One at a time, the second site sees the first one's locals and takes the next free names; FixAll plans both
            // on the original document.
            FixedCode = Wrap(FixedBody("pending2", "test2")),
            BatchFixedCode = Wrap(FixedBody("pending", "test")),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.SplitLoopKey,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task ScratchPairListUnderAOneSlotSemaphore_ListBecomesALocal_TestsRunOutsideTheGate()
    {
        // The RigidBody shape: a pair list field cleared and refilled under the gate, each pair tested (the work) and, when
        // it hits, pushed through per-particle locks and counted with Interlocked. The list becomes the call's own, the
        // neighbour search and the tests leave the gate, and only the pushes stay under it, in the same order.
        var source = Usings + """
            sealed class Body
            {
                public int Key;
                public double X;
                public double Push;
                public readonly object Sync = new object();
            }

            sealed class Sweep
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
                        {|GIL001:_slot.Wait()|};
                        try
                        {
                            _near.Clear();
                            Near(a, bodies, _near);
                            foreach (var (_, j) in _near)
                            {
                                var b = bodies[j];
                                if (Meets(a, b, 500))
                                {
                                    Kick(a, b);
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

                private void Kick(Body a, Body b)
                {
                    var first = a.Key < b.Key ? a : b;
                    var second = a.Key < b.Key ? b : a;
                    lock (first.Sync)
                    {
                        lock (second.Sync)
                        {
                            a.Push -= 1;
                            b.Push += 1;
                        }
                    }

                    Interlocked.Increment(ref _contacts);
                }

                private static void Near(Body a, Body[] all, List<(int, int)> into)
                {
                    for (int k = 0; k < all.Length; k++)
                    {
                        if (all[k].Key > a.Key && Math.Abs(all[k].X - a.X) < 8) into.Add((a.Key, k));
                    }
                }

                private static bool Meets(Body a, Body b, int steps)
                {
                    for (int s = 1; s <= steps; s++)
                    {
                        if (Math.Abs(a.X - b.X) * s < 0.25) return true;
                    }

                    return false;
                }
            }
            """;
        var fixedSource = source.Replace("""
                        var a = bodies[i];
                        {|GIL001:_slot.Wait()|};
                        try
                        {
                            _near.Clear();
                            Near(a, bodies, _near);
                            foreach (var (_, j) in _near)
                            {
                                var b = bodies[j];
                                if (Meets(a, b, 500))
                                {
                                    Kick(a, b);
                                    touched[i]++;
                                }
                            }
                        }
                        finally
                        {
                            _slot.Release();
                        }
            """, """
                        var a = bodies[i];
                        var near = new List<(int, int)>();
                        Near(a, bodies, near);
                        var pending = new List<(Body b, bool test)>();
                        try
                        {
                            foreach (var (_, j) in near)
                            {
                                var b = bodies[j];
                                var test = Meets(a, b, 500);
                                pending.Add((b, test));
                            }
                        }
                        finally
                        {
                            _slot.Wait();
                            try
                            {
                                foreach (var (b, test) in pending)
                                {
                                    if (test)
                                    {
                                        Kick(a, b);
                                        touched[i]++;
                                    }
                                }
                            }
                            finally
                            {
                                _slot.Release();
                            }
                        }
            """, StringComparison.Ordinal);
        Assert.NotEqual(source, fixedSource);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.ScratchToLocalKey);
    }

    [Fact]
    public async Task LoneTestedUpdate_TestMovesInFrontOfTheLock()
    {
        var source = Usings + """
            class Sieve
            {
                static readonly object Gate = new object();

                static bool IsPrime(int n)
                {
                    if (n < 2) return false;
                    for (int d = 2; d * d <= n; d++)
                    {
                        if (n % d == 0) return false;
                    }

                    return true;
                }

                static int Count(int limit)
                {
                    var primes = new List<int>();
                    Parallel.For(0, limit, n =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            if (IsPrime(n)) primes.Add(n);
                        }
                    });
                    return primes.Count;
                }
            }
            """;
        var fixedSource = source.Replace("""
                        {|GIL001:lock (Gate)|}
                        {
                            if (IsPrime(n)) primes.Add(n);
                        }
            """, """
                        var test = IsPrime(n);
                        lock (Gate)
                        {
                            if (test) primes.Add(n);
                        }
            """, StringComparison.Ordinal);
        Assert.NotEqual(source, fixedSource);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    // ------------------------------------------------------------------ refusals

    [Fact]
    public async Task TestedUpdateWhoseBranchIsTheWork_NoMoveOfTheTestAlone()
    {
        // The test is cheap next to what it guards (a long shared accumulation): moving the test alone would leave the
        // work under the lock, so no move-out is offered.
        var source = Usings + """
            class Sieve
            {
                static readonly object Gate = new object();
                static readonly long[] Table = new long[64];

                static bool Wanted(int n) => n % 3 != 0;

                static void Fill(int limit)
                {
                    Parallel.For(0, limit, n =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            if (Wanted(n))
                            {
                                for (int k = 0; k < 100000; k++) Table[(n + k) & 63] += k % 7;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task TestReadsWhatTheWritesChange_NoSplit()
    {
        // Each item's test reads the pushes earlier items made: testing all items first would see none of them.
        var body = """
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var (from, to) in pairs)
                            {
                                if (Hits(ps[from], ps[to], 400) && ps[to].Push < 3)
                                {
                                    ps[to].Push += 1;
                                }
                            }
                        }
                    });
                    return 0;
            """;
        await VerifyAsync(body, body);
    }

    [Fact]
    public async Task OutResultOnlySetWhenAShortCircuitPasses_NoSplit()
    {
        // 'depth' is assigned only when the first test passes: as a bool computed in front, the writes could not use it.
        var body = """
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int j = 0; j < ps.Length; j++)
                            {
                                var other = ps[j];
                                if (j != i && HitsAt(ps[i], other, 300, out double depth))
                                {
                                    other.Push += depth;
                                }
                            }
                        }
                    });
                    return 0;
            """;
        await VerifyAsync(body, body);
    }

    [Fact]
    public async Task PatternVariableOfTheTest_NoSplit()
    {
        // 'p' is definitely assigned only when the pattern matches: a bool computed in front would lose that.
        var body = """
                    object[] boxes = ps;
                    Parallel.For(0, ps.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int j = 0; j < boxes.Length; j++)
                            {
                                if (boxes[j] is Particle p && Hits(ps[i], p, 300))
                                {
                                    p.Push += 1;
                                }
                            }
                        }
                    });
                    return 0;
            """;
        await VerifyAsync(body, body);
    }
}
