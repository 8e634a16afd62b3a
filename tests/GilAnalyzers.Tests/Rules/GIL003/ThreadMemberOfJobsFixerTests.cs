using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Each thread a member of a per-thread job object (<c>jobs.Add(new Job { …, Worker = new Thread(Run) })</c>), the
/// jobs started by one loop (<c>job.Worker.Start(job)</c>) and joined by the next: the start loop becomes
/// <c>Parallel.ForEach(jobs, job =&gt; Run(job))</c>, the join loop and the member's initialiser go. Refused when the work
/// reads the thread member, or the loops are not that pair.
/// </summary>
public class ThreadMemberOfJobsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Job = """

            private void Trace(object state)
            {
                var job = (Job)state;
                foreach (var y in job.Rows)
                    for (int x = 0; x < 64; x++)
                    {
                        int acc = 0;
                        for (int k = 0; k < 200; k++) acc += (x * k + y) % 7;
                        _image[y * 64 + x] = acc;
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

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task JobsStartedAndJoinedByTwoLoops_BecomeParallelForEach(LanguageVersion version)
    {
        var source = Usings + """
            class Tracer
            {
                private readonly int[] _image = new int[64 * 64];

                public void Render(int workers)
                {
                    var rows = new List<List<int>>();
                    var jobs = new List<Job>();
                    for (int w = 0; w < workers; w++)
                    {
                        var mine = new List<int>();
                        rows.Add(mine);
                        jobs.Add(new Job()
                        {
                            Id = w,
                            Rows = mine,
                            Worker = [|new Thread(new ParameterizedThreadStart(Trace))|],
                        });
                    }
                    for (int y = 0; y < 64; y++)
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
                }
            """ + Job;
        var fixedSource = Usings + """
            class Tracer
            {
                private readonly int[] _image = new int[64 * 64];

                public void Render(int workers)
                {
                    var rows = new List<List<int>>();
                    var jobs = new List<Job>();
                    for (int w = 0; w < workers; w++)
                    {
                        var mine = new List<int>();
                        rows.Add(mine);
                        jobs.Add(new Job()
                        {
                            Id = w,
                            Rows = mine,
                        });
                    }
                    for (int y = 0; y < 64; y++)
                    {
                        rows[y % workers].Add(y);
                    }
                    Parallel.ForEach(jobs, job =>
                    {
                        Trace(job);
                    });
                }
            """ + Job;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachItemsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesEveryJobFanOut()
    {
        var source = Usings + """
            class Tracer
            {
                private readonly int[] _image = new int[64 * 64];

                public void A()
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < 2; w++)
                    {
                        jobs.Add(new Job { Id = w, Rows = new List<int> { w, w + 2 }, Worker = [|new Thread(Trace)|] });
                    }
                    foreach (var job in jobs) job.Worker.Start(job);
                    foreach (var job in jobs) job.Worker.Join();
                }

                public void B(int count)
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < count; w++)
                    {
                        jobs.Add(new Job { Worker = [|new Thread(Trace)|], Id = w, Rows = new List<int> { w } });
                    }
                    foreach (var job in jobs) { job.Worker.Start(job); }
                    foreach (var job in jobs) { job.Worker.Join(); }
                }
            """ + Job;
        var fixedSource = Usings + """
            class Tracer
            {
                private readonly int[] _image = new int[64 * 64];

                public void A()
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < 2; w++)
                    {
                        jobs.Add(new Job { Id = w, Rows = new List<int> { w, w + 2 } });
                    }
                    Parallel.ForEach(jobs, job =>
                    {
                        Trace(job);
                    });
                }

                public void B(int count)
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < count; w++)
                    {
                        jobs.Add(new Job { Id = w, Rows = new List<int> { w } });
                    }
                    Parallel.ForEach(jobs, job =>
                    {
                        Trace(job);
                    });
                }
            """ + Job;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachItemsKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        {
            "the work reads the thread member",
            """
            class C
            {
                private readonly int[] _image = new int[64 * 64];

                public void Run()
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < 2; w++)
                    {
                        jobs.Add(new Job { Id = w, Rows = new List<int> { w }, Worker = new Thread(Named) });
                    }
                    foreach (var job in jobs) job.Worker.Start(job);
                    foreach (var job in jobs) job.Worker.Join();
                }

                private void Named(object state)
                {
                    var job = (Job)state;
                    job.Worker.Name = "job " + job.Id;
                    Trace(job);
                }
            """ + Job
        },
        {
            "code runs between the start loop and the join loop",
            """
            class C
            {
                private readonly int[] _image = new int[64 * 64];

                public void Run()
                {
                    var jobs = new List<Job>();
                    for (int w = 0; w < 2; w++)
                    {
                        jobs.Add(new Job { Id = w, Rows = new List<int> { w }, Worker = new Thread(Trace) });
                    }
                    foreach (var job in jobs) job.Worker.Start(job);
                    Console.WriteLine("started");
                    foreach (var job in jobs) job.Worker.Join();
                }
            """ + Job
        },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
    }
}
