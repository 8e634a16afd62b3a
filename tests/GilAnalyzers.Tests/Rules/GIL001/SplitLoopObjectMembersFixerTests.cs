using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a locked <c>foreach</c> over the tokens of the worker's own lexer, whose writes ask the same lexer for a
/// token's text. Walking the tokens advances the lexer's position; the text comes from its read-only source. The split
/// (GIL001.SplitLoop) walks all tokens in front of the lock and applies the writes after, so it is offered only when the
/// writes use the lexer through members the walk does not change — told member by member (fields, auto-properties, and
/// what the lexer's own methods and getters read and write through <c>this</c>) — and write none of its members.
/// </summary>
public class SplitLoopObjectMembersFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        readonly struct Token
        {
            public Token(int start, int length) { Start = start; Length = length; }
            public int Start { get; }
            public int Length { get; }
        }

        sealed class TokenLexer
        {
            private readonly string _text;
            private readonly char[] _scratch = new char[64];
            private int _pos;
            private int _marks;

            public TokenLexer(string text) { _text = text; }

            public IEnumerable<Token> Tokens()
            {
                while (_pos < _text.Length)
                {
                    int start = _pos;
                    while (_pos < _text.Length && char.IsLetterOrDigit(_text[_pos])) _pos++;
                    int length = _pos - start;
                    for (int r = 0; r < length * 8; r++) _scratch[r % _scratch.Length] = char.ToUpperInvariant(_text[start + r % length]);
                    _pos++;
                    yield return new Token(start, length);
                }
            }

            public string Text(Token token) => _text.Substring(token.Start, token.Length);

            public int Column => _pos % 80;

            public void Mark() => _marks++;

            public char Scratch(int i) => _scratch[i];
        }

        static class WordStats
        {
            static readonly object Gate = new object();

            public static int Count(List<string> docs, Dictionary<string, int> counts, Dictionary<int, int> lengths)
            {
        """ + "\n" + body + "\n" + """
                return counts.Count + lengths.Count;
            }
        }
        """;

    private const string Site = """
                    Parallel.ForEach(docs, doc =>
                    {
                        var lexer = new TokenLexer(doc);
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var token in lexer.Tokens())
                            {
                                lengths[token.Length] = lengths.GetValueOrDefault(token.Length) + 1;
                                if (token.Length > 3)
                                {
                                    string word = lexer.Text(token);
                                    counts[word] = counts.GetValueOrDefault(word) + 1;
                                }
                            }
                        }
                    });
        """;

    private const string SiteSplit = """
                    Parallel.ForEach(docs, doc =>
                    {
                        var lexer = new TokenLexer(doc);
                        var pending = new List<Token>();
                        try
                        {
                            foreach (var token in lexer.Tokens())
                            {
                                pending.Add(token);
                            }
                        }
                        finally
                        {
                            lock (Gate)
                            {
                                foreach (var token in pending)
                                {
                                    lengths[token.Length] = lengths.GetValueOrDefault(token.Length) + 1;
                                    if (token.Length > 3)
                                    {
                                        string word = lexer.Text(token);
                                        counts[word] = counts.GetValueOrDefault(word) + 1;
                                    }
                                }
                            }
                        }
                    });
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WritesAskTheLexerForTextFromItsReadOnlySource_TokensWalkedInFrontOfTheLock(LanguageVersion version)
        => await VerifyCS.VerifyCodeFixAsync(Wrap(Site), Wrap(SiteSplit), SharedLockAroundCpuWorkFixer.SplitLoopKey, version);

    [Fact]
    public async Task SplitLoop_IsTheFirstAction()
    {
        var site = Assert.Single(await CodeFixOffers.ForAsync(Unmarked(Site)));
        Assert.Equal(SharedLockAroundCpuWorkFixer.SplitLoopKey, site.Keys.FirstOrDefault());
    }

    [Fact]
    public async Task FixAll_SplitsBothSites()
    {
        var second = Site.Replace("docs, doc", "docs.AsEnumerable().Reverse(), doc", StringComparison.Ordinal).Replace("lexer", "other", StringComparison.Ordinal);
        var secondSplit = SiteSplit.Replace("docs, doc", "docs.AsEnumerable().Reverse(), doc", StringComparison.Ordinal).Replace("lexer", "other", StringComparison.Ordinal);
        await new VerifyCS.Test
        {
            TestCode = Wrap(Site + "\n" + second),
            FixedCode = Wrap(SiteSplit + "\n" + secondSplit.Replace("pending", "pending2", StringComparison.Ordinal)),
            BatchFixedCode = Wrap(SiteSplit + "\n" + secondSplit),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.SplitLoopKey,
            NumberOfFixAllIterations = 1,
        }.RunAsync(CancellationToken.None);
    }

    [Theory]
    // A getter that reads the position the walk advances: after the walk it gives the end of the text.
    [InlineData("lexer.Text(token)", "lexer.Column.ToString()")]
    // A method that writes the lexer: the writes change an object the walk uses.
    [InlineData("string word = lexer.Text(token);", "lexer.Mark(); string word = lexer.Text(token);")]
    // A method reading the scratch buffer the walk overwrites for each token.
    [InlineData("lexer.Text(token)", "lexer.Scratch(0).ToString()")]
    // The lexer handed to other code: what that code reads is not known member by member.
    [InlineData("lexer.Text(token)", "Describe(lexer, token)")]
    public async Task WritesThatUseWhatTheWalkChanges_NoSplit(string original, string replacement)
    {
        var body = Site.Replace(original, replacement, StringComparison.Ordinal);
        var source = Unmarked(body).Replace("    return counts.Count + lengths.Count;",
            "    return counts.Count + lengths.Count;\n    }\n\n    static string Describe(TokenLexer lexer, Token token)\n    {\n        return lexer.Text(token) + lexer.Column;", StringComparison.Ordinal);
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.Equal("GIL001", site.Id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.SplitLoopKey, site.Keys);
        Assert.Contains("the writes read 'lexer', an object the computation of later items changes", await FixRefusals.OnlyAsync(source, "GIL001"), StringComparison.Ordinal);
    }

    private static string Unmarked(string body) => Wrap(body).Replace("{|GIL001:lock (Gate)|}", "lock (Gate)", StringComparison.Ordinal);
}
