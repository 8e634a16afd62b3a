using System.Diagnostics;

namespace GenomeKmerCounter;

internal static class Program
{
    private static void Main(string[] args)
    {
        int k = args.Length > 0 ? int.Parse(args[0]) : 11;
        var reads = ReadSimulator.Simulate(readCount: 40_000, readLength: 150, seed: 17);
        var counter = new KmerCounter(k);

        var sw = Stopwatch.StartNew();
        var spectrum = counter.CountAll(reads);
        sw.Stop();

        Console.WriteLine($"k={k}: {spectrum.Distinct:N0} distinct k-mers, {spectrum.Total:N0} total in {sw.ElapsedMilliseconds} ms");
        foreach (var (kmer, count) in spectrum.Top(5))
        {
            Console.WriteLine($"  {KmerCounter.Decode(kmer, k)} x{count}");
        }
    }
}
