using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Writes through a local that holds an element of a shared container — the grouping idiom
/// <c>if (!byKey.TryGetValue(k, out var bucket)) byKey[k] = bucket = new …; bucket.Add(x);</c> — change what the container
/// holds. The effects model used to give up on them ("mutation through bucket"), so no rewrite applied; they now count as
/// writes to the container, which every read of the container conflicts with. A local container that was given an
/// object from elsewhere, or a local a lambda captures, still makes the writes unknown.
/// </summary>
public class AliasedElementWritesFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private static string Indexer(string ingest) => Usings + """
        sealed class LengthIndex
        {
            private readonly object _gate = new object();
            private readonly Dictionary<char, int[]> _byInitial = new Dictionary<char, int[]>();
            private readonly int[] _shared = new int[40];

            static string Canonical(string word)
            {
                var letters = word.ToCharArray();
                for (int round = 0; round < 64; round++)
                {
                    for (int i = 0; i + 1 < letters.Length; i++)
                    {
                        if (char.ToLowerInvariant(letters[i]) > char.ToLowerInvariant(letters[i + 1])) { (letters[i], letters[i + 1]) = (letters[i + 1], letters[i]); }
                    }
                }

                return new string(letters).ToLowerInvariant();
            }

            public void IngestAll(List<string[]> batches)
            {
                Parallel.ForEach(batches, batch => Ingest(batch));
            }

        """ + ingest + """

        }
        """;

    // The lock sits in a method Parallel.ForEach calls: a compilation-end (non-local) diagnostic; the fix is local to the lock.
    private static Task VerifyAsync(string source, string fixedSource, string key)
        => new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = key,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(System.Threading.CancellationToken.None);

    [Fact]
    public async Task GroupingIdiomUnderTheLock_LoopIsSplit()
    {
        var source = Indexer("""
                private void Ingest(string[] words)
                {
                    {|GIL001:lock (_gate)|}
                    {
                        foreach (var word in words)
                        {
                            var key = Canonical(word);
                            if (key.Length == 0) continue;
                            if (!_byInitial.TryGetValue(key[0], out var counts)) _byInitial[key[0]] = counts = new int[40];
                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        var fixedSource = Indexer("""
                private void Ingest(string[] words)
                {
                    var pending = new List<string>();
                    try
                    {
                        foreach (var word in words)
                        {
                            var key = Canonical(word);
                            if (key.Length == 0) continue;
                            pending.Add(key);
                        }
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            foreach (var key in pending)
                            {
                                if (!_byInitial.TryGetValue(key[0], out var counts)) _byInitial[key[0]] = counts = new int[40];
                                counts[Math.Min(key.Length, 39)]++;
                            }
                        }
                    }
                }
            """);
        await VerifyAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }

    [Fact]
    public async Task OneItemThenTheBucketWrite_ComputationMovesOut()
    {
        var source = Indexer("""
                private void Ingest(string[] words)
                {
                    foreach (var word in words)
                    {
                        {|GIL001:lock (_gate)|}
                        {
                            var key = Canonical(word);
                            if (!_byInitial.TryGetValue(word[0], out var counts))
                            {
                                counts = new int[40];
                                _byInitial.Add(word[0], counts);
                            }

                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        var fixedSource = Indexer("""
                private void Ingest(string[] words)
                {
                    foreach (var word in words)
                    {
                        var key = Canonical(word);
                        lock (_gate)
                        {
                            if (!_byInitial.TryGetValue(word[0], out var counts))
                            {
                                counts = new int[40];
                                _byInitial.Add(word[0], counts);
                            }

                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        await VerifyAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task ComputationReadsTheContainerTheBucketCameFrom_NoSplit()
    {
        // Each key's canonical form depends on how many initials are known: it reads what the bucket writes change.
        var source = Indexer("""
                private void Ingest(string[] words)
                {
                    lock (_gate)
                    {
                        foreach (var word in words)
                        {
                            var key = Canonical(word + _byInitial.Count);
                            if (!_byInitial.TryGetValue(key[0], out var counts)) _byInitial[key[0]] = counts = new int[40];
                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }

    [Fact]
    public async Task LocalContainerGivenASharedArray_WritesStayUnknown()
    {
        // groups holds _shared itself: a write through 'counts' changes _shared, which the computation reads.
        var source = Indexer("""
                private void Ingest(string[] words)
                {
                    var groups = new Dictionary<int, int[]>();
                    groups[0] = _shared;
                    lock (_gate)
                    {
                        foreach (var word in words)
                        {
                            var key = Canonical(word + _shared[1]);
                            var counts = groups[0];
                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }

    [Fact]
    public async Task BucketLocalAlsoSetByALambda_WritesStayUnknown()
    {
        // 'counts' starts as a bucket of _byInitial, but a lambda may give it the shared array at any time: the local is not followed.
        var source = Indexer("""
                private void Ingest(string[] words)
                {
                    int[] counts = _byInitial['a'];
                    Action swap = () => counts = _shared;
                    swap();
                    lock (_gate)
                    {
                        foreach (var word in words)
                        {
                            var key = Canonical(word + _shared[1]);
                            counts[Math.Min(key.Length, 39)]++;
                        }
                    }
                }
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == "GIL001");
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey));
    }
}
