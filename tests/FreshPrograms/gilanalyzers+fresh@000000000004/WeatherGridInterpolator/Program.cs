using System.Diagnostics;

namespace WeatherGridInterpolator;

internal readonly record struct Station(int Id, double X, double Y, double Value);

internal sealed class GridBuilder
{
    private static readonly object KrigingLock = new();
    private readonly Lock _smoothLock = new();
    private readonly Dictionary<int, double> _elevationCache = new();
    private readonly Station[] _stations;

    public GridBuilder(Station[] stations) => _stations = stations;

    public double[,] KrigeGrid(int size)
    {
        var grid = new double[size, size];
        Parallel.For(0, size, row =>
        {
            for (int col = 0; col < size; col++)
            {
                lock (KrigingLock)
                {
                    grid[row, col] = LegacyKriging.Estimate(_stations, stationSetId: 1, (col + 0.5) / size, (row + 0.5) / size);
                }
            }
        });
        return grid;
    }

    // Station QC: each station is compared with every station inside a radius that grows with its id
    public double[] SmoothStations()
    {
        var smoothed = new double[_stations.Length];
        Parallel.For(0, _stations.Length, i =>
        {
            var s = _stations[i];
            double radius = 0.05 + 0.4 * i / _stations.Length;
            using (_smoothLock.EnterScope())
            {
                double num = 0, den = 0;
                for (int rep = 0; rep < 200; rep++)
                    foreach (var o in _stations)
                    {
                        double d = Math.Sqrt((o.X - s.X) * (o.X - s.X) + (o.Y - s.Y) * (o.Y - s.Y));
                        if (d > radius) continue;
                        double w = 1 / (d * d + 1e-4 + rep * 1e-7);
                        num += w * o.Value; den += w;
                    }
                smoothed[i] = num / den;
            }
        });
        return smoothed;
    }

    public double Elevation(int stationId)
    {
        double computed = 200 + 1500 * Math.Abs(Math.Sin(stationId * 0.7)) * Math.Cos(stationId * 0.13);
        lock (_elevationCache)
        {
            if (_elevationCache.TryGetValue(stationId, out var cached)) return cached;
            _elevationCache[stationId] = computed;
            return computed;
        }
    }
}

internal static class Program
{
    private static void Main()
    {
        var rng = new Random(22);
        var stations = Enumerable.Range(0, 40)
            .Select(i => new Station(i, rng.NextDouble(), rng.NextDouble(), 5 + 20 * rng.NextDouble()))
            .ToArray();
        var sw = Stopwatch.StartNew();
        var builder = new GridBuilder(stations);
        var grid = builder.KrigeGrid(48);
        var smoothed = builder.SmoothStations();
        double lapse = stations.AsParallel().Average(s => builder.Elevation(s.Id) * 0.0065);
        Console.WriteLine($"grid centre {grid[24, 24]:F2} mm, corner {grid[0, 0]:F2} mm ({sw.ElapsedMilliseconds} ms)");
        Console.WriteLine($"smoothed range {smoothed.Min():F2}..{smoothed.Max():F2}, mean lapse {lapse:F2} K");
    }
}
