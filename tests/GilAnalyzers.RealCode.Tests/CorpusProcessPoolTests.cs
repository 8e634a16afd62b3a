using GilAnalyzers.RealCode.Corpus;
using Xunit;

namespace GilAnalyzers.RealCode.Tests;

/// <summary>
/// The corpus command's <c>--with-process-pool</c>: the scored projects compile against GilAnalyzers.Processes, as after
/// <c>dotnet add package GilAnalyzers.Processes</c>, so GIL006's process-pool fix is measured instead of refused for the
/// missing package.
/// </summary>
public sealed class CorpusProcessPoolTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    // Line numbers matter: the label below points at them. A static window every call resets makes the state per item.
    private const string Program = """
        using System.Threading.Tasks;

        public static class Codec
        {
            private static readonly double[] s_window = new double[64];

            public static double Encode(double[] frame)
            {
                System.Array.Clear(s_window, 0, s_window.Length);
                double acc = 0;
                for (int i = 0; i < frame.Length; i++)
                {
                    s_window[i % 64] += frame[i];
                    acc += s_window[(i * 7) % 64];
                }
                return acc;
            }
        }

        public static class Runner
        {
            private static readonly object Gate = new object();

            public static void Run(double[][] frames, double[] outputs)
            {
                Parallel.For(0, frames.Length, k =>
                {
                    lock (Gate)
                    {
                        outputs[k] = Codec.Encode(frames[k]);
                    }
                });
            }
        }
        """;

    private readonly string root = Directory.CreateTempSubdirectory("gil-corpus-pool-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_process_pool_fix_is_offered_only_when_the_projects_reference_GilAnalyzers_Processes(bool withProcessPool)
    {
        var checkout = Path.Combine(root, "checkouts", "someone+codec@0123456789ab");
        Directory.CreateDirectory(checkout);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Codec.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(checkout, "Codec.cs"), Program);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { $"someone/codec\t{Commit}\tCodec.cs\t28-31\tGIL006\tstatic-state-lock\ta reason" });
        var options = new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }, Actions: true, WithProcessPool: withProcessPool);

        var log = new StringWriter();
        var report = await new CorpusScorer(options, log).RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Empty(run.Failures);
        var row = Assert.Single(run.Rows);
        Assert.True(row.Outcome == Outcome.TruePositive, $"{row.Outcome}: {string.Join(", ", row.Found)}\n{log}");
        var probe = Assert.Single(row.Actions!, a => a.Id == "GIL006");
        if (withProcessPool)
        {
            Assert.Equal(new[] { "GIL006.ScratchToLocal", "GIL006.ProcessPool" }, probe.Keys);
            Assert.Equal(FirstActionResult.Clean, probe.First);
            Assert.Contains(report.Runs[0].Projects, p => p.Note is { } note && note.Contains("with GilAnalyzers.Processes", StringComparison.Ordinal));
        }
        else
        {
            // The thread-level rewrite (the static window becomes a local) is offered either way; the pool's is not.
            Assert.DoesNotContain("GIL006.ProcessPool", probe.Keys);
            Assert.Contains("GIL006.ScratchToLocal", probe.Keys);
        }
    }
}
