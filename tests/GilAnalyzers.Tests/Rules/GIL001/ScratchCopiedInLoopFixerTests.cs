using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;
using System.Threading;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a scratch array field that a loop under the lock overwrites whole at the start of every iteration
/// (<c>Array.Copy(samples, i - Span, _window, 0, Span)</c> on a field made as <c>new double[Span]</c>) and then only reads
/// and sorts: no iteration and no call sees what another left, so one new array per lock entry, declared in front of the
/// loop, computes the same — and the loop, now on the caller's own data, leaves the lock.
/// </summary>
public class ScratchCopiedInLoopFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading.Tasks;\n";

    private static string Program(string detector) => Usings + detector + """

        static class Monitoring
        {
            public static double Run(double[][] streams)
            {
                var detector = new SpikeDetector();
                var spikes = new double[streams.Length];
                Parallel.For(0, streams.Length, s => spikes[s] = detector.Score("s" + s, streams[s]));
                return spikes.Sum();
            }
        }
        """;

    private static Task VerifyAsync(string detector, string? fixedDetector, LanguageVersion version = LanguageVersion.Latest)
        => new VerifyCS.Test
        {
            TestCode = Program(detector),
            FixedCode = fixedDetector is null ? Program(detector) : Program(fixedDetector),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            LanguageVersion = version,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    private const string Detector = """
        sealed class SpikeDetector
        {
            private const int Span = 32;
            private readonly object _gate = new object();
            private readonly double[] _window = new double[Span];
            private readonly Dictionary<string, double> _worst = new Dictionary<string, double>();

            public double Score(string name, double[] samples)
            {
                double worst = 0;
                {|GIL001:lock (_gate)|}
                {
                    for (int i = Span; i < samples.Length; i++)
                    {
                        Array.Copy(samples, i - Span, _window, 0, COUNT);
                        Array.Sort(_window);
                        double median = _window[Span / 2];
                        double spread = _window[Span - 1] - _window[0] + 1e-9;
                        worst = Math.Max(worst, Math.Abs(samples[i] - median) / spread);
                    }

                    _worst[name] = worst;
                }

                return worst;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, "Span")]
    [InlineData(LanguageVersion.Latest, "_window.Length")]
    public async Task WindowCopiedWholeEachIteration_BecomesALocal_AndTheLoopLeavesTheLock(LanguageVersion version, string count)
    {
        var fixedCount = count == "Span" ? "Span" : "window.Length";
        await VerifyAsync(Detector.Replace("COUNT", count), """
            sealed class SpikeDetector
            {
                private const int Span = 32;
                private readonly object _gate = new object();
                private readonly double[] _window = new double[Span];
                private readonly Dictionary<string, double> _worst = new Dictionary<string, double>();

                public double Score(string name, double[] samples)
                {
                    double worst = 0;
                    var window = new double[_window.Length];
                    for (int i = Span; i < samples.Length; i++)
                    {
                        Array.Copy(samples, i - Span, window, 0, COUNT);
                        Array.Sort(window);
                        double median = window[Span / 2];
                        double spread = window[Span - 1] - window[0] + 1e-9;
                        worst = Math.Max(worst, Math.Abs(samples[i] - median) / spread);
                    }
                    lock (_gate)
                    {
                        _worst[name] = worst;
                    }

                    return worst;
                }
            }
            """.Replace("COUNT", fixedCount), version);
    }

    [Theory]
    [InlineData("a shorter copy (the rest of the window keeps the last call's values)", "Span - 1")]
    [InlineData("a count the field's length is not known to equal", "samples.Length / 8")]
    public async Task CopyThatDoesNotOverwriteTheWholeWindow_OffersNoScratchToLocal(string _, string count)
        => await VerifyAsync(Detector.Replace("COUNT", count), null);

    [Fact]
    public async Task WindowReadBeforeTheCopy_OffersNoScratchToLocal()
    {
        // The first read sees the previous iteration's (or call's) window: the field carries state.
        var source = Detector.Replace("COUNT", "Span")
            .Replace("Array.Copy(samples, i - Span, _window, 0, Span);", "worst += _window[0];\n                Array.Copy(samples, i - Span, _window, 0, Span);");
        await VerifyAsync(source, null);
    }
}
