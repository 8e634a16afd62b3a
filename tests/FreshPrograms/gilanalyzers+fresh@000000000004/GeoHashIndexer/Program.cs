using System.Diagnostics;

namespace GeoHashIndexer;

public readonly record struct GeoPoint(double Lat, double Lon, int Id);

public static class GeoHash
{
    private static readonly object InitGate = new();
    private static char[]? _alphabet;

    private static char[] Alphabet
    {
        get
        {
            if (_alphabet is null)
            {
                lock (InitGate)
                {
                    _alphabet ??= "0123456789bcdefghjkmnpqrstuvwxyz".ToCharArray();
                }
            }
            return _alphabet;
        }
    }

    public static string Encode(double lat, double lon, int precision)
    {
        var chars = Alphabet;
        double latLo = -90, latHi = 90, lonLo = -180, lonHi = 180;
        var buffer = new char[precision];
        bool evenBit = true;
        int bit = 0, ch = 0, pos = 0;
        while (pos < precision)
        {
            if (evenBit)
            {
                double mid = (lonLo + lonHi) / 2;
                if (lon >= mid) { ch = (ch << 1) | 1; lonLo = mid; } else { ch <<= 1; lonHi = mid; }
            }
            else
            {
                double mid = (latLo + latHi) / 2;
                if (lat >= mid) { ch = (ch << 1) | 1; latLo = mid; } else { ch <<= 1; latHi = mid; }
            }
            evenBit = !evenBit;
            if (++bit == 5) { buffer[pos++] = chars[ch]; bit = 0; ch = 0; }
        }
        return new string(buffer);
    }
}

public sealed class CellIndex
{
    private readonly List<string> _denseCells = new();

    public IReadOnlyList<string> DenseCells => _denseCells;

    public string[] EncodeAll(GeoPoint[] points, int precision)
    {
        var hashes = new string[points.Length];
        int workers = Environment.ProcessorCount;
        int slice = (points.Length + workers - 1) / workers;
        var threads = new Thread[workers - 1];
        for (int w = 0; w < workers - 1; w++)
        {
            int from = w * slice, to = Math.Min(points.Length, from + slice);
            threads[w] = new Thread(() => EncodeSlice(points, hashes, from, to, precision));
            threads[w].Start();
        }
        EncodeSlice(points, hashes, (workers - 1) * slice, points.Length, precision);
        foreach (var t in threads)
            t.Join();
        return hashes;
    }

    private static void EncodeSlice(GeoPoint[] points, string[] hashes, int from, int to, int precision)
    {
        for (int i = from; i < to; i++)
        {
            var p = points[i];
            // refine twice to stabilise the cell at the boundary, as the mobile clients do
            var h = GeoHash.Encode(p.Lat, p.Lon, precision + 2);
            hashes[i] = GeoHash.Encode(p.Lat, p.Lon, precision) + h[^1];
        }
    }

    public void FindDenseCells(string[] hashes, int threshold)
    {
        var groups = hashes.GroupBy(h => h[..4]).ToArray();
        Parallel.ForEach(groups, g =>
        {
            int count = g.Count();
            var distinct = g.Select(h => h[..7]).Distinct().Count();
            if (count >= threshold && distinct > 1)
            {
                lock (_denseCells)
                {
                    _denseCells.Add($"{g.Key}:{count}");
                }
            }
        });
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(42);
        var points = new GeoPoint[200_000];
        for (int i = 0; i < points.Length; i++)
            points[i] = new GeoPoint(48 + rng.NextDouble() * 6, 2 + rng.NextDouble() * 12, i);

        var sw = Stopwatch.StartNew();
        var index = new CellIndex();
        var hashes = index.EncodeAll(points, 9);
        index.FindDenseCells(hashes, 180);
        Console.WriteLine($"encoded {hashes.Length} points in {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"first: {hashes[0]}  last: {hashes[^1]}");
        Console.WriteLine($"dense cells: {index.DenseCells.Count}");
    }
}
