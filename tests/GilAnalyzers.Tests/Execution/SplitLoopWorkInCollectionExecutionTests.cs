using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Rules;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's split loop where the work is the locked <c>foreach</c>'s sequence (a LINQ pipeline over a document's words,
/// an iterator that lexes it) and every statement of the body is a shared write: run before and after the first (FixAll)
/// actions, the word counts and the per-length tallies must print the same.
/// </summary>
public class SplitLoopWorkInCollectionExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """ + SplitLoopWorkInCollectionFixerTests.Lexer + """

        public static class Workload
        {
            private static readonly object Gate = new object();

            public static string Run(int documents)
            {
                var docs = Enumerable.Range(0, documents)
                    .Select(i => string.Join(" ", Enumerable.Range(0, 400).Select(k => "w" + ((k * 7919 + i * 104729) % 900))))
                    .ToList();
                var counts = new Dictionary<string, int>();
                var lengths = new Dictionary<int, int>();
                var rotated = new Dictionary<string, int>();
                Parallel.ForEach(docs, doc =>
                {
                    lock (Gate)
                    {
                        foreach (var w in doc.Split(' ').Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 2))
                        {
                            counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                            if (w.EndsWith("7", StringComparison.Ordinal)) lengths[w.Length] = lengths.GetValueOrDefault(w.Length) + 1;
                        }
                    }
                });
                Parallel.ForEach(docs, doc =>
                {
                    var lexer = new Lexer(doc);
                    lock (Gate)
                    {
                        foreach (var w in lexer.Words())
                        {
                            rotated[w] = rotated.GetValueOrDefault(w) + 1;
                            lengths[-w.Length] = lengths.GetValueOrDefault(-w.Length) + 1;
                        }
                    }
                });
                return documents + ";" + string.Join(",", counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))
                       + ";" + string.Join(",", lengths.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value))
                       + ";" + string.Join(",", rotated.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            }
        }
        """;

    [Fact]
    public async Task SequenceWalkedInFrontOfTheLock_SameCountsAfterTheFirstActions()
    {
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "WorkInCollection", "Workload.Run", 60);

        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.SplitLoop"));
        Assert.Matches(@"foreach \(var w in doc\.Split\(' '\)[^\n]*\)\s*\{\s*pending\w*\.Add\(w\);", outcome.Source);
        Assert.Matches(@"foreach \(var w in lexer\.Words\(\)\)\s*\{\s*pending\w*\.Add\(w\);", outcome.Source);

        Assert.NotNull(before);
        Assert.StartsWith("60;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
