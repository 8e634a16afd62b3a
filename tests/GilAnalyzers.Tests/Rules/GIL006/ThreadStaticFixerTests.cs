using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL006's <c>[ThreadStatic]</c> rewrite: legacy code that keeps per-call working state in static fields (scratch arrays,
/// counters, a stack pointer) and resets it at the start of every call gets one copy per thread, and the lock goes — no
/// worker processes and no package. Refused when the state carries information between calls, is used outside the
/// locked call, or the lock guards anything else.
/// </summary>
public class ThreadStaticFixerTests
{
    /// <summary>A verifier run of the <c>[ThreadStatic]</c> action (its key), without GilAnalyzers.Processes.</summary>
    private static VerifyCS.Test Test(string source, string? fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test { LanguageVersion = version, CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ThreadStaticKey };
        test.TestState.Sources.Add(("/0/Test0.cs", source));
        if (fixedSource is not null)
        {
            test.FixedState.Sources.Add(("/0/Test0.cs", fixedSource));
        }

        return test;
    }

    /// <summary>What <see cref="WhyNoFix"/> says of the source's only GIL006 diagnostic (no GilAnalyzers.Processes referenced).</summary>
    internal static async Task<string> WhyAsync(string source)
        => await FixRefusals.OnlyAsync(source, "GIL006") ?? "(an action is offered)";

    private const string Runner = """
        class Runner
        {
            static void Run(double[][] inputs, double[] outputs)
            {
                Parallel.For(0, inputs.Length, k =>
                {
                    double value;
                    {|GIL006:lock (Legacy.Gate)|}
                    {
                        value = Legacy.Run(inputs[k]);
                    }
                    outputs[k] = value;
                });
            }
        }
        """;

    private const string FixedRunner = """
        class Runner
        {
            static void Run(double[][] inputs, double[] outputs)
            {
                Parallel.For(0, inputs.Length, k =>
                {
                    double value;
                    value = Legacy.Run(inputs[k]);
                    outputs[k] = value;
                });
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ScratchArraysAndCountersResetEachCall_BecomePerThread(LanguageVersion version)
    {
        var source = """
            using System;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                private static readonly int[] s_stack = new int[64];
                private static int s_sp;
                private static double[] s_work = new double[0];

                public static double Run(double[] input)
                {
                    Array.Clear(s_stack, 0, s_stack.Length);
                    s_sp = 0;
                    s_work = new double[input.Length];
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_work[i] = input[i] * 2;
                        s_stack[s_sp % 64] += i;
                        s_sp++;
                    }

