using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on tasks started in a loop with Task.Run / StartNew and kept nowhere, joined by what their work signals (a
/// latch, a pending counter polled in a sleep loop — also a counter object of the user's wrapping Interlocked). Tasks that
/// are kept (joined with Task.WaitAll), that nobody waits for, or whose work is I/O or sleeping stay quiet.
/// </summary>
public class UnkeptTaskLaunchTests
{
    private const string Usings = "using System; using System.Collections.Concurrent; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private const string AtomicCounter = """
            sealed class AtomicCounter
            {
                int value;
                public int Up() { return Interlocked.Increment(ref value); }
                public int Down() { return Interlocked.Decrement(ref value); }
                public int Current() { return Volatile.Read(ref value); }
            }

        """;

    [Fact]
    public async Task RunPerBlockJoinedByLatch_Reports()
    {
        var source = Usings + """
            static class Checksums
            {
                public static long[] Compute(byte[] data, int blocks)
                {
                    var sums = new long[blocks];
                    int size = data.Length / blocks;
                    using (var latch = new CountdownEvent(blocks))
                    {
                        for (int b = 0; b < blocks; b++)
                        {
                            int block = b;
                            {|#0:Task.Run(() =>
                            {
                                long h = 17;
                                for (int i = block * size; i < (block + 1) * size; i++)
                                    h = h * 31 + data[i];
                                sums[block] = h;
                                latch.Signal();
                            })|};
                        }
                        latch.Wait();
                    }
                    return sums;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'blocks'", "Task.Run (tasks kept nowhere) + CountdownEvent", "for loop"));
    }

    [Fact]
    public async Task StartNewPerTileCountedByAtomicWrapperAndPolled_Reports()
    {
        var source = Usings + AtomicCounter + """
            class Terrain
            {
                static float[] Erode(int tx, int ty)
                {
                    var heights = new float[64 * 64];
                    for (int pass = 0; pass < 50; pass++)
                        for (int i = 1; i < heights.Length - 1; i++)
                            heights[i] = (heights[i - 1] + heights[i + 1]) * 0.5f + tx * 0.01f + ty * 0.02f;
                    return heights;
                }

                public static ConcurrentQueue<float[]> Build(int width, int depth, TaskFactory factory)
                {
                    var tiles = new ConcurrentQueue<float[]>();
                    var running = new AtomicCounter();
                    for (int x = 0; x < width; x++)
                    {
                        int tx = x;
                        running.Up();
                        var started = {|#0:factory.StartNew(() =>
                        {
                            try
                            {
                                tiles.Enqueue(Erode(tx, depth));
                            }
                            finally
                            {
                                running.Down();
                            }
                        })|};
                    }

                    while (running.Current() > 0)
                    {
                        Thread.Sleep(1);
                    }

                    return tiles;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'width'", "TaskFactory.StartNew (tasks kept nowhere) + pending counter polled in a sleep loop", "calls 'Erode' (nested loop, 2 levels)"));
    }

    [Fact]
    public async Task RunPerBlockJoinedByLatch_RefusesWithAReason()
    {
        var reasons = await PoolJoinRewriteTests.ReasonsAsync(Usings + """
            static class Checksums
            {
                public static void Compute(byte[] data, long[] sums)
                {
                    int size = data.Length / sums.Length;
                    var latch = new CountdownEvent(sums.Length);
                    for (int b = 0; b < sums.Length; b++)
                    {
                        int block = b;
                        Task.Run(() => { long h = 17; for (int i = block * size; i < (block + 1) * size; i++) h = h * 31 + data[i]; sums[block] = h; latch.Signal(); });
                    }
                    latch.Wait();
                }
            }
            """);
        Assert.Single(reasons);
        Assert.StartsWith("GIL004-N1", reasons[0]);
        Assert.Contains("the tasks are joined by what their work items signal", reasons[0]);
    }

    [Fact]
    public async Task RunPerFileJoinedByLatch_NoDiagnostic()
    {
        var source = Usings + """
            static class Archiver
            {
                public static void CopyAll(string[] files, string target)
                {
                    using (var latch = new CountdownEvent(files.Length))
                    {
                        foreach (var file in files)
                        {
                            Task.Run(() =>
                            {
                                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), true);
                                latch.Signal();
                            });
                        }
                        latch.Wait();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SleepingItemsCountedByAtomicWrapper_NoDiagnostic()
    {
        var source = Usings + AtomicCounter + """
            static class Ramp
            {
                public static void Start(int count)
                {
                    var running = new AtomicCounter();
                    for (int i = 0; i < count; i++)
                    {
                        running.Up();
                        Task.Run(() => { Thread.Sleep(200); running.Down(); });
                    }

                    while (running.Current() > 0)
                    {
                        Thread.Sleep(10);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task UnkeptTasksNobodyWaitsFor_NoDiagnostic()
    {
        var source = Usings + """
            static class Warmup
            {
                public static void Start(double[][] tables)
                {
                    foreach (var table in tables)
                    {
                        Task.Run(() =>
                        {
                            for (int i = 0; i < table.Length; i++) table[i] = Math.Sqrt(i * 3.0 + 1.0);
                        });
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task KeptRunChunksJoinedByWaitAll_StayQuiet()
    {
        // Task.Run chunks kept in an array and joined with Task.WaitAll look the same whether they compute, wait or do
        // I/O; without a signal-based join they are left alone.
        var source = Usings + """
            static class Squares
            {
                public static void Fill(double[] values, int parts)
                {
                    var tasks = new Task[parts];
                    int size = values.Length / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        tasks[p] = Task.Run(() =>
                        {
                            for (int i = part * size; i < (part + 1) * size; i++) values[i] = Math.Sqrt(i * 2.0 + 1.0);
                        });
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
