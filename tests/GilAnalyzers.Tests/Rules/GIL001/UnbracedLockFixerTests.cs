using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>lock (gate) statement;</c> with no braces is a common way to write a one-statement critical section. The fixes plan
/// it as if the body were braced (the braces are added first, after the diagnostic's span), so it gets the same actions
/// as the braced form instead of a refusal.
/// </summary>
public class UnbracedLockFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private const string Score = """
            static int Score(string word)
            {
                int h = 0;
                for (int r = 0; r < 2000; r++)
                    foreach (var ch in word) h = h * 31 + ch + r;
                return h & 0xFF;
            }
        """;

    [Fact]
    public async Task IntegerSum_FirstActionIsThePerWorkerFold()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();

                static long Total(string[] words)
                {
                    long total = 0;
                    Parallel.For(0, words.Length, i =>
                    {
                        {|GIL001:lock (Gate)|}
                            total += Score(words[i]);
                    });
                    return total;
                }

            """ + Score + """

            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();

                static long Total(string[] words)
                {
                    long total = 0;
                    Parallel.For<long>(0, words.Length, () => 0, (i, loopState, localTotal) =>
                    {
                        localTotal += Score(words[i]);
                        return localTotal;
                    }, localTotal =>
                    {
                        lock (Gate)
                        {
                            total += localTotal;
                        }
                    });
                    return total;
                }

            """ + Score + """

            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task ListAdd_TheComputationMovesOutOfTheLock()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        {|GIL001:lock (Gate)|} Scores.Add(Score(word));
                    });
                }

            """ + Score + """

            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        var item = Score(word);
                        lock (Gate)
                        {
                            Scores.Add(item);
                        }
                    });
                }

            """ + Score + """

            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task FixAll_TwoUnbracedLocks_BothRewritten()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();
                static readonly List<int> Others = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        {|GIL001:lock (Gate)|} Scores.Add(Score(word));
                    });
                }

                static void RunOthers(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        {|GIL001:lock (Gate)|}
                            Others.Add(Score(word + "!"));
                    });
                }

            """ + Score + """

            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();
                static readonly List<int> Others = new List<int>();

                static void Run(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        var item = Score(word);
                        lock (Gate)
                        {
                            Scores.Add(item);
                        }
                    });
                }

                static void RunOthers(string[] words)
                {
                    Parallel.ForEach(words, word =>
                    {
                        var item = Score(word + "!");
                        lock (Gate)
                        {
                            Others.Add(item);
                        }
                    });
                }

            """ + Score + """

            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task UnbracedLockThatIsItselfAnUnbracedBody_Refused()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            class C
            {
                static readonly object Gate = new object();
                static readonly List<int> Scores = new List<int>();

                static void Run(string[] words, bool keep)
                {
                    Parallel.ForEach(words, word =>
                    {
                        if (keep)
                            lock (Gate) Scores.Add(Score(word));
                    });
                }

            """ + Score + """

            }
            """);
        var offer = Assert.Single(offers);
        Assert.Empty(offer.Keys);
    }
}
