using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock in parallel code around a look through the collection it guards for an entry equal to a key, the
/// equality written as a helper that compares two vectors element by element (<c>_tried.Any(t =&gt; VectorsEqual(t.Point,
/// candidate))</c>) or as <c>SequenceEqual</c>: a lookup, as <c>Contains</c> makes it, not computation. A predicate that
/// computes a distance, or an equality helper that nests loops, is work and stays reported.
/// </summary>
public class Locks60KeyLookupTests
{
    private const string Search = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class Trial
        {
            public Trial(double[] point, double score) { Point = point; Score = score; }
            public double[] Point { get; }
            public double Score { get; }
            public double[][] Grid { get; set; }
        }

        public sealed class GridSearch
        {
            private readonly object _gate = new object();
            private readonly List<Trial> _tried = new List<Trial>();

            private static bool VectorsEqual(double[] a, double[] b)
            {
                if (a.Length != b.Length)
                {
                    return false;
                }

                for (var i = 0; i < a.Length; i++)
                {
                    if (Math.Abs(a[i] - b[i]) > 1e-9)
                    {
                        return false;
                    }
                }

                return true;
            }

            private static bool GridsEqual(double[][] a, double[][] b)
            {
                for (var i = 0; i < a.Length; i++)
                {
                    for (var j = 0; j < a[i].Length; j++)
                    {
                        if (a[i][j] != b[i][j])
                        {
                            return false;
                        }
                    }
                }

                return true;
            }

            private static double Evaluate(double[] point)
            {
                var sum = 0.0;
                for (var i = 0; i < 10000; i++)
                {
                    sum += Math.Sin(point[i % point.Length] * i);
                }

                return sum;
            }

        """;

    [Fact]
    public async Task TriedPointLookedUpWithEqualityHelper_NoDiagnostic()
    {
        var source = Search + """
                public void Run(List<double[]> candidates)
                {
                    Parallel.ForEach(candidates, candidate =>
                    {
                        bool seen;
                        lock (_gate)
                        {
                            seen = _tried.Any(t => VectorsEqual(t.Point, candidate));
                        }

                        if (!seen)
                        {
                            var score = Evaluate(candidate);
                            lock (_gate)
                            {
                                _tried.Add(new Trial(candidate, score));
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TriedPointLookedUpWithSequenceEqual_NoDiagnostic()
    {
        var source = Search + """
                public void Run(List<double[]> candidates)
                {
                    Parallel.ForEach(candidates, candidate =>
                    {
                        bool fresh;
                        lock (_gate)
                        {
                            fresh = _tried.All(t => !t.Point.SequenceEqual(candidate));
                        }

                        if (fresh)
                        {
                            Evaluate(candidate);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NearestTrialByDistanceUnderLock_IsReported()
    {
        // Not an equality test: a distance computed against every entry, arithmetic per element of each vector.
        var source = Search + """
                private static double Distance(double[] a, double[] b)
                {
                    var sum = 0.0;
                    for (var i = 0; i < a.Length; i++)
                    {
                        sum += (a[i] - b[i]) * (a[i] - b[i]);
                    }

                    return Math.Sqrt(sum);
                }

                public void Run(List<double[]> candidates)
                {
                    Parallel.ForEach(candidates, candidate =>
                    {
                        bool near;
                        {|#0:lock (_gate)|}
                        {
                            near = _tried.Any(t => Distance(t.Point, candidate) < 0.5);
                        }

                        if (!near)
                        {
                            Evaluate(candidate);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_gate", "calls 'Distance' (for loop)", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task EqualityHelperWithNestedLoopsUnderLock_IsReported()
    {
        // Named for equality, but each test walks a whole grid: nested work per entry.
        var source = Search + """
                public void Run(List<double[][]> grids)
                {
                    Parallel.ForEach(grids, grid =>
                    {
                        bool seen;
                        {|#0:lock (_gate)|}
                        {
                            seen = _tried.Any(t => GridsEqual(t.Grid, grid));
                        }

                        if (!seen)
                        {
                            Evaluate(grid[0]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_gate", "calls 'GridsEqual' (nested loop, 2 levels)", "a Parallel.ForEach body"));
    }
}
