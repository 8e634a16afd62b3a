using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A per-key cache filled under a lock (<c>if (!s_maps.TryGetValue(k, out m)) { m = Build(k); s_maps.Add(k, m); }</c>) builds
/// once per key: what callers queue for is the look-up. In a method whose callers are not in sight (a library's static
/// cache, or a helper parallel code calls) the miss branch is left out like a rare update; written inside the parallel
/// body, where the key is the item and every call misses, it still counts.
/// </summary>
public class RealLocksCacheFillTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;\n";

    private const string Tables = """
        static class Tables
        {
            private static readonly Dictionary<int, double[]> s_tables = new Dictionary<int, double[]>();

            private static double[] Build(int n)
            {
                var t = new double[n];
                for (int i = 0; i < n; i++) for (int k = 0; k < 64; k++) t[i] += Math.Sin(i * k);
                return t;
            }

            public static double[] Get(int n)
            {
                lock (s_tables)
                {
                    if (!s_tables.TryGetValue(n, out var table))
                    {
                        table = Build(n);
                        s_tables.Add(n, table);
                    }

                    return table;
                }
            }

            public static double[] GetEarlyReturn(int n)
            {
                lock (s_tables)
                {
                    if (s_tables.TryGetValue(n, out var known)) return known;
                    var table = Build(n);
                    s_tables[n] = table;
                    return table;
                }
            }

            // Found, but built for other options: rebuilt once per change of options, like a miss.
            public static double[] GetFor(int n, int options)
            {
                double[] table;
                lock (s_tables)
                {
                    if (s_tables.TryGetValue(n, out table))
                    {
                        if (options != 0 && table.Length != n + options)
                        {
                            table = Build(n + options);
                            s_tables[n] = table;
                        }
                    }
                    else
                    {
                        table = Build(n);
                        s_tables.Add(n, table);
                    }
                }

                return table;
            }

            // No look-up: every call rebuilds under the lock.
            public static double[] Rebuild(int n)
            {
                {|#0:lock (s_tables)|}
                {
                    var table = Build(n);
                    s_tables[n] = table;
                    return table;
                }
            }
        }
        """;

    [Fact]
    public async Task StaticCacheFill_IsQuiet_ARebuildOnEveryCallReports()
    {
        // The cache is process-wide state the work writes: GIL006's, and GIL001 stays quiet on all four.
        await Verify006.VerifyAnalyzerAsync(
            Usings + Tables,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0)
                .WithArguments("s_tables", "calls 'Build' (nested loop, 2 levels)", "'Rebuild', a process-wide lock that every calling thread queues for", "'Tables.s_tables' is read and written by the work"));
        await VerifyCS.VerifyAnalyzerAsync(Usings + Tables.Replace("{|#0:lock (s_tables)|}", "lock (s_tables)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CacheFillInAHelperParallelCodeCalls_IsQuiet()
    {
        var source = Usings + """
            class Scene
            {
                private readonly object _gate = new object();
                private readonly Dictionary<int, double[]> _kernels = new Dictionary<int, double[]>();

                private double[] Kernel(int radius)
                {
                    lock (_gate)
                    {
                        if (_kernels.TryGetValue(radius, out var kernel)) return kernel;
                        kernel = new double[2 * radius + 1];
                        for (int i = 0; i < kernel.Length; i++) for (int k = 0; k < 256; k++) kernel[i] += Math.Exp(-(i - radius) * (i - radius) / (k + 1.0));
                        _kernels[radius] = kernel;
                        return kernel;
                    }
                }

                public double Render(int rows) { double sum = 0; Parallel.For(0, rows, r => { var k = Kernel(3); sum += k[0]; }); return sum; }
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MemoKeyedByTheItem_InsideTheParallelBody_Reports()
    {
        var source = Usings + """
            class Primes
            {
                private readonly object _gate = new object();
                private readonly Dictionary<int, int> _counts = new Dictionary<int, int>();

                public void CountAll(int[] limits)
                {
                    Parallel.ForEach(limits, limit =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            if (!_counts.ContainsKey(limit))
                            {
                                int c = 0;
                                for (int n = 2; n < limit; n++) { bool p = true; for (int d = 2; d * d <= n; d++) if (n % d == 0) { p = false; break; } if (p) c++; }
                                _counts[limit] = c;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_gate", "nested loop, 2 levels", "a Parallel.ForEach body"));
    }
}
