using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// An index whose methods are all <c>Synchronized</c>: its <c>Search</c> scores a query against every stored vector
/// (reported: parallel code calls it on the one index) and only reads what <c>Add</c> writes, bumping a query counter on
/// the way. The hidden lock runs one search at a time; the lock the type needed is a reader/writer lock. The fix
/// (GIL002.ReaderWriterLock) gives the type one <c>ReaderWriterLockSlim</c>: <c>Search</c> takes it in read mode (its
/// counter becomes Interlocked), <c>Add</c> in write mode. Refused when the reported method writes, when a reader may call
/// a writer on the instance, when the type waits on its monitor, when a derived type exists, and when a synchronized
/// method is not a plain synchronous one.
/// </summary>
public class ReaderWriterLockFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    private static readonly string IndexDriver = SynchronizedCpuMethodFixerTests.Driver("index.Search(new float[] { i, 1, 2, 3 }, 5);", "var index = new VectorIndex(); index.Add(1, new float[] { 1, 2, 3, 4 });");

    /// <summary>The index before the fix, unmarked (also the execution test's).</summary>
    internal const string IndexType = """
        sealed class VectorIndex
        {
            private readonly List<int> _ids = new List<int>();
            private readonly List<float[]> _vectors = new List<float[]>();
            private long _queries;

            public long Queries => Interlocked.Read(ref _queries);

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Add(int id, float[] vector)
            {
                _ids.Add(id);
                _vectors.Add(vector);
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int Count() => _ids.Count;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int[] Search(float[] query, int k)
            {
                _queries++;
                var scores = new float[_vectors.Count];
                for (int i = 0; i < _vectors.Count; i++)
                {
                    float dot = 0, norm = 0;
                    for (int d = 0; d < query.Length; d++)
                    {
                        dot += query[d] * _vectors[i][d];
                        norm += _vectors[i][d] * _vectors[i][d];
                    }
                    scores[i] = dot / (MathF.Sqrt(norm) + 1e-6f);
                }
                var order = new int[scores.Length];
                for (int i = 0; i < order.Length; i++) order[i] = i;
                Array.Sort(scores, order);
                var best = new int[Math.Min(k, order.Length)];
                for (int i = 0; i < best.Length; i++) best[i] = _ids[order[order.Length - 1 - i]];
                return best;
            }
        }
        """;
    private static readonly string Index = IndexType.Replace("public int[] Search(", "public int[] {|GIL002:Search|}(", StringComparison.Ordinal);


    private const string IndexFixed = """
        sealed class VectorIndex
        {
            private readonly List<int> _ids = new List<int>();
            private readonly List<float[]> _vectors = new List<float[]>();
            private long _queries;
            private readonly ReaderWriterLockSlim _vectorIndexLock = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);

            public long Queries => Interlocked.Read(ref _queries);

            public void Add(int id, float[] vector)
            {
                _vectorIndexLock.EnterWriteLock();
                try
                {
                    _ids.Add(id);
                    _vectors.Add(vector);
                }
                finally
                {
                    _vectorIndexLock.ExitWriteLock();
                }
            }

            public int Count()
            {
                _vectorIndexLock.EnterReadLock();
                try
                {
                    return _ids.Count;
                }
                finally
                {
                    _vectorIndexLock.ExitReadLock();
                }
            }

            public int[] Search(float[] query, int k)
            {
                _vectorIndexLock.EnterReadLock();
                try
                {
                    Interlocked.Increment(ref _queries);
                    var scores = new float[_vectors.Count];
                    for (int i = 0; i < _vectors.Count; i++)
                    {
                        float dot = 0, norm = 0;
                        for (int d = 0; d < query.Length; d++)
                        {
                            dot += query[d] * _vectors[i][d];
                            norm += _vectors[i][d] * _vectors[i][d];
                        }
                        scores[i] = dot / (MathF.Sqrt(norm) + 1e-6f);
                    }
                    var order = new int[scores.Length];
                    for (int i = 0; i < order.Length; i++) order[i] = i;
                    Array.Sort(scores, order);
                    var best = new int[Math.Min(k, order.Length)];
                    for (int i = 0; i < best.Length; i++) best[i] = _ids[order[order.Length - 1 - i]];
                    return best;
                }
                finally
                {
                    _vectorIndexLock.ExitReadLock();
                }
            }
        }
        """;

    private static VerifyCS.Test Test(string source, string fixedSource, string driver, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.ReaderWriterLockKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        return test;
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task SearchReadsWhatAddWrites_ReadModeForReadersWriteModeForAdd(LanguageVersion version)
        => await Test(Index, IndexFixed, IndexDriver, version).RunAsync(CancellationToken.None);

    [Fact]
    public async Task ReaderWriterLock_IsTheFirstAction()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + Unmarked(Index) + "\n" + IndexDriver);
        var site = Assert.Single(offers);
        Assert.Equal("GIL002", site.Id);
        Assert.Equal(SynchronizedCpuMethodFixer.ReaderWriterLockKey, site.Keys.FirstOrDefault());
    }

    [Fact]
    public async Task FixAll_TwoReportedReadersOfOneType_OneLock()
    {
        // A second CPU-bound reader of the same index: both reports rewrite the whole type the same way, once.
        const string Second = """
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int {|GIL002:Nearest|}(float[] query)
                {
                    int best = -1;
                    float bestDistance = float.MaxValue;
                    for (int i = 0; i < _vectors.Count; i++)
                    {
                        float distance = 0;
                        for (int d = 0; d < query.Length; d++) distance += (query[d] - _vectors[i][d]) * (query[d] - _vectors[i][d]);
                        if (distance < bestDistance) { bestDistance = distance; best = _ids[i]; }
                    }
                    return best;
                }
            }
            """;
        const string SecondFixed = """
                public int Nearest(float[] query)
                {
                    _vectorIndexLock.EnterReadLock();
                    try
                    {
                        int best = -1;
                        float bestDistance = float.MaxValue;
                        for (int i = 0; i < _vectors.Count; i++)
                        {
                            float distance = 0;
                            for (int d = 0; d < query.Length; d++) distance += (query[d] - _vectors[i][d]) * (query[d] - _vectors[i][d]);
                            if (distance < bestDistance) { bestDistance = distance; best = _ids[i]; }
                        }
                        return best;
                    }
                    finally
                    {
                        _vectorIndexLock.ExitReadLock();
                    }
                }
            }
            """;
        var source = WithSecond(Index, Second);
        var fixedSource = WithSecond(IndexFixed, SecondFixed);
        var driver = SynchronizedCpuMethodFixerTests.Driver("index.Search(new float[] { i, 1, 2, 3 }, 5); index.Nearest(new float[] { i, 1, 2, 3 });", "var index = new VectorIndex(); index.Add(1, new float[] { 1, 2, 3, 4 });");
        var test = Test(source, fixedSource, driver);
        test.BatchFixedCode = Usings + fixedSource;
        test.BatchFixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExpressionBodiedSiblings_ThrowAndValue_BecomeBlocks()
    {
        // Siblings written as expression bodies: a value, a void call, and a throw expression each become a statement.
        const string Extra = """

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Clear() => _ids.Clear();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Remove(int id) => throw new NotSupportedException("append-only index");
            """;
        const string ExtraFixed = """

                public void Clear()
                {
                    _vectorIndexLock.EnterWriteLock();
                    try
                    {
                        _ids.Clear();
                    }
                    finally
                    {
                        _vectorIndexLock.ExitWriteLock();
                    }
                }

                public void Remove(int id)
                {
                    _vectorIndexLock.EnterReadLock();
                    try
                    {
                        throw new NotSupportedException("append-only index");
                    }
                    finally
                    {
                        _vectorIndexLock.ExitReadLock();
                    }
                }
            """;
        const string CountEnd = "public int Count() => _ids.Count;";
        const string CountFixedEnd = """
                        return _ids.Count;
                    }
                    finally
                    {
                        _vectorIndexLock.ExitReadLock();
                    }
                }
            """;
        var source = Index.Replace(CountEnd, CountEnd + "\n" + Extra, StringComparison.Ordinal);
        var fixedSource = IndexFixed.Replace(CountFixedEnd, CountFixedEnd + "\n" + ExtraFixed, StringComparison.Ordinal);
        Assert.NotEqual(Index, source);
        Assert.NotEqual(IndexFixed, fixedSource);
        await Test(source, fixedSource, IndexDriver).RunAsync(CancellationToken.None);
    }

    [Theory]
    // The reported method writes what the others read: it would need the write lock, and nothing would run together.
    [InlineData("_queries++;", "_ids.Add(-1);", "writes shared state")]
    // Calling a writer on the same instance writes too (and a read lock could not be upgraded to run it).
    [InlineData("_queries++;", "if (query.Length == 0) Add(0, query);", "writes shared state")]
    // A monitor wait on the instance: a reader/writer lock has none.
    [InlineData("_queries++;", "if (query.Length == 0) Monitor.Wait(this, 1);", "Monitor")]
    public async Task ReportedMethodThatCannotTakeAReadLock_NoReaderWriterLock(string original, string replacement, string reason)
    {
        var source = Usings + Unmarked(Index).Replace(original, replacement, StringComparison.Ordinal) + "\n" + IndexDriver;
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.ReaderWriterLockKey, site.Keys);
        Assert.Contains(reason, await FixRefusals.OnlyAsync(source, "GIL002"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReaderThatDrawsFromASharedRandom_NoReaderWriterLock()
    {
        // Random.Next changes the generator: two searches drawing from it together would corrupt it.
        var source = Usings + Unmarked(Index)
            .Replace("private long _queries;", "private long _queries;\n    private readonly Random _rng = new Random(1);", StringComparison.Ordinal)
            .Replace("_queries++;", "_queries++;\n        if (_rng.Next(100) == 0) k++;", StringComparison.Ordinal) + "\n" + IndexDriver;
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.ReaderWriterLockKey, site.Keys);
        Assert.Contains("GIL002-N5", await FixRefusals.OnlyAsync(source, "GIL002"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeWithADerivedType_NoReaderWriterLock()
    {
        // The derived type may lock the instance (lock (this), its own Synchronized methods) around calls of Search.
        var source = Usings + Unmarked(Index).Replace("sealed class VectorIndex", "class VectorIndex", StringComparison.Ordinal)
            + "\nclass LoggingIndex : VectorIndex { }\n" + IndexDriver;
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.ReaderWriterLockKey, site.Keys);
        Assert.Contains("derived type 'LoggingIndex'", await FixRefusals.OnlyAsync(source, "GIL002"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynchronizedPropertyAccessor_NoReaderWriterLock()
    {
        // A Synchronized accessor also takes the hidden lock; the rewrite handles methods only.
        var source = Usings + Unmarked(Index).Replace("public long Queries => Interlocked.Read(ref _queries);",
            "public long Queries { [MethodImpl(MethodImplOptions.Synchronized)] get { return _queries; } }", StringComparison.Ordinal) + "\n" + IndexDriver;
        var site = Assert.Single(await CodeFixOffers.ForAsync(source));
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.ReaderWriterLockKey, site.Keys);
    }

    private static string WithSecond(string index, string second)
    {
        var end = index.LastIndexOf('}');
        return index.Substring(0, end).TrimEnd('\n', ' ') + "\n\n" + second;
    }

    private static string Unmarked(string source) => source.Replace("{|GIL002:Search|}", "Search", StringComparison.Ordinal);
}
