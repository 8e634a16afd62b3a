using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>GIL001.ReadLock</c>: a <c>ReaderWriterLockSlim</c> taken for writing (or upgradeable reading) around CPU-bound work that
/// only reads the guarded state is taken in read mode instead. The work reads what the writers write, so it cannot leave
/// the lock; in read mode writers stay excluded and readers run together. Refused when the work writes anything another
/// thread could see, calls what the analysis cannot see through, or (it or its callees) uses a reader/writer lock again.
/// </summary>
public class ReadLockFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>A price list that writers append to under the write lock; <paramref name="body"/> is a <c>Parallel.For</c> body over <c>i</c>.</summary>
    private static string Catalog(string body, string members = "") => Usings + """
        public sealed class Catalog
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly List<double> _prices = new List<double>();
            private double _last;

            public void Add(double price)
            {
                _rw.EnterWriteLock();
                try
                {
                    _prices.Add(price);
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

            public double[] ScoreAll(int n)
            {
                var scores = new double[n];
                Parallel.For(0, n, i =>
                {
        """ + "\n" + body + "\n" + """
                });
                return scores;
            }

            private static double Weight(double price, int i)
            {
                double w = price;
                for (int r = 0; r < 8; r++) w = Math.Sqrt(w * (i + 1) + r);
                return w;
            }
        """ + "\n" + members + "\n" + """
        }
        """;

    private static string Unmarked(string source)
        => source.Replace("{|GIL001:", string.Empty, StringComparison.Ordinal).Replace(")|}", ")", StringComparison.Ordinal);

    /// <summary>The site or members in read mode (unmarked): what the action makes of them.</summary>
    private static string ReadMode(string text)
        => Unmarked(text).Replace("EnterWriteLock", "EnterReadLock", StringComparison.Ordinal).Replace("EnterUpgradeableReadLock", "EnterReadLock", StringComparison.Ordinal)
            .Replace("ExitWriteLock", "ExitReadLock", StringComparison.Ordinal).Replace("ExitUpgradeableReadLock", "ExitReadLock", StringComparison.Ordinal);

    /// <summary>A region in a method the parallel loop calls on the shared catalogue: a compilation-end diagnostic, fixed in place.</summary>
    private static Task VerifyCalleeAsync(string site, string members)
        => new VerifyCallee.Test
        {
            TestCode = Catalog(site, members),
            FixedCode = Catalog(site, ReadMode(members)),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ReadLockKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    // ------------------------------------------------------------------ offered

    private const string ReadOnlySum = """
                    double s = 0;
                    {|GIL001:_rw.EnterWriteLock()|};
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WriteLockAroundReadOnlyWork_BecomesTheReadLock(LanguageVersion version)
    {
        await VerifyCS.VerifyCodeFixAsync(Catalog(ReadOnlySum), Catalog(ReadMode(ReadOnlySum)), SharedLockAroundCpuWorkFixer.ReadLockKey, version);
    }

    [Fact]
    public async Task ReadLock_IsTheFirstAction_AndNoPartialNarrowingFollows()
    {
        var offers = await CodeFixOffers.ForAsync(Unmarked(Catalog(ReadOnlySum)));
        var site = Assert.Single(offers);
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.ReadLockKey }, site.Keys);
    }

    [Fact]
    public async Task WhenTheWorkCanLeaveTheLock_MovingItOutComesFirst()
    {
        // A copy of the prices under the lock, the scoring after the release: it frees the writers too, so it is the first
        // action; the read lock (all of it under a shared lock) is the second.
        const string Site = """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        var snapshot = _prices.ToArray();
                        for (int k = 0; k < snapshot.Length; k++) s += Weight(snapshot[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        var site = Assert.Single(await CodeFixOffers.ForAsync(Catalog(Site)));
        Assert.Equal(new[] { SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, SharedLockAroundCpuWorkFixer.ReadLockKey }, site.Keys);
    }

    [Fact]
    public async Task AcquireAsTheTrysFirstStatement_Rewritten()
    {
        const string Site = """
                    double s = 0;
                    try
                    {
                        {|GIL001:_rw.EnterWriteLock()|};
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        await VerifyCS.VerifyCodeFixAsync(Catalog(Site), Catalog(ReadMode(Site)), SharedLockAroundCpuWorkFixer.ReadLockKey);
    }

    [Fact]
    public async Task TryEnterWriteLockBehindAGuard_BecomesTryEnterReadLock()
    {
        const string Site = """
                    double s = 0;
                    if (!{|GIL001:_rw.TryEnterWriteLock(TimeSpan.FromSeconds(5))|}) throw new TimeoutException();
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        await VerifyCS.VerifyCodeFixAsync(Catalog(Site), Catalog(ReadMode(Site)), SharedLockAroundCpuWorkFixer.ReadLockKey);
    }

    private const string UpgradeableScore = """
            public double Score(int i)
            {
                {|GIL001:_rw.EnterUpgradeableReadLock()|};
                try
                {
                    double s = 0;
                    for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    return s;
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
        """;

    [Fact]
    public async Task UpgradeableReadLockThatNeverUpgrades_BecomesTheReadLock()
    {
        await VerifyCalleeAsync("scores[i] = Score(i);", UpgradeableScore);
    }

    [Fact]
    public async Task HelpersOfTheProject_ThatOnlyRead_AreSeenThrough()
    {
        const string Members = """
            public double Score(int i)
            {
                {|GIL001:_rw.EnterWriteLock()|};
                try
                {
                    var ranked = Ranked();
                    double s = 0;
                    for (int k = 0; k < ranked.Length; k++) s += Weight(ranked[k], i) * Rank(k, ranked.Length);
                    return s;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

            private double[] Ranked()
            {
                var copy = _prices.ToArray();
                Array.Sort(copy);
                return copy;
            }

            private static double Rank(int k, int n) => (n - k) / (double)n;
            """;
        await VerifyCalleeAsync("scores[i] = Score(i);", Members);
    }

    [Fact]
    public async Task ReturningTheGuardedListItself_IsStillReadOnly()
    {
        // The caller gets the same list in both modes, after the release: the exclusive lock never guarded what it does with it.
        const string Members = """
            public List<double> Sorted(int i)
            {
                {|GIL001:_rw.EnterWriteLock()|};
                try
                {
                    double s = 0;
                    for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    return s > 0 ? _prices : null;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
            """;
        await VerifyCalleeAsync("scores[i] = Sorted(i).Count;", Members);
    }

    [Fact]
    public async Task ObjectsMadeInTheRegion_AreTheThreadsOwn()
    {
        const string Site = """
                    double s = 0;
                    {|GIL001:_rw.EnterWriteLock()|};
                    try
                    {
                        var seen = new HashSet<double>();
                        for (int k = 0; k < _prices.Count; k++) if (seen.Add(_prices[k])) s += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        await VerifyCS.VerifyCodeFixAsync(Catalog(Site), Catalog(ReadMode(Site)), SharedLockAroundCpuWorkFixer.ReadLockKey);
    }

    [Fact]
    public async Task GraphSearchWithPerCallBuffers_ReturnsFromInsideTheLoop()
    {
        // A breadth-first search over edges the writers add: its arrays and queue are made per call, the edge lists only read,
        // and the result returned from inside the loop (the release still runs in the finally).
        const string Graph = """
            public sealed class Network
            {
                private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
                private readonly List<(int From, int To)> _edges = new List<(int, int)>();
                private readonly List<List<int>> _out = new List<List<int>>();

                public void Connect(int a, int b)
                {
                    _rw.EnterWriteLock();
                    try
                    {
                        while (_out.Count <= Math.Max(a, b)) _out.Add(new List<int>());
                        _edges.Add((a, b));
                        _out[a].Add(_edges.Count - 1);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                }

                public int Hops(int source, int sink)
                {
                    {|GIL001:_rw.EnterWriteLock()|};
                    try
                    {
                        var depth = new int[_out.Count];
                        Array.Fill(depth, -1);
                        var queue = new Queue<int>();
                        depth[source] = 0;
                        queue.Enqueue(source);
                        while (queue.Count > 0)
                        {
                            int u = queue.Dequeue();
                            if (u == sink) return depth[u];
                            foreach (int e in _out[u])
                            {
                                int v = _edges[e].To;
                                if (depth[v] < 0) { depth[v] = depth[u] + 1; queue.Enqueue(v); }
                            }
                        }
                        return -1;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                }
            }

            public static class Planner
            {
                public static int[] AllHops(Network network, int nodes)
                {
                    var hops = new int[nodes];
                    Parallel.For(0, nodes, t => { hops[t] = network.Hops(0, t); });
                    return hops;
                }
            }
            """;
        var source = Usings + Graph;
        // Hops is rewritten; Connect, which writes, keeps its write lock.
        var hopsAt = Graph.IndexOf("public int Hops", StringComparison.Ordinal);
        var fixedSource = Usings + Graph[..hopsAt] + Graph[hopsAt..].Replace("{|GIL001:_rw.EnterWriteLock()|}", "_rw.EnterReadLock()", StringComparison.Ordinal)
            .Replace("_rw.ExitWriteLock()", "_rw.ExitReadLock()", StringComparison.Ordinal);
        Assert.Equal(1, CountOf(fixedSource, "EnterReadLock"));
        Assert.Equal(1, CountOf(fixedSource, "ExitReadLock"));
        var test = new VerifyCallee.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ReadLockKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FixAll_TwoSites()
    {
        const string Members = """
            public double[] Spreads(int n)
            {
                var spreads = new double[n];
                Parallel.For(0, n, i =>
                {
                    double lo = double.MaxValue, hi = double.MinValue;
                    {|GIL001:_rw.EnterWriteLock()|};
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++)
                        {
                            var w = Weight(_prices[k], i);
                            lo = Math.Min(lo, w);
                            hi = Math.Max(hi, w);
                        }
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    spreads[i] = hi - lo;
                });
                return spreads;
            }
            """;
        // Every region but Add's (which writes) is read-only: both become read locks, Add keeps its write lock.
        var fixedSource = Catalog(ReadMode(ReadOnlySum), ReadMode(Members));
        Assert.Equal(2, CountOf(fixedSource, "EnterReadLock"));
        await VerifyCS.VerifyCodeFixAsync(Catalog(ReadOnlySum, Members), fixedSource, SharedLockAroundCpuWorkFixer.ReadLockKey);
    }

    private static int CountOf(string text, string part)
        => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    // ------------------------------------------------------------------ refused

    [Theory]
    [InlineData("a field", """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                        _last = s;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
        """, "GIL001-N12", "'_last'")]
    [InlineData("the guarded list (reads, then one final write)", """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                        _prices[i % _prices.Count] = s;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
        """, "GIL001-N12", "'_prices'")]
    [InlineData("the captured result array", """
                    _rw.EnterWriteLock();
                    try
                    {
                        double s = 0;
                        for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                        scores[i] = s;
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
        """, "GIL001-N12", "'scores'")]
    [InlineData("through a ref local", """
                    _rw.EnterWriteLock();
                    try
                    {
                        ref double slot = ref scores[i];
                        for (int k = 0; k < _prices.Count; k++) slot += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
        """, "GIL001-N12", null)]
    public async Task Refusal_WritesSharedState(string what, string body, string id, string? detail)
    {
        var why = await WhyAsync(Catalog(body));
        Assert.True(why is not null && why.Contains(id + ": ", StringComparison.Ordinal), what + ": " + why);
        if (detail is not null)
        {
            Assert.Contains(detail, why, StringComparison.Ordinal);
        }

        await NotOfferedAsync(Catalog(body));
    }

    [Fact]
    public async Task Refusal_WritesIntoAParametersCollection()
    {
        const string Members = """
            public void Collect(int i, List<double> into)
            {
                _rw.EnterWriteLock();
                try
                {
                    for (int k = 0; k < _prices.Count; k++) into.Add(Weight(_prices[k], i));
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
            """;
        var why = await WhyAsync(Catalog("Collect(i, new List<double>());", Members));
        Assert.NotNull(why);
        Assert.Contains("GIL001-N3: ", why, StringComparison.Ordinal);
        await NotOfferedAsync(Catalog("Collect(i, new List<double>());", Members));
    }

    [Fact]
    public async Task Refusal_WritesAnOutParameter()
    {
        // The caller's variable may be a field: written under the exclusive lock, it would be written by readers together.
        const string Members = """
            public void Total(int i, out double total)
            {
                _rw.EnterWriteLock();
                try
                {
                    total = 0;
                    for (int k = 0; k < _prices.Count; k++) total += Weight(_prices[k], i);
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
            """;
        await NotOfferedAsync(Catalog("Total(i, out scores[i]);", Members), "GIL001-N12: ");
    }

    [Fact]
    public async Task Refusal_CallsADelegate()
    {
        const string Members = """
            public Func<double, double> Adjust = x => x;
            """;
        const string Site = """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        for (int k = 0; k < _prices.Count; k++) s += Adjust(Weight(_prices[k], i));
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        var why = await WhyAsync(Catalog(Site, Members));
        Assert.NotNull(why);
        Assert.Contains("GIL001-N3: ", why, StringComparison.Ordinal);
        await NotOfferedAsync(Catalog(Site, Members));
    }

    [Theory]
    [InlineData("takes the read lock itself", """
            private int Count()
            {
                _rw.EnterReadLock();
                try { return _prices.Count; }
                finally { _rw.ExitReadLock(); }
            }
        """)]
    [InlineData("asks whether the write lock is held", """
            private int Count()
            {
                if (!_rw.IsWriteLockHeld) throw new InvalidOperationException();
                return _prices.Count;
            }
        """)]
    [InlineData("reaches the lock through a property", """
            private ReaderWriterLockSlim Sync => _rw;
            private int Count()
            {
                Sync.EnterReadLock();
                try { return _prices.Count; }
                finally { Sync.ExitReadLock(); }
            }
        """)]
    public async Task Refusal_AHelperUsesTheLockAgain(string what, string helper)
    {
        const string Site = """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        for (int k = 0; k < Count(); k++) s += Weight(_prices[k], i);
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        var source = Catalog(Site, helper);
        await NotOfferedAsync(source);
        var why = await WhyAsync(source);
        Assert.True(why is not null && why.Contains("GIL001-N12: ", StringComparison.Ordinal) && why.Contains("reader/writer lock again", StringComparison.Ordinal), what + ": " + why);
    }

    [Fact]
    public async Task Refusal_AGenericHelperCallsBackATypeThatTakesTheLock()
    {
        // Largest<T> only sees IComparable<T>.CompareTo; the type it is given checks the catalogue's write lock in its CompareTo,
        // which in read mode would throw.
        const string Members = """
            private sealed class Ranked : IComparable<Ranked>
            {
                private readonly Catalog _owner;
                public readonly double Value;
                public Ranked(Catalog owner, double value) { _owner = owner; Value = value; }
                public int CompareTo(Ranked other)
                {
                    if (!_owner._rw.IsWriteLockHeld) throw new InvalidOperationException("rank under the catalogue's write lock");
                    return Value.CompareTo(other.Value);
                }
            }

            private static T Largest<T>(List<T> items) where T : IComparable<T>
            {
                var best = items[0];
                foreach (var x in items) if (x.CompareTo(best) > 0) best = x;
                return best;
            }
            """;
        const string Site = """
                    double s = 0;
                    _rw.EnterWriteLock();
                    try
                    {
                        var ranked = new List<Ranked>();
                        for (int k = 0; k < _prices.Count; k++)
                        {
                            ranked.Add(new Ranked(this, Weight(_prices[k], i)));
                            s += Largest(ranked).Value;
                        }
                    }
                    finally
                    {
                        _rw.ExitWriteLock();
                    }
                    scores[i] = s;
            """;
        await NotOfferedAsync(Catalog(Site, Members), "reader/writer lock again: _owner._rw");
    }

    [Fact]
    public async Task Refusal_UpgradeableLockThatUpgrades()
    {
        const string Members = """
            public double Score(int i)
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    double s = 0;
                    for (int k = 0; k < _prices.Count; k++) s += Weight(_prices[k], i);
                    if (s < 0)
                    {
                        _rw.EnterWriteLock();
                        try { _prices.Clear(); }
                        finally { _rw.ExitWriteLock(); }
                    }
                    return s;
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
            """;
        await NotOfferedAsync(Catalog("scores[i] = Score(i);", Members), "reader/writer lock again: _rw");
    }

    [Fact]
    public async Task Refusal_AnIteratorYieldsUnderTheLock()
    {
        // The caller's loop body runs between the yields, still holding the write lock: exclusive before, not after.
        const string Members = """
            public IEnumerable<double> Weights(int i)
            {
                _rw.EnterWriteLock();
                try
                {
                    for (int k = 0; k < _prices.Count; k++)
                    {
                        double w = _prices[k];
                        for (int r = 0; r < 64; r++) w = Math.Sqrt(w * (i + 1) + r);
                        yield return w;
                    }
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
            """;
        await NotOfferedAsync(Catalog("foreach (var w in Weights(i)) scores[i] += w;", Members), "where the caller's code runs under it");
    }

    [Fact]
    public async Task Refusal_ALocalALambdaOutsideAlsoUses()
    {
        // `best` is the method's own local, but the task started before the lock reads it while the region runs.
        const string Members = """
            public double Best(int i)
            {
                double best = 0;
                var watcher = Task.Run(() => Console.WriteLine(best));
                _rw.EnterWriteLock();
                try
                {
                    for (int k = 0; k < _prices.Count; k++) best = Math.Max(best, Weight(_prices[k], i));
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
                watcher.Wait();
                return best;
            }
            """;
        var source = Catalog("scores[i] = Best(i);", Members);
        await NotOfferedAsync(source, "which a lambda or local function outside the lock also uses");
    }

    [Fact]
    public async Task Refusal_WritesIntoAnObjectHandedOnBeforeTheLock()
    {
        const string Members = """
            public static readonly List<List<double>> Published = new List<List<double>>();

            public double Collect(int i)
            {
                var mine = new List<double>();
                lock (Published) Published.Add(mine);
                _rw.EnterWriteLock();
                try
                {
                    for (int k = 0; k < _prices.Count; k++) mine.Add(Weight(_prices[k], i));
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
                return mine.Count;
            }
            """;
        var source = Catalog("scores[i] = Collect(i);", Members);
        await NotOfferedAsync(source, "whose object was handed on before the lock");
    }

    [Fact]
    public async Task Gil006_WriteLockAroundProcessGlobalState_RefusedCleanly()
    {
        // GIL006 offers GIL001's thread-level actions under its own keys: its work reads and changes a static field, so the
        // read lock (GIL006.ReadLock) never applies there.
        var source = Usings + """
            static class Filter
            {
                private static readonly ReaderWriterLockSlim s_rw = new ReaderWriterLockSlim();
                private static double s_state;

                public static double[] Run(double[] xs)
                {
                    var outs = new double[xs.Length];
                    Parallel.For(0, xs.Length, i =>
                    {
                        double acc = 0;
                        s_rw.EnterWriteLock();
                        try
                        {
                            for (int k = 0; k < 1000; k++) { s_state = s_state * 0.5 + xs[i] * k; acc += Math.Sqrt(Math.Abs(s_state)); }
                        }
                        finally
                        {
                            s_rw.ExitWriteLock();
                        }
                        outs[i] = acc;
                    });
                    return outs;
                }
            }
            """;
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.Equal(DiagnosticIds.ProcessGlobalStateUnderLock, site.Id);
        Assert.DoesNotContain(ProcessGlobalStateUnderLockFixer.ThreadLevelKeyPrefix + ".ReadLock", site.Keys);
    }

    /// <summary>The source has a GIL001 site, no site is offered the read lock, and (with <paramref name="because"/>) the refusal says so.</summary>
    private static async Task NotOfferedAsync(string source, string? because = null)
    {
        var offers = await CodeFixOffers.ForAsync(Unmarked(source));
        Assert.Contains(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.All(offers, o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ReadLockKey, o.Keys));
        if (because is not null)
        {
            var why = await WhyAsync(source);
            Assert.True(why is not null && why.Contains(because, StringComparison.Ordinal), "expected \"" + because + "\" in: " + why);
        }
    }

    /// <summary>WhyNoFix's answer for the one GIL001 diagnostic of <paramref name="source"/> at the Parallel.For site or its callee.</summary>
    private static Task<string?> WhyAsync(string source) => FixRefusals.OnlyAsync(Unmarked(source), DiagnosticIds.SharedLockAroundCpuWork);
}
