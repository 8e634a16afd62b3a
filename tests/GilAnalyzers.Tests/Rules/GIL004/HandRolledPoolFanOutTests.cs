using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

public class HandRolledPoolFanOutTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task QueueUserWorkItemWithCountdownEventInUsing_ParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static void Multiply(double[,] a, double[,] b, double[,] c, int n)
                {
                    using (var done = new CountdownEvent(n))
                    {
                        for (int i = 0; i < n; i++)
                        {
                            int row = i;
                            {|#0:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                try
                                {
                                    for (int j = 0; j < n; j++)
                                    {
                                        double s = 0;
                                        for (int k = 0; k < n; k++) s += a[row, k] * b[k, j];
                                        c[row, j] = s;
                                    }
                                }
                                finally
                                {
                                    done.Signal();
                                }
                            })|};
                        }
                        done.Wait();
                    }
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void Multiply(double[,] a, double[,] b, double[,] c, int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        int row = i;
                        for (int j = 0; j < n; j++)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += a[row, k] * b[k, j];
                            c[row, j] = s;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'n'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "nested loop, 2 levels"));
    }

    [Fact]
    public async Task CountdownEventDeclaredAndSignalledLast_ParallelForWithState()
    {
        var source = Usings + """
            class C
            {
                static void Run(long[] results)
                {
                    var done = new CountdownEvent(results.Length);
                    for (int i = 0; i < results.Length; i++)
                    {
                        [|ThreadPool.QueueUserWorkItem(state =>
                        {
                            int index = (int)state;
                            long s = 0;
                            for (int k = 0; k < 1000000; k++) s += k % (index + 3);
                            results[index] = s;
                            done.Signal();
                        }, i)|];
                    }
                    done.Wait();
                    Console.WriteLine(results[0]);
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void Run(long[] results)
                {
                    Parallel.For(0, results.Length, i =>
                    {
                        object state = i;
                        int index = (int)state;
                        long s = 0;
                        for (int k = 0; k < 1000000; k++) s += k % (index + 3);
                        results[index] = s;
                    });
                    Console.WriteLine(results[0]);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LongRunningChunksWithWaitAll_ParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static void Run(double[] data, int chunks)
                {
                    var tasks = new Task[chunks];
                    for (int c = 0; c < chunks; c++)
                    {
                        int chunk = c;
                        tasks[c] = {|#0:Task.Factory.StartNew(() =>
                        {
                            for (int i = chunk; i < data.Length; i += chunks) data[i] = Math.Sqrt(data[i]);
                        }, TaskCreationOptions.LongRunning)|};
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void Run(double[] data, int chunks)
                {
                    Parallel.For(0, chunks, c =>
                    {
                        int chunk = c;
                        for (int i = chunk; i < data.Length; i += chunks) data[i] = Math.Sqrt(data[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'chunks'", "Task.Factory.StartNew(LongRunning) + Task.WaitAll", "for loop"));
    }

    [Fact]
    public async Task AwaitedLongRunningTasks_ReportWithoutFix()
    {
        // The event-array, counter and new Task shapes are rewritten now (PoolJoinRewriteTests); awaited tasks are not:
        // Parallel.For would block the awaiting caller.
        var source = Usings + """
            class C
            {
                static async Task Awaited(double[] data)
                {
                    var tasks = new List<Task>();
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        tasks.Add([|Task.Factory.StartNew(() => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Log(data[i]); }, TaskCreationOptions.LongRunning)|]);
                    }
                    await Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOut()
    {
        var source = Usings + """
            class C
            {
                static void A(double[] data)
                {
                    var done = new CountdownEvent(4);
                    for (int t = 0; t < 4; t++)
                    {
                        int id = t;
                        [|ThreadPool.QueueUserWorkItem(_ => { for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]); done.Signal(); })|];
                    }
                    done.Wait();
                }

                static void B(double[] data)
                {
                    var tasks = new Task[2];
                    for (int t = 0; t < 2; t++)
                    {
                        int id = t;
                        tasks[t] = [|Task.Factory.StartNew(() => { for (int i = id; i < data.Length; i += 2) data[i] = Math.Exp(data[i]); }, TaskCreationOptions.LongRunning)|];
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static void A(double[] data)
                {
                    Parallel.For(0, 4, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 4) data[i] = Math.Sqrt(data[i]);
                    });
                }

                static void B(double[] data)
                {
                    Parallel.For(0, 2, t =>
                    {
                        int id = t;
                        for (int i = id; i < data.Length; i += 2) data[i] = Math.Exp(data[i]);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task IoBoundOrLightItems_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                static void Run(string[] paths, int[] sizes)
                {
                    var done = new CountdownEvent(paths.Length);
                    for (int i = 0; i < paths.Length; i++)
                    {
                        string path = paths[i];
                        int index = i;
                        ThreadPool.QueueUserWorkItem(_ => { sizes[index] = File.ReadAllBytes(path).Length; done.Signal(); });
                    }
                    done.Wait();

                    var light = new CountdownEvent(4);
                    for (int i = 0; i < 4; i++)
                    {
                        int index = i;
                        ThreadPool.QueueUserWorkItem(_ => { sizes[index] = index; light.Signal(); });
                    }
                    light.Wait();

                    for (int i = 0; i < 4; i++)
                    {
                        int index = i;
                        ThreadPool.QueueUserWorkItem(_ => { for (int k = 0; k < sizes.Length; k++) sizes[k] += index; });
                    }

                    var single = Task.Factory.StartNew(() => { for (int i = 0; i < sizes.Length; i++) sizes[i]++; }, TaskCreationOptions.LongRunning);
                    single.Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
