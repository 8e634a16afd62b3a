using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The static members of the primitive types (<c>char.IsLetterOrDigit</c>, <c>int.Parse</c>, <c>Math</c>'s neighbours) only
/// compute from their arguments, as the effect analysis has listed since it was written; but it looked them up by the C#
/// keyword name (<c>char</c>) the default display format gives, never by <c>System.Char</c>, so locked work that called one
/// was refused as opaque (a fresh program's site: "framework call char.IsLetterOrDigit"). <c>string</c>'s formatting
/// statics that call an argument's <c>ToString()</c> stay unknown.
/// </summary>
public class FrameworkPurityFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    [Fact]
    public async Task MoveOut_WorkCallsCharAndIntStatics()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.For(0, words.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            int score = 0;
                            foreach (var ch in words[i])
                                for (int k = 0; k < words.Length; k++)
                                    if (char.IsLetterOrDigit(ch)) score += int.Parse("7") * k;
                            Scores.Add(score);
                        }
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.For(0, words.Length, i =>
                    {
                        int score = 0;
                        foreach (var ch in words[i])
                            for (int k = 0; k < words.Length; k++)
                                if (char.IsLetterOrDigit(ch)) score += int.Parse("7") * k;
                        lock (Gate)
                        {
                            Scores.Add(score);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task Refusal_StringConcatOfAnObjectCallsItsToString()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            class Noisy
            {
                public static int Calls;
                public override string ToString() { Calls++; return "n"; }
            }

            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Lengths = new List<int>();

                static void Run(Noisy[] items)
                {
                    Parallel.For(0, items.Length, i =>
                    {
                        lock (Gate)
                        {
                            int length = 0;
                            for (int k = 0; k < items.Length; k++) length += string.Concat(items[k], items[i]).Length;
                            Lengths.Add(length);
                        }
                    });
                }
            }
            """);
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Empty(gil001.Keys);
    }
}
