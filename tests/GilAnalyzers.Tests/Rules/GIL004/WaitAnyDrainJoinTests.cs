using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 when the caller joins the work items' events one at a time: <c>while (left &gt; 0) { WaitHandle.WaitAny(events); left--; }</c>
/// returns only when every outstanding item has signalled. A WaitAny loop that stops on something else, or that
/// does not count the items down, is not a join of all of them.
/// </summary>
public class WaitAnyDrainJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Stripe = """
            sealed class Stripe
            {
                public Stripe(int index, float[] pixels, AutoResetEvent finished) { Index = index; Pixels = pixels; Finished = finished; }
                public int Index { get; }
                public float[] Pixels { get; }
                public AutoResetEvent Finished { get; }
            }

        """;

    [Fact]
    public async Task EventPerStripeDrainedWithWaitAny_Reports()
    {
        var source = Usings + Stripe + """
            class Blur
            {
                static void Smooth(float[] pixels, int passes)
                {
                    for (int p = 0; p < passes; p++)
                        for (int i = 1; i < pixels.Length - 1; i++)
                            pixels[i] = (pixels[i - 1] + pixels[i] + pixels[i + 1]) / 3f;
                }

                public static void Run(float[][] stripes)
                {
                    WaitHandle[] finished = stripes.Select(_ => new AutoResetEvent(false)).ToArray<WaitHandle>();
                    int left = stripes.Length;
                    for (int s = 0; s < stripes.Length; s++)
                    {
                        {|#0:ThreadPool.QueueUserWorkItem(o =>
                        {
                            var stripe = (Stripe)o;
                            Smooth(stripe.Pixels, 8);
                            stripe.Finished.Set();
                        }, new Stripe(s, stripes[s], (AutoResetEvent)finished[s]))|};
                    }

                    while (left > 0)
                    {
                        int which = WaitHandle.WaitAny(finished);
                        left--;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'stripes.Length'", "ThreadPool.QueueUserWorkItem + WaitHandle[] + WaitAny until none is outstanding", "calls 'Smooth' (nested loop, 2 levels)"));
    }

    [Fact]
    public async Task EventPerStripeDrainedWithWaitAny_ParallelForEachKeepsTheDrain()
    {
        var source = Usings + Stripe + """
            class Blur
            {
                static void Smooth(float[] pixels, int passes)
                {
                    for (int p = 0; p < passes; p++)
                        for (int i = 1; i < pixels.Length - 1; i++)
                            pixels[i] = (pixels[i - 1] + pixels[i] + pixels[i + 1]) / 3f;
                }

                public static void Run(float[][] stripes)
                {
                    var finished = new WaitHandle[stripes.Length];
                    int left = stripes.Length;
                    for (int s = 0; s < stripes.Length; s++)
                    {
                        finished[s] = new AutoResetEvent(false);
                        {|GIL004:ThreadPool.QueueUserWorkItem(o => { Smooth(((Stripe)o).Pixels, 8); ((Stripe)o).Finished.Set(); },
                            new Stripe(s, stripes[s], (AutoResetEvent)finished[s]))|};
                    }

                    while (left > 0)
                    {
                        _ = WaitHandle.WaitAny(finished);
                        --left;
                    }
                }
            }
            """;
        var fixedSource = Usings + Stripe + """
            class Blur
            {
                static void Smooth(float[] pixels, int passes)
                {
                    for (int p = 0; p < passes; p++)
                        for (int i = 1; i < pixels.Length - 1; i++)
                            pixels[i] = (pixels[i - 1] + pixels[i] + pixels[i + 1]) / 3f;
                }

                public static void Run(float[][] stripes)
                {
                    var finished = new WaitHandle[stripes.Length];
                    int left = stripes.Length;
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int s = 0; s < stripes.Length; s++)
                    {
                        finished[s] = new AutoResetEvent(false);
                        workItems.Add((o => { Smooth(((Stripe)o).Pixels, 8); ((Stripe)o).Finished.Set(); }, new Stripe(s, stripes[s], (AutoResetEvent)finished[s])));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));

                    while (left > 0)
                    {
                        _ = WaitHandle.WaitAny(finished);
                        --left;
                    }
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }

    [Fact]
    public async Task WaitAnyUntilTheFirstAnswer_NoDiagnostic()
    {
        // The loop stops at the first stripe that reports a hit: the caller does not wait for all of them.
        var source = Usings + Stripe + """
            class Finder
            {
                static volatile bool found;

                static void Scan(float[] pixels)
                {
                    for (int p = 0; p < 16; p++)
                        for (int i = 0; i < pixels.Length; i++)
                            if (pixels[i] * p > 1000f) found = true;
                }

                public static void Run(float[][] stripes)
                {
                    var finished = new WaitHandle[stripes.Length];
                    int seen = 0;
                    for (int s = 0; s < stripes.Length; s++)
                    {
                        finished[s] = new AutoResetEvent(false);
                        ThreadPool.QueueUserWorkItem(o => { Scan(((Stripe)o).Pixels); ((Stripe)o).Finished.Set(); },
                            new Stripe(s, stripes[s], (AutoResetEvent)finished[s]));
                    }

                    while (!found)
                    {
                        WaitHandle.WaitAny(finished);
                        seen--;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task DrainedItemsReadFiles_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Job
            {
                public Job(string path, AutoResetEvent done) { Path = path; Done = done; }
                public string Path { get; }
                public AutoResetEvent Done { get; }
                public string Text { get; set; }
            }

            class Loader
            {
                public static void Load(Job[] jobs)
                {
                    var done = new WaitHandle[jobs.Length];
                    int pending = jobs.Length;
                    for (int j = 0; j < jobs.Length; j++)
                    {
                        done[j] = jobs[j].Done;
                        ThreadPool.QueueUserWorkItem(o => { var job = (Job)o; job.Text = File.ReadAllText(job.Path); job.Done.Set(); }, jobs[j]);
                    }

                    while (pending > 0)
                    {
                        WaitHandle.WaitAny(done);
                        pending--;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
