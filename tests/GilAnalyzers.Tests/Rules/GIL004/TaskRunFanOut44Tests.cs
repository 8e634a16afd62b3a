using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on CPU-bound work fanned out with Task.Run / TaskFactory.StartNew (pool tasks, not LongRunning) — one task per
/// item or hand-made chunk, in a loop, a LINQ Select or a written-out set — that the same method joins by blocking its
/// thread (Task.WaitAll, Wait or Result per task, a Select of Results, WhenAll(...).Wait(), a polled counter). Awaited
/// joins, I/O or unresolved work, a single task, lock-step (Barrier) teams, fan-outs repeated round by round in an outer
/// loop and joins inside the starting loop stay quiet. Reported without a rewrite.
/// </summary>
public class TaskRunFanOut44Tests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Hash = """
        static class Mix
        {
            public static long Digest(int[] block)
            {
                long h = 17;
                for (int round = 0; round < 64; round++)
                    for (int i = 0; i < block.Length; i++)
                        h = h * 31 + (block[i] ^ round);
                return h;
            }
        }
        """;

    [Fact]
    public async Task TaskRunPerItem_IntoArray_WaitAll_Reports_WithoutFix()
    {
        var source = Usings + Hash + """
            class Checker
            {
                public long[] DigestAll(List<int[]> blocks)
                {
                    var sums = new long[blocks.Count];
                    var jobs = new Task[blocks.Count];
                    for (int b = 0; b < blocks.Count; b++)
                    {
                        int mine = b;
                        jobs[b] = [|Task.Run(() => { sums[mine] = Mix.Digest(blocks[mine]); })|];
                    }
                    Task.WaitAll(jobs);
                    return sums;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task StridedChunksWithResults_WaitAll_Reports()
    {
        var source = Usings + Hash + """
            class Strided
            {
                public long Total(int[][] cells, int workers)
                {
                    var parts = new Task<long>[workers];
                    for (int w = 0; w < workers; w++)
                    {
                        int first = w;
                        parts[w] = [|Task.Run(() =>
                        {
                            long acc = 0;
                            for (int c = first; c < cells.Length; c += workers) acc += Mix.Digest(cells[c]);
                            return acc;
                        })|];
                    }
                    Task.WaitAll(parts);
                    return parts.Sum(p => p.Result);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NestedLoopTasksInList_JoinedBySelectOfResult_Reports()
    {
        var source = Usings + Hash + """
            class Tiles
            {
                static long Build(int[] seed, int x, int y) => Mix.Digest(seed) + x * 1000 + y;

                public List<long> BuildAll(int[] seed, int width, int height)
                {
                    var pending = new List<Task<long>>();
                    for (int y = 0; y < height; y++)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            int tx = x, ty = y;
                            var job = [|Task.Run(() => Build(seed, tx, ty))|];
                            pending.Add(job);
                        }
                    }
                    return pending.Select(p => p.Result).ToList();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SelectOfFactoryStartNew_WaitAll_Reports()
    {
        var source = Usings + Hash + """
            class Rebuilder
            {
                static void Refresh(int[] tile) => tile[0] = (int)Mix.Digest(tile);

                public void RefreshAll(ICollection<int[]> tiles, TaskFactory factory)
                {
                    var running = tiles.Select(t => [|factory.StartNew(() => Refresh(t))|]).ToArray();
                    Task.WaitAll(running);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task WrittenOutTaskRunSet_WaitAll_ReportsOnceAtFirst()
    {
        var source = Usings + Hash + """
            class Variants
            {
                public long Sum(int[] a, int[] b, int[] c)
                {
                    var first = [|Task.Run(() => Mix.Digest(a))|];
                    var second = Task.Run(() => Mix.Digest(b));
                    var third = Task.Run(() => Mix.Digest(c));
                    Task.WaitAll(first, second, third);
                    return first.Result + second.Result + third.Result;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TasksWaitedOneByOne_AndWhenAllBlockedOn_Report()
    {
        var source = Usings + Hash + """
            class Joins
            {
                public void EachWaited(int[][] blocks)
                {
                    var list = new List<Task>();
                    foreach (var block in blocks)
                    {
                        var own = block;
                        list.Add([|Task.Run(() => { own[0] = (int)Mix.Digest(own); })|]);
                    }
                    foreach (var t in list) t.Wait();
                }

                public void WhenAllWaited(int[][] blocks)
                {
                    var list = new List<Task>();
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var own = blocks[i];
                        list.Add([|Task.Run(() => { own[0] = (int)Mix.Digest(own); })|]);
                    }
                    Task.WhenAll(list).Wait();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task CounterDecrementedByTasks_PolledWithSleep_Reports()
    {
        var source = Usings + Hash + """
            class Throttled
            {
                int busy;

                public void Run(int[][] blocks)
                {
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var own = blocks[i];
                        Interlocked.Increment(ref busy);
                        [|Task.Factory.StartNew(() =>
                        {
                            try { own[0] = (int)Mix.Digest(own); }
                            finally { Interlocked.Decrement(ref busy); }
                        })|];
                    }
                    while (Volatile.Read(ref busy) > 0)
                        Thread.Sleep(1);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AtomicCounterObject_ThrottledAndPolled_Reports()
    {
        var source = Usings + Hash + """
            class Counter
            {
                int value;
                public int Up() => Interlocked.Increment(ref value);
                public int DecrementAndRead() { return Interlocked.Decrement(ref value); }
                public int Peek() => Volatile.Read(ref value);
            }

            class TileBuilder
            {
                public void BuildAll(int[][] tiles, int limit, TaskFactory factory, CancellationToken token)
                {
                    var running = new Counter();
                    for (int i = 0; i < tiles.Length; i++)
                    {
                        var own = tiles[i];
                        running.Up();
                        var started = [|factory.StartNew(_ =>
                        {
                            try
                            {
                                if (token.IsCancellationRequested) return;
                                own[0] = (int)Mix.Digest(own);
                            }
                            catch (Exception e)
                            {
                                Console.WriteLine(e);
                            }
                            finally
                            {
                                running.DecrementAndRead();
                            }
                        }, null, token)|];
                        while (limit <= running.Peek()) Thread.Sleep(1);
                    }
                    while (0 < running.Peek()) Thread.Sleep(1);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AwaitedWhenAll_OverTaskRunChunks_IsQuiet()
    {
        var source = Usings + Hash + """
            class Offloaded
            {
                public async Task<long[]> DigestAllAsync(int[][] blocks)
                {
                    var jobs = new Task<long>[blocks.Length];
                    for (int b = 0; b < blocks.Length; b++)
                    {
                        int mine = b;
                        jobs[b] = Task.Run(() => Mix.Digest(blocks[mine]));
                    }
                    return await Task.WhenAll(jobs);
                }

                public async Task<long> OneByOneAsync(int[][] blocks)
                {
                    var jobs = new List<Task<long>>();
                    foreach (var block in blocks)
                    {
                        var own = block;
                        jobs.Add(Task.Run(() => Mix.Digest(own)));
                    }
                    long sum = 0;
                    foreach (var job in jobs) sum += await job;
                    return sum;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task IoBodies_AndSingleTask_AreQuiet()
    {
        var source = Usings + "using System.IO;\n" + Hash + """
            class Loader
            {
                public string[] ReadAll(string[] paths)
                {
                    var texts = new string[paths.Length];
                    var jobs = new Task[paths.Length];
                    for (int i = 0; i < paths.Length; i++)
                    {
                        int mine = i;
                        jobs[i] = Task.Run(() => { texts[mine] = File.ReadAllText(paths[mine]); });
                    }
                    Task.WaitAll(jobs);
                    return texts;
                }

                public long One(int[] block)
                {
                    var job = Task.Run(() => Mix.Digest(block));
                    job.Wait();
                    return job.Result;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task UnresolvedWork_IsQuiet()
    {
        var source = Usings + """
            class Recognizer
            {
                public string[] ReadAll(object[] crops, Engine[] engines)
                {
                    var words = new string[crops.Length];
                    var jobs = new Task[crops.Length];
                    for (int i = 0; i < crops.Length; i++)
                    {
                        int mine = i;
                        jobs[i] = Task.Run(() => { words[mine] = engines[mine].Recognize(crops[mine]); });
                    }
                    Task.WaitAll(jobs);
                    return words;
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        await test.RunAsync();
    }

    [Fact]
    public async Task BarrierTeam_RoundsInOuterLoop_JoinInsideStartLoop_AsyncLambda_AreQuiet()
    {
        var source = Usings + Hash + """
            class Phased
            {
                public void Team(int[][] rows, Barrier barrier)
                {
                    var team = new Task[rows.Length];
                    for (int i = 0; i < rows.Length; i++)
                    {
                        var own = rows[i];
                        team[i] = Task.Run(() =>
                        {
                            for (int step = 0; step < 10; step++) { own[0] = (int)Mix.Digest(own); barrier.SignalAndWait(); }
                        });
                    }
                    Task.WaitAll(team);
                }

                public void Rounds(int[][] lanes, int passes)
                {
                    for (int pass = 0; pass < passes; pass++)
                    {
                        var round = new Task[lanes.Length];
                        for (int lane = 0; lane < lanes.Length; lane++)
                        {
                            var own = lanes[lane];
                            round[lane] = Task.Run(() => { own[0] = (int)Mix.Digest(own); });
                        }
                        Task.WaitAll(round);
                    }
                }

                public void OneAtATime(int[][] blocks)
                {
                    var done = new List<Task>();
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var own = blocks[i];
                        var t = Task.Run(() => { own[0] = (int)Mix.Digest(own); });
                        done.Add(t);
                        Task.WaitAll(done.ToArray());
                    }
                }

                public void AsyncBodies(int[][] blocks)
                {
                    var jobs = new Task[blocks.Length];
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var own = blocks[i];
                        jobs[i] = Task.Run(async () => { await Task.Yield(); own[0] = (int)Mix.Digest(own); });
                    }
                    Task.WaitAll(jobs);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
