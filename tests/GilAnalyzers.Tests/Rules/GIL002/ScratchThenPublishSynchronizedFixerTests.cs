using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A Synchronized solver whose hidden lock protects scratch matrices it makes new at the top of each call, and that ends
/// by publishing its solution into a shared dictionary element by element: the matrices become locals and only the
/// publishing loop stays locked (it is the shared update: the values were computed before it). A publish whose per-element
/// computation reads the shared dictionary cannot leave the lock, and the method stays refused.
/// </summary>
public class ScratchThenPublishSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Runtime.CompilerServices;\nusing System.Threading.Tasks;\n";

    private static string Rater(string publish, string marker = "{|GIL002:Rate|}") => Usings + """
        sealed class Rater
        {
            private readonly Dictionary<int, double> _ratings = new Dictionary<int, double>();
            private double[,] _a = new double[0, 0];
            private double[] _b = new double[0];

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void MARKER(int[] ids, double[] w)
            {
                int n = ids.Length;
                _a = new double[n, n];
                _b = new double[n];
                for (int i = 0; i < n; i++)
                {
                    _b[i] = w[i];
                    for (int j = 0; j < n; j++) _a[i, j] = i == j ? n + 1 : 1.0 / (1 + i + j);
                }

                var r = new double[n];
                for (int sweep = 0; sweep < 500; sweep++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        double s = _b[i];
                        for (int j = 0; j < n; j++) if (j != i) s -= _a[i, j] * r[j];
                        r[i] = s / _a[i, i];
                    }
                }

        PUBLISH
            }

            public double Rating(int id) => _ratings[id];
        }

        static class Driver
        {
            static void Run(Rater rater, int[][] groups, double[] w) => Parallel.For(0, groups.Length, g => rater.Rate(groups[g], w));
        }
        """.Replace("MARKER", marker).Replace("PUBLISH", publish);

    [Fact]
    public async Task ScratchMatricesBecomeLocals_AndOnlyThePublishStaysLocked()
    {
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Rater("        for (int i = 0; i < n; i++) _ratings[ids[i]] = r[i];"),
            FixedCode = Usings + """
                sealed class Rater
                {
                    private readonly Dictionary<int, double> _ratings = new Dictionary<int, double>();
                    private double[,] _a = new double[0, 0];
                    private double[] _b = new double[0];
                    private readonly object _rateLock = new object();

                    public void Rate(int[] ids, double[] w)
                    {
                        int n = ids.Length;
                        var a = new double[n, n];
                        var b = new double[n];
                        for (int i = 0; i < n; i++)
                        {
                            b[i] = w[i];
                            for (int j = 0; j < n; j++) a[i, j] = i == j ? n + 1 : 1.0 / (1 + i + j);
                        }

                        var r = new double[n];
                        for (int sweep = 0; sweep < 500; sweep++)
                        {
                            for (int i = 0; i < n; i++)
                            {
                                double s = b[i];
                                for (int j = 0; j < n; j++) if (j != i) s -= a[i, j] * r[j];
                                r[i] = s / a[i, i];
                            }
                        }
                        lock (_rateLock)
                        {
                            for (int i = 0; i < n; i++) _ratings[ids[i]] = r[i];
                        }
                    }

                    public double Rating(int id) => _ratings[id];
                }

                static class Driver
                {
                    static void Run(Rater rater, int[][] groups, double[] w) => Parallel.For(0, groups.Length, g => rater.Rate(groups[g], w));
                }
                """,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ScratchToLocalKey,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task PublishThatComputesOnTheSharedState_OffersNoScratchToLocal()
    {
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Rater(PerElementPublish),
            FixedCode = Rater(PerElementPublish),
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ScratchToLocalKey,
        };
        await test.RunAsync(CancellationToken.None);
    }

    private const string PerElementPublish = """
                for (int i = 0; i < n; i++)
                {
                    double t = r[i];
                    for (int k = 0; k < 5000; k++) t = Math.Sqrt(t * t + k + _ratings.Count);
                    _ratings[ids[i]] = t;
                }
        """;
}
