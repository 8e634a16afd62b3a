using System.Collections.Generic;
using System.Linq;
using System.Text;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Core;

/// <summary>
/// <see cref="TextMentions"/> searches a tree's text in chunks (a speed change: no string of the whole file). Pins that it
/// finds what an ordinal search of the whole text as one string finds — mentions on and across chunk boundaries, words
/// that end a file, mentions a filter rejects — and that a rule behind the filter still reports a site far into a large file.
/// </summary>
public class TextMentionsChunkTests
{
    private const int Chunk = 16 * 1024;

    [Theory]
    [InlineData(Chunk - 3)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData((2 * Chunk) - 5)]
    [InlineData((3 * Chunk) - 2)]
    public void WordAcrossAChunkBoundary_IsFoundAtItsPosition(int position)
    {
        var text = Filler(position) + "Thread" + Filler(Chunk);
        var mentions = new TextMentions(new[] { "Thread", "Join" });
        var tree = CSharpSyntaxTree.ParseText(text);

        Assert.True(mentions.In(tree, new TextSpan(position, 6)));
        Assert.False(mentions.In(tree, new TextSpan(0, position)));
        Assert.False(mentions.In(tree, new TextSpan(position + 6, text.Length - position - 6)));
    }

    [Fact]
    public void EveryMention_MatchesAnOrdinalSearchOfTheWholeText()
    {
        // Words scattered over four chunks, some straddling boundaries, some rejected by the filter (a longer name).
        var builder = new StringBuilder();
        var random = new System.Random(54);
        var words = new[] { "Thread", "Join", "Threads", "string.Join", "x", "\n" };
        while (builder.Length < (4 * Chunk) + 100)
        {
            builder.Append(words[random.Next(words.Length)]);
            builder.Append(' ', random.Next(0, 40));
        }

        var text = builder.ToString() + "Join";
        var mentions = new TextMentions(new[] { "Thread", "Join" }, IsOtherName);
        var tree = CSharpSyntaxTree.ParseText(text);
        var expected = Expected(text, new[] { "Thread", "Join" });

        for (var at = 0; at < text.Length; at++)
        {
            Assert.Equal(expected.Contains(at), mentions.In(tree, new TextSpan(at, 1)));
        }
    }

    [Fact]
    public async Task ThreadFanOut_AfterMoreThanThreeChunksOfText_IsStillReported()
    {
        var source = "using System.Threading;\n" + "// " + new string('=', 4 * Chunk) + "\n" + """
            class Mandel
            {
                static readonly double[] rows = new double[4096];

                static void Band(object state)
                {
                    int part = (int)state;
                    for (int y = part; y < rows.Length; y += 4)
                    {
                        double s = 0;
                        for (int x = 0; x < 2000; x++) s += (x * y) % 7;
                        rows[y] = s;
                    }
                }

                public static void Run()
                {
                    var workers = new Thread[4];
                    for (int i = 0; i < 4; i++)
                    {
                        workers[i] = {|GIL003:new Thread(Band)|};
                        workers[i].Start(i);
                    }

                    foreach (var w in workers) w.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    private static string Filler(int length) => new string(' ', length);

    private static bool IsOtherName(SourceText text, int at, string word)
    {
        var end = at + word.Length;
        return (end < text.Length && char.IsLetter(text[end]))
               || (word == "Join" && at >= 7 && text.ToString(new TextSpan(at - 7, 7)) == "string.");
    }

    /// <summary>The old search: the whole text as one string, each word's matches one after another.</summary>
    private static HashSet<int> Expected(string text, string[] words)
    {
        var positions = new HashSet<int>();
        var source = SourceText.From(text);
        foreach (var word in words)
        {
            for (var at = text.IndexOf(word, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, System.StringComparison.Ordinal))
            {
                if (!IsOtherName(source, at, word))
                {
                    positions.Add(at);
                }
            }
        }

        return positions;
    }
}
