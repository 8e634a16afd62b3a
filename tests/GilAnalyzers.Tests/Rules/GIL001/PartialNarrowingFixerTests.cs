using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A lock whose body needs it for CPU-bound work on a shared object that is not thread-safe (its method writes the object's
/// own state), next to CPU-bound work on the thread's own data: no rewrite removes the serialisation, but the own work can
/// leave the lock — a partial narrowing, offered only where nothing that removes more applies.
/// </summary>
public class PartialNarrowingFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string body) => Usings + """
        public sealed class Projection
        {
            private double _previous;
            public object SyncRoot { get; } = new object();

            // Not thread-safe: every call reads and writes the projection's own state.
            public double Forward(double longitude)
            {
                double x = longitude;
                for (int k = 0; k < 64; k++) x = Math.Sin(x + _previous * 1e-9);
                _previous = x;
                return x;
            }
        }

        public static class Smooth
        {
            public static double[] Simplify(double[] points, double tolerance)
            {
                var kept = new List<double>();
                for (int i = 0; i < points.Length; i++)
                {
                    double worst = 0;
                    for (int j = 0; j < points.Length; j++) worst = Math.Max(worst, Math.Abs(points[i] - points[j]));
                    if (worst > tolerance) kept.Add(points[i]);
                }
                return kept.ToArray();
            }
        }

        public sealed class Simplifier
        {
            private readonly Projection _projection;
            public Simplifier(Projection projection) => _projection = projection;

            public double[][] SimplifyAll(double[][] features, double tolerance)
            {
                var output = new double[features.Length][];
                Parallel.For(0, features.Length, f =>
                {
        """ + "\n" + body + "\n" + """
                });
                return output;
            }
        }
        """;

    [Fact]
    public async Task ProjectionStaysLocked_SimplifyingLeaves()
    {
        var source = Program("""
                        {|GIL001:lock (_projection.SyncRoot)|}
                        {
                            var projected = new double[features[f].Length];
                            for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(features[f][i]);
                            var simplified = Smooth.Simplify(projected, tolerance);
                            output[f] = simplified;
                        }
            """);
        var fixedSource = Program("""
                        var projected = new double[features[f].Length];
                        {|GIL001:lock (_projection.SyncRoot)|}
                        {
                            for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(features[f][i]);
                        }
                        var simplified = Smooth.Simplify(projected, tolerance);
                        output[f] = simplified;
            """);
        // The projection still runs under the lock: the diagnostic stays, with nothing more to move.
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MovePartOutOfLockKey,
        };
        test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
        await test.RunAsync(System.Threading.CancellationToken.None);
    }

    [Fact]
    public async Task OnlyLightWorkCouldLeave_NotOffered()
    {
        // The array allocation and the slot store are all that could leave: narrowing would gain nothing.
        var source = Program("""
                        lock (_projection.SyncRoot)
                        {
                            var projected = new double[features[f].Length];
                            for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(features[f][i]);
                            output[f] = projected;
                        }
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Equal("GIL001", offers.Single().Id);
        Assert.Empty(offers.Single().Keys);
    }

    [Fact]
    public async Task FixAll_TwoLoopsNarrowed()
    {
        const string Site = """
                        {|GIL001:lock (_projection.SyncRoot)|}
                        {
                            var projected = new double[features[f].Length];
                            for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(features[f][i]);
                            var simplified = Smooth.Simplify(projected, tolerance);
                            output[f] = simplified;
                        }
            """;
        const string Narrowed = """
                        var projected = new double[features[f].Length];
                        {|GIL001:lock (_projection.SyncRoot)|}
                        {
                            for (int i = 0; i < projected.Length; i++) projected[i] = _projection.Forward(features[f][i]);
                        }
                        var simplified = Smooth.Simplify(projected, tolerance);
                        output[f] = simplified;
            """;
        // The second loop locks another object: regions on one lock that write the same output would keep the store locked.
        static string Twice(string site) => Program(site + "\n        });\n        Parallel.For(0, features.Length, f =>\n        {\n"
            + site.Replace("_projection.SyncRoot", "_projection", System.StringComparison.Ordinal));
        var test = new VerifyCS.Test
        {
            TestCode = Twice(Site),
            FixedCode = Twice(Narrowed),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MovePartOutOfLockKey,
        };
        test.FixedState.MarkupHandling = Microsoft.CodeAnalysis.Testing.MarkupMode.Allow;
        await test.RunAsync(System.Threading.CancellationToken.None);
    }
}
