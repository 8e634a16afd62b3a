using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock in parallel code around handing one result to the shared list, the result wrapped on the way with a
/// <c>Select</c> that only rebuilds each element from what it holds (<c>s =&gt; new Segment(s.Points)</c>,
/// <c>s =&gt; (s.Id, s.Length)</c>): a copy into the guarded state, like <c>ToList</c>, not a pass of computation. A
/// selector that computes (arithmetic, a call) or a constructor that loops over what it is given stays reported.
/// </summary>
public class Locks60ProjectionTests
{
    private const string Router = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class Segment
        {
            public Segment(IEnumerable<int> points) { Points = new List<int>(points); }
            public List<int> Points { get; }
            public int Id { get; set; }
            public double Length { get; set; }
        }

        public sealed class Histogram
        {
            public Histogram(List<int> points)
            {
                Bins = new int[64];
                foreach (var p in points)
                {
                    Bins[p & 63]++;
                }
            }

            public int[] Bins { get; }
        }

        public sealed class Route
        {
            public Route(IEnumerable<Segment> segments) { Segments = new List<Segment>(segments); }
            public List<Segment> Segments { get; }
        }

        public sealed class Planner
        {
            private readonly List<Route> _routes = new List<Route>();
            private readonly List<(int, double)> _lengths = new List<(int, double)>();
            private readonly List<double> _weights = new List<double>();
            private readonly List<Histogram> _histograms = new List<Histogram>();

            private static List<Segment> Explore(int start)
            {
                var found = new List<Segment>();
                for (var i = 0; i < 100; i++)
                {
                    var points = new List<int>();
                    for (var j = 0; j < start % 50 + 10; j++)
                    {
                        points.Add(i * j + start);
                    }

                    found.Add(new Segment(points) { Id = i, Length = points.Count * 1.5 });
                }

                return found;
            }

        """;

    [Fact]
    public async Task RouteWrappedFromSegmentsUnderLock_NoDiagnostic()
    {
        var source = Router + """
                public void Plan(int[] starts)
                {
                    Parallel.ForEach(starts, start =>
                    {
                        var segments = Explore(start);
                        lock (_routes)
                        {
                            _routes.Add(new Route(segments.Select(s => new Segment(s.Points))));
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TuplesOfSegmentFieldsAddedUnderLock_NoDiagnostic()
    {
        var source = Router + """
                public void Plan(int[] starts)
                {
                    Parallel.ForEach(starts, start =>
                    {
                        var segments = Explore(start);
                        lock (_lengths)
                        {
                            _lengths.AddRange(segments.Select(s => (s.Id, s.Length)));
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SelectorComputesUnderLock_IsReported()
    {
        // Arithmetic on every element: a pass of computation under the lock.
        var source = Router + """
                public void Plan(int[] starts)
                {
                    Parallel.ForEach(starts, start =>
                    {
                        var segments = Explore(start);
                        {|#0:lock (_weights)|}
                        {
                            _weights.AddRange(segments.Select(s => Math.Sqrt(s.Length) * s.Id + Math.Log(s.Length + 1)));
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_weights", "LINQ pipeline", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task ConstructorLoopsOverElementUnderLock_IsReported()
    {
        // The selector only rebuilds, but the constructor it calls walks every point: work per element, under the lock.
        var source = Router + """
                public void Plan(int[] starts)
                {
                    Parallel.ForEach(starts, start =>
                    {
                        var segments = Explore(start);
                        {|#0:lock (_histograms)|}
                        {
                            _histograms.AddRange(segments.Select(s => new Histogram(s.Points)));
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_histograms", "calls 'Histogram' (foreach loop)", "a Parallel.ForEach body"));
    }
}
