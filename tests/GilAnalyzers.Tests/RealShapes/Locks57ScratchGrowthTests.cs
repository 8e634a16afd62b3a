using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A lock body that starts by growing or resizing a reused buffer (<c>if (_counts.Length &lt; n) _counts = new int[n * 2];</c>,
/// <c>if (_work.Length != _edges.Count) _work = new int[_edges.Count];</c>) and then runs its pass over the data is work on
/// every entry: the guard is not one-time initialisation, only its own branch is rare. A guard that really initialises
/// (a null test that fills the member, an early exit once done) keeps its work out of the count.
/// </summary>
public class Locks57ScratchGrowthTests
{
    private const string Scorer = """
        using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;
        sealed class MotifScorer
        {
            private readonly object _gate = new object();
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly List<string> _motifs;
            private readonly List<Action> _listeners = new List<Action>();
            private int[] _counts = new int[16];
            private double[] _table;
            private bool _warm;

            public MotifScorer(List<string> motifs) { _motifs = motifs; }

            public int Score(string text)
            {
                BODY
            }

            private static double[] BuildTable()
            {
                var t = new double[4096];
                for (int i = 0; i < t.Length; i++)
                    for (int j = 0; j < 512; j++) t[i] += Math.Sin(i * j);
                return t;
            }
        }
        static class Runner
        {
            static void Run(List<string> motifs, List<string> texts)
            {
                var scorer = new MotifScorer(motifs);
                Parallel.ForEach(texts, t => scorer.Score(t));
            }
        }
        """;

    private static string With(string body) => Scorer.Replace("BODY", body);

    private const string Pass = """
                    int hits = 0;
                    foreach (string motif in _motifs)
                        for (int i = 0; i + motif.Length <= text.Length; i++)
                            if (string.CompareOrdinal(text, i, motif, 0, motif.Length) == 0) { _counts[i % _counts.Length]++; hits++; }
                    return hits;
        """;

    private static DiagnosticResult Reported(string lockName) =>
        VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments(lockName, "nested loop, 2 levels", "'Score', called from a Parallel.ForEach body");

    [Fact]
    public async Task BufferGrownThenPassOverTheData_Reports()
    {
        var source = With("""
            {|#0:lock (_gate)|}
            {
                if (_counts.Length < text.Length) _counts = new int[text.Length * 2];
                Array.Clear(_counts, 0, text.Length);
            """ + Pass + """
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Reported("_gate"));
    }

    [Fact]
    public async Task BufferResizedOnMismatchUnderWriteLock_Reports()
    {
        var source = With("""
            {|#0:_rw.EnterWriteLock()|};
            try
            {
                if (_counts.Length != _motifs.Count) _counts = new int[_motifs.Count];
            """ + Pass + """
            }
            finally { _rw.ExitWriteLock(); }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, Reported("_rw"));
    }

    [Fact]
    public async Task NullTestThatFillsTheMemberThenLookup_NoDiagnostic()
    {
        var source = With("""
            lock (_gate)
            {
                if (_table == null) _table = BuildTable();
                return (int)_table[text.Length % _table.Length];
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NullTestThatFillsTheMemberThenBookkeepingLoop_NoDiagnostic()
    {
        // The loop after the guard notifies the listeners the lock guards: bookkeeping. The table is built once.
        var source = With("""
            lock (_gate)
            {
                if (_table == null) _table = BuildTable();
                foreach (var listener in _listeners) listener();
                return (int)_table[text.Length % _table.Length];
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EarlyExitOnceWarm_NoDiagnostic()
    {
        var source = With("""
            lock (_gate)
            {
                if (_warm) return 0;
                _table = BuildTable();
                for (int i = 0; i < _table.Length; i++) _table[i] = Math.Sqrt(Math.Abs(_table[i]));
                _warm = true;
                return 1;
            }
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
