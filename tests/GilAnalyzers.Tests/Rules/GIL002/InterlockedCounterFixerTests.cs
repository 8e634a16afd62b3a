using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a Synchronized method whose only shared write is a counter bumped first (<c>_evaluations++;</c>) and then pure
/// work over its parameters got no action (the narrowed lock cannot move anything in front of the bump). The first action
/// now drops the attribute and bumps the counter with Interlocked, when that provably keeps what the hidden lock gave.
/// </summary>
public class InterlockedCounterFixerTests
{
    private const string Usings = "using System;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    private static Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors Behaviors
        // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
        => Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private const string Evaluator = """
        sealed class Evaluator
        {
            private static readonly int[] Weight = { 0, 1, 3, 3, 5, 9 };
            private long _evaluations;

            public long Evaluations => _evaluations;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int {|GIL002:Evaluate|}(int[] board)
            {
                _evaluations++;
                int score = 0;
                for (int sq = 0; sq < board.Length; sq++)
                    for (int ray = 0; ray < 8; ray++)
                        score += Weight[Math.Abs(board[sq]) % 6] * (ray + 1);
                return score;
            }
        }
        """;

    private const string EvaluatorFixed = """
        sealed class Evaluator
        {
            private static readonly int[] Weight = { 0, 1, 3, 3, 5, 9 };
            private long _evaluations;

            public long Evaluations => _evaluations;

            public int Evaluate(int[] board)
            {
                Interlocked.Increment(ref _evaluations);
                int score = 0;
                for (int sq = 0; sq < board.Length; sq++)
                    for (int ray = 0; ray < 8; ray++)
                        score += Weight[Math.Abs(board[sq]) % 6] * (ray + 1);
                return score;
            }
        }
        """;

    private static readonly string EvaluatorDriver = SynchronizedCpuMethodFixerTests.Driver("evaluator.Evaluate(new int[64]);", "var evaluator = new Evaluator();");

