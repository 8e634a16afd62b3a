using System.Diagnostics;

namespace ThumbnailWorker
{
    /// <summary>A decoded RGB image (one int per pixel, 0xRRGGBB).</summary>
    public class Bitmap
    {
        public Bitmap(int width, int height)
        {
            Width = width;
            Height = height;
            Pixels = new int[width * height];
        }

        public int Width { get; }
        public int Height { get; }
        public int[] Pixels { get; }
    }

    public class ResizeJob
    {
        public string Name;
        public Bitmap Source;
        public Bitmap Thumbnail;
        public ManualResetEvent Done;
    }

    /// <summary>
    /// Back-end worker of the upload service: turns each uploaded photo into a 160px thumbnail using an
    /// area-averaging downscale, and reports throughput to the metrics sink every 100 ms.
    /// </summary>
    public class ThumbnailService
    {
        private readonly List<string> completed = new List<string>();
        private long pixelsProcessed;
        private volatile bool stopping;

        public void ProcessBatch(IList<ResizeJob> jobs)
        {
            var metrics = new Thread(FlushMetrics) { IsBackground = true, Name = "metrics-flush" };
            metrics.Start();

            var handles = new WaitHandle[jobs.Count];
            for (int i = 0; i < jobs.Count; i++)
            {
                jobs[i].Done = new ManualResetEvent(false);
                handles[i] = jobs[i].Done;
                ThreadPool.QueueUserWorkItem(Resize, jobs[i]);
            }
            WaitHandle.WaitAll(handles);

            stopping = true;
            metrics.Join();
            Console.WriteLine($"{completed.Count} thumbnails, {Interlocked.Read(ref pixelsProcessed):N0} source pixels");
        }

        private void Resize(object state)
        {
            var job = (ResizeJob)state;
            var src = job.Source;
            int tw = 160, th = Math.Max(1, src.Height * 160 / src.Width);
            var dst = new Bitmap(tw, th);
            for (int ty = 0; ty < th; ty++)
            {
                int y0 = ty * src.Height / th, y1 = Math.Max(y0 + 1, (ty + 1) * src.Height / th);
                for (int tx = 0; tx < tw; tx++)
                {
                    int x0 = tx * src.Width / tw, x1 = Math.Max(x0 + 1, (tx + 1) * src.Width / tw);
                    long r = 0, g = 0, b = 0, n = 0;
                    for (int y = y0; y < y1; y++)
                    {
                        for (int x = x0; x < x1; x++)
                        {
                            int p = src.Pixels[y * src.Width + x];
                            r += (p >> 16) & 0xFF; g += (p >> 8) & 0xFF; b += p & 0xFF; n++;
                        }
                    }
                    dst.Pixels[ty * tw + tx] = (int)(r / n) << 16 | (int)(g / n) << 8 | (int)(b / n);
                }
            }
            job.Thumbnail = dst;
            Interlocked.Add(ref pixelsProcessed, src.Pixels.Length);

            lock (completed)
            {
                completed.Add(job.Name);
            }
            job.Done.Set();
        }

        private void FlushMetrics()
        {
            while (!stopping)
            {
                Thread.Sleep(100);
                Console.WriteLine($"  metrics: {Interlocked.Read(ref pixelsProcessed):N0} px");
            }
        }
    }

    public static class Program
    {
        public static void Main(string[] args)
        {
            int uploads = args.Length > 0 ? int.Parse(args[0]) : 24;
            var rng = new Random(31);
            var jobs = new List<ResizeJob>();
            for (int i = 0; i < uploads; i++)
            {
                var bmp = new Bitmap(1600 + rng.Next(400), 1200);
                for (int p = 0; p < bmp.Pixels.Length; p++) bmp.Pixels[p] = (p * 2654435761u).GetHashCode() & 0xFFFFFF;
                jobs.Add(new ResizeJob { Name = $"upload-{i:D3}.jpg", Source = bmp });
            }

            var sw = Stopwatch.StartNew();
            new ThumbnailService().ProcessBatch(jobs);
            Console.WriteLine($"Batch done in {sw.ElapsedMilliseconds} ms");
        }
    }
}
