using System.Diagnostics;

namespace VideoTranscodeScheduler;

internal static class Program
{
    private static async Task Main(string[] args)
    {
        int segmentCount = args.Length > 0 ? int.Parse(args[0]) : 16;
        var source = SourceVideo.Synthetic(width: 160, height: 96, frames: segmentCount * 12, seed: 4);
        var segments = source.Split(framesPerSegment: 12);
        string outDir = Directory.CreateTempSubdirectory("transcode-").FullName;

        var context = new EncoderContext(targetBitsPerFrame: 9000);
        var encoder = new SegmentEncoder(context);
        var scheduler = new TranscodeScheduler(encoder);

        var sw = Stopwatch.StartNew();
        scheduler.Run(segments);
        Console.WriteLine($"encoded {segments.Count} segments in {sw.ElapsedMilliseconds} ms, {scheduler.TotalBytes:N0} bytes, final qp {context.Quantizer}");

        sw.Restart();
        var thumbnails = new ThumbnailService(outDir);
        string[] written = await Task.WhenAll(segments.Select(s => thumbnails.WritePosterAsync(s)));
        Console.WriteLine($"{written.Length} posters in {sw.ElapsedMilliseconds} ms -> {outDir}");
    }
}
