using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL001's thread-local fix for per-key counts folded into a shared <c>Dictionary</c> under the lock — word counts,
/// histograms, per-key totals — written the ways real code writes them (<c>TryGetValue</c> ? old + n : n,
/// <c>GetValueOrDefault(k) + n</c>, one statement or a <c>foreach</c> over the item's own words): each worker counts
/// into its own dictionary, merged key by key once per worker in <c>localFinally</c>.
/// </summary>
public class KeyedFoldFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class WordStats
        {
            static readonly object Gate = new object();
            static readonly Dictionary<string, int> counts = new Dictionary<string, int>(StringComparer.Ordinal);
            static readonly Dictionary<int, long> lengths = new Dictionary<int, long>();

            static int Hash(string word)
            {
                int h = 17;
                for (int i = 0; i < word.Length; i++) h = h * 31 + word[i];
                return h;
            }

            static void Count(List<string> lines)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WordsOfEachLineCountedUnderTheLock_CountPerWorkerAndMergeOnce(LanguageVersion version)
    {
        await VerifyCS.VerifyCodeFixAsync(Wrap("""
                    Parallel.ForEach(lines, line =>
                    {
                        var words = line.Split(' ');
                        {|GIL001:lock (Gate)|}
                        {
                            foreach (var w in words)
                                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                        }
                    });
            """), Wrap("""
                    Parallel.ForEach<string, Dictionary<string, int>>(lines, () => new Dictionary<string, int>(), (line, loopState, localCounts) =>
                    {
                        var words = line.Split(' ');
                        foreach (var w in words)
                            localCounts[w] = localCounts.TryGetValue(w, out var c) ? c + 1 : 1;
                        return localCounts;
                    }, localCounts =>
                    {
                        lock (Gate)
                        {
                            foreach (var pair in localCounts) counts[pair.Key] = counts.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.ThreadLocalKey, version);
    }

    [Fact]
    public async Task KeyComputedUnderTheLock_GetValueOrDefault_CountPerWorkerAndMergeOnce()
    {
        await VerifyCS.VerifyCodeFixAsync(Wrap("""
                    Parallel.ForEach(lines, line =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var bucket = Hash(line) & 15;
                            lengths[bucket] = lengths.GetValueOrDefault(bucket) + line.Length;
                        }
                    });
            """), Wrap("""
                    Parallel.ForEach<string, Dictionary<int, long>>(lines, () => new Dictionary<int, long>(), (line, loopState, localLengths) =>
                    {
                        var bucket = Hash(line) & 15;
                        localLengths[bucket] = localLengths.GetValueOrDefault(bucket) + line.Length;
                        return localLengths;
                    }, localLengths =>
                    {
                        lock (Gate)
                        {
                            foreach (var pair in localLengths) lengths[pair.Key] = lengths.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;
                        }
                    });
            """), SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task ThreadLocalIsTheFirstAction()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.ForEach(lines, line =>
                    {
                        lock (Gate)
                        {
                            foreach (var w in line.Split(' '))
                                counts[w] = counts.TryGetValue(w, out var c) ? 1 + c : 1;
                        }
                    });
            """));
        var offer = Assert.Single(offers);
        Assert.Equal("GIL001", offer.Id);
        Assert.Equal(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys[0]);
    }

    [Theory]
    [InlineData("counts[w] = counts.TryGetValue(w.Trim(), out var c) ? c + 1 : 1;")] // looks up another key
    [InlineData("counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 2;")] // the first count is not the increment
    [InlineData("counts[w] = counts.TryGetValue(w, out var c) ? c * 2 : 1;")] // not a sum
    [InlineData("counts[w] = counts.Count + 1;")] // reads the whole dictionary
    public async Task NotAPerKeySum_NoThreadLocal(string update)
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.ForEach(lines, line =>
                    {
                        lock (Gate)
                        {
                            foreach (var w in line.Split(' '))
            """ + "\n                " + update + "\n" + """
                        }
                    });
            """));
        var offer = Assert.Single(offers);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys);
    }

    [Fact]
    public async Task DictionaryOfDoubles_NoThreadLocal()
    {
        // A per-key floating-point sum depends on the order of the adds: merging per-worker sums would change the result.
        var source = Usings + """
            class Totals
            {
                static readonly object Gate = new object();
                static readonly Dictionary<string, double> sums = new Dictionary<string, double>();

                static void Add(List<string> names)
                {
                    Parallel.ForEach(names, name =>
                    {
                        lock (Gate)
                        {
                            foreach (var part in name.Split('/'))
                                sums[part] = sums.TryGetValue(part, out var s) ? s + part.Length * 0.1 : part.Length * 0.1;
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var offer = Assert.Single(offers);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys);
    }

    [Fact]
    public async Task DictionaryReadElsewhereInTheBody_NoThreadLocal()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.ForEach(lines, line =>
                    {
                        lock (Gate)
                        {
                            foreach (var w in line.Split(' '))
                                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
                        }
                        if (counts.Count > 1000) Console.WriteLine("many words");
                    });
            """));
        var offer = Assert.Single(offers);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys);
    }
}