                    double sum = 0;
                    for (int i = 0; i < s_work.Length; i++) sum += s_work[i] + s_stack[i % 64];
                    return sum;
                }
            }

            """ + Runner;
        var create = version >= LanguageVersion.CSharp8 ? "t_stack ??= new int[64]" : "t_stack ?? (t_stack = new int[64])";
        var fixedSource = $$"""
            using System;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                [ThreadStatic]
                private static int[] t_stack;
                private static int[] s_stack => {{create}};
                [ThreadStatic]
                private static int s_sp;
                [ThreadStatic]
                private static double[] s_work;

                public static double Run(double[] input)
                {
                    Array.Clear(s_stack, 0, s_stack.Length);
                    s_sp = 0;
                    s_work = new double[input.Length];
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_work[i] = input[i] * 2;
                        s_stack[s_sp % 64] += i;
                        s_sp++;
                    }

                    double sum = 0;
                    for (int i = 0; i < s_work.Length; i++) sum += s_work[i] + s_stack[i % 64];
                    return sum;
                }
            }

            """ + FixedRunner;
        await Test(source, fixedSource, version).RunAsync();
    }

    [Fact]
    public async Task NullableContext_PerThreadFieldIsNullableAndAssignedFieldStartsAsNullForgiven()
    {
        var source = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                private static readonly List<int> s_open = new List<int>();
                private static double[] s_work = Array.Empty<double>();

                public static double Run(double[] input)
                {
                    s_open.Clear();
                    s_work = new double[input.Length];
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_work[i] = input[i] * 2;
                        if (s_work[i] > 1) s_open.Add(i);
                    }

                    double sum = 0;
                    foreach (var i in s_open) sum += s_work[i];
                    return sum;
                }
            }

            """ + Runner;
        var fixedSource = """
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                [ThreadStatic]
                private static List<int>? t_open;
                private static List<int> s_open => t_open ??= new List<int>();
                [ThreadStatic]
                private static double[] s_work = null!;

                public static double Run(double[] input)
                {
                    s_open.Clear();
                    s_work = new double[input.Length];
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_work[i] = input[i] * 2;
                        if (s_work[i] > 1) s_open.Add(i);
                    }

                    double sum = 0;
                    foreach (var i in s_open) sum += s_work[i];
                    return sum;
                }
            }

            """ + FixedRunner;
        await Test(source, fixedSource).RunAsync();
    }

    /// <summary>
    /// A board overwritten element by element up to the constant length it is created with, masks cleared, a counter and
    /// two indices reset in one chained assignment; the common block in a file of its own, used by a private helper that
    /// only the entry calls.
    /// </summary>
    [Fact]
    public async Task ElementLoopChainedResetAndHelper_InAnotherDocument()
    {
        var legacy = """
            using System;

            static class Solver
            {
                public static readonly object SolverLock = new object();
                private static readonly int[] Board = new int[81];
                private static readonly int[] RowMask = new int[9];
                private static int s_i, s_j;
                private static long _steps;

                public static long Solve(int[] puzzle)
                {
                    Array.Clear(RowMask);
                    s_i = s_j = 0;
                    _steps = 0;
                    for (int i = 0; i < 81; i++)
                    {
                        Board[i] = puzzle[i];
                        if (puzzle[i] != 0) RowMask[i / 9] |= 1 << puzzle[i];
                    }

                    Walk();
                    return _steps + s_i + s_j;
                }

                private static void Walk()
                {
                    for (int cell = 0; cell < 81; cell++)
                    {
                        for (int d = 1; d <= 9; d++)
                        {
                            if ((RowMask[cell / 9] & (1 << d)) == 0 && Board[cell] == 0) { _steps++; s_i += d; }
                            else s_j++;
                        }
                    }
                }
            }
            """;
        var fixedLegacy = """
            using System;

            static class Solver
            {
                public static readonly object SolverLock = new object();
                [ThreadStatic]
                private static int[] t_board;
                private static int[] Board => t_board ??= new int[81];
                [ThreadStatic]
                private static int[] t_rowMask;
                private static int[] RowMask => t_rowMask ??= new int[9];
                [ThreadStatic]
                private static int s_i, s_j;
                [ThreadStatic]
                private static long _steps;

                public static long Solve(int[] puzzle)
                {
                    Array.Clear(RowMask);
                    s_i = s_j = 0;
                    _steps = 0;
                    for (int i = 0; i < 81; i++)
                    {
                        Board[i] = puzzle[i];
                        if (puzzle[i] != 0) RowMask[i / 9] |= 1 << puzzle[i];
                    }

                    Walk();
                    return _steps + s_i + s_j;
                }

                private static void Walk()
                {
                    for (int cell = 0; cell < 81; cell++)
                    {
                        for (int d = 1; d <= 9; d++)
                        {
                            if ((RowMask[cell / 9] & (1 << d)) == 0 && Board[cell] == 0) { _steps++; s_i += d; }
                            else s_j++;
                        }
                    }
                }
            }
            """;
        var source = """
            using System.Linq;
            using System.Threading.Tasks;

            static class Batch
            {
                public static async Task<long> RunAll(int[][] puzzles)
                {
                    var jobs = puzzles.Select(puzzle => Task.Run(() =>
                    {
                        long steps;
                        {|GIL006:lock (Solver.SolverLock)|}
                        {
                            steps = Solver.Solve(puzzle);
                        }

                        return steps;
                    })).ToArray();
                    return (await Task.WhenAll(jobs)).Sum();
                }
            }
            """;
        var fixedSource = """
            using System.Linq;
            using System.Threading.Tasks;

            static class Batch
            {
                public static async Task<long> RunAll(int[][] puzzles)
                {
                    var jobs = puzzles.Select(puzzle => Task.Run(() =>
                    {
                        long steps;
                        steps = Solver.Solve(puzzle);

                        return steps;
                    })).ToArray();
                    return (await Task.WhenAll(jobs)).Sum();
                }
            }
            """;
        var test = new VerifyCS.Test { CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ThreadStaticKey };
        test.TestState.Sources.Add(("/0/Batch.cs", source));
        test.TestState.Sources.Add(("/0/Solver.cs", legacy));
        test.FixedState.Sources.Add(("/0/Batch.cs", fixedSource));
        test.FixedState.Sources.Add(("/0/Solver.cs", fixedLegacy));
        await test.RunAsync();
    }

    private const string Scratch = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Legacy
        {
            public static readonly object Gate = new object();
            private static double[] s_work = new double[0];

            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                double sum = 0;
                for (int i = 0; i < input.Length; i++)
                {
                    s_work[i] = input[i] * 2;
                    sum += s_work[i / 2];
                }

                return sum;
            }
        }

        """;

    /// <summary>
    /// <see cref="Scratch"/> with the buffer read by a second method: it cannot become one call's local (GIL006.ScratchToLocal),
    /// so what these refusals test is the thread-static rewrite alone.
    /// </summary>
    private const string ScratchAcrossMethods = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Legacy
        {
            public static readonly object Gate = new object();
            private static double[] s_work = new double[0];

            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                for (int i = 0; i < input.Length; i++) s_work[i] = input[i] * 2;
                return Half();
            }

            private static double Half()
            {
                double sum = 0;
                for (int i = 0; i < s_work.Length; i++) sum += s_work[i / 2];
                return sum;
            }
        }

        """;

    private const string FixedScratch = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Legacy
        {
            public static readonly object Gate = new object();
            [ThreadStatic]
            private static double[] s_work;

            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                double sum = 0;
                for (int i = 0; i < input.Length; i++)
                {
                    s_work[i] = input[i] * 2;
                    sum += s_work[i / 2];
                }

                return sum;
            }
        }

        """;

    /// <summary>
    /// Two loops lock the same gate around the same legacy call. Fix all makes the state per thread once (the two sites'
    /// edits of the legacy class are the same) and drops both locks; fixed one at a time, the second lock no longer guards
    /// process-global state after the first fix, so GIL006 no longer reports it (GIL001 does, whose fix moves the call out).
    /// </summary>
    [Fact]
    public async Task FixAll_TwoSitesOverTheSameLegacyClass_AddTheAttributeOnce()
        => await TwoSitesFixAll(Scratch, FixedScratch).RunAsync();

    private const string TwoSitesSite = """
                Parallel.For(0, inputs.Length, k =>
                {
                    double value;
                    {|GIL006:lock (Legacy.Gate)|}
                    {
                        value = Legacy.Run(inputs[k]);
                    }
                    outputs[k] = value;
                });
        """;

    private const string TwoSitesFixedSite = """
                Parallel.For(0, inputs.Length, k =>
                {
                    double value;
                    value = Legacy.Run(inputs[k]);
                    outputs[k] = value;
                });
        """;

    /// <summary>
    /// Two loops (methods A and B) lock the same gate around <c>Legacy.Run</c>: one fix leaves B's lock unmarked (no longer
    /// GIL006's), Fix all drops both.
    /// </summary>
    private static VerifyCS.Test TwoSitesFixAll(string legacy, string fixedLegacy)
    {
        var unmarked = TwoSitesSite.Replace("{|GIL006:", string.Empty).Replace(")|}", ")");
        static string Program(string legacyClass, string a, string b) => legacyClass + "class Runner\n{\n"
            + "    static void A(double[][] inputs, double[] outputs)\n    {\n" + a + "\n    }\n\n"
            + "    static void B(double[][] inputs, double[] outputs)\n    {\n" + b + "\n    }\n}\n";
        var test = Test(Program(legacy, TwoSitesSite, TwoSitesSite), Program(fixedLegacy, TwoSitesFixedSite, unmarked));
        test.BatchFixedState.Sources.Add(("/0/Test0.cs", Program(fixedLegacy, TwoSitesFixedSite, TwoSitesFixedSite)));
        test.NumberOfFixAllIterations = 1;
        return test;
    }

    private const string Tallied = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Legacy
        {
            public static readonly object Gate = new object();
            private static double[] s_work = new double[0];
            public static long Computed;
            private static int s_values;

            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { s_work[i] = input[i] * 2; sum += s_work[i]; }
                Computed++;
                s_values += input.Length;
                return sum;
            }

            public static string Report() => Computed + " runs, " + s_values + " values";
        }

        """;

    [Fact]
    public async Task CountersReadOnlyByStatistics_StaySharedAndBecomeAtomic()
    {
        // A public run counter and a private value count, bumped by every call and read only by a report: per-thread copies
        // would split them, so they stay one field each and their bumps become Interlocked; the scratch array is per thread.
        var fixedSource = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public static class Legacy
            {
                public static readonly object Gate = new object();
                [ThreadStatic]
                private static double[] s_work;
                public static long Computed;
                private static int s_values;

                public static double Run(double[] input)
                {
                    s_work = new double[input.Length];
                    double sum = 0;
                    for (int i = 0; i < input.Length; i++) { s_work[i] = input[i] * 2; sum += s_work[i]; }
                    Interlocked.Increment(ref Computed);
                    Interlocked.Add(ref s_values, input.Length);
                    return sum;
                }

                public static string Report() => Computed + " runs, " + s_values + " values";
            }

            """ + FixedRunner;
        await Test(Tallied + Runner, fixedSource).RunAsync();
    }

    [Fact]
    public async Task FixAll_TwoSitesOverTheSameTalliedClass_BumpTheCountersOnce()
    {
        var fixedTallied = Tallied.Replace("    private static double[] s_work = new double[0];", "    [ThreadStatic]\n    private static double[] s_work;")
            .Replace("Computed++;", "Interlocked.Increment(ref Computed);").Replace("s_values += input.Length;", "Interlocked.Add(ref s_values, input.Length);");
        await TwoSitesFixAll(Tallied, fixedTallied).RunAsync();
    }

    [Fact]
    public async Task CounterTheCalledCodeReads_IsRefused()
    {
        // The call reads its own counter (a progress tick every 100 runs): per-call state after all, never reset — refused.
        var source = Tallied.Replace("Computed++;", "Computed++;\n        if (Computed % 100 == 0) sum = -sum;") + Runner;
        await Test(source, source).RunAsync();
        Assert.Contains("GIL006-N5", await WhyAsync(source.Replace("{|GIL006:", string.Empty).Replace(")|}", ")")), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorEnterExit_TheTryBodyStays()
    {
        var source = Scratch + """
            class Runner
            {
                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        {|GIL006:Monitor.Enter(Legacy.Gate)|};
                        try
                        {
                            value = Legacy.Run(inputs[k]);
                        }
                        finally
                        {
                            Monitor.Exit(Legacy.Gate);
                        }

                        outputs[k] = value;
                    });
                }
            }
            """;
        var fixedSource = FixedScratch + """
            class Runner
            {
                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        value = Legacy.Run(inputs[k]);

                        outputs[k] = value;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task OneSlotSemaphore_TheTryBodyStays()
    {
        var source = Scratch + """
            class Runner
            {
                static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);

                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        {|GIL006:Slot.Wait()|};
                        try
                        {
                            value = Legacy.Run(inputs[k]);
                        }
                        finally
                        {
                            Slot.Release();
                        }

                        outputs[k] = value;
                    });
                }
            }
            """;
        var fixedSource = FixedScratch + """
            class Runner
            {
                static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);

                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        value = Legacy.Run(inputs[k]);

                        outputs[k] = value;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task LockWithoutBraces_ItsStatementStays()
    {
        var source = Scratch + """
            class Runner
            {
                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        {|GIL006:lock (Legacy.Gate)|} value = Legacy.Run(inputs[k]);
                        outputs[k] = value;
                    });
                }
            }
            """;
        var fixedSource = FixedScratch + """
            class Runner
            {
                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        value = Legacy.Run(inputs[k]);
                        outputs[k] = value;
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task TwoFieldsWithTheSameStem_GetDistinctPerThreadFields()
    {
        var source = """
            using System;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                private static readonly int[] s_mask = new int[8], _mask = new int[8];

                public static double Run(double[] input)
                {
                    Array.Clear(s_mask, 0, s_mask.Length);
                    Array.Clear(_mask, 0, _mask.Length);
                    double sum = 0;
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_mask[i & 7]++;
                        _mask[(i * 3) & 7] += s_mask[(i * 5) & 7];
                        sum += _mask[i & 7];
                    }

                    return sum;
                }
            }

            """ + Runner;
        var fixedSource = """
            using System;
            using System.Threading.Tasks;

            static class Legacy
            {
                public static readonly object Gate = new object();
                [ThreadStatic]
                private static int[] t_mask;
                private static int[] s_mask => t_mask ??= new int[8];
                [ThreadStatic]
                private static int[] t_mask_;
                private static int[] _mask => t_mask_ ??= new int[8];

                public static double Run(double[] input)
                {
                    Array.Clear(s_mask, 0, s_mask.Length);
                    Array.Clear(_mask, 0, _mask.Length);
                    double sum = 0;
                    for (int i = 0; i < input.Length; i++)
                    {
                        s_mask[i & 7]++;
                        _mask[(i * 3) & 7] += s_mask[(i * 5) & 7];
                        sum += _mask[i & 7];
                    }

                    return sum;
                }
            }

            """ + FixedRunner;
        await Test(source, fixedSource).RunAsync();
    }

    /// <summary>A legacy class (its <c>Run(double[])</c> under <c>Legacy.Gate</c>) that per-thread copies would change, and why.</summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        {
            "a warm start: the previous solution seeds the next call",
            """
            private static double[] s_previous = new double[4];
            public static double Run(double[] input)
            {
                var x = new double[4];
                for (int i = 0; i < input.Length; i++) x[i % 4] += input[i] * s_previous[i % 4] + 1;
                s_previous = x;
                return x[0];
            }
            """,
            "GIL006-N5: a static field the work writes is not reset at the start of each call before it is read, or is used outside the locked call, so per-thread copies ([ThreadStatic]) could change the results ('s_previous' is used before 'Run' resets it whole"
        },
        {
            "a generator's state (ran2's idum) carried from call to call",
            """
            private static int _idum = -1;
            private static int Next() { _idum = _idum * 1103515245 + 12345; return _idum & 0x7fff; }
            public static double Run(double[] input)
            {
                double sum = 0;
                for (int i = 0; i < input.Length; i++) sum += input[i] * Next();
                return sum;
            }
            """,
            "'_idum' is used before 'Run' resets it whole"
        },
        {
            "a memo table later calls read (its indexer write is not the library's own field)",
            """
            private static readonly System.Collections.Generic.Dictionary<int, double> s_memo = new System.Collections.Generic.Dictionary<int, double>();
            public static double Run(double[] input)
            {
                double sum = 0;
                for (int i = 0; i < input.Length; i++)
                {
                    int key = (int)input[i];
                    if (!s_memo.TryGetValue(key, out var v)) { v = System.Math.Sqrt(key); s_memo[key] = v; }
                    sum += v;
                }
                return sum;
            }
            """,
            "GIL006-N6"
        },
        {
            "generation stamps: a counter that grows across calls marks the visited cells",
            """
            private static readonly int[] s_mark = new int[1024];
            private static int s_stamp;
            public static double Run(double[] input)
            {
                s_stamp++;
                double sum = 0;
                for (int i = 0; i < input.Length; i++)
                {
                    int cell = (int)input[i] & 1023;
                    if (s_mark[cell] != s_stamp) { s_mark[cell] = s_stamp; sum += input[i]; }
                }
                return sum;
            }
            """,
            "is used before 'Run' resets it whole"
        },
        {
            "a counter reset by each call but read outside it (another thread's copy would be read)",
            """
            private static long s_steps;
            public static long Steps => s_steps;
            public static double Run(double[] input)
            {
                s_steps = 0;
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { sum += input[i] * s_steps; s_steps++; }
                return sum;
            }
            """,
            "'s_steps' is used outside the code the lock calls (in 'get_Steps')"
        },
        {
            "a helper that uses the state without resetting it is also called from outside",
            """
            private static readonly int[] s_hist = new int[16];
            public static int Peek() => s_hist[0];
            public static int Probe() => Peek() + 1;
            public static double Run(double[] input)
            {
                System.Array.Clear(s_hist, 0, s_hist.Length);
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { s_hist[(int)input[i] & 15]++; sum += Peek(); }
                return sum;
            }
            """,
            "'Peek' uses the static state without resetting it and is called (or made a delegate) outside the code the lock calls"
        },
        {
            "a buffer reset in place and passed by reference (a per-thread property could not be)",
            """
            private static int[] s_hist = new int[16];
            private static void Grow(ref int[] buffer) { if (buffer.Length < 32) System.Array.Resize(ref buffer, 32); }
            public static double Run(double[] input)
            {
                System.Array.Clear(s_hist, 0, s_hist.Length);
                Grow(ref s_hist);
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { s_hist[(int)input[i] & 15]++; sum += s_hist[i & 15]; }
                return sum;
            }
            """,
            "GIL006-N"
        },
        {
            "the state is used in a lambda, which could run on another thread",
            """
            private static double[] s_work = new double[0];
            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                System.Threading.Tasks.Parallel.For(0, input.Length, i => s_work[i] = input[i] * 2);
                return Sum();
            }
            private static double Sum()
            {
                double sum = 0;
                for (int i = 0; i < s_work.Length; i++) sum += s_work[i];
                return sum;
            }
            """,
            "GIL006-N"
        },
        {
            "a field given a shared table: every thread's copy would point at the same array",
            """
            private static readonly double[] s_table = new double[64];
            private static double[] s_work = new double[0];
            public static double[] Table() => s_table;
            public static double Run(double[] input)
            {
                s_work = Table();
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { s_work[i & 63] = input[i]; sum += s_work[(i * 7) & 63]; }
                return sum;
            }
            """,
            "GIL006-N"
        },
        {
            "native code: a P/Invoke whose hidden state has no per-thread copy",
            """
            [System.Runtime.InteropServices.DllImport("libc")] private static extern int rand();
            private static double[] s_work = new double[0];
            public static double Run(double[] input)
            {
                s_work = new double[input.Length];
                double sum = 0;
                for (int i = 0; i < input.Length; i++) { s_work[i] = input[i] * rand(); sum += s_work[i]; }
                return sum;
            }
            """,
            "GIL006-N4"
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task StateThatPerThreadCopiesWouldChange_IsRefused(string _, string members, string reason)
    {
        var source = "using System.Threading.Tasks;\n\nstatic class Legacy\n{\n    public static readonly object Gate = new object();\n"
            + members + "\n}\n\n" + Runner;
        await Test(source, source).RunAsync();
        var why = await WhyAsync(source.Replace("{|GIL006:", string.Empty).Replace(")|}", ")"));
        Assert.True(why.Contains(reason, System.StringComparison.Ordinal), why);
    }

    [Fact]
    public async Task CallerWritesItsOwnStaticUnderTheLock_IsRefused()
    {
        var source = ScratchAcrossMethods + """
            class Runner
            {
                static double s_total;

                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        double value;
                        {|GIL006:lock (Legacy.Gate)|}
                        {
                            value = Legacy.Run(inputs[k]);
                            s_total += value;
                        }
                        outputs[k] = value;
                    });
                }
            }
            """;
        await Test(source, source).RunAsync();
        Assert.Contains("GIL006-N5", await WhyAsync(source.Replace("{|GIL006:", string.Empty).Replace(")|}", ")")), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockGuardsAWriteToTheCallersArray_IsRefused()
    {
        var source = ScratchAcrossMethods + """
            class Runner
            {
                static void Run(double[][] inputs, double[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        {|GIL006:lock (Legacy.Gate)|}
                        {
                            outputs[k] = Legacy.Run(inputs[k]);
                        }
                    });
                }
            }
            """;
        await Test(source, source).RunAsync();
        Assert.Contains("GIL006-N6", await WhyAsync(source.Replace("{|GIL006:", string.Empty).Replace(")|}", ")")), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicFieldOfAPublicClass_IsRefused()
    {
        var source = Scratch.Replace("static class Legacy", "public static class Legacy").Replace("private static double[] s_work", "public static double[] s_work") + Runner;
        await Test(source, source).RunAsync();
        Assert.Contains("GIL006-N6", await WhyAsync(source.Replace("{|GIL006:", string.Empty).Replace(")|}", ")")), System.StringComparison.Ordinal);
    }

    /// <summary>
    /// A backtracking search that recurses over static working arrays: the methods in the cycle are analysed one at a
    /// time, and the arrays, cleared or overwritten by the entry, become per thread.
    /// </summary>
    [Fact]
    public async Task RecursiveSearchOverStaticArrays_BecomesPerThread()
    {
        const string legacy = """
            using System;
            using System.Threading.Tasks;

            static class Queens
            {
                public static readonly object Gate = new object();
                private static readonly bool[] s_column = new bool[16];
                private static readonly int[] s_row = new int[16];
                private static int s_size;
                private static long s_nodes;

                public static long Count(int size)
                {
                    Array.Clear(s_column, 0, s_column.Length);
                    for (int i = 0; i < s_row.Length; i++) s_row[i] = -1;
                    s_size = size;
                    s_nodes = 0;
                    return Place(0) * 1000 + s_nodes % 1000;
                }

                private static long Place(int row)
                {
                    if (row == s_size) return 1;
                    long found = 0;
                    for (int c = 0; c < s_size; c++)
                    {
                        if (s_column[c] || Attacked(row, c)) continue;
                        s_nodes++;
                        s_column[c] = true;
                        s_row[row] = c;
                        found += Place(row + 1);
                        s_column[c] = false;
                    }
                    return found;
                }

                private static bool Attacked(int row, int column)
                {
                    for (int r = 0; r < row; r++)
                        if (Math.Abs(s_row[r] - column) == row - r) return true;
                    return false;
                }
            }

            class Runner
            {
                static void Run(int[] sizes, long[] counts)
                {
                    Parallel.For(0, sizes.Length, k =>
                    {
                        long count;
                        {|GIL006:lock (Queens.Gate)|}
                        {
                            count = Queens.Count(sizes[k]);
                        }
                        counts[k] = count;
                    });
                }
            }
            """;
        var fixedLegacy = legacy
            .Replace("""
                    private static readonly bool[] s_column = new bool[16];
                    private static readonly int[] s_row = new int[16];
                    private static int s_size;
                    private static long s_nodes;
                """, """
                    [ThreadStatic]
                    private static bool[] t_column;
                    private static bool[] s_column => t_column ??= new bool[16];
                    [ThreadStatic]
                    private static int[] t_row;
                    private static int[] s_row => t_row ??= new int[16];
                    [ThreadStatic]
                    private static int s_size;
                    [ThreadStatic]
                    private static long s_nodes;
                """)
            .Replace("""
                            {|GIL006:lock (Queens.Gate)|}
                            {
                                count = Queens.Count(sizes[k]);
                            }
                """, """
                            count = Queens.Count(sizes[k]);
                """);
        Assert.DoesNotContain("lock (", fixedLegacy, System.StringComparison.Ordinal);
        Assert.Contains("t_column ??= new bool[16]", fixedLegacy, System.StringComparison.Ordinal);
        await Test(legacy, fixedLegacy).RunAsync();
    }
}
