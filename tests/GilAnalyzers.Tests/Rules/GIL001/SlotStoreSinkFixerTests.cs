using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The last locked statement stores a heavy result into one slot of a shared output array (<c>output[id] = Simplify(…)</c>)
/// after a light update that must stay locked (a set of seen ids, a projection's memo). When nothing else on the lock
/// reads or writes the output array, the store — and the heavy call computing its value — runs after the release.
/// </summary>
public class SlotStoreSinkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body, string extra = "") => Usings + """
        sealed class Projection
        {
            private double _lastLat = double.NaN, _lastY;

            public double Forward(double lat)
            {
                if (lat != _lastLat)
                {
                    _lastLat = lat;
                    _lastY = Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360));
                }

                return _lastY;
            }
        }

        static class Simplifier
        {
            public static double[] Simplify(double[] points, double tolerance)
            {
                var kept = new List<double>();
                for (int i = 0; i < points.Length; i++)
                {
                    double worst = 0;
                    for (int j = i + 1; j < points.Length; j++) worst = Math.Max(worst, Math.Abs(points[j] - points[i]));
                    if (worst > tolerance) kept.Add(points[i]);
                }

                return kept.ToArray();
            }
        }

        class Tiles
        {
            private readonly Projection _projection = new Projection();
            private readonly object _sync = new object();
            private readonly HashSet<int> _seen = new HashSet<int>();

            public double[][] SimplifyAll(double[][] features, double tolerance)
            {
                var output = new double[features.Length][];
                Parallel.For(0, features.Length, id =>
                {
        """ + "\n" + body + "\n" + """
                });
                return output;
            }
        """ + extra + """

        }
        """;

    [Fact]
    public async Task AStoreIntoASlotNobodyElseOnTheLockTouches_RunsAfterTheRelease()
    {
        await new VerifyCS.Test
        {
            TestCode = Wrap("""
                    {|GIL001:lock (_sync)|}
                    {
                        _seen.Add(id);
                        double y = _projection.Forward(features[id][0]);
                        output[id] = Simplifier.Simplify(features[id], tolerance);
                    }
            """),
            FixedCode = Wrap("""
                        lock (_sync)
                        {
                            _seen.Add(id);
                            double y = _projection.Forward(features[id][0]);
                        }
                        output[id] = Simplifier.Simplify(features[id], tolerance);
            """),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnotherLockedStatementReadsTheArray_TheStoreStays()
    {
        // The locked code also looks at what other items stored: the lock orders those reads against the stores.
        const string body = """
                    {|GIL001:lock (_sync)|}
                    {
                        _seen.Add(id > 0 && output[id - 1] != null ? id : -id);
                        output[id] = Simplifier.Simplify(features[id], tolerance);
                    }
            """;
        await new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(body),
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnotherRegionOnTheLockReadsTheArray_TheStoreStays()
    {
        const string body = """
                    {|GIL001:lock (_sync)|}
                    {
                        _seen.Add(id);
                        _last[id % _last.Length] = Simplifier.Simplify(features[id], tolerance);
                    }
            """;
        const string extra = """

            private readonly double[][] _last = new double[4][];

            public int Stored()
            {
                lock (_sync)
                {
                    return _last.Count(x => x != null);
                }
            }
            """;
        await new VerifyCS.Test
        {
            TestCode = Wrap(body, extra),
            FixedCode = Wrap(body, extra),
        }.RunAsync(CancellationToken.None);
    }
}
