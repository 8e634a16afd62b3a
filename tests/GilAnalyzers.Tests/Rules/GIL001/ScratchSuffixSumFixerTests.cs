using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a shared synthesiser whose lock protects two scratch arrays — a response cleared at the start of each call,
/// and an energy curve that a loop from the top down overwrites whole (a suffix sum, the way decay curves are
/// integrated), sized in the constructor from the response's length — then searched with <c>Array.FindIndex</c> and a
/// lambda. Four facts make it a fix: a counting-down loop over every element is a whole overwrite; a constructor reading
/// only the buffer's length keeps it a scratch field; an array made with another read-only array field's length, after
/// that one in the same constructor, has its length; and <c>Array.FindIndex</c> / <c>Exists</c> with a lambda written in
/// place read the array and run only that lambda.
/// </summary>
public class ScratchSuffixSumFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string synth) => Usings + synth + """

        public static class Driver
        {
            public static double Run(int pairs)
            {
                var synth = new Synth(0.4, 2048);
                var decay = new double[pairs];
                Parallel.For(0, pairs, p => decay[p] = synth.DecayIndex(3.0 + p % 11, p % 5 + 1));
                return decay.Sum();
            }
        }
        """;

    /// <summary>The synthesiser; ARRAY names the buffers (_response and _energy before the fix), LOCK opens the region.</summary>
    private const string Template = """
        public sealed class Synth
        {
            private readonly object _sync = new object();
            private readonly double _absorption;
            private readonly double[] _response;
            private readonly double[] _energy;

            public Synth(double absorption, int samples)
            {
                _absorption = absorption;
                _response = new double[samples];
                _energy = new double[_response.Length];
            }

            public double DecayIndex(double distance, int order)
            {
        BODY
            }
        }

        """;

    private const string Work = """
                RESPONSE_CLEAR
                for (int bounce = 0; bounce < order * 40; bounce++)
                {
                    double delay = distance * (bounce + 1) * 3.1;
                    for (int t = 0; t < RESPONSE.Length; t++)
                    {
                        double x = t - delay;
                        RESPONSE[t] += Math.Pow(1 - _absorption, bounce) * Math.Exp(-x * x / 50.0);
                    }
                }

                double acc = 0;
                ENERGY_DECLARATION
                for (int t = RESPONSE.Length - 1; t >= 0; t--) { acc += RESPONSE[t] * RESPONSE[t]; ENERGY[t] = acc; }
                double total = ENERGY[0];
                int fall = Array.FindIndex(ENERGY, e => e <= total * 0.001);
                return fall < 0 ? double.NaN : fall / (double)RESPONSE.Length;
        """;

    private static string Synth(string body) => Template.Replace("BODY", body, StringComparison.Ordinal);

    private static readonly string Before = Synth(
        "        {|GIL001:lock (_sync)|}\n        {\n"
        + string.Join("\n", Work.Replace("RESPONSE_CLEAR", "Array.Clear(_response);", StringComparison.Ordinal)
                .Replace("        ENERGY_DECLARATION\n", string.Empty, StringComparison.Ordinal)
                .Replace("RESPONSE", "_response", StringComparison.Ordinal).Replace("ENERGY", "_energy", StringComparison.Ordinal)
                .Split('\n').Select(line => line.Length == 0 ? line : "    " + line)).TrimEnd()
        + "\n        }");

    private static readonly string After = Synth(
        Work.Replace("RESPONSE_CLEAR", "var response = new double[_response.Length];", StringComparison.Ordinal)
            .Replace("ENERGY_DECLARATION", "var energy = new double[_energy.Length];", StringComparison.Ordinal)
            .Replace("RESPONSE", "response", StringComparison.Ordinal).Replace("ENERGY", "energy", StringComparison.Ordinal).TrimEnd());

    internal static string Source => Program(Before).Replace("{|GIL001:lock (_sync)|}", "lock (_sync)", StringComparison.Ordinal);

    [Fact]
    public async Task ClearedResponseAndBackwardsEnergyCurve_BecomeLocals_AndTheLockGoes()
        => await new VerifyCallee.Test
        {
            TestCode = Program(Before),
            FixedCode = Program(After),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task ScratchToLocal_IsTheFirstAction()
    {
        var site = Assert.Single(await CodeFixOffers.ForAsync(Source));
        Assert.Equal(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys.FirstOrDefault());
    }

    [Theory]
    [InlineData("the backwards loop stops short of the top", "for (int t = _response.Length - 1; t >= 0; t--)", "for (int t = _response.Length - 2; t >= 0; t--)")]
    [InlineData("the backwards loop stops short of the bottom", "for (int t = _response.Length - 1; t >= 0; t--)", "for (int t = _response.Length - 1; t >= 1; t--)")]
    [InlineData("the energy curve is sized before the response is made", "_response = new double[samples];\n        _energy = new double[_response.Length];", "_energy = new double[samples];\n        _response = new double[_energy.Length];")]
    public async Task WhenABufferKeepsWhatAnEarlierCallLeft_NoScratchAction(string _, string from, string to)
    {
        var source = Source.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Source, source);
        var site = Assert.Single(await CodeFixOffers.ForAsync(source), s => s.Id == "GIL001");
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys);
    }

    [Fact]
    public async Task ASearchThroughADelegateKeptInAField_StaysUnderTheLock()
    {
        // Array.FindIndex with a delegate nobody can see (a public field anyone may set): the buffers still become locals
        // and the work leaves, but that call keeps the lock.
        var source = Source.Replace("Array.FindIndex(_energy, e => e <= total * 0.001)", "Array.FindIndex(_energy, IsQuiet)", StringComparison.Ordinal)
            .Replace("    public double DecayIndex(", "    public Predicate<double> IsQuiet = e => e < 1e-9;\n\n    public double DecayIndex(", StringComparison.Ordinal);
        var outcome = await GilAnalyzers.Testing.Programs.SampleFixPipeline.ApplyAllFixesAsync(source);
        Assert.Matches(@"lock \(_sync\)\s*\{\s*fall = Array\.FindIndex\(energy, IsQuiet\);\s*\}", outcome.Source);
    }
}
