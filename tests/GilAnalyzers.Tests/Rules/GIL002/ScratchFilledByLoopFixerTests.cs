using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a Synchronized method whose hidden lock protects a result buffer that a counting loop fills element by element
/// before anything reads it (<c>for (int s = 0; s &lt; _scenarios.Length; s++) { …; _pnl[s] = p; }</c>, the buffer sized in
/// the constructor from the same array): no call sees what another left, so the buffer becomes a local declared in front of
/// the loop and the flag goes.
/// </summary>
public class ScratchFilledByLoopFixerTests
{
    private const string Usings = "using System;\nusing System.Runtime.CompilerServices;\n";

    private static async Task VerifyAsync(string source, string? fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var driver = SynchronizedCpuMethodFixerTests.Driver("report.Loss(weights);", "var report = new LossReport(new double[500][]); var weights = new double[4];");
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + (fixedSource ?? source),
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ScratchToLocalKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    private const string Report = """
        sealed class LossReport
        {
            private readonly double[][] _scenarios;
            private readonly double[] _pnl;

            public LossReport(double[][] scenarios)
            {
                _scenarios = scenarios;
                _pnl = new double[scenarios.Length];
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double {|GIL002:Loss|}(double[] weights)
            {
                for (int s = 0; s < BOUND; s++)
                {
                    double p = 0;
                    for (int i = 0; i < weights.Length; i++) p += weights[i] * _scenarios[s][i];
                    _pnl[s] = p;
                }

                Array.Sort(_pnl);
                return -_pnl[_pnl.Length / 100];
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "_scenarios.Length")]
    [InlineData(LanguageVersion.Latest, "_pnl.Length")]
    public async Task BufferFilledWholeByACountingLoop_BecomesALocal_AndTheFlagGoes(LanguageVersion version, string bound)
    {
        var fixedBound = bound == "_pnl.Length" ? "pnl.Length" : bound;
        await VerifyAsync(Report.Replace("BOUND", bound), """
            sealed class LossReport
            {
                private readonly double[][] _scenarios;
                private readonly double[] _pnl;

                public LossReport(double[][] scenarios)
                {
                    _scenarios = scenarios;
                    _pnl = new double[scenarios.Length];
                }

                public double Loss(double[] weights)
                {
                    var pnl = new double[_pnl.Length];
                    for (int s = 0; s < BOUND; s++)
                    {
                        double p = 0;
                        for (int i = 0; i < weights.Length; i++) p += weights[i] * _scenarios[s][i];
                        pnl[s] = p;
                    }

                    Array.Sort(pnl);
                    return -pnl[pnl.Length / 100];
                }
            }
            """.Replace("BOUND", fixedBound), version);
    }

    [Theory]
    [InlineData("a loop that stops short of the end", "_scenarios.Length - 1")]
    [InlineData("a bound the buffer's length is not known to equal", "weights.Length")]
    public async Task LoopThatMayNotWriteEveryElement_OffersNoScratchToLocal(string _, string bound)
        => await VerifyAsync(Report.Replace("BOUND", bound), null);

    [Fact]
    public async Task LoopThatSkipsAWrite_OffersNoScratchToLocal()
        => await VerifyAsync(Report.Replace("BOUND", "_scenarios.Length").Replace("double p = 0;", "double p = 0;\n            if (_scenarios[s] == null) continue;"), null);
}
