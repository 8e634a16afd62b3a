using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL006's process-pool rewrite when the work method takes more than the item: <c>results[i] = M(i, depth)</c> or
/// <c>outputs[k] = M(inputs[k], scale, "mode")</c> where the other arguments are the same for every item. Each item
/// travels with them as a tuple and a lambda that captures nothing calls M in the worker.
/// </summary>
public class ProcessPoolInvariantArgumentsFixerTests
{
    private const string Planner = """
        public enum Mode { Fast, Thorough }

        public static class Planner
        {
            private static readonly long[] s_memo = new long[64];

            public static long Plan(int seed, int depth, Mode mode)
            {
                System.Array.Clear(s_memo, 0, s_memo.Length);
                long best = 0;
                for (int step = 0; step < depth * 1000; step++)
                {
                    s_memo[(seed + step) % 64] += mode == Mode.Fast ? step : step ^ seed;
                    best = System.Math.Max(best, s_memo[(step * 3) % 64]);
                }
                return best;
            }

            public static double Score(double[] frame, double scale, string label)
            {
                System.Array.Clear(s_memo, 0, s_memo.Length);
                double acc = label.Length;
                for (int i = 0; i < frame.Length; i++)
                {
                    s_memo[i % 64] += (long)(frame[i] * scale);
                    acc += s_memo[(i * 7) % 64];
                }
                return acc;
            }
        }

        """;

    private static VerifyCS.Test Test(string source, string? fixedSource, LanguageVersion version = LanguageVersion.Latest)
        => ProcessGlobalStateUnderLockFixerTests.Test(source, fixedSource, version);

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "")]
    [InlineData(LanguageVersion.Latest, "static ")]
    public async Task IndexWithALocalAndAConstant_TravelsAsATuple(LanguageVersion version, string staticModifier)
    {
        var source = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();

                static long[] Run(int count, int depth)
                {
                    var results = new long[count];
                    Parallel.For(0, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Planner.Plan(i, depth, Mode.Thorough);
                        }
                    });
                    return results;
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();

                static long[] Run(int count, int depth)
                {
                    var results = new long[count];
                    {
                        var results1 = GilAnalyzers.Processes.ProcessPool.Shared.Map(STATICinput => Planner.Plan(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<int, (int, int, Mode)>(System.Linq.Enumerable.Range(0, count), item => (item, depth, Mode.Thorough)));
                        for (int i = 0; i < count; i++) results[i] = results1[i];
                    }
                    return results;
                }
            }
            """.Replace("STATIC", staticModifier);
        await Test(source, fixedSource, version).RunAsync();
    }

    [Fact]
    public async Task InputElementWithAParameterAndAString_TravelsAsATuple()
    {
        var source = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, double scale)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Planner.Score(frames[k], scale, "grey");
                        }
                    });
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, double scale)
                {
                    {
                        var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(static input => Planner.Score(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<double[], (double[], double, string)>(frames, item => (item, scale, "grey")));
                        for (int k = 0; k < frames.Length; k++) outputs[k] = results[k];
                    }
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOutWithInvariants()
    {
        const string body = """
                    Parallel.For(0, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Planner.Plan(i, depth, Mode.Fast);
                        }
                    });
            """;
        const string fixedBody = """
                    {
                        var results1 = GilAnalyzers.Processes.ProcessPool.Shared.Map(static input => Planner.Plan(input.Item1, input.Item2, input.Item3), System.Linq.Enumerable.Select<int, (int, int, Mode)>(System.Linq.Enumerable.Range(0, count), item => (item, depth, Mode.Fast)));
                        for (int i = 0; i < count; i++) results[i] = results1[i];
                    }
            """;
        var source = "using System.Threading.Tasks;\n" + Planner + "class Runner\n{\n    static readonly object Gate = new object();\n"
            + "    static void A(int count, int depth, long[] results)\n    {\n" + body + "\n    }\n"
            + "    static void B(int count, int depth, long[] results)\n    {\n" + body + "\n    }\n}\n";
        var fixedSource = "using System.Threading.Tasks;\n" + Planner + "class Runner\n{\n    static readonly object Gate = new object();\n"
            + "    static void A(int count, int depth, long[] results)\n    {\n" + fixedBody + "\n    }\n"
            + "    static void B(int count, int depth, long[] results)\n    {\n" + fixedBody + "\n    }\n}\n";
        var test = Test(source, fixedSource);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Theory]
    [InlineData("a static field the work could change", "static int s_depth = 3;", "s_depth")]
    [InlineData("an array the work could change in place", "static readonly int[] s_depths = { 3 };", "s_depths.Length")]
    [InlineData("the index twice", "", "i")]
    [InlineData("a value computed per item", "", "i * 2")]
    public async Task ArgumentsThatAreNotLoopInvariantValues_OfferNoProcessPoolFix(string _, string member, string depth)
    {
        var source = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();
                MEMBER

                static void Run(int count, long[] results)
                {
                    Parallel.For(0, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Planner.Plan(i, DEPTH, Mode.Fast);
                        }
                    });
                }
            }
            """.Replace("MEMBER", member).Replace("DEPTH", depth);
        await Test(source, null).RunAsync();
    }

    [Fact]
    public async Task FanOutInAGenericMethod_OffersNoProcessPoolFix()
    {
        // The lambda would live in a generic closure class, which a worker process cannot load.
        var source = "using System.Threading.Tasks;\n" + Planner + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run<T>(int count, int depth, long[] results, T tag)
                {
                    Parallel.For(0, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Planner.Plan(i, depth, Mode.Fast);
                        }
                    });
                }
            }
            """;
        await Test(source, null).RunAsync();
    }
}
