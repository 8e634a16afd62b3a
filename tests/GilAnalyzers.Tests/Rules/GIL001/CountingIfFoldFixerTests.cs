using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL001's thread-local fix for per-key counts written as an if — the way most counting code is written
/// (<c>if (counts.ContainsKey(w)) counts[w]++; else counts.Add(w, 1);</c>, the negated form, <c>TryGetValue</c> then
/// store, or two statements: <c>if (!counts.ContainsKey(w)) counts[w] = 0; counts[w] += n;</c>): the whole if (or
/// pair) counts into the worker's own dictionary, merged key by key once per worker in localFinally.
/// An if whose first value is not the amount added, or that reads the dictionary for anything else, is not a per-key
/// sum and gets no thread-local rewrite.
/// </summary>
public class CountingIfFoldFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class WordStats
        {
            static readonly object Gate = new object();
            static readonly Dictionary<string, int> counts = new Dictionary<string, int>();

            static void Count(List<string> lines)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static string Locked(string counting) => Wrap("""
                Parallel.ForEach(lines, line =>
                {
                    {|GIL001:lock (Gate)|}
                    {
                        foreach (var raw in line.Split(' '))
                        {
                            var w = raw.Trim().ToLowerInvariant();
                            if (w.Length == 0) continue;
        """ + "\n" + counting + "\n" + """
                        }
                    }
                });
        """);

    private static string Folded(string counting) => Wrap("""
                Parallel.ForEach<string, Dictionary<string, int>>(lines, () => new Dictionary<string, int>(), (line, loopState, localCounts) =>
                {
                    foreach (var raw in line.Split(' '))
                    {
                        var w = raw.Trim().ToLowerInvariant();
                        if (w.Length == 0) continue;
        """ + "\n" + counting + "\n" + """
                    }

                    return localCounts;
                }, localCounts =>
                {
                    lock (Gate)
                    {
                        foreach (var pair in localCounts) counts[pair.Key] = counts.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;
                    }
                });
        """);

    [Theory]
    [InlineData("if (counts.ContainsKey(w)) counts[w]++; else counts.Add(w, 1);")]
    [InlineData("if (!counts.ContainsKey(w)) counts[w] = w.Length; else counts[w] += w.Length;")]
    [InlineData("if (counts.TryGetValue(w, out var c)) counts[w] = c + 1; else counts[w] = 1;")]
    [InlineData("counts.TryGetValue(w, out var c); counts[w] = c + 1;")]
    [InlineData("if (!counts.ContainsKey(w)) counts[w] = 0; counts[w] += w.Length;")]
    [InlineData("if (!counts.ContainsKey(w)) counts.Add(w, 0); counts[w]++;")]
    public async Task CountingIfUnderTheLock_CountsPerWorkerAndMergesOnce(string counting)
    {
        await VerifyCS.VerifyCodeFixAsync(
            Locked("                " + counting),
            Folded("                " + counting.Replace("counts", "localCounts")),
            SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task ThreadLocalIsTheFirstAction()
    {
        var offers = await CodeFixOffers.ForAsync(Locked("if (counts.ContainsKey(w)) { counts[w]++; } else { counts.Add(w, 1); }").Replace("{|GIL001:", "").Replace("Gate)|}", "Gate)"));
        var offer = Assert.Single(offers);
        Assert.Equal(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys[0]);
    }

    [Theory]
    [InlineData("if (counts.ContainsKey(w)) counts[w]++; else counts.Add(w, 2);")] // the first count is not the increment
    [InlineData("if (counts.ContainsKey(w)) counts[w] = counts.Count; else counts.Add(w, 1);")] // reads the whole dictionary
    [InlineData("if (counts.ContainsKey(w)) counts[w]--; else counts.Add(w, 1);")] // not a sum of what was added
    [InlineData("counts.TryGetValue(w, out var c); counts[w] = c * 2;")] // not a sum
    [InlineData("if (!counts.ContainsKey(w)) counts[w] = 1; counts[w] += 1;")] // starts at one, then adds one
    public async Task NotAPerKeySum_NoThreadLocal(string counting)
    {
        var offers = await CodeFixOffers.ForAsync(Locked(counting).Replace("{|GIL001:", "").Replace("Gate)|}", "Gate)"));
        foreach (var offer in offers)
        {
            Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, offer.Keys);
        }
    }

    [Fact]
    public async Task FixAll_TwoCountingLoopsInOneMethod()
    {
        var source = Wrap("""
                Parallel.ForEach(lines, line =>
                {
                    {|GIL001:lock (Gate)|}
                    {
                        foreach (var w in line.Split(' '))
                        {
                            if (counts.ContainsKey(w)) counts[w]++; else counts.Add(w, 1);
                        }
                    }
                });
                Parallel.ForEach(lines, line =>
                {
                    {|GIL001:lock (Gate)|}
                    {
                        foreach (var w in line.Split(','))
                        {
                            if (!counts.ContainsKey(w)) { counts[w] = 1; } else { counts[w] += 1; }
                        }
                    }
                });
        """);
        var fixedSource = Wrap("""
                Parallel.ForEach<string, Dictionary<string, int>>(lines, () => new Dictionary<string, int>(), (line, loopState, localCounts) =>
                {
                    foreach (var w in line.Split(' '))
                    {
                        if (localCounts.ContainsKey(w)) localCounts[w]++; else localCounts.Add(w, 1);
                    }

                    return localCounts;
                }, localCounts =>
                {
                    lock (Gate)
                    {
                        foreach (var pair in localCounts) counts[pair.Key] = counts.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;
                    }
                });
                Parallel.ForEach<string, Dictionary<string, int>>(lines, () => new Dictionary<string, int>(), (line, loopState2, localCounts2) =>
                {
                    foreach (var w in line.Split(','))
                    {
                        if (!localCounts2.ContainsKey(w)) { localCounts2[w] = 1; } else { localCounts2[w] += 1; }
                    }

                    return localCounts2;
                }, localCounts2 =>
                {
                    lock (Gate)
                    {
                        foreach (var pair2 in localCounts2) counts[pair2.Key] = counts.TryGetValue(pair2.Key, out var sum2) ? sum2 + pair2.Value : pair2.Value;
                    }
                });
        """);
        // One fix at a time, the second loop sees the first's names and numbers its own; Fix all rewrites each loop on
        // its own, and names in sibling lambdas do not clash.
        var batchFixedSource = fixedSource.Replace("loopState2", "loopState").Replace("localCounts2", "localCounts")
            .Replace("pair2", "pair").Replace("sum2", "sum");
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = batchFixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ThreadLocalKey,
        };
        await test.RunAsync();
    }
}
