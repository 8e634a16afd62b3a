using System.Diagnostics;

namespace BatchPdfRenderer;

/// <summary>
/// Lays out a batch of statements into pages and "renders" each page into a PDF-like content stream.
/// Originally written for .NET Framework 3.5, where the render workers were plain threads.
/// </summary>
internal class Program
{
    private static readonly object ResultsLock = new object();
    private static readonly List<RenderedPage> Results = new List<RenderedPage>();
    private static volatile bool _finished;
    private static int _pagesDone;

    private static void Main(string[] args)
    {
        int documents = args.Length > 0 ? int.Parse(args[0]) : 48;
        List<Document> batch = Document.CreateSampleBatch(documents);
        var renderer = new PageRenderer(new FontMetrics("Helvetica", 10.5));

        Thread progress = new Thread(ReportProgress);
        progress.IsBackground = true;
        progress.Start(batch.Count);

        Stopwatch watch = Stopwatch.StartNew();
        int workerCount = Environment.ProcessorCount;
        Thread[] workers = new Thread[workerCount];
        int perWorker = (batch.Count + workerCount - 1) / workerCount;
        for (int w = 0; w < workerCount; w++)
        {
            WorkItem item = new WorkItem(renderer, batch, w * perWorker, Math.Min(batch.Count, (w + 1) * perWorker));
            workers[w] = new Thread(new ParameterizedThreadStart(RenderRange));
            workers[w].Name = "render-" + w;
            workers[w].Start(item);
        }
        for (int w = 0; w < workerCount; w++)
        {
            workers[w].Join();
        }
        _finished = true;
        watch.Stop();

        long bytes = 0;
        foreach (RenderedPage page in Results) bytes += page.Content.Length;
        Console.WriteLine("{0} pages, {1:N0} bytes of content in {2} ms", Results.Count, bytes, watch.ElapsedMilliseconds);
    }

    private static void RenderRange(object state)
    {
        WorkItem item = (WorkItem)state;
        for (int i = item.From; i < item.To; i++)
        {
            foreach (RenderedPage page in item.Renderer.Render(item.Batch[i]))
            {
                lock (ResultsLock)
                {
                    Results.Add(page);
                }
            }
            Interlocked.Increment(ref _pagesDone);
        }
    }

    private static void ReportProgress(object state)
    {
        int total = (int)state;
        while (!_finished)
        {
            Thread.Sleep(250);
            Console.WriteLine("  ... {0}/{1} documents", Volatile.Read(ref _pagesDone), total);
        }
    }

    private sealed class WorkItem
    {
        public readonly PageRenderer Renderer;
        public readonly List<Document> Batch;
        public readonly int From;
        public readonly int To;

        public WorkItem(PageRenderer renderer, List<Document> batch, int from, int to)
        {
            Renderer = renderer;
            Batch = batch;
            From = from;
            To = to;
        }
    }
}
