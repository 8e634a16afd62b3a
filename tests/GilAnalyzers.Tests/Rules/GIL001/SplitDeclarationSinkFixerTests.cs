using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A value read under the lock into a local (a memo's current scale, a snapshot of a counter), then heavy work on that
/// value: the local is declared in front of the lock and assigned under it, so the work that only needs its value runs
/// after the release.
/// </summary>
public class SplitDeclarationSinkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class Scorer
        {
            private readonly object _sync = new object();
            private int _calls;
            private double _scale = 1.0;

            private double NextScale()
            {
                _calls++;
                if (_calls % 100 == 0) _scale *= 0.5;
                return _scale;
            }

            static double Heavy(double scale, int item)
            {
                double s = 0;
                for (int k = 1; k < 5000; k++) s += Math.Sqrt(k * scale + item);
                return s;
            }

            public double[] ScoreAll(int n)
            {
                var results = new double[n];
                Parallel.For(0, n, i =>
                {
        """ + "\n" + body + "\n" + """
                });
                return results;
            }
        }
        """;

    [Fact]
    public async Task AValueReadUnderTheLock_IsDeclaredInFrontAndTheWorkRunsAfterTheRelease()
    {
        await new VerifyCS.Test
        {
            TestCode = Wrap("""
                    {|GIL001:lock (_sync)|}
                    {
                        var scale = NextScale();
                        double score = Heavy(scale, i);
                        results[i] = score;
                    }
            """),
            FixedCode = Wrap("""
                        double scale;
                        lock (_sync)
                        {
                            scale = NextScale();
                        }
                        double score = Heavy(scale, i);
                        results[i] = score;
            """),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ASnapshotOfAnUpdatedCounter_IsDeclaredInFrontAndTheWorkRunsAfterTheRelease()
    {
        // The value the update leaves (before = _calls += i) is all the trailing work needs. (An earlier version refused
        // this shape: the local's scope was the locked block.)
        await new VerifyCS.Test
        {
            TestCode = Wrap("""
                    {|GIL001:lock (_sync)|}
                    {
                        var before = _calls += i;
                        double t = 0;
                        for (int k = 0; k < 4000; k++) t += Math.Cos(k * before);
                        results[i] = t;
                    }
            """),
            FixedCode = Wrap("""
                        int before;
                        lock (_sync)
                        {
                            before = _calls += i;
                        }
                        double t = 0;
                        for (int k = 0; k < 4000; k++) t += Math.Cos(k * before);
                        results[i] = t;
            """),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TheNameIsTakenInTheEnclosingBlock_NoSplit()
    {
        // A later 'scale' of the lambda's block would clash with one declared in front of the lock.
        const string body = """
                    {|GIL001:lock (_sync)|}
                    {
                        var scale = NextScale();
                        double score = Heavy(scale, i);
                        results[i] = score;
                    }
                    { double scale = 2; results[i] += scale * 0; }
            """;
        await new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(body),
        }.RunAsync(CancellationToken.None);
    }
}
