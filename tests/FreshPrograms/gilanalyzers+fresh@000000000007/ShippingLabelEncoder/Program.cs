namespace Warehouse.Labels;

public static class Program
{
    public static void Main()
    {
        var rng = new Random(99);
        string[] cities = { "Leeds", "Lyon", "Lodz", "Linz", "Lisbon", "Leipzig" };
        var parcels = Enumerable.Range(0, 15_000)
            .Select(i => $"PCL{i:D8}|{cities[rng.Next(cities.Length)]}|{rng.Next(100, 99999):D5}|{rng.NextDouble() * 30:F2}kg|{new string('x', rng.Next(20, 120))}")
            .ToList();

        string auditPath = Path.Combine(Path.GetTempPath(), $"labels-{Environment.ProcessId}.log");
        var seenTracking = new HashSet<string>();
        int duplicates = 0;
        using (var encoder = new LabelEncoder(auditPath))
        {
            var labels = parcels
                .AsParallel()
                .AsOrdered()
                .Select(p =>
                {
                    string tracking = p[..11];
                    lock (seenTracking)
                    {
                        if (!seenTracking.Add(tracking)) duplicates++;
                    }
                    return encoder.Encode(p);
                })
                .ToList();
            encoder.Flush();

            long symbols = labels.Sum(l => (long)l.Length);
            Console.WriteLine($"labels={encoder.Encoded} symbols={symbols} first={labels[0][..24]} duplicates={duplicates}");
        }
        Console.WriteLine($"audit lines={File.ReadLines(auditPath).Count()}");
        File.Delete(auditPath);
    }
}
