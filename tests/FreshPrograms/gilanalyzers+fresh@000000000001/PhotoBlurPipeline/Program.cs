using System.Diagnostics;

namespace PhotoBlurPipeline;

/// <summary>
/// Batch job: box-blurs a folder's worth of frames (synthesised here), builds a global luminance histogram
/// and ranks the frames by sharpness so the best ones can be kept.
/// </summary>
internal static class Program
{
    private const int Radius = 2;

    private static readonly object _histogramSync = new();
    private static readonly object _progressSync = new();
    private static int _rowsDone;

    private static void Main(string[] args)
    {
        int frameCount = args.Length > 0 ? int.Parse(args[0]) : 6;
        var frames = Enumerable.Range(0, frameCount)
            .Select(i => GrayImage.Synthesize(320, 200, seed: i))
            .ToList();

        var histogram = new long[256];
        var blurredFrames = new List<GrayImage>();
        var sw = Stopwatch.StartNew();

        foreach (var frame in frames)
        {
            var blurred = new GrayImage(frame.Width, frame.Height);
            Parallel.For(0, frame.Height, y =>
            {
                // histogram is shared between rows, so guard the row while we fill it
                lock (_histogramSync)
                {
                    for (int x = 0; x < frame.Width; x++)
                    {
                        int sum = 0, n = 0;
                        for (int dy = -Radius; dy <= Radius; dy++)
                        {
                            for (int dx = -Radius; dx <= Radius; dx++)
                            {
                                int sx = x + dx, sy = y + dy;
                                if (sx < 0 || sy < 0 || sx >= frame.Width || sy >= frame.Height)
                                {
                                    continue;
                                }
                                sum += frame[sx, sy];
                                n++;
                            }
                        }
                        byte v = (byte)(sum / n);
                        blurred[x, y] = v;
                        histogram[v]++;
                    }
                }

                lock (_progressSync)
                {
                    _rowsDone++;
                }
            });
            blurredFrames.Add(blurred);
        }

        // Rank frames by sharpness of the original (variance of the Laplacian).
        var sharpness = new Dictionary<int, double>();
        Parallel.ForEach(frames.Select((f, i) => (Frame: f, Index: i)), item =>
        {
            lock (sharpness)
            {
                sharpness[item.Index] = LaplacianVariance(item.Frame);
            }
        });

        sw.Stop();
        long total = histogram.Sum();
        int median = 0;
        for (long acc = 0; median < 255 && (acc += histogram[median]) < total / 2; median++)
        {
        }

        Console.WriteLine($"Blurred {blurredFrames.Count} frames ({_rowsDone} rows) in {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"Median luminance: {median}");
        foreach (var (index, score) in sharpness.OrderByDescending(kv => kv.Value).Take(3))
        {
            Console.WriteLine($"  frame {index}: sharpness {score:F1}");
        }
    }

    private static double LaplacianVariance(GrayImage image)
    {
        double sum = 0, sumSq = 0;
        int n = 0;
        for (int y = 1; y < image.Height - 1; y++)
        {
            for (int x = 1; x < image.Width - 1; x++)
            {
                int lap = 4 * image[x, y] - image[x - 1, y] - image[x + 1, y] - image[x, y - 1] - image[x, y + 1];
                sum += lap;
                sumSq += (double)lap * lap;
                n++;
            }
        }
        double mean = sum / n;
        return sumSq / n - mean * mean;
    }
}
