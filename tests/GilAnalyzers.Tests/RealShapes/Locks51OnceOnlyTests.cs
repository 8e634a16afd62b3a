using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Heavy work under a lock that runs once per location is initialisation, not a hot path threads queue for. Check-then-lock:
/// the lock is taken only on the branch where a field, an array slot, a dictionary entry or a flag is found empty, and the
/// locked code fills that same location — callers whose location is filled never take the lock. Loading a file: a loop
/// over the lines of a file read under the lock (a user dictionary, a configuration file) is a load done once per file.
/// A lock with no such guard, a guard on another location or one that also lets other calls through, and the same shapes
/// written inside a parallel body on a slot of the item or a file per item still count.
/// </summary>
public class Locks51OnceOnlyTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Pages = """
        sealed class GlyphPages
        {
            private static readonly object s_gate = new object();
            private static Dictionary<int, double[]> s_byCode = new Dictionary<int, double[]>();
            private static double[] s_shared;
            private readonly double[][] _pages = new double[64][];

            public double[] Page(int p, bool force)
            {
                BODY
            }

            private static double[] Render(int p)
            {
                var r = new double[256];
                for (int y = 0; y < r.Length; y++)
                    for (int x = 0; x < p + 300; x++)
                        r[y] += Math.Sin(x * 0.01 + y);
                return r;
            }
        }
        """;

    private static string PagesWith(string body) => Usings + Pages.Replace("BODY", body);

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult ProcessWide(string method = "Page")
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("s_gate", "calls 'Render' (nested loop, 2 levels)", "'" + method + "', a process-wide lock that every calling thread queues for");

    [Fact]
    public async Task SlotCheckedThenLockedAndFilled_NoDiagnostic()
    {
        var source = PagesWith("""
            if (_pages[p] == null)
            {
                lock (s_gate)
                {
                    _pages[p] = Render(p);
                }
            }
            return _pages[p];
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task DictionaryEntryCheckedThenLockedAndFilled_NoDiagnostic()
    {
        var source = PagesWith("""
            if (!s_byCode.ContainsKey(p))
                lock (s_gate)
                    s_byCode[p] = Render(p);
            return s_byCode[p];
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EarlyReturnWhenFilledThenLockAndFill_NoDiagnostic()
    {
        var source = PagesWith("""
            if (s_shared is not null)
                return s_shared;
            lock (s_gate)
            {
                s_shared = Render(p);
            }
            return s_shared;
            """);
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SameBuildUnderTheLockWithoutAGuard_Reports()
    {
        var source = PagesWith("""
            {|#0:lock (s_gate)|}
            {
                _pages[p] = Render(p);
            }
            return _pages[p];
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, ProcessWide());
    }

    [Fact]
    public async Task GuardTestsAnotherSlotThanTheOneFilled_Reports()
    {
        var source = PagesWith("""
            if (_pages[0] == null)
            {
                {|#0:lock (s_gate)|}
                {
                    _pages[p] = Render(p);
                }
            }
            return _pages[p];
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, ProcessWide());
    }

    [Fact]
    public async Task GuardAlsoLetsForcedCallsThrough_Reports()
    {
        var source = PagesWith("""
            if (_pages[p] == null || force)
            {
                {|#0:lock (s_gate)|}
                {
                    _pages[p] = Render(p);
                }
            }
            return _pages[p];
            """);
        await VerifyCS.VerifyAnalyzerAsync(source, ProcessWide());
    }

    [Fact]
    public async Task SlotOfTheItemCheckedThenLockedInParallelBody_Reports()
    {
        var source = Usings + """
            sealed class Tiles
            {
                private readonly object _gate = new object();
                private readonly double[][] _tiles = new double[512][];

                public void FillAll()
                {
                    Parallel.For(0, _tiles.Length, t =>
                    {
                        if (_tiles[t] == null)
                        {
                            {|#0:lock (_gate)|}
                            {
                                var r = new double[128];
                                for (int i = 0; i < r.Length; i++) r[i] = Math.Sqrt(i * t);
                                _tiles[t] = r;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_gate", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task SharedTableCheckedThenLockedInParallelBody_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Tiles
            {
                private readonly object _gate = new object();
                private double[] _table;

                public double Sum(int n)
                {
                    var sums = new double[n];
                    Parallel.For(0, n, t =>
                    {
                        if (_table == null)
                        {
                            lock (_gate)
                            {
                                if (_table == null)
                                {
                                    var r = new double[4096];
                                    for (int i = 0; i < r.Length; i++) r[i] = Math.Sqrt(i);
                                    _table = r;
                                }
                            }
                        }

                        sums[t] = _table[t % _table.Length];
                    });
                    return sums.Sum();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    private const string Lexicon = """
        sealed class Lexicon
        {
            private static readonly object s_gate = new object();
            private static readonly HashSet<string> s_loaded = new HashSet<string>();
            private readonly Dictionary<string, int> _weights = new Dictionary<string, int>();

            public void Load(string path, string text)
            {
                {|#0:lock (s_gate)|}
                {
                    if (s_loaded.Contains(path)) return;
                    var lines = LINES;
                    foreach (var line in lines)
                    {
                        var cut = line.IndexOf(' ');
                        if (cut <= 0) continue;
                        var word = line.Substring(0, cut);
                        _weights[word] = Weigh(word) + int.Parse(line.Substring(cut + 1));
                    }
                }
            }

            private static int Weigh(string word)
            {
                var h = 0;
                for (int r = 0; r < word.Length * 64; r++) h = h * 31 + word[r % word.Length];
                return h & 0xFF;
            }
        }
        """;

    [Fact]
    public async Task LinesOfAFileReadUnderTheLockParsedIntoSharedState_NoDiagnostic()
    {
        var source = Usings + Lexicon.Replace("{|#0:lock (s_gate)|}", "lock (s_gate)").Replace("LINES", "File.ReadAllLines(path)");
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TextOfAFileSplitUnderTheLock_NoDiagnostic()
    {
        var source = Usings + Lexicon.Replace("{|#0:lock (s_gate)|}", "lock (s_gate)").Replace("LINES", "File.ReadAllText(path).Split('\\n')");
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SameParseOfTextHandedIn_Reports()
    {
        var source = Usings + Lexicon.Replace("if (s_loaded.Contains(path)) return;", "").Replace("LINES", "text.Split('\\n')");
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_gate", "calls 'Weigh' (for loop)", "'Load', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task SameParseOfTextHandedInBehindALoadedGuard_Reports()
    {
        var source = Usings + Lexicon.Replace("LINES", "text.Split('\\n')");
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_gate", "calls 'Weigh' (for loop)", "'Load', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task FilePerItemParsedUnderSharedLockInParallelBody_Reports()
    {
        var source = Usings + """
            sealed class Index
            {
                private readonly object _gate = new object();
                private readonly Dictionary<string, int> _weights = new Dictionary<string, int>();

                public void LoadAll(string[] files)
                {
                    Parallel.ForEach(files, f =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            foreach (var line in File.ReadAllLines(f))
                            {
                                var h = 0;
                                foreach (var c in line) h = h * 31 + c;
                                _weights[line] = h;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_gate", "nested loop, 2 levels", "a Parallel.ForEach body"));
    }
}
