using GilAnalyzers.Rules;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class SharedLockAroundCpuWorkAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task StaticLockAroundLoopInParallelForBody_Reports(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int k = 0; k < 100000; k++)
                            {
                                total += Math.Sqrt(k + i);
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, version,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork)
                .WithLocation(0)
                .WithArguments("Gate", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task InstanceLockAroundNestedLoopInParallelForEach_ReportsNestedLoop()
    {
        var source = Usings + """
            class C
            {
                private readonly object _sync = new object();
                private long _sum;

                void Run(List<int[]> rows)
                {
                    Parallel.ForEach(rows, row =>
                    {
                        {|#0:lock (_sync)|}
                        {
                            foreach (var a in row)
                                foreach (var b in row)
                                    _sum += a * b;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork)
                .WithLocation(0)
                .WithArguments("_sync", "nested loop, 2 levels", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task CapturedLocalLockAndWhileLoop_Reports()
    {
        var source = Usings + """
            class C
            {
                static int Run(int[] seeds)
                {
                    var gate = new object();
                    int best = 0;
                    Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, seed =>
                    {
                        {|#0:lock (gate)|}
                        {
                            var x = seed;
                            while (x != 1) { x = x % 2 == 0 ? x / 2 : 3 * x + 1; best++; }
                        }
                    });
                    return best;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork)
                .WithLocation(0)
                .WithArguments("gate", "while loop", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task TypeofAndStringLocks_Report()
    {
        var source = Usings + """
            class C
            {
                static void Run(int n, int m)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (typeof(C))|}
                        {
                            for (int k = 0; k < m; k++) { }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("typeof(C)", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task ComputationAlreadyOutsideLock_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        double local = 0;
                        for (int k = 0; k < 100000; k++) local += Math.Sqrt(k + i);
                        lock (Gate) { total += local; }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SmallConstantLoopUnderLock_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static int[] counts = new int[4];

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            for (int k = 0; k < 4; k++) counts[k] += i;
                            foreach (var d in new[] { 1, 2, 3 }) counts[0] += d;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LockInLocalFinally_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();

                static List<int> Run(int n, List<int[]> parts)
                {
                    var all = new List<int>();
                    Parallel.For(0, n, () => new List<int>(), (i, state, local) => { local.Add(i); return local; }, local =>
                    {
                        lock (Gate)
                        {
                            foreach (var x in local) all.Add(x);
                        }
                    });
                    return all;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PerItemLocks_DoNotReport()
    {
        var source = Usings + """
            class Cell { public readonly object Sync = new object(); public double V; }
            class C
            {
                static void Run(Cell[] cells, int m)
                {
                    Parallel.For(0, cells.Length, i =>
                    {
                        lock (cells[i].Sync)
                        {
                            for (int k = 0; k < m; k++) cells[i].V += k;
                        }
                    });
                    Parallel.ForEach(cells, cell =>
                    {
                        lock (cell.Sync)
                        {
                            for (int k = 0; k < m; k++) cell.V += k;
                        }
                        var mine = new object();
                        lock (mine)
                        {
                            for (int k = 0; k < m; k++) cell.V -= k;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task IoUnderLock_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();

                static void Run(string[] lines, System.IO.TextWriter writer)
                {
                    Parallel.ForEach(lines, line =>
                    {
                        lock (Gate)
                        {
                            foreach (var word in line.Split(' ')) writer.WriteLine(word);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task InstanceLockOutsideParallelCode_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                private readonly object _sync = new object();
                private long _sum;

                void Run(int n)
                {
                    lock (_sync)
                    {
                        for (int k = 0; k < n; k++) _sum += k;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
