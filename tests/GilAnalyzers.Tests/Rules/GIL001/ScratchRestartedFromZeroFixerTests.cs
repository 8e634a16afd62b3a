using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a reused scratch array that the locked code starts afresh from index 0 without resetting all of it — grown
/// when too short (<c>if (_hits.Length &lt; n) _hits = new int[n * 2];</c>), then cleared or filled up to what the call
/// needs (<c>Array.Clear(_hits, 0, n)</c>, <c>_hits.AsSpan(0, n).Clear()</c>, <c>Array.Fill(_hits, -1, 0, n)</c>, a loop from 0
/// to n that writes first), and then used element by element. The buffer becomes a local made as the field's first array
/// (every call starts as the program's first call did), and the work, now on the call's own data, leaves the lock. A
/// buffer whose length, whole contents or tail past the reset part the call reads (a loop to its Length, a sort, a clone),
/// a reset from a later index (kept history), a read before the reset, a field given listed elements or used outside the
/// locked code keeps the lock.
/// </summary>
public class ScratchRestartedFromZeroFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string type, string make, string call) => Usings + type + """

        static class Driver
        {
            public static double Run(string[] inputs)
            {
                var shared = MAKE;
                var results = new double[inputs.Length];
                Parallel.For(0, inputs.Length, i => results[i] = CALL);
                return results.Sum();
            }
        }
        """.Replace("MAKE", make).Replace("CALL", call);

    private static Task VerifyAsync(string type, string? fixedType, string make, string call, LanguageVersion version = LanguageVersion.Latest)
        => new VerifyCS.Test
        {
            TestCode = Program(type, make, call),
            FixedCode = Program(fixedType ?? type, make, call),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            LanguageVersion = version,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    private static Task VerifyCoverageAsync(string type, string? fixedType, LanguageVersion version = LanguageVersion.Latest)
        => VerifyAsync(type, fixedType, "new Coverage(new[] { \"acgt\", \"gtta\", \"ttac\" }, 3)", "shared.MeanDepth(inputs[i])", version);

    private const string Coverage = """
        sealed class Coverage
        {
            private readonly object _gate = new object();
            private readonly string[] _reads;
            private readonly int _k;
            private int[] _hits = new int[64];

            public Coverage(string[] reads, int k) { _reads = reads; _k = k; }

            public double MeanDepth(string genome)
            {
                {|GIL001:lock (_gate)|}
                {
                    GROW
                    RESET
                    foreach (string read in _reads)
                        for (int start = 0; start + _k <= genome.Length; start++)
                            for (int j = 0; j < _k && j < read.Length; j++)
                                if (genome[start + j] == read[j]) _hits[start + j]++;
                    long total = 0;
                    for (int p = 0; p < genome.Length; p++) total += _hits[p];
                    return total / (double)Math.Max(1, genome.Length);
                }
            }
        }
        """;

    private const string CoverageFixed = """
        sealed class Coverage
        {
            private readonly object _gate = new object();
            private readonly string[] _reads;
            private readonly int _k;
            private int[] _hits = new int[64];

            public Coverage(string[] reads, int k) { _reads = reads; _k = k; }

            public double MeanDepth(string genome)
            {
                var hits = new int[_hits.Length];
                GROW
                RESET
                foreach (string read in _reads)
                    for (int start = 0; start + _k <= genome.Length; start++)
                        for (int j = 0; j < _k && j < read.Length; j++)
                            if (genome[start + j] == read[j]) hits[start + j]++;
                long total = 0;
                for (int p = 0; p < genome.Length; p++) total += hits[p];
                return total / (double)Math.Max(1, genome.Length);
            }
        }
        """;

    private const string Grow = "if (_hits.Length < genome.Length) _hits = new int[genome.Length * 2];";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3, Grow, "Array.Clear(_hits, 0, genome.Length);")]
    [InlineData(LanguageVersion.Latest, Grow, "Array.Clear(_hits, 0, genome.Length);")]
    [InlineData(LanguageVersion.Latest, "if (_hits == null || _hits.Length < genome.Length)\n            {\n                _hits = new int[genome.Length + 16];\n            }", "Array.Clear(_hits, 0, genome.Length);")]
    [InlineData(LanguageVersion.Latest, Grow, "_hits.AsSpan(0, genome.Length).Clear();")]
    [InlineData(LanguageVersion.Latest, Grow, "Array.Fill(_hits, 0, 0, genome.Length);")]
    [InlineData(LanguageVersion.Latest, Grow, "Array.Clear(_hits);")]
    [InlineData(LanguageVersion.Latest, Grow, "for (int p = 0; p < genome.Length; p++) _hits[p] = 0;")]
    [InlineData(LanguageVersion.Latest, "", "Array.Clear(_hits, 0, Math.Min(genome.Length, _hits.Length));")]
    public async Task BufferGrownAndResetFromZero_BecomesALocalMadeAsTheFirstOne_AndTheLockGoes(LanguageVersion version, string grow, string reset)
        => await VerifyCoverageAsync(
            (grow.Length == 0 ? Coverage.Replace("            GROW\n", "") : Coverage.Replace("GROW", grow)).Replace("RESET", reset),
            (grow.Length == 0 ? CoverageFixed.Replace("        GROW\n", "") : CoverageFixed.Replace("GROW", Local(grow))).Replace("RESET", Local(reset)),
            version);

    private static string Local(string code) => code.Replace("_hits", "hits").Replace("\n    ", "\n");

    [Theory]
    [InlineData("a reset from a later index (the first cells are kept from the last call)", "Array.Clear(_hits, 0, genome.Length);", "Array.Clear(_hits, 4, genome.Length - 4);")]
    [InlineData("a pass up to the buffer's length (it reads what an earlier call left)", "for (int p = 0; p < genome.Length; p++) total += _hits[p];", "for (int p = 0; p < _hits.Length; p++) total += _hits[p];")]
    [InlineData("a sort of the whole buffer", "long total = 0;", "Array.Sort(_hits);\n                    long total = 0;")]
    [InlineData("a clone of the whole buffer", "long total = 0;", "var copy = (int[])_hits.Clone();\n                    long total = copy[0];")]
    [InlineData("a read before the reset", "Array.Clear(_hits, 0, genome.Length);", "int carried = _hits[0];\n                    Array.Clear(_hits, 0, genome.Length);")]
    [InlineData("no reset after the grow", "Array.Clear(_hits, 0, genome.Length);", "")]
    [InlineData("a field given listed elements", "private int[] _hits = new int[64];", "private int[] _hits = new int[] { 1, 2, 3 };")]
    [InlineData("a field read outside the lock", "public Coverage(", "public int Capacity => _hits.Length;\n\n    public Coverage(")]
    [InlineData("a fill loop that stops at the buffer's length less one", "Array.Clear(_hits, 0, genome.Length);", "for (int p = 0; p < _hits.Length - 1; p++) _hits[p] = 0;")]
    public async Task BufferNotOnlyRestartedAndReadByElement_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifyCoverageAsync(Coverage.Replace("GROW", Grow).Replace("RESET", "Array.Clear(_hits, 0, genome.Length);").Replace(from, to), null);

    /// <summary>A buffer only one constructor makes could be null: the grow's null test handles that, <c>new int[_hits.Length]</c> would not.</summary>
    [Fact]
    public async Task BufferSomeConstructorLeavesNull_OffersNoScratchToLocal()
        => await VerifyCoverageAsync(
            Coverage.Replace("GROW", "if (_hits == null || _hits.Length < genome.Length) _hits = new int[genome.Length * 2];")
                .Replace("RESET", "Array.Clear(_hits, 0, genome.Length);")
                .Replace("private int[] _hits = new int[64];", "private int[] _hits;")
                .Replace("public Coverage(string[] reads, int k) { _reads = reads; _k = k; }",
                         "public Coverage(string[] reads, int k) { _reads = reads; _k = k; _hits = new int[64]; }\n\n    public Coverage(string[] reads) { _reads = reads; _k = 3; }"),
            null);

    private const string Matcher = """
        sealed class Matcher
        {
            private readonly object _sync = new object();
            private bool[] _usedA = new bool[16];
            private bool[] _usedB = new bool[16];

            public double Best(string name)
            {
                {|GIL001:lock (_sync)|}
                {
                    double best = 0;
                    for (int shift = 0; shift < 200; shift++)
                        best = Math.Max(best, Agreement(name, name.Substring(shift % Math.Max(1, name.Length)) + name));
                    return best;
                }
            }

            private double Agreement(string s, string t)
            {
                if (s.Length == 0 || t.Length == 0) return 0;
                if (_usedA.Length < s.Length) _usedA = new bool[s.Length * 2];
                if (_usedB.Length < t.Length) _usedB = new bool[t.Length * 2];
                Array.Clear(_usedA, 0, s.Length);
                Array.Clear(_usedB, 0, t.Length);
                int reach = Math.Max(s.Length, t.Length) / 2, agreed = 0;
                for (int i = 0; i < s.Length; i++)
                    for (int j = Math.Max(0, i - reach); j < Math.Min(t.Length, i + reach + 1); j++)
                        if (!_usedB[j] && s[i] == t[j]) { _usedA[i] = _usedB[j] = true; agreed++; break; }
                int unmatched = 0;
                for (int i = 0; i < s.Length; i++) if (!_usedA[i]) unmatched++;
                return agreed / (double)(agreed + unmatched + 1);
            }
        }
        """;

    [Fact]
    public async Task TwoBuffersOfAHelperGrownThenCleared_BecomeTheHelpersLocals_AndTheLockGoes()
        => await VerifyAsync(Matcher, """
            sealed class Matcher
            {
                private readonly object _sync = new object();
                private bool[] _usedA = new bool[16];
                private bool[] _usedB = new bool[16];

                public double Best(string name)
                {
                    double best = 0;
                    for (int shift = 0; shift < 200; shift++)
                        best = Math.Max(best, Agreement(name, name.Substring(shift % Math.Max(1, name.Length)) + name));
                    return best;
                }

                private double Agreement(string s, string t)
                {
                    if (s.Length == 0 || t.Length == 0) return 0;
                    var usedA = new bool[_usedA.Length];
                    if (usedA.Length < s.Length) usedA = new bool[s.Length * 2];
                    var usedB = new bool[_usedB.Length];
                    if (usedB.Length < t.Length) usedB = new bool[t.Length * 2];
                    Array.Clear(usedA, 0, s.Length);
                    Array.Clear(usedB, 0, t.Length);
                    int reach = Math.Max(s.Length, t.Length) / 2, agreed = 0;
                    for (int i = 0; i < s.Length; i++)
                        for (int j = Math.Max(0, i - reach); j < Math.Min(t.Length, i + reach + 1); j++)
                            if (!usedB[j] && s[i] == t[j]) { usedA[i] = usedB[j] = true; agreed++; break; }
                    int unmatched = 0;
                    for (int i = 0; i < s.Length; i++) if (!usedA[i]) unmatched++;
                    return agreed / (double)(agreed + unmatched + 1);
                }
            }
            """, "new Matcher()", "shared.Best(inputs[i])");

    private const string Filter = """
        sealed class Filter
        {
            private readonly object _gate = new object();
            private readonly double[] _taps = { 0.25, 0.5, 0.25 };
            private double[] _padded = new double[8];

            public double Energy(string text)
            {
                var input = text.Select(c => (double)c).ToArray();
                {|GIL001:lock (_gate)|}
                {
                    int pad = _taps.Length - 1;
                    if (_padded.Length < input.Length + pad) _padded = new double[input.Length + pad];
                    Array.Clear(_padded, 0, pad);
                    input.CopyTo(_padded.AsSpan(pad));
                    double energy = 0;
                    for (int round = 0; round < 50; round++)
                        for (int n = 0; n < input.Length; n++)
                        {
                            double acc = 0;
                            for (int k = 0; k < _taps.Length; k++) acc += _taps[k] * _padded[n + pad - k];
                            energy += acc * acc;
                        }
                    return energy;
                }
            }
        }
        """;

    [Fact]
    public async Task HistoryClearedThenTheInputCopiedInBehindIt_BecomesALocal_AndTheLockGoes()
        => await VerifyAsync(Filter, """
            sealed class Filter
            {
                private readonly object _gate = new object();
                private readonly double[] _taps = { 0.25, 0.5, 0.25 };
                private double[] _padded = new double[8];

                public double Energy(string text)
                {
                    var input = text.Select(c => (double)c).ToArray();
                    int pad = _taps.Length - 1;
                    var padded = new double[_padded.Length];
                    if (padded.Length < input.Length + pad) padded = new double[input.Length + pad];
                    Array.Clear(padded, 0, pad);
                    input.CopyTo(padded.AsSpan(pad));
                    double energy = 0;
                    for (int round = 0; round < 50; round++)
                        for (int n = 0; n < input.Length; n++)
                        {
                            double acc = 0;
                            for (int k = 0; k < _taps.Length; k++) acc += _taps[k] * padded[n + pad - k];
                            energy += acc * acc;
                        }
                    return energy;
                }
            }
            """, "new Filter()", "shared.Energy(inputs[i])");

    [Fact]
    public async Task HistoryKeptFromTheLastCall_OffersNoScratchToLocal()
        => await VerifyAsync(
            Filter.Replace("Array.Clear(_padded, 0, pad);", "Array.Copy(_padded, _padded.Length - pad, _padded, 0, pad);"),
            null, "new Filter()", "shared.Energy(inputs[i])");

    private const string Stamp = """
        sealed class Stamp
        {
            private const int R = 3;
            private readonly object _gate = new object();
            private readonly double[] _patch = new double[(2 * R + 1) * (2 * R + 1)];

            public double Sharpness(string text)
            {
                {|GIL001:lock (_gate)|}
                {
                    int k = 0;
                    for (int y = -R; y <= R; y++)
                        for (int x = -R; x <= R; x++)
                            _patch[k++] = text[Math.Abs(x * 7 + y) % text.Length];
                    double best = 0;
                    for (double s = 0.5; s < 4; s += 0.05)
                    {
                        double acc = 0;
                        k = 0;
                        for (int y = -R; y <= R; y++)
                            for (int x = -R; x <= R; x++, k++)
                                acc += _patch[k] * Math.Exp(-(x * x + y * y) / (2 * s * s));
                        best = Math.Max(best, acc);
                    }
                    return best;
                }
            }
        }
        """;

    [Fact]
    public async Task WindowFlattenedIntoTheBufferFromZero_BecomesALocal_AndTheLockGoes()
        => await VerifyAsync(Stamp, """
            sealed class Stamp
            {
                private const int R = 3;
                private readonly object _gate = new object();
                private readonly double[] _patch = new double[(2 * R + 1) * (2 * R + 1)];

                public double Sharpness(string text)
                {
                    int k = 0;
                    var patch = new double[_patch.Length];
                    for (int y = -R; y <= R; y++)
                        for (int x = -R; x <= R; x++)
                            patch[k++] = text[Math.Abs(x * 7 + y) % text.Length];
                    double best = 0;
                    for (double s = 0.5; s < 4; s += 0.05)
                    {
                        double acc = 0;
                        k = 0;
                        for (int y = -R; y <= R; y++)
                            for (int x = -R; x <= R; x++, k++)
                                acc += patch[k] * Math.Exp(-(x * x + y * y) / (2 * s * s));
                        best = Math.Max(best, acc);
                    }
                    return best;
                }
            }
            """, "new Stamp()", "shared.Sharpness(inputs[i])");

    [Theory]
    [InlineData("a counter that starts past 0", "int k = 0;\n            for", "int k = 1;\n            for")]
    [InlineData("a conditional write", "_patch[k++] = text[", "if (x != 0) _patch[k++] = text[")]
    [InlineData("a write that reads the buffer", "_patch[k++] = text[Math.Abs(x * 7 + y) % text.Length];", "_patch[k++] = _patch[0] + 1;")]
    public async Task WindowNotFlattenedFromZero_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifyAsync(Stamp.Replace(from, to), null, "new Stamp()", "shared.Sharpness(inputs[i])");

    private const string Paths = """
        sealed class Paths
        {
            private readonly object _gate = new object();
            private double[] _dist = new double[8];
            private bool[] _done = new bool[8];

            public double Farthest(string text)
            {
                int n = text.Length;
                {|GIL001:lock (_gate)|}
                {
                    if (_dist.Length < n)
                    {
                        _dist = new double[n * 2];
                        _done = new bool[n * 2];
                    }

                    Array.Fill(_dist, double.MaxValue, 0, n);
                    Array.Clear(_done, 0, n);
                    _dist[0] = 0;
                    for (int round = 0; round < n; round++)
                    {
                        int u = -1;
                        for (int v = 0; v < n; v++)
                            if (!_done[v] && (u < 0 || _dist[v] < _dist[u])) u = v;
                        _done[u] = true;
                        for (int v = 0; v < n; v++)
                            _dist[v] = Math.Min(_dist[v], _dist[u] + Math.Abs(text[u] - text[v]) + 1);
                    }
                    double far = 0;
                    for (int v = 0; v < n; v++) far = Math.Max(far, _dist[v]);
                    return far;
                }
            }
        }
        """;

    [Fact]
    public async Task TwoBuffersGrownTogetherThenResetFromZero_BecomeLocals_AndTheLockGoes()
        => await VerifyAsync(Paths, """
            sealed class Paths
            {
                private readonly object _gate = new object();
                private double[] _dist = new double[8];
                private bool[] _done = new bool[8];

                public double Farthest(string text)
                {
                    int n = text.Length;
                    var dist = new double[_dist.Length];
                    var done = new bool[_done.Length];
                    if (dist.Length < n)
                    {
                        dist = new double[n * 2];
                        done = new bool[n * 2];
                    }

                    Array.Fill(dist, double.MaxValue, 0, n);
                    Array.Clear(done, 0, n);
                    dist[0] = 0;
                    for (int round = 0; round < n; round++)
                    {
                        int u = -1;
                        for (int v = 0; v < n; v++)
                            if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
                        done[u] = true;
                        for (int v = 0; v < n; v++)
                            dist[v] = Math.Min(dist[v], dist[u] + Math.Abs(text[u] - text[v]) + 1);
                    }
                    double far = 0;
                    for (int v = 0; v < n; v++) far = Math.Max(far, dist[v]);
                    return far;
                }
            }
            """, "new Paths()", "shared.Farthest(inputs[i])");

    [Theory]
    [InlineData("a grow that also does something else", "_done = new bool[n * 2];", "_done = new bool[n * 2];\n                Console.WriteLine(n);")]
    [InlineData("one of the two buffers not reset", "Array.Clear(_done, 0, n);", "")]
    [InlineData("a size that reads the other buffer's elements", "_done = new bool[n * 2];", "_done = new bool[(int)_dist[0] + n * 2];")]
    public async Task BuffersGrownTogetherNotAllRestarted_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifyAsync(Paths.Replace(from, to.Replace("\\n", "\n")), null, "new Paths()", "shared.Farthest(inputs[i])");

    private const string Median = """
        sealed class Median
        {
            private readonly object _gate = new object();
            private double[] _work = new double[16];

            public double Of(string text)
            {
                var values = text.Select(c => (double)c).ToArray();
                int n = values.Length;
                {|GIL001:lock (_gate)|}
                {
                    if (_work.Length < n) _work = new double[n];
                    COPY
                    for (int i = 0; i <= n / 2; i++)
                        for (int j = i + 1; j < n; j++)
                            if (_work[j] < _work[i]) { double t = _work[i]; _work[i] = _work[j]; _work[j] = t; }
                    return _work[n / 2];
                }
            }
        }
        """;

    [Theory]
    [InlineData("Array.Copy(values, _work, n);")]
    [InlineData("Array.Copy(values, 0, _work, 0, n);")]
    public async Task BufferGrownThenCopiedIntoFromZero_BecomesALocal_AndTheLockGoes(string copy)
        => await VerifyAsync(Median.Replace("COPY", copy), """
            sealed class Median
            {
                private readonly object _gate = new object();
                private double[] _work = new double[16];

                public double Of(string text)
                {
                    var values = text.Select(c => (double)c).ToArray();
                    int n = values.Length;
                    var work = new double[_work.Length];
                    if (work.Length < n) work = new double[n];
                    COPY
                    for (int i = 0; i <= n / 2; i++)
                        for (int j = i + 1; j < n; j++)
                            if (work[j] < work[i]) { double t = work[i]; work[i] = work[j]; work[j] = t; }
                    return work[n / 2];
                }
            }
            """.Replace("COPY", copy.Replace("_work", "work")), "new Median()", "shared.Of(inputs[i])");

    [Theory]
    [InlineData("a copy to a later index", "Array.Copy(values, 0, _work, 1, n - 1);")]
    [InlineData("a copy that reads the buffer", "Array.Copy(_work, values, n);")]
    public async Task BufferNotCopiedIntoFromZero_OffersNoScratchToLocal(string _, string copy)
        => await VerifyAsync(Median.Replace("COPY", copy), null, "new Median()", "shared.Of(inputs[i])");

    private const string Runoff = """
        sealed class Runoff
        {
            private readonly object _gate = new object();
            private int[] _votes = new int[4];
            private bool[] _excluded = new bool[4];

            public double Winner(string text)
            {
                int n = 1 + text.Length % 7;
                {|GIL001:lock (_gate)|}
                {
                    if (_votes.Length < n) { _votes = new int[n]; _excluded = new bool[n]; }
                    Array.Clear(_excluded, 0, n);
                    int rounds = 0;
                    while (rounds < n - 1)
                    {
                        rounds++;
                        Array.Clear(_votes, 0, n);
                        for (int b = 0; b < text.Length * 50; b++)
                        {
                            int choice = (text[b % text.Length] + b * 7) % n;
                            if (!_excluded[choice]) _votes[choice]++;
                        }
                        int loser = -1;
                        for (int c = 0; c < n; c++)
                            if (!_excluded[c] && (loser < 0 || _votes[c] < _votes[loser])) loser = c;
                        _excluded[loser] = true;
                    }
                    int best = 0;
                    for (int c = 0; c < n; c++) if (_votes[c] > _votes[best]) best = c;
                    return best + rounds * 0.01;
                }
            }
        }
        """;

    [Fact]
    public async Task TallyClearedAtTheTopOfEveryRoundAfterTheGrow_BecomesALocal_AndTheLockGoes()
        => await VerifyAsync(Runoff, """
            sealed class Runoff
            {
                private readonly object _gate = new object();
                private int[] _votes = new int[4];
                private bool[] _excluded = new bool[4];

                public double Winner(string text)
                {
                    int n = 1 + text.Length % 7;
                    var votes = new int[_votes.Length];
                    var excluded = new bool[_excluded.Length];
                    if (votes.Length < n) { votes = new int[n]; excluded = new bool[n]; }
                    Array.Clear(excluded, 0, n);
                    int rounds = 0;
                    while (rounds < n - 1)
                    {
                        rounds++;
                        Array.Clear(votes, 0, n);
                        for (int b = 0; b < text.Length * 50; b++)
                        {
                            int choice = (text[b % text.Length] + b * 7) % n;
                            if (!excluded[choice]) votes[choice]++;
                        }
                        int loser = -1;
                        for (int c = 0; c < n; c++)
                            if (!excluded[c] && (loser < 0 || votes[c] < votes[loser])) loser = c;
                        excluded[loser] = true;
                    }
                    int best = 0;
                    for (int c = 0; c < n; c++) if (votes[c] > votes[best]) best = c;
                    return best + rounds * 0.01;
                }
            }
            """, "new Runoff()", "shared.Winner(inputs[i])");

    [Theory]
    [InlineData("a loop whose condition reads the buffer", "while (rounds < n - 1)", "while (rounds < n - 1 && _votes[0] >= 0)")]
    [InlineData("a read before the reset in the round", "rounds++;", "rounds += _votes[0];")]
    public async Task TallyNotClearedFirstInTheRound_OffersNoScratchToLocal(string _, string from, string to)
        => await VerifyAsync(Runoff.Replace(from, to), null, "new Runoff()", "shared.Winner(inputs[i])");
}
