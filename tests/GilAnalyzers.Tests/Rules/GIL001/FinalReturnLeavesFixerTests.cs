using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A locked block whose every statement is thread-own work and whose last statement returns a value computed from
/// thread-own locals (what is left after per-call buffers became locals): the whole block, the return included, runs
/// without the lock.
/// </summary>
public class FinalReturnLeavesFixerTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class C
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public double[] Score(double[] input)
            {
        """ + "\n" + body + "\n" + """
            }

            public static void Run(C shared, double[][] inputs) => Parallel.For(0, inputs.Length, i => shared.Score(inputs[i]));
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, string key)
        => new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(fixedBody),
            CodeActionEquivalenceKey = key,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task ReturnOfAComputationOverThreadOwnLocals_LeavesWithTheRest()
    {
        await VerifyAsync("""
                    {|GIL001:_gate.Wait()|};
                    try
                    {
                        var buffer = new double[input.Length];
                        for (int i = 0; i < input.Length; i++)
                            for (int k = 0; k < input.Length; k++) buffer[i] += Math.Sqrt(input[k] * (i + 1.0));
                        return buffer.Select(v => v / input.Length).ToArray();
                    }
                    finally
                    {
                        _gate.Release();
                    }
            """, """
                    var buffer = new double[input.Length];
                    for (int i = 0; i < input.Length; i++)
                        for (int k = 0; k < input.Length; k++) buffer[i] += Math.Sqrt(input[k] * (i + 1.0));
                    return buffer.Select(v => v / input.Length).ToArray();
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task ReturnThatReadsStateWrittenUnderTheSameGate_IsNotMovedOut()
    {
        var source = Usings + """
            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
                private double _scale = 1;

                public void SetScale(double scale)
                {
                    _gate.Wait();
                    try { _scale = scale; } finally { _gate.Release(); }
                }

                public double[] Score(double[] input)
                {
                    {|GIL001:_gate.Wait()|};
                    try
                    {
                        var buffer = new double[input.Length];
                        for (int i = 0; i < input.Length; i++)
                            for (int k = 0; k < input.Length; k++) buffer[i] += Math.Sqrt(input[k] * (i + 1.0));
                        return buffer.Select(v => v * _scale).ToArray();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public static void Run(C shared, double[][] inputs) => Parallel.For(0, inputs.Length, i => shared.Score(inputs[i]));
            }
            """;
        // The return reads '_scale', which SetScale writes under the same gate: it cannot leave, and what would stay
        // locked (the Select over the buffer) is CPU-bound, so no rewrite is offered under this key.
        await new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);
    }
}
