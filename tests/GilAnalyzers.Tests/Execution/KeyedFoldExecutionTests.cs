using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// The per-key thread-local fix must count the same: a word count folded into a shared dictionary under the lock is
/// fixed with the first code action, both versions run on the same text, and their counts (every key and value) must be equal.
/// </summary>
public class KeyedFoldExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public static class WordCount
        {
            static readonly object Gate = new object();
            static readonly Dictionary<string, int> counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

            public static string Run(int lines)
            {
                counts.Clear();
                var rng = new Random(7);
                string[] vocabulary = { "alpha", "Beta", "gamma", "DELTA", "beta", "epsilon", "Alpha", "zeta" };
                var text = new List<string>();
                for (int l = 0; l < lines; l++)
                    text.Add(string.Join(" ", Enumerable.Range(0, 40).Select(_ => vocabulary[rng.Next(vocabulary.Length)])));

                Parallel.ForEach(text, line =>
                {
                    var words = line.Split(' ');
                    lock (Gate)
                    {
                        foreach (var w in words)
                            counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                    }
                });

                return string.Join(";", counts.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key.ToLowerInvariant() + "=" + p.Value));
            }
        }
        """;

    [Fact]
    public async Task FixedWordCountCountsTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.ThreadLocalKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("foreach (var pair in localCounts)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "WordCount.Before"), "WordCount.Run", 2000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "WordCount.After"), "WordCount.Run", 2000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("if (counts.ContainsKey(w)) counts[w]++; else counts.Add(w, 1);")]
    [InlineData("if (!counts.TryGetValue(w, out var c)) counts[w] = 1; else counts[w] = c + 1;")]
    [InlineData("{ counts.TryGetValue(w, out var c); counts[w] = c + 1; }")]
    public async Task FixedCountingIfCountsTheSame(string counting)
    {
        var program = Program.Replace("counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;", counting);
        Assert.Contains(counting, program, StringComparison.Ordinal);
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == SharedLockAroundCpuWorkFixer.ThreadLocalKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("localCounts.", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(program, "CountingIf.Before"), "WordCount.Run", 2000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "CountingIf.After"), "WordCount.Run", 2000);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
