using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a legacy static codec keeps a process-wide work array that each call resizes to exactly the frame size and
/// fills whole before reading it. The state is per call in fact, so GIL006's fixer offers the thread-level rewrite first:
/// the resize makes a local array, and the call leaves the lock.
/// </summary>
public class ScratchOverwrittenFirstProcessFixerTests
{
    private const string Codec = """
        public static class Codec
        {
            private static double[] s_work = new double[0];

            public static double Encode(double[] frame, int n)
            {
                RESIZE
                for (int i = 0; i < n; i++) s_work[i] = frame[i % frame.Length] * 0.5;
                double acc = 0;
                for (int r = 0; r < 64; r++)
                {
                    for (int i = 0; i < s_work.Length; i++) acc += s_work[(i * 7 + r) % n];
                }

                return acc;
            }
        }

        """;

    private const string Runner = """
        class Runner
        {
            static readonly object Gate = new object();

            static void Run(double[][] frames, double[] outputs)
            {
                Parallel.For(0, frames.Length, k =>
                {
                    {|GIL006:lock (Gate)|}
                    {
                        outputs[k] = Codec.Encode(frames[k], 256);
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task WorkArrayResizedExactlyAndFilledWhole_BecomesALocal_AndTheCallLeavesTheLock()
    {
        var source = "using System.Threading.Tasks;\n" + Codec.Replace("RESIZE", "if (s_work.Length != n) s_work = new double[n];") + Runner;
        var fixedSource = "using System.Threading.Tasks;\n" + Codec.Replace("RESIZE", "var work = new double[n];").Replace("s_work[", "work[").Replace("s_work.Length", "work.Length") + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        var value = Codec.Encode(frames[k], 256);
                        lock (Gate)
                        {
                            outputs[k] = value;
                        }
                    });
                }
            }
            """;
        await new VerifyCS.Test { TestCode = source, FixedCode = fixedSource, CodeActionIndex = 0, CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ScratchToLocalKey }.RunAsync();
    }

    [Fact]
    public async Task WorkArrayThatOnlyGrows_OffersNoThreadLevelFix()
    {
        // A longer array from an earlier call keeps its values past n: the state is not per call.
        var source = "using System.Threading.Tasks;\n" + Codec.Replace("RESIZE", "if (s_work.Length < n) s_work = new double[n];") + Runner;
        await new VerifyCS.Test { TestCode = source, FixedCode = source }.RunAsync();
    }
}
