using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a Synchronized method whose hidden lock protects a scratch array that a counting loop overwrites whole before
/// anything reads it — the element at the counter written first, then read and updated in the same pass, the bound a
/// constant equal to the array's constant size. No call sees what another left, so the array becomes a local and the flag
/// goes.
/// </summary>
public class ScratchOverwrittenFirstSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Runtime.CompilerServices;\n";

    private static async Task VerifyAsync(string source, string? fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var driver = SynchronizedCpuMethodFixerTests.Driver("spread.Loss(weights);", "var spread = new Spread(); var weights = new double[4];");
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

    private const string Spread = """
        sealed class Spread
        {
            private const int Bins = 32;
            private readonly double[] _edges = new double[Bins];

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double {|GIL002:Loss|}(double[] weights)
            {
                for (int b = 0; b < BOUND; b++)
                {
                    _edges[b] = weights[b % weights.Length] * b;
                    _edges[b] += 1.0 / (b + 1);
                }

                double total = 0;
                for (int r = 0; r < 200; r++)
                {
                    for (int b = 0; b < _edges.Length; b++) total += Math.Sqrt(Math.Abs(_edges[b] * r) + 1);
                }

                return total;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ArrayWrittenFirstAtTheCounterForEveryBin_BecomesALocal_AndTheFlagGoes(LanguageVersion version)
        => await VerifyAsync(Spread.Replace("BOUND", "Bins"), """
            sealed class Spread
            {
                private const int Bins = 32;
                private readonly double[] _edges = new double[Bins];

                public double Loss(double[] weights)
                {
                    var edges = new double[_edges.Length];
                    for (int b = 0; b < Bins; b++)
                    {
                        edges[b] = weights[b % weights.Length] * b;
                        edges[b] += 1.0 / (b + 1);
                    }

                    double total = 0;
                    for (int r = 0; r < 200; r++)
                    {
                        for (int b = 0; b < edges.Length; b++) total += Math.Sqrt(Math.Abs(edges[b] * r) + 1);
                    }

                    return total;
                }
            }
            """, version);

    [Theory]
    [InlineData("a constant bound short of the array's size", "Bins - 1")]
    [InlineData("another constant", "16")]
    public async Task LoopThatMayNotWriteEveryBin_OffersNoScratchToLocal(string _, string bound)
        => await VerifyAsync(Spread.Replace("BOUND", bound), null);

    [Fact]
    public async Task MatricesMadeNewAtTheTop_BecomeLocals_AndTheFlagGoes()
    {
        // Each call assigns new arrays to the fields first (a 2-D system matrix and its right-hand side): the fields only
        // carry the last call's arrays, which nothing reads, so the new arrays can be the call's own.
        var source = """
            sealed class Spread
            {
                private double[,] _matrix = new double[0, 0];
                private double[] _rhs = new double[0];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Loss|}(double[] weights)
                {
                    int n = weights.Length;
                    _matrix = new double[n, n];
                    _rhs = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        _rhs[i] = weights[i];
                        for (int j = 0; j < n; j++) _matrix[i, j] = i == j ? n : 1.0 / (1 + i + j);
                    }

                    var r = new double[n];
                    for (int sweep = 0; sweep < 500; sweep++)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double s = _rhs[i];
                            for (int j = 0; j < n; j++) if (j != i) s -= _matrix[i, j] * r[j];
                            r[i] = s / _matrix[i, i];
                        }
                    }

                    return r[0];
                }
            }
            """;
        var fixedSource = """
            sealed class Spread
            {
                private double[,] _matrix = new double[0, 0];
                private double[] _rhs = new double[0];

                public double Loss(double[] weights)
                {
                    int n = weights.Length;
                    var matrix = new double[n, n];
                    var rhs = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        rhs[i] = weights[i];
                        for (int j = 0; j < n; j++) matrix[i, j] = i == j ? n : 1.0 / (1 + i + j);
                    }

                    var r = new double[n];
                    for (int sweep = 0; sweep < 500; sweep++)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double s = rhs[i];
                            for (int j = 0; j < n; j++) if (j != i) s -= matrix[i, j] * r[j];
                            r[i] = s / matrix[i, i];
                        }
                    }

                    return r[0];
                }
            }
            """;
        await VerifyAsync(source, fixedSource);
    }

    [Fact]
    public async Task ArrayMadeNewButReadBeforehand_OffersNoScratchToLocal()
    {
        // The first statement reads what the last call left in the field: state kept between calls.
        var source = """
            sealed class Spread
            {
                private double[] _rhs = new double[1];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Loss|}(double[] weights)
                {
                    double carried = _rhs[0];
                    _rhs = new double[weights.Length];
                    for (int sweep = 0; sweep < 500; sweep++)
                    {
                        for (int i = 0; i < weights.Length; i++) _rhs[i] += Math.Sqrt(weights[i] * sweep + carried);
                    }

                    return _rhs[0];
                }
            }
            """;
        await VerifyAsync(source, null);
    }
}
