using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Threads kept as a member of per-thread job objects, started and joined by two loops over the jobs: fixed with the
/// first code action (Parallel.ForEach over the jobs), the program must compute the same.
/// </summary>
public class JobMemberThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        public class Tracer
        {
            private readonly int[] _image = new int[48 * 48];

            public static string Run(int workers)
            {
                var tracer = new Tracer();
                var rows = new List<List<int>>();
                var jobs = new List<Job>();
                for (int w = 0; w < workers; w++)
                {
                    var mine = new List<int>();
                    rows.Add(mine);
                    jobs.Add(new Job
                    {
                        Id = w,
                        Rows = mine,
                        Worker = new Thread(new ParameterizedThreadStart(tracer.Trace)),
                    });
                }
                for (int y = 0; y < 48; y++)
                {
                    rows[y % workers].Add(y);
                }
                foreach (var job in jobs)
                {
                    job.Worker.Start(job);
                }
                foreach (var job in jobs)
                {
                    job.Worker.Join();
                }
                return string.Join(",", tracer._image);
            }

            private void Trace(object state)
            {
                var job = (Job)state;
                foreach (var y in job.Rows)
                    for (int x = 0; x < 48; x++)
                    {
                        int acc = 0;
                        for (int k = 0; k < 300; k++) acc += (x * k + y * job.Id) % 11;
                        _image[y * 48 + x] = acc;
                    }
            }

            private class Job
            {
                public int Id { get; set; }
                public List<int> Rows { get; set; }
                public Thread Worker { get; set; }
            }
        }
        """;

    [Fact]
    public async Task FixedJobThreadsProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForEachItemsKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.ForEach(jobs, job =>", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("new Thread", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Tracer.Before"), "Tracer.Run", 5);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Tracer.After"), "Tracer.Run", 5);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
