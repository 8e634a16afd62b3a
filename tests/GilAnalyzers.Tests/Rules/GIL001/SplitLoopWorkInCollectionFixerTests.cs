using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a locked <c>foreach</c> whose items need no computation of their own — every statement of the body is a
/// shared write (word counts, a per-length tally) — but whose sequence is the work: a LINQ pipeline over a document's
/// words, an iterator that lexes a file. The split action walks the sequence in front of the lock and keeps its items;
/// the writes are applied under the lock in the same order (GIL001.SplitLoop). Refused when the sequence reads what the
/// writes change, when the writes read an object the walk changes, or when a write leaves the loop early.
/// </summary>
public class SplitLoopWorkInCollectionFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body, string members = "") => Usings + """
        static class WordStats
        {
            static readonly object Gate = new object();

            public static int Count(List<string> docs, Dictionary<string, int> counts, Dictionary<int, int> lengths)
            {
        """ + "\n" + body + "\n" + """
                return counts.Count + lengths.Count;
            }
        """ + "\n" + members + "\n" + """
        }
        """;

    private const string Site = """
                    Parallel.ForEach(docs, doc =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var w in doc.Split(' ').Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 2))
                            {
                                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                                if (w.EndsWith("7", StringComparison.Ordinal)) lengths[w.Length] = lengths.GetValueOrDefault(w.Length) + 1;
                            }
                        }
                    });
        """;

    private const string SiteSplit = """
                    Parallel.ForEach(docs, doc =>
                    {
                        var pending = new List<string>();
                        try
                        {
                            foreach (var w in doc.Split(' ').Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 2))
                            {
                                pending.Add(w);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var w in pending)
                                {
                                    counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                                    if (w.EndsWith("7", StringComparison.Ordinal)) lengths[w.Length] = lengths.GetValueOrDefault(w.Length) + 1;
                                }
                            }
                        }
                    });
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WordsOfALinqPipeline_WalkedInFrontOfTheLock_WritesAppliedInOrder(LanguageVersion version)
        => await VerifyCS.VerifyCodeFixAsync(Wrap(Site), Wrap(SiteSplit), SharedLockAroundCpuWorkFixer.SplitLoopKey, version);

    [Fact]
    public async Task SplitLoop_IsTheFirstAction()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(Site).Replace("{|GIL001:lock (Gate)|}", "lock (Gate)", StringComparison.Ordinal));
        var site = Assert.Single(offers);
        Assert.Equal(SharedLockAroundCpuWorkFixer.SplitLoopKey, site.Keys[0]);
    }

    [Fact]
    public async Task FixAll_SplitsBothSites()
    {
        var second = Site.Replace("docs, doc", "docs.AsEnumerable().Reverse(), doc", StringComparison.Ordinal);
        var secondSplit = SiteSplit.Replace("docs, doc", "docs.AsEnumerable().Reverse(), doc", StringComparison.Ordinal);
        await new VerifyCS.Test
        {
            TestCode = Wrap(Site + "\n" + second),
            // One fix after the other, the second list's name avoids the first's (names are chosen against the whole
            // method); FixAll plans both sites on the original document.
            FixedCode = Wrap(SiteSplit + "\n" + secondSplit.Replace("pending", "pending2", StringComparison.Ordinal)),
            BatchFixedCode = Wrap(SiteSplit + "\n" + secondSplit),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.SplitLoopKey,
            NumberOfFixAllIterations = 1,
        }.RunAsync(CancellationToken.None);
    }

    /// <summary>A lexer whose iterator does the work as it yields its words (also the execution test's).</summary>
    internal const string Lexer = """
            sealed class Lexer
            {
                private readonly string _text;
                private int _pos;

                public Lexer(string text) { _text = text; }

                public IEnumerable<string> Words()
                {
                    while (_pos < _text.Length)
                    {
                        int start = _pos;
                        while (_pos < _text.Length && _text[_pos] != ' ') _pos++;
                        var word = _text.Substring(start, _pos - start);
                        for (int r = 0; r < 50; r++) word = word.Length > 3 ? word.Substring(1) + word[0] : word;
                        _pos++;
                        yield return word;
                    }
                }

                public int Position => _pos;
            }
        """;

    [Fact]
    public async Task WordsOfAnIteratorOverTheWorkersOwnLexer_SplitIsTheFirstAction()
    {
        // The lexer is the item's own object: walking it in front of the lock changes nothing another thread sees, and
        // the writes read only the words.
        const string Body = """
                    Parallel.ForEach(docs, doc =>
                    {
                        var lexer = new Lexer(doc);
                        lock (Gate)
                        {
                            foreach (var w in lexer.Words())
                            {
                                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                                lengths[w.Length] = lengths.GetValueOrDefault(w.Length) + 1;
                            }
                        }
                    });
            """;
        var site = Assert.Single(await CodeFixOffers.ForAsync(Wrap(Body, Lexer)));
        Assert.Equal(SharedLockAroundCpuWorkFixer.SplitLoopKey, site.Keys.FirstOrDefault());
    }

    [Fact]
    public async Task WritesThatReadTheObjectTheWalkAdvances_NoSplit()
    {
        // The lexer's position moves as its words are walked: a write reading it would see the end of the text.
        const string Body = """
                    Parallel.ForEach(docs, doc =>
                    {
                        var lexer = new Lexer(doc);
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var w in lexer.Words())
                            {
                                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                                lengths[lexer.Position] = 1;
                            }
                        }
                    });
            """;
        var offers = await CodeFixOffers.ForAsync(Wrap(Body, Lexer).Replace("{|GIL001:lock (Gate)|}", "lock (Gate)", StringComparison.Ordinal));
        AssertReportedWithoutSplit(offers);
    }

    [Theory]
    [InlineData("the sequence reads what the writes change", "counts.Count < 1000000 && s.Length > 2")]
    [InlineData("a light sequence (a list the caller made)", null)]
    public async Task SequenceThatReadsTheWritesOrIsLight_NoSplit(string _, string? filter)
    {
        var body = filter is null
            ? Site.Replace("doc.Split(' ').Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 2)", "docs", StringComparison.Ordinal)
            : Site.Replace("s.Length > 2", filter, StringComparison.Ordinal);
        var offers = await CodeFixOffers.ForAsync(Wrap(body).Replace("{|GIL001:lock (Gate)|}", "lock (Gate)", StringComparison.Ordinal));
        AssertReportedWithoutSplit(offers);
    }

    [Fact]
    public async Task AWriteThatLeavesTheLoopEarly_NoSplit()
    {
        // break: the original stops walking the sequence there; walking all of it first could do more, or throw.
        var body = Site.Replace("counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;", "if (counts.Count > 500) break;\n                    counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;", StringComparison.Ordinal);
        var offers = await CodeFixOffers.ForAsync(Wrap(body).Replace("{|GIL001:lock (Gate)|}", "lock (Gate)", StringComparison.Ordinal));
        AssertReportedWithoutSplit(offers);
    }

    /// <summary>The lock is still reported (GIL001), and no split is offered for it.</summary>
    private static void AssertReportedWithoutSplit(IReadOnlyList<(string Id, IReadOnlyList<string?> Keys)> offers)
    {
        var site = Assert.Single(offers);
        Assert.Equal("GIL001", site.Id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.SplitLoopKey, site.Keys);
    }
}
