using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class RawThreadsCpuLoopAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadArrayWithSeparateStartAndJoinLoops_Reports(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static long Run(int n, int threadCount)
                {
                    var partial = new long[threadCount];
                    var threads = new Thread[threadCount];
                    for (int t = 0; t < threadCount; t++)
                    {
                        int id = t;
                        threads[t] = {|#0:new Thread(() =>
                        {
                            long sum = 0;
                            for (int i = id; i < n; i += threadCount) sum += (long)i * i;
                            partial[id] = sum;
                        })|};
                    }
                    foreach (var th in threads) th.Start();
                    foreach (var th in threads) th.Join();
                    long total = 0;
                    foreach (var p in partial) total += p;
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'threadCount'", "for loop", "Parallel.For"));
    }

    [Fact]
    public async Task ListOfThreadsStartedInCreationLoop_Reports()
    {
        var source = Usings + """
            class C
            {
                static void Run(double[] data)
                {
                    var threads = new List<Thread>();
                    for (int t = 0; t < 4; t++)
                    {
                        int part = t;
                        var worker = {|#0:new Thread(() =>
                        {
                            for (int i = part; i < data.Length; i += 4)
                                for (int k = 0; k < 100; k++) data[i] = Math.Sqrt(data[i] + k);
                        })|};
                        threads.Add(worker);
                        worker.Start();
                    }
                    for (int t = 0; t < threads.Count; t++) threads[t].Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("4", "nested loop, 2 levels", "Parallel.For"));
    }

    [Fact]
    public async Task ParameterizedThreadStartMethodGroup_Reports()
    {
        var source = Usings + """
            class C
            {
                static readonly long[] Results = new long[8];

                static void Work(object state)
                {
                    int id = (int)state;
                    long s = 0;
                    for (int i = 0; i < 1000000; i++) s += i % (id + 1);
                    Results[id] = s;
                }

                static void Run()
                {
                    var threads = new Thread[8];
                    for (int t = 0; t < 8; t++)
                    {
                        threads[t] = {|#0:new Thread(Work)|};
                        threads[t].Start(t);
                    }
                    for (int t = 0; t < 8; t++) threads[t].Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("8", "for loop", "Parallel.For"));
    }

    [Fact]
    public async Task TwoExplicitThreads_ReportsOnce()
    {
        var source = Usings + """
            class C
            {
                static long Sum(int from, int to) { long s = 0; for (int i = from; i < to; i++) s += i; return s; }

                static long Run(int n)
                {
                    long a = 0, b = 0;
                    var left = {|#0:new Thread(() => { for (int i = 0; i < n / 2; i++) a += i; })|};
                    var right = new Thread(() => { for (int i = n / 2; i < n; i++) b += i; });
                    left.Start();
                    right.Start();
                    left.Join();
                    right.Join();
                    return a + b;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
    }

    [Fact]
    public async Task BackgroundThreadsTheMethodJoins_Report()
    {
        // Background or not, the method waits for the threads: they are workers (no rewrite: Parallel.For has no such flag).
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    var threads = new Thread[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        threads[t] = {|#0:new Thread(() => { for (int i = id; i < data.Length; i += 4) data[i] *= 2; })|};
                        threads[t].IsBackground = true;
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("4", "for loop", "Parallel.For"));
    }

    [Fact]
    public async Task BackgroundThreadsNobodyJoins_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data, CountdownEvent done)
                {
                    var threads = new Thread[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        threads[t] = new Thread(() => { for (int i = id; i < data.Length; i += 4) data[i] *= 2; done.Signal(); });
                        threads[t].IsBackground = true;
                        threads[t].Start();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaThreads_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    var a = new Thread(() => { for (int i = 0; i < data.Length; i++) data[i] *= 2; });
                    var b = new Thread(() => { for (int i = 0; i < data.Length; i++) data[i] += 2; });
                    a.SetApartmentState(ApartmentState.STA);
                    b.SetApartmentState(ApartmentState.STA);
                    a.Start(); b.Start(); a.Join(); b.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task CustomStackSize_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        threads[t] = new Thread(() => { for (int i = id; i < data.Length; i += 2) data[i] *= 2; }, 64 * 1024 * 1024);
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SingleFireAndForgetThread_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    var worker = new Thread(() => { for (int i = 0; i < data.Length; i++) data[i] *= 2; });
                    worker.Start();
                    new Thread(() => { for (int i = 0; i < data.Length; i++) data[i] += 1; }).Start();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task IoBoundThreads_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(string[] paths)
                {
                    var threads = new Thread[paths.Length];
                    for (int t = 0; t < paths.Length; t++)
                    {
                        string path = paths[t];
                        threads[t] = new Thread(() => { foreach (var line in File.ReadLines(path)) Thread.Sleep(1); });
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MessageLoopConsumers_DoNotReport()
    {
        var source = Usings + """
            using System.Collections.Concurrent;
            class C
            {
                static void Run(BlockingCollection<int> queue, int[] sums)
                {
                    var threads = new Thread[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        threads[t] = new Thread(() => { while (true) { int item = queue.Take(); if (item < 0) break; sums[id] += item; } });
                        threads[t].Start();
                    }
                    foreach (var th in threads) th.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LightThreadBodies_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    var a = new Thread(() => data[0] = 1);
                    var b = new Thread(() => data[1] = 2);
                    a.Start(); b.Start(); a.Join(); b.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ThreadsNeverJoined_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(int[] data)
                {
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        var th = new Thread(() => { for (int i = id; i < data.Length; i += 4) data[i] *= 2; });
                        th.Start();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HalfTypedCode_DoesNotThrow()
    {
        var source = Usings + """
            class C
            {
                static void Run()
                {
                    var threads = new Thread{|CS1586:[]|};
                    threads[0] = new {|CS1729:Thread|}({|CS1002:|}{|CS1026:|}
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Theory]
    [InlineData("loop", true)]
    [InlineData("nested_loop", false)]
    public async Task MinWorkOption_IsHonoured(string value, bool reports)
    {
        var source = Usings + """
            class C
            {
                static void Run(double[] data)
                {
                    var a = {|#0:new Thread(() => { for (int i = 0; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); })|};
                    var b = new Thread(() => { for (int i = 1; i < data.Length; i += 2) data[i] = Math.Sqrt(data[i]); });
                    a.Start(); b.Start(); a.Join(); b.Join();
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.min_work = " + value + "\n"));
        if (reports)
        {
            test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
        }

        await test.RunAsync(CancellationToken.None);
    }
}
