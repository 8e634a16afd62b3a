using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock in parallel code whose body only publishes results the item computed before the lock, element by
/// element from a results array the same function made (<c>var r = new double[n];</c> … <c>lock (g) for (i &lt; n)
/// totals[keys[i]] += r[i];</c>): the values were computed outside, the loop counts exactly the array's elements, and
/// each step is a store — the update the lock guards, not a pass of computation. A loop that still fills the array
/// under the lock, computes per element, or runs to another bound is work and stays reported.
/// </summary>
public class Locks60ResultsPublishTests
{
    private const string Prefix = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class Ledger
        {
            private readonly object _gate = new object();
            private readonly Dictionary<int, double> _totals = new Dictionary<int, double>();

            public void Post(int[][] groups, int m)
            {
                Parallel.For(0, groups.Length, g =>
                {
                    var keys = groups[g];
                    int n = keys.Length;
                    var r = new double[n];
        """;

    private const string Suffix = """
                });
            }
        }
        """;

    private const string ComputeOutside = """
                    for (int i = 0; i < n; i++)
                    {
                        double s = 0;
                        for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                        r[i] = s;
                    }

        """;

    [Theory]
    [InlineData("the size it was made with", "i < n")]
    [InlineData("its Length", "i < r.Length")]
    public async Task ResultsComputedBeforeTheLockPublishedElementByElement_NoDiagnostic(string _, string condition)
        => await VerifyCS.VerifyAnalyzerAsync(Prefix + ComputeOutside + """
                    lock (_gate)
                    {
                        for (int i = 0; CONDITION; i++)
                        {
                            _totals.TryGetValue(keys[i], out var t);
                            _totals[keys[i]] = t + r[i];
                        }
                    }
        """.Replace("CONDITION", condition) + Suffix);

    [Fact]
    public async Task ResultsFilledUnderTheLock_StillReported()
        => await VerifyCS.VerifyAnalyzerAsync(Prefix + """
                    {|GIL001:lock (_gate)|}
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double s = 0;
                            for (int k = 0; k < 20000; k++) s += Math.Sqrt(k + keys[i]);
                            r[i] = s;
                            _totals[keys[i]] = r[i];
                        }
                    }
        """ + Suffix);

    [Fact]
    public async Task PublishLoopThatComputesPerElement_StillReported()
        => await VerifyCS.VerifyAnalyzerAsync(Prefix + ComputeOutside + """
                    {|GIL001:lock (_gate)|}
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double s = r[i];
                            for (int k = 0; k < 20000; k++) s += Math.Sqrt(k * s);
                            _totals[keys[i]] = s;
                        }
                    }
        """ + Suffix);

    [Fact]
    public async Task LoopToAnotherBound_StillReported()
        => await VerifyCS.VerifyAnalyzerAsync(Prefix + ComputeOutside + """
                    {|GIL001:lock (_gate)|}
                    {
                        for (int i = 0; i < m; i++)
                        {
                            _totals.TryGetValue(keys[i % n], out var t);
                            _totals[keys[i % n]] = t + r[i % n] * Math.Sqrt(i);
                        }
                    }
        """ + Suffix);
}
