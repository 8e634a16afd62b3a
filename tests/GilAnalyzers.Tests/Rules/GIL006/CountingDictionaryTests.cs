using Xunit;
using Verify001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A static dictionary of counts that the locked work only adds to — written the ways counting code writes it
/// (<c>if (d.ContainsKey(k)) d[k]++; else d.Add(k, 1);</c>, the negated form, <c>TryGetValue</c> then store,
/// <c>if (!d.ContainsKey(k)) d[k] = 0; d[k] += n;</c>) — is an accumulator like <c>s_total += n</c>, not process-wide
/// state the work depends on: the site is GIL001 (a thread-local count fixes it), not GIL006. Work that reads a count
/// back for something else, or stores a value that is not a sum, is still entangled.
/// </summary>
public class CountingDictionaryTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks;\n";

    private static string Counter(string counting) => Usings + """
        class WordCounter
        {
            private static Dictionary<string, int> s_words = new Dictionary<string, int>();
            private readonly object _lock = new object();

            public void Count(string[] lines)
            {
                Parallel.ForEach(lines, line =>
                {
                    {|#0:lock (_lock)|}
                    {
                        foreach (var raw in line.Split(' '))
                        {
                            var word = raw.Trim().ToLowerInvariant();
        """ + "\n" + counting + "\n" + """
                        }
                    }
                });
            }
        }
        """;

    [Theory]
    [InlineData("if (s_words.ContainsKey(word)) s_words[word]++; else s_words.Add(word, 1);")]
    [InlineData("if (!s_words.ContainsKey(word)) { s_words[word] = 1; } else { s_words[word] += 1; }")]
    [InlineData("if (s_words.TryGetValue(word, out var c)) s_words[word] = c + 1; else s_words[word] = 1;")]
    [InlineData("if (!s_words.ContainsKey(word)) s_words[word] = 0; s_words[word] += word.Length;")]
    [InlineData("s_words.TryGetValue(word, out var seen); s_words[word] = seen + 1;")]
    public async Task CountingIntoAStaticDictionary_IsGil001(string counting)
    {
        var source = Counter(counting);
        await Verify001.VerifyAnalyzerAsync(source,
            Verify001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_lock", "foreach loop", "a Parallel.ForEach body"));
        await Verify006.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("if (s_words.ContainsKey(word)) s_words[word]++; else s_words.Add(word, 2);")]
    [InlineData("if (s_words.ContainsKey(word)) s_words[word] = s_words.Count; else s_words.Add(word, 1);")]
    [InlineData("if (!s_words.ContainsKey(word)) s_words[word] = s_words.Count;")]
    public async Task StoresThatAreNotASum_StayGil006(string counting)
    {
        var source = Counter(counting);
        await Verify006.VerifyAnalyzerAsync(source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0)
                .WithArguments("_lock", "foreach loop", "a Parallel.ForEach body", "'WordCounter.s_words' is read and written by the work"));
        await Verify001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task CountingInAMethodGroupBody_IsReportedAsGil001()
    {
        var source = Usings + """
            class WordCounter
            {
                private static Dictionary<string, int> s_words = new Dictionary<string, int>();
                private readonly object _lock = new object();

                public void Count(string text) => Parallel.ForEach(text.Split(' '), CountWord);

                private void CountWord(string word)
                {
                    {|#0:lock (_lock)|}
                    {
                        foreach (var ch in word.ToLowerInvariant())
                        {
                            var key = ch.ToString();
                            if (s_words.ContainsKey(key)) s_words[key]++;
                            else s_words.Add(key, 1);
                        }
                    }
                }
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source,
            VerifyCallee.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_lock", "foreach loop", "'CountWord', called from a Parallel.ForEach body"));
    }
}
