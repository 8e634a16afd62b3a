using System.Diagnostics;

namespace InventoryEtlJob;

internal static class Program
{
    private static int Main(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 60_000;
        var extract = CsvExtract.Generate(rows, seed: 12);
        var pool = new ConnectionPool(size: 4);
        var transformer = new RowTransformer();
        var job = new EtlJob(transformer, pool, batchSize: 2_000);

        var sw = Stopwatch.StartNew();
        var summary = job.Run(extract);
        sw.Stop();

        Console.WriteLine($"loaded {summary.Loaded:N0} rows, rejected {summary.Rejected:N0}, {pool.Created} connections, {sw.ElapsedMilliseconds} ms");
        return summary.Rejected > rows / 2 ? 1 : 0;
    }
}
