using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// What stays under the lock after the move-out is judged as the analyzer judges a lock body: a loop that only publishes
/// the results the item computed into a results array of its own (<c>for (i &lt; n) totals[keys[i]] = r[i];</c>) is the
/// shared update, not work left serialised, so the computation of <c>r</c> leaves the lock whole (the move-out, not the
/// partial narrowing). A loop that still computes per element keeps the narrowing partial.
/// </summary>
public class PublishLoopStaysLockedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Ledger(string lockedBody) => Usings + """
        public sealed class Ledger
        {
            private readonly object _gate = new object();
            private readonly Dictionary<int, double> _totals = new Dictionary<int, double>();

            public void Post(int[][] groups)
            {
                Parallel.For(0, groups.Length, g =>
                {
                    var keys = groups[g];
                    int n = keys.Length;
        """ + "\n" + lockedBody + "\n" + """
                });
            }

            public double Total(int key) => _totals[key];
        }
        """;

    private static async Task VerifyAsync(string source, string fixedSource, string key)
    {
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = key,
        };
        test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ResultsComputedUnderTheLockThenPublished_ComputationLeavesAndThePublishStays()
        => await VerifyAsync(Ledger("""
                    {|GIL001:lock (_gate)|}
                    {
                        var r = new double[n];
                        for (int i = 0; i < n; i++)
                        {
                            double s = 0;
                            for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                            r[i] = s;
                        }

                        for (int i = 0; i < n; i++) _totals[keys[i]] = r[i];
                    }
        """), Ledger("""
                    var r = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        double s = 0;
                        for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                        r[i] = s;
                    }
                    lock (_gate)
                    {
                        for (int i = 0; i < n; i++) _totals[keys[i]] = r[i];
                    }
        """), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);

    [Fact]
    public async Task PublishLoopThatComputesPerElement_KeepsThePartialNarrowing()
        => await VerifyAsync(Ledger("""
                    {|GIL001:lock (_gate)|}
                    {
                        var r = new double[n];
                        for (int i = 0; i < n; i++)
                        {
                            double s = 0;
                            for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                            r[i] = s;
                        }

                        for (int i = 0; i < n; i++)
                        {
                            double t = r[i];
                            for (int k = 0; k < 20000; k++) t += Math.Sqrt(k * t + _totals.Count);
                            _totals[keys[i]] = t;
                        }
                    }
        """), Ledger("""
                    var r = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        double s = 0;
                        for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                        r[i] = s;
                    }
                    {|GIL001:lock (_gate)|}
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double t = r[i];
                            for (int k = 0; k < 20000; k++) t += Math.Sqrt(k * t + _totals.Count);
                            _totals[keys[i]] = t;
                        }
                    }
        """), SharedLockAroundCpuWorkFixer.MovePartOutOfLockKey);
}
