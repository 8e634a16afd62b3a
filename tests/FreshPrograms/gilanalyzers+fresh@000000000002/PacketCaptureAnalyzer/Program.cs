using System.Collections.Concurrent;
using System.Diagnostics;

namespace PacketCaptureAnalyzer;

internal static class Program
{
    private static void Main(string[] args)
    {
        int captureCount = args.Length > 0 ? int.Parse(args[0]) : 16;
        var captures = Enumerable.Range(0, captureCount).Select(i => CaptureFile.Synthesize($"edge-{i:D2}.pcap", packets: 20_000, seed: i)).ToList();

        using var alerts = new BlockingCollection<string>();
        var alertSink = new Thread(() =>
        {
            foreach (string alert in alerts.GetConsumingEnumerable())
            {
                Console.WriteLine($"[alert] {alert}");
            }
        })
        { IsBackground = true, Name = "alert-sink" };
        alertSink.Start();

        var analyzer = new FlowAnalyzer(alerts);
        var sw = Stopwatch.StartNew();
        var batch = new CaptureBatch(analyzer);
        batch.AnalyzeAll(captures);
        sw.Stop();

        alerts.CompleteAdding();
        alertSink.Join();
        Console.WriteLine($"{captures.Count} captures, {analyzer.FlowCount} flows, {sw.ElapsedMilliseconds} ms");
    }
}