    private static async Task VerifyAsync(string source, string fixedSource, string driver, LanguageVersion version = LanguageVersion.Latest, string? batchFixed = null)
    {
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Behaviors,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.InterlockedCounterKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        if (batchFixed is not null)
        {
            test.BatchFixedCode = Usings + batchFixed;
            test.BatchFixedState.Sources.Add(("Driver.cs", driver));
        }

        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task CounterBumpedFirst_BecomesInterlockedAndTheAttributeGoes(LanguageVersion version)
        => await VerifyAsync(Evaluator, EvaluatorFixed, EvaluatorDriver, version);

    [Fact]
    public async Task StaticCounterAddedLast_ByAConstant_BecomesInterlockedAdd()
    {
        await VerifyAsync("""
            static class Hashing
            {
                private static int s_blocks;

                public static int Blocks => s_blocks;

                [MethodImpl(MethodImplOptions.Synchronized | MethodImplOptions.NoInlining)]
                public static uint {|GIL002:Fnv|}(byte[] data)
                {
                    uint h = 2166136261;
                    for (int round = 0; round < 16; round++)
                        foreach (var b in data) h = (h ^ b) * 16777619;
                    s_blocks += 16;
                    return h;
                }
            }
            """, """
            static class Hashing
            {
                private static int s_blocks;

                public static int Blocks => s_blocks;

                [MethodImpl(MethodImplOptions.NoInlining)]
                public static uint Fnv(byte[] data)
                {
                    uint h = 2166136261;
                    for (int round = 0; round < 16; round++)
                        foreach (var b in data) h = (h ^ b) * 16777619;
                    Interlocked.Add(ref s_blocks, 16);
                    return h;
                }
            }
            """, SynchronizedCpuMethodFixerTests.Driver("Hashing.Fnv(new byte[256]);"));
    }

    [Fact]
    public async Task CounterResetInTheConstructorAndBumpedElsewhere_StillFixed()
    {
        await VerifyAsync("""
            sealed class Scorer
            {
                private int _calls;
                private int _misses;

                public Scorer() { _calls = 0; }

                public void Miss() { _misses++; _calls += 1; }

                public int Calls => _calls;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Score|}(double[] xs)
                {
                    _calls -= -1;
                    double s = 0;
                    for (int i = 0; i < xs.Length; i++)
                        for (int j = 0; j < xs.Length; j++) s += Math.Abs(xs[i] - xs[j]);
                    return s;
                }
            }
            """, """
            sealed class Scorer
            {
                private int _calls;
                private int _misses;

                public Scorer() { _calls = 0; }

                public void Miss() { _misses++; _calls += 1; }

                public int Calls => _calls;

                public double Score(double[] xs)
                {
                    Interlocked.Add(ref _calls, -(-1));
                    double s = 0;
                    for (int i = 0; i < xs.Length; i++)
                        for (int j = 0; j < xs.Length; j++) s += Math.Abs(xs[i] - xs[j]);
                    return s;
                }
            }
            """, SynchronizedCpuMethodFixerTests.Driver("scorer.Score(new double[16]);", "var scorer = new Scorer();"));
    }

    [Fact]
    public async Task FixAll_FixesEveryCountingMethod()
    {
        var source = Evaluator + "\n" + """
            sealed class Meter
            {
                private int _frames;

                public int Frames => _frames;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Loudness|}(float[] samples)
                {
                    _frames++;
                    double sum = 0;
                    for (int w = 0; w < 4; w++)
                        for (int i = 0; i < samples.Length; i++) sum += samples[i] * samples[i] * (w + 1);
                    return sum;
                }
            }
            """;
        var fixedSource = EvaluatorFixed + "\n" + """
            sealed class Meter
            {
                private int _frames;

                public int Frames => _frames;

                public double Loudness(float[] samples)
                {
                    Interlocked.Increment(ref _frames);
                    double sum = 0;
                    for (int w = 0; w < 4; w++)
                        for (int i = 0; i < samples.Length; i++) sum += samples[i] * samples[i] * (w + 1);
                    return sum;
                }
            }
            """;
        var driver = SynchronizedCpuMethodFixerTests.Driver("evaluator.Evaluate(new int[64]); meter.Loudness(new float[64]);", "var evaluator = new Evaluator(); var meter = new Meter();");
        await VerifyAsync(source, fixedSource, driver, batchFixed: fixedSource);
    }

    [Fact]
    public async Task FirstAction_IsTheInterlockedCounterThenTheNarrowedLock()
    {
        // The counter bumped last: the narrowed lock also applies (the loops move in front of it), but leaves a lock.
        var source = Usings + """
            sealed class Evaluator
            {
                private long _evaluations;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    _evaluations++;
                    return score;
                }
            }
            """ + "\n" + EvaluatorDriver;
        var offers = await CodeFixOffers.ForAsync(source);
        var gil002 = Assert.Single(offers, o => o.Id == DiagnosticIds.SynchronizedCpuMethod);
        Assert.Equal(new[] { SynchronizedCpuMethodFixer.InterlockedCounterKey, SynchronizedCpuMethodFixer.NarrowLockKey }, gil002.Keys);
    }

    // ------------------------------------------------------------------ refusals: no Interlocked counter action

    [Theory]
    [InlineData("the counter is read in the method", """
            sealed class Evaluator
            {
                private long _evaluations;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations++;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return _evaluations % 1000 == 0 ? -score : score;
                }
            }
            """)]
    [InlineData("a sibling Synchronized method touches the counter", """
            sealed class Evaluator
            {
                private long _evaluations;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations++;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return score;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public long TakeCount() { long n = _evaluations; _evaluations = 0; return n; }
            }
            """)]
    [InlineData("a non-integer counter", """
            sealed class Evaluator
            {
                private double _work;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _work += 1;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return score;
                }
            }
            """)]
    [InlineData("the counter is reset elsewhere without the lock", """
            sealed class Evaluator
            {
                private long _evaluations;

                public void Reset() => _evaluations = 0;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations++;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return score;
                }
            }
            """)]
    [InlineData("the rest of the method writes other shared state", """
            sealed class Evaluator
            {
                private long _evaluations;
                private int _best;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations++;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    if (score > _best) _best = score;
                    return score;
                }
            }
            """)]
    [InlineData("a computed amount is an accumulation, which the narrowed lock keeps", """
            sealed class Evaluator
            {
                private long _evaluations;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations += board.Length;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return score;
                }
            }
            """)]
    [InlineData("a derived type may take the same hidden lock", """
            class Evaluator
            {
                private long _evaluations;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Evaluate(int[] board)
                {
                    _evaluations++;
                    int score = 0;
                    for (int sq = 0; sq < board.Length; sq++)
                        for (int ray = 0; ray < 8; ray++) score += board[sq] * ray;
                    return score;
                }
            }

            sealed class TunedEvaluator : Evaluator
            {
                public int Tune(int[] board) { lock (this) { return Evaluate(board); } }
            }
            """)]
    public async Task Refusal_NoInterlockedCounter(string why, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + source + "\n" + EvaluatorDriver);
        var gil002 = Assert.Single(offers, o => o.Id == DiagnosticIds.SynchronizedCpuMethod);
        Assert.False(gil002.Keys.Contains(SynchronizedCpuMethodFixer.InterlockedCounterKey), why + ": offered " + string.Join(", ", gil002.Keys));
    }
}
