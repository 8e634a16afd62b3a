using System.Diagnostics;
using System.Threading.Channels;

namespace LogAnomalyDetector;

internal static class Program
{
    private static async Task Main(string[] args)
    {
        int lineCount = args.Length > 0 ? int.Parse(args[0]) : 24_000;
        string outDir = Directory.CreateTempSubdirectory("anomaly-").FullName;

        var vocabulary = new TemplateVocabulary();
        var lines = new List<string>(lineCount);

        // Ingest: one producer reads the raw stream, one consumer normalises lines into templates.
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(512) { SingleReader = true, SingleWriter = true });
        Task producer = ProduceAsync(channel.Writer, lineCount);
        Task consumer = ConsumeAsync(channel.Reader, lines, vocabulary);
        await Task.WhenAll(producer, consumer);
        Console.WriteLine($"ingested {lines.Count} lines, {vocabulary.Count} templates");

        var model = IsolationForest.Train(lines.Take(4000).Select(l => Features.Extract(l, vocabulary)).ToList(), trees: 60, seed: 4);
        var detector = new ShardDetector(model, vocabulary, outDir);
        var shards = lines.Chunk(3000).Select((chunk, i) => new LogShard(i, chunk)).ToList();

        var sw = Stopwatch.StartNew();
        ShardReport[] reports = await Task.WhenAll(shards.Select(detector.ScoreShardAsync));
        sw.Stop();

        Console.WriteLine($"scored {reports.Length} shards in {sw.ElapsedMilliseconds} ms, {reports.Sum(r => r.Anomalies)} anomalies -> {outDir}");
    }

    private static async Task ProduceAsync(ChannelWriter<string> writer, int count)
    {
        var rng = new Random(9);
        string[] services = { "auth", "billing", "search", "cart" };
        for (int i = 0; i < count; i++)
        {
            string line = rng.Next(400) == 0
                ? $"{services[rng.Next(4)]} FATAL heap corruption at 0x{rng.Next():X8} thread {rng.Next(64)}"
                : $"{services[rng.Next(4)]} INFO request {rng.Next(100000)} served in {rng.Next(3, 90)} ms status 200";
            await writer.WriteAsync(line);
        }
        writer.Complete();
    }

    private static async Task ConsumeAsync(ChannelReader<string> reader, List<string> sink, TemplateVocabulary vocabulary)
    {
        await foreach (string line in reader.ReadAllAsync())
        {
            vocabulary.IdOf(Features.Template(line));
            sink.Add(line);
        }
    }
}
