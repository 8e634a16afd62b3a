using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace MandelbrotRenderer
{
    /// <summary>
    /// Renders the Mandelbrot set to a PGM file. Written back when we only had .NET 2.0 on the render box,
    /// so it splits the image into horizontal bands and gives each band its own thread.
    /// </summary>
    class Renderer
    {
        private readonly int width;
        private readonly int height;
        private readonly int maxIterations;
        private readonly int[] iterations;
        private int bandsFinished;
        private volatile bool done;

        public Renderer(int width, int height, int maxIterations)
        {
            this.width = width;
            this.height = height;
            this.maxIterations = maxIterations;
            this.iterations = new int[width * height];
        }

        public void Render(int threadCount)
        {
            Thread reporter = new Thread(ReportProgress);
            reporter.IsBackground = true;
            reporter.Name = "progress";
            reporter.Start();

            Thread[] workers = new Thread[threadCount];
            int bandHeight = (height + threadCount - 1) / threadCount;
            for (int t = 0; t < threadCount; t++)
            {
                int top = t * bandHeight;
                int bottom = Math.Min(height, top + bandHeight);
                workers[t] = new Thread(() => RenderBand(top, bottom));
                workers[t].Start();
            }
            for (int t = 0; t < threadCount; t++)
            {
                workers[t].Join();
            }

            done = true;
            reporter.Join();
        }

        private void RenderBand(int top, int bottom)
        {
            for (int py = top; py < bottom; py++)
            {
                double ci = (py - height / 2.0) * 3.0 / height;
                for (int px = 0; px < width; px++)
                {
                    double cr = (px - width * 0.65) * 3.0 / width;
                    double zr = 0, zi = 0;
                    int n = 0;
                    while (n < maxIterations && zr * zr + zi * zi < 4.0)
                    {
                        double t = zr * zr - zi * zi + cr;
                        zi = 2 * zr * zi + ci;
                        zr = t;
                        n++;
                    }
                    iterations[py * width + px] = n;
                }
            }
            Interlocked.Increment(ref bandsFinished);
        }

        // Prints a status line every so often so long renders do not look hung.
        private void ReportProgress()
        {
            while (!done)
            {
                Thread.Sleep(50);
                Console.WriteLine("  bands finished: " + Volatile.Read(ref bandsFinished));
            }
        }

        public void Save(string path)
        {
            using (StreamWriter writer = new StreamWriter(path))
            {
                writer.WriteLine("P2");
                writer.WriteLine(width + " " + height);
                writer.WriteLine(255);
                for (int i = 0; i < iterations.Length; i++)
                {
                    int shade = iterations[i] >= maxIterations ? 0 : 255 - (iterations[i] * 255 / maxIterations);
                    writer.Write(shade);
                    writer.Write(i % width == width - 1 ? '\n' : ' ');
                }
            }
        }

        public long TotalIterations()
        {
            long total = 0;
            foreach (int n in iterations) total += n;
            return total;
        }
    }

    static class Program
    {
        static void Main(string[] args)
        {
            int size = args.Length > 0 ? int.Parse(args[0]) : 400;
            Renderer renderer = new Renderer(size, size * 3 / 4, 300);
            Stopwatch sw = Stopwatch.StartNew();
            renderer.Render(Environment.ProcessorCount);
            sw.Stop();
            string output = Path.Combine(Path.GetTempPath(), "mandelbrot.pgm");
            renderer.Save(output);
            Console.WriteLine("Rendered in " + sw.ElapsedMilliseconds + " ms, " + renderer.TotalIterations() + " iterations -> " + output);
        }
    }
}
