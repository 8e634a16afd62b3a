using System.Collections.Concurrent;

namespace BuildingThermalModel;

public sealed record ZoneResult(string Zone, double HeatingKwh, double CoolingKwh, double PeakKw);

public sealed class ZoneSimulator
{
    private readonly ISolarGainSource _solar;
    public ZoneSimulator(ISolarGainSource solar) => _solar = solar;

    public ZoneResult Simulate(Zone zone)
    {
        double[] gains = _solar.HourlyGains(zone.OrientationDeg);
        double t = 20, heating = 0, cooling = 0, peak = 0;
        for (int h = 0; h < 8760; h++)
        {
            double outdoor = ClearSkySolarModel.OutdoorTemperature(h);
            double q = zone.UValue * zone.Area * (outdoor - t) + 0.6 * zone.WindowArea * gains[h] + 8 * zone.Area;
            t += q * 3600 / zone.Capacitance;
            double hvac = 0;
            if (t < 20) hvac = (20 - t) * zone.Capacitance / 3600;
            else if (t > 25) hvac = (25 - t) * zone.Capacitance / 3600;
            t += hvac * 3600 / zone.Capacitance;
            if (hvac > 0) heating += hvac / 1000; else cooling -= hvac / 1000;
            peak = Math.Max(peak, Math.Abs(hvac) / 1000);
        }
        return new ZoneResult(zone.Name, heating, cooling, peak);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(9);
        int[] orientations = [0, 90, 180, 270, 45, 135, 225, 315];
        var zones = Enumerable.Range(0, 64).Select(i => new Zone($"Z{i:D2}", 40 + rng.Next(200), 0.3 + rng.NextDouble() * 0.5,
            5 + rng.Next(40), orientations[i % orientations.Length], 2e7 + rng.NextDouble() * 6e7)).ToList();

        var solar = new ClearSkySolarModel(latitude: 48.1);
        var simulator = new ZoneSimulator(solar);
        var results = new ZoneResult[zones.Count];
        Parallel.For(0, zones.Count, i => results[i] = simulator.Simulate(zones[i]));

        string folder = Path.Combine(Path.GetTempPath(), "thermal-reports");
        Directory.CreateDirectory(folder);
        using var log = new BlockingCollection<string>();
        Task logWriter = Task.Factory.StartNew(() =>
        {
            using var writer = new StreamWriter(Path.Combine(folder, "run.log"));
            foreach (string line in log.GetConsumingEnumerable()) writer.WriteLine(line);
        }, TaskCreationOptions.LongRunning);

        // Monthly load-duration curves per orientation, each written to its own CSV.
        var reports = orientations.Select(async orientation =>
        {
            var mine = zones.Where(z => z.OrientationDeg == orientation).ToList();
            var hourly = new double[8760];
            double[] g = solar.HourlyGains(orientation);
            foreach (Zone z in mine)
                for (int h = 0; h < hourly.Length; h++) hourly[h] += z.WindowArea * g[h] / 1000;
            Array.Sort(hourly);
            Array.Reverse(hourly);
            var lines = Enumerable.Range(0, 100).Select(p => $"{p},{hourly[p * 87]:F2}");
            await File.WriteAllLinesAsync(Path.Combine(folder, $"ldc-{orientation:D3}.csv"), lines);
            log.Add($"orientation {orientation}: {mine.Count} zones, peak solar {hourly[0]:F1} kW");
            return hourly[0];
        });
        double[] peaks = await Task.WhenAll(reports);
        log.CompleteAdding();
        logWriter.Wait();

        Console.WriteLine($"zones {results.Length}: heating {results.Sum(r => r.HeatingKwh):F0} kWh, cooling {results.Sum(r => r.CoolingKwh):F0} kWh");
        foreach (var r in results.OrderByDescending(r => r.PeakKw).Take(3))
            Console.WriteLine($"  {r.Zone}: peak {r.PeakKw:F1} kW");
        Console.WriteLine($"peak solar by orientation: {string.Join(" ", peaks.Select(p => p.ToString("F0")))}");
    }
}
