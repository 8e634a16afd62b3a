using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The fixers' effects model and the framework's text and number conversions (WebUtility, Uri, Convert, Regex statics):
/// given only strings and numbers they compute a new value and touch nothing shared, so work built from them moves out of
/// the lock like any other pure computation. The detection side already counted them as computation; the fixer refused
/// them as "framework call" it could not see through. A delegate argument (a MatchEvaluator) still makes the call unknown.
/// </summary>
public class TextConversionEffectsFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Net;\nusing System.Text.RegularExpressions;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class Pages
        {
            static readonly object Gate = new object();

            static List<string> Render(string[] titles)
            {
                var slugs = new List<string>();
                int replaced = 0;
        """ + "\n" + body + "\n" + """
                return slugs;
            }
        }
        """;

    [Fact]
    public async Task EncodedSlugs_ComputedOutsideTheLock()
    {
        var before = """
                    Parallel.ForEach(titles, title =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            string slug = "";
                            for (int round = 0; round < 200; round++)
                            {
                                string encoded = WebUtility.HtmlEncode(title + round);
                                slug = Regex.Replace(encoded.ToLowerInvariant(), "[^a-z0-9]+", "-") + Convert.ToString(round, 16);
                                slug = Uri.EscapeDataString(slug);
                            }
                            slugs.Add(slug);
                        }
                    });
            """;
        var after = """
                    Parallel.ForEach(titles, title =>
                    {
                        string slug = "";
                        for (int round = 0; round < 200; round++)
                        {
                            string encoded = WebUtility.HtmlEncode(title + round);
                            slug = Regex.Replace(encoded.ToLowerInvariant(), "[^a-z0-9]+", "-") + Convert.ToString(round, 16);
                            slug = Uri.EscapeDataString(slug);
                        }
                        lock (Gate)
                        {
                            slugs.Add(slug);
                        }
                    });
            """;
        await VerifyCS.VerifyCodeFixAsync(Wrap(before), Wrap(after), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task RegexWithAnEvaluatorThatCountsSharedState_StaysLocked()
    {
        var source = """
                    Parallel.ForEach(titles, title =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            string slug = "";
                            for (int round = 0; round < 200; round++)
                            {
                                string encoded = WebUtility.HtmlEncode(title + round);
                                slug = Regex.Replace(encoded, "[^a-z0-9]+", m => { replaced++; return "-"; });
                            }
                            slugs.Add(slug);
                        }
                    });
            """;
        await VerifyCS.VerifyCodeFixAsync(Wrap(source), Wrap(source), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }
}
