using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: word counts where the loop under the lock first works out each word (<c>var w = raw.Trim(…).ToLowerInvariant();</c>,
/// <c>if (w.Length &lt; 3) continue;</c>) and then folds it into the shared dictionary. The per-worker fold (the first
/// action) now takes such loops, not only loops whose every statement folds; steps that write shared state keep it out.
/// </summary>
public class FoldLoopStepsFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class Index
        {
            static readonly object Gate = new object();
            static readonly Dictionary<string, int> Terms = new Dictionary<string, int>();
            static int skipped;

            static void Build(string[] documents)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    [Fact]
    public async Task WordsNormalisedAndFilteredInTheLoop_CountedPerWorkerAndMergedOnce()
    {
        await VerifyCS.VerifyCodeFixAsync(Wrap("""
                    Parallel.ForEach(documents, text =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var raw in text.Split(' '))
                            {
                                var word = raw.Trim(',', '.', ';').ToLowerInvariant();
                                if (word.Length < 3) continue;
                                Terms[word] = Terms.TryGetValue(word, out var seen) ? seen + 1 : 1;
                            }
                        }
                    });
            """), Wrap("""
                    Parallel.ForEach<string, Dictionary<string, int>>(documents, () => new Dictionary<string, int>(), (text, loopState, localTerms) =>
                    {
                        foreach (var raw in text.Split(' '))
                        {
                            var word = raw.Trim(',', '.', ';').ToLowerInvariant();
                            if (word.Length < 3) continue;
                            localTerms[word] = localTerms.TryGetValue(word, out var seen) ? seen + 1 : 1;
                        }

                        return localTerms;
                    }, localTerms =>
                    {
                        lock (Gate)
                        {
                            foreach (var pair in localTerms) Terms[pair.Key] = Terms.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task AStepThatCountsSkippedWords_NoPerWorkerFold()
    {
        // skipped++ is a second shared update: a per-worker copy of Terms alone would leave it racing.
        var source = Wrap("""
                    Parallel.ForEach(documents, text =>
                    {
                        lock (Gate)
                        {
                            foreach (var raw in text.Split(' '))
                            {
                                var word = raw.Trim(',', '.', ';').ToLowerInvariant();
                                var tooShort = word.Length < 3 && skipped++ >= 0;
                                if (tooShort) continue;
                                Terms[word] = Terms.TryGetValue(word, out var seen) ? seen + 1 : 1;
                            }
                        }
                    });
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.ThreadLocalKey));
    }
}
