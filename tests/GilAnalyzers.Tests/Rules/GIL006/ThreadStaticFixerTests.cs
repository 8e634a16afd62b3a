using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
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
}
