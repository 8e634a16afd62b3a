using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a <c>ReaderWriterLockSlim</c> write lock taken only because the work fills a scratch field of the shared
/// object, around work that otherwise only reads what the writers write (a max-flow over a pipe network another method
/// extends under the same write lock). The work cannot leave the lock — it reads the guarded lists — but once the scratch
/// array is a new local of the call, it writes nothing shared, so the lock can be taken in read mode and the queries run
/// together. Offered under <c>GIL001.ScratchToLocal</c>; refused when the work still writes shared state.
/// </summary>
public class ScratchReadLockFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>The network (with <paramref name="query"/> as its query method) and a caller that runs it from Parallel.For.</summary>
    private static string Program(string query, string call = "network.Capacity(q % 7, 0.5 + q * 0.01)") => Usings + NetworkHead + query + """

        }

        public static class Driver
        {
            public static long Run(PipeNetwork network, int queries)
            {
                var results = new long[queries];
                Parallel.For(0, queries, q => results[q] = CALL);
                return results.Sum();
            }
        }
        """.Replace("CALL", call, StringComparison.Ordinal);

    /// <summary>The pipe network's fields and its writer, up to where its query method goes (also the execution test's).</summary>
    internal const string NetworkHead = """
        public sealed class PipeNetwork
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly List<(int From, int To, int Capacity)> _edges = new List<(int From, int To, int Capacity)>();
            private int[] _residual = Array.Empty<int>();

            public void AddPipe(int from, int to, int capacity)
            {
                _rw.EnterWriteLock();
                try
                {
                    _edges.Add((from, to, capacity));
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }

        """;

    private const string Query = """
            public long Capacity(int closed, double scale)
            {
                {|GIL001:_rw.EnterWriteLock()|};
                try
                {
                    if (_residual.Length != _edges.Count) _residual = new int[_edges.Count];
                    for (int e = 0; e < _edges.Count; e++)
                        _residual[e] = _edges[e].From == closed || _edges[e].To == closed ? 0 : (int)(_edges[e].Capacity * scale);
                    long total = 0;
                    for (int round = 0; round < 200; round++)
                    {
                        for (int e = 0; e < _residual.Length; e++)
                        {
                            int push = Math.Min(_residual[e], round + _edges[e].To);
                            _residual[e] -= push;
                            total += push;
                        }
                    }

                    return total;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
        """;

    private const string QueryInReadMode = """
            public long Capacity(int closed, double scale)
            {
                _rw.EnterReadLock();
                try
                {
                    var residual = new int[_edges.Count];
                    for (int e = 0; e < _edges.Count; e++)
                        residual[e] = _edges[e].From == closed || _edges[e].To == closed ? 0 : (int)(_edges[e].Capacity * scale);
                    long total = 0;
                    for (int round = 0; round < 200; round++)
                    {
                        for (int e = 0; e < residual.Length; e++)
                        {
                            int push = Math.Min(residual[e], round + _edges[e].To);
                            residual[e] -= push;
                            total += push;
                        }
                    }

                    return total;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        """;

    private static VerifyCallee.Test Test(string query, string? fixedQuery, string call = "network.Capacity(q % 7, 0.5 + q * 0.01)") => new()
    {
        TestCode = Program(query, call),
        FixedCode = Program(fixedQuery ?? query, call),
        CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
        CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
    };

    [Fact]
    public async Task ScratchFilledUnderAWriteLock_BecomesALocal_AndTheLockIsTakenInReadMode()
        => await Test(Query, QueryInReadMode).RunAsync(CancellationToken.None);

    [Fact]
    public async Task FixAll_RewritesEveryQuery()
    {
        // A second query with a scratch field of its own: both become locals, both locks read mode.
        static string Second(string query) => query.Replace("Capacity(", "Throughput(", StringComparison.Ordinal).Replace("residual", "spare", StringComparison.Ordinal);
        const string SpareField = "\n    private int[] _spare = Array.Empty<int>();\n";
        var test = Test(Query + SpareField + Second(Query), QueryInReadMode + SpareField + Second(QueryInReadMode), "network.Capacity(q % 7, 0.5) + network.Throughput(q % 5, 0.25)");
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("the work also counts its calls in a field", "long total = 0;", "long total = 0; _calls++;")]
    [InlineData("the fill stops short, so stale values of the last call stay readable", "for (int e = 0; e < _edges.Count; e++)\n", "for (int e = 1; e < _edges.Count; e++)\n")]
    public async Task WhenTheWorkStillWritesSharedStateOrReadsWhatAnotherCallLeft_NoScratchAction(string _, string from, string to)
    {
        var query = Query.Replace(from, to, StringComparison.Ordinal) + "\n    private long _calls;\n    public long Calls => _calls;\n";
        Assert.NotEqual(Query + "\n    private long _calls;\n    public long Calls => _calls;\n", query);
        await Test(query, null).RunAsync(CancellationToken.None);
    }
}
