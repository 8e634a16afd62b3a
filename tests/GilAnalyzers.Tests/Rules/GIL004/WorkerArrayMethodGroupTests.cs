using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 with the work items kept in an array of worker objects, each made with its own done event, and queued as
/// a method group on the array's element (<c>ThreadPool.QueueUserWorkItem(jobs[i].Run)</c>): in the loop that made
/// them, or in a second loop.
/// </summary>
public class WorkerArrayMethodGroupTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Job = """
        class ChecksumJob
        {
            readonly byte[] _block;
            readonly ManualResetEvent _finished;
            public uint Sum;

            public ChecksumJob(byte[] block, ManualResetEvent finished) { _block = block; _finished = finished; }

            public void Run(object unused)
            {
                uint a = 1, b = 0;
                for (int round = 0; round < 64; round++)
                {
                    foreach (var x in _block) { a = (a + x) % 65521; b = (b + a) % 65521; }
                }
                Sum = (b << 16) | a;
                _finished.Set();
            }
        }

        """;

    [Fact]
    public async Task ElementMadeInTheSameLoop_ReportedAndDispatchedWithParallelForEach()
    {
        var source = Usings + Job + """
            static class Archive
            {
                public static uint Verify(byte[][] blocks)
                {
                    var finished = new ManualResetEvent[blocks.Length];
                    var jobs = new ChecksumJob[blocks.Length];
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        finished[i] = new ManualResetEvent(false);
                        jobs[i] = new ChecksumJob(blocks[i], finished[i]);
                        {|GIL004:ThreadPool.QueueUserWorkItem(jobs[i].Run, i)|};
                    }
                    WaitHandle.WaitAll(finished);
                    return jobs.Aggregate(0u, (acc, j) => acc ^ j.Sum);
                }
            }
            """;
        var fixedSource = Usings + Job + """
            static class Archive
            {
                public static uint Verify(byte[][] blocks)
                {
                    var finished = new ManualResetEvent[blocks.Length];
                    var jobs = new ChecksumJob[blocks.Length];
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        finished[i] = new ManualResetEvent(false);
                        jobs[i] = new ChecksumJob(blocks[i], finished[i]);
                        workItems.Add((jobs[i].Run, i));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    WaitHandle.WaitAll(finished);
                    return jobs.Aggregate(0u, (acc, j) => acc ^ j.Sum);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task ElementsMadeInOneLoopAndQueuedInTheNext_Reported()
    {
        var source = Usings + Job + """
            static class Archive
            {
                public static uint Verify(byte[][] blocks)
                {
                    var finished = new ManualResetEvent[blocks.Length];
                    var jobs = new ChecksumJob[blocks.Length];
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        finished[i] = new ManualResetEvent(false);
                        jobs[i] = new ChecksumJob(blocks[i], finished[i]);
                    }

                    for (int i = 0; i < jobs.Length; i++)
                    {
                        {|GIL004:ThreadPool.QueueUserWorkItem(jobs[i].Run)|};
                    }

                    WaitHandle.WaitAll(finished);
                    return jobs.Aggregate(0u, (acc, j) => acc ^ j.Sum);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StateElementMadeWithItsOwnEvent_TheEventCollectedIntoTheWaitedArray_Reported()
    {
        // The event is made inside the object initialiser: the caller knows it only as jobs[i].Done, stored into the
        // array WaitAll waits on — the join is found through that member, not through the (nameless) new event.
        var source = Usings + """
            class Tile
            {
                public float[] Heights;
                public float Relief;
                public ManualResetEvent Done;
            }

            static class Terrain
            {
                static void Erode(object state)
                {
                    var tile = (Tile)state;
                    try
                    {
                        for (int pass = 0; pass < 40; pass++)
                        {
                            for (int i = 1; i < tile.Heights.Length - 1; i++) tile.Heights[i] = (tile.Heights[i - 1] + tile.Heights[i + 1]) * 0.5f;
                        }
                        tile.Relief = tile.Heights.Max() - tile.Heights.Min();
                    }
                    finally
                    {
                        tile.Done.Set();
                    }
                }

                public static float Run(float[][] maps)
                {
                    var tiles = new Tile[maps.Length];
                    var done = new ManualResetEvent[maps.Length];
                    for (int i = 0; i < maps.Length; i++)
                    {
                        tiles[i] = new Tile { Heights = maps[i], Done = new ManualResetEvent(false) };
                        done[i] = tiles[i].Done;
                        {|GIL004:ThreadPool.QueueUserWorkItem(new WaitCallback(Erode), tiles[i])|};
                    }
                    WaitHandle.WaitAll(done);
                    return tiles.Sum(t => t.Relief);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ElementFilledByTwoDifferentStatements_IsNotFollowed_Quiet()
    {
        // Which object a slot holds depends on a branch: neither creation is the element's value, the event a queued
        // item signals is not known, so no join ties the items to the wait.
        var source = Usings + Job + """
            static class Archive
            {
                public static uint Verify(byte[][] blocks, ManualResetEvent spare)
                {
                    var finished = new ManualResetEvent[blocks.Length];
                    var jobs = new ChecksumJob[blocks.Length];
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        finished[i] = new ManualResetEvent(false);
                        if (blocks[i].Length > 0) jobs[i] = new ChecksumJob(blocks[i], finished[i]);
                        else jobs[i] = new ChecksumJob(blocks[i], spare);
                    }

                    for (int i = 0; i < jobs.Length; i++)
                    {
                        ThreadPool.QueueUserWorkItem(jobs[i].Run);
                    }

                    WaitHandle.WaitAll(finished);
                    return jobs.Aggregate(0u, (acc, j) => acc ^ j.Sum);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
