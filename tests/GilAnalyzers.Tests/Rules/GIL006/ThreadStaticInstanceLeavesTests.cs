using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The legacy call returns a record (<c>new Sample(sum, n)</c>, a primary constructor) and the locked code reads one of
/// its properties. Neither has a body of its own, so the per-thread rewrite refused them ("no body of '.ctor' to check");
/// a primary constructor of a type without instance initialisers and an instance auto-property touch only the new
/// instance and reach no static state. A record whose constructor initialises a property from a static refuses still.
/// </summary>
public class ThreadStaticInstanceLeavesTests
{
    private static string Legacy(string record, bool perThread) => """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        static class Legacy
        {
            public static readonly object Gate = new object();

        """ + (perThread ? "    [ThreadStatic]\n    private static double[] s_work;" : "    private static double[] s_work = new double[0];") + """

            internal static int s_calls;

            public static Sample Run(double[] input)
            {
                s_work = new double[input.Length];
                for (int i = 0; i < input.Length; i++) s_work[i] = input[i] * 2;
                return new Sample(Half(), input.Length);
            }

            private static double Half()
            {
                double sum = 0;
                for (int i = 0; i < s_work.Length; i++) sum += s_work[i / 2];
                return sum;
            }
        }

        """ + record + """


        class Runner
        {
            static void Run(double[][] inputs, double[] outputs)
            {
                Parallel.For(0, inputs.Length, k =>
                {
                    double value;
        """ + (perThread ? "\n            value = Legacy.Run(inputs[k]).Value;" : "\n" + """
                    {|GIL006:lock (Legacy.Gate)|}
                    {
                        value = Legacy.Run(inputs[k]).Value;
                    }
        """) + """

                    outputs[k] = value;
                });
            }
        }
        """;

    [Fact]
    public async Task RecordResultAndItsProperty_StatePerThread()
    {
        const string record = "public sealed record Sample(double Value, int Count);";
        var test = new VerifyCS.Test
        {
            TestCode = Legacy(record, perThread: false),
            FixedCode = Legacy(record, perThread: true),
            CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ThreadStaticKey,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task RecordInitialisesAPropertyFromTheStaticState_NoPerThreadRewrite()
    {
        // Calls is set from Legacy.s_calls when each Sample is made: the constructor reads static state after all.
        const string record = "public sealed record Sample(double Value, int Count) { public int Calls { get; } = Legacy.s_calls++; }";
        var source = Legacy(record, perThread: false);
        var test = new VerifyCS.Test { TestCode = source, FixedCode = source, CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ThreadStaticKey };
        await test.RunAsync();
    }
}
