using System.Diagnostics;

namespace ImageDenoiseService;

internal static class Program
{
    private static void Main(string[] args)
    {
        int frameCount = args.Length > 0 ? int.Parse(args[0]) : 24;
        int workers = Math.Max(2, Environment.ProcessorCount);

        var queue = new FrameQueue(capacity: 4);
        var filter = new BilateralFilter(radius: 3, sigmaSpatial: 2.0, sigmaRange: 18.0);
        var stats = new DenoiseStats();

        var sw = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(() =>
        {
            while (queue.TryTake(out var frame))
            {
                var clean = filter.Apply(frame);
                stats.Record(frame.Index, MeanAbsDiff(frame, clean));
            }
        })).ToArray();

        var camera = new SyntheticCamera(width: 192, height: 144, seed: 3);
        for (int i = 0; i < frameCount; i++)
        {
            queue.Add(camera.Capture(i));
        }
        queue.Complete();
        Task.WaitAll(consumers);
        sw.Stop();

        Console.WriteLine($"{stats.Frames} frames denoised in {sw.ElapsedMilliseconds} ms, mean change {stats.MeanChange:F2} levels");
    }

    private static double MeanAbsDiff(GrayFrame a, GrayFrame b)
    {
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / a.Pixels.Length;
    }
}
