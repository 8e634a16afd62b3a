using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Span-based tokenisers (<c>word.AsSpan()</c>, <c>span.Trim(',')</c>, <c>span.IndexOfAny('#', '@')</c>) only read what they are given;
/// the effect analysis treated every <c>MemoryExtensions</c> call as opaque, so a word count over spans under a lock got no fix.
/// Helpers that write a span (<c>Reverse</c>, <c>Sort</c>, <c>CopyTo</c>) or run user comparisons stay opaque.
/// </summary>
public class SpanHelpersFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Program(string loopBody) => Usings + """
        class Tally
        {
            private readonly object _gate = new object();
            private readonly Dictionary<string, int> _seen = new Dictionary<string, int>();

            public void Add(string[] records)
            {
                Parallel.ForEach(records, record =>
                {
                    {|GIL001:lock (_gate)|}
                    {
                        foreach (var part in record.Split(' '))
                        {
        """ + "\n" + loopBody + "\n" + """
                        }
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task SpanTokeniser_WordsFoundOutsideTheLockAndCountedUnderIt()
    {
        var source = Program("""
                                var piece = part.AsSpan().Trim(',');
                                if (piece.IsEmpty || piece.IndexOfAny('#', '@') >= 0) continue;
                                var key = piece.ToString();
                                _seen[key] = _seen.TryGetValue(key, out var n) ? n + 1 : 1;
            """);
        var fixedSource = Usings + """
            class Tally
            {
                private readonly object _gate = new object();
                private readonly Dictionary<string, int> _seen = new Dictionary<string, int>();

                public void Add(string[] records)
                {
                    Parallel.ForEach(records, record =>
                    {
                        var pending = new List<string>();
                        try
                        {
                            foreach (var part in record.Split(' '))
                            {
                                var piece = part.AsSpan().Trim(',');
                                if (piece.IsEmpty || piece.IndexOfAny('#', '@') >= 0) continue;
                                var key = piece.ToString();
                                pending.Add(key);
                            }
                        }
                        finally
                        {
                            lock (_gate)
                            {
                                foreach (var key in pending)
                                {
                                    _seen[key] = _seen.TryGetValue(key, out var n) ? n + 1 : 1;
                                }
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }

    [Fact]
    public async Task SpanHelperThatWritesItsArgument_StaysOpaque()
    {
        // MemoryExtensions.Reverse writes the span it is given: not a read-only helper.
        var source = Program("""
                                Span<char> letters = part.AsSpan().Trim(',').ToArray();
                                letters.Reverse();
                                var key = letters.ToString();
                                _seen[key] = _seen.TryGetValue(key, out var n) ? n + 1 : 1;
            """).Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
    }
}
