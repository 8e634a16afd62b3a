namespace TerrainErosionSim;

// Procedural terrain for a strategy game: fractal heightmap, hydraulic erosion by simulated
// rain droplets on worker threads, then a thermal smoothing pass.
internal static class Program
{
    private static void Main()
    {
        const int Size = 257;
        var map = Heightmap.Fractal(Size, roughness: 0.55, seed: 2024);
        Console.WriteLine($"initial: min {map.Min():F3} max {map.Max():F3} mean {map.Mean():F4}");

        var snapshots = new SnapshotStore();
        snapshots.Save("initial", map);

        var hydraulic = new HydraulicErosion(map, dropletsPerWorker: 6000, workers: 4);
        hydraulic.Run();
        snapshots.Save("hydraulic", map);
        Console.WriteLine($"after rain: min {map.Min():F3} max {map.Max():F3} moved {hydraulic.SedimentMoved:F2}");

        ThermalErosion.Run(map, iterations: 12, talus: 0.012);
        snapshots.Save("thermal", map);
        Console.WriteLine($"after thermal: min {map.Min():F3} max {map.Max():F3} mean {map.Mean():F4}");
        Console.WriteLine($"snapshots: {snapshots.Count}, bytes {snapshots.TotalBytes}");
    }
}

public sealed class Heightmap(int size)
{
    public int Size { get; } = size;
    public float[] H { get; } = new float[size * size];

    public float this[int x, int y]
    {
        get => H[y * Size + x];
        set => H[y * Size + x] = value;
    }

    public float Min() => H.Min();
    public float Max() => H.Max();
    public double Mean() => H.Average(v => (double)v);

    public static Heightmap Fractal(int size, double roughness, int seed)
    {
        // diamond-square
        var rng = new Random(seed);
        var m = new Heightmap(size);
        double amp = 1.0;
        for (int step = size - 1; step > 1; step /= 2, amp *= roughness)
        {
            int half = step / 2;
            for (int y = half; y < size; y += step)
            for (int x = half; x < size; x += step)
            {
                float avg = (m[x - half, y - half] + m[x + half, y - half] + m[x - half, y + half] + m[x + half, y + half]) / 4;
                m[x, y] = avg + (float)((rng.NextDouble() - 0.5) * amp);
            }
            for (int y = 0; y < size; y += half)
            for (int x = (y / half % 2 == 0) ? half : 0; x < size; x += step)
            {
                float sum = 0; int n = 0;
                if (x >= half) { sum += m[x - half, y]; n++; }
                if (x + half < size) { sum += m[x + half, y]; n++; }
                if (y >= half) { sum += m[x, y - half]; n++; }
                if (y + half < size) { sum += m[x, y + half]; n++; }
                m[x, y] = sum / n + (float)((rng.NextDouble() - 0.5) * amp);
            }
        }
        return m;
    }
}

public sealed class SnapshotStore
{
    private readonly Dictionary<string, byte[]> _snapshots = new();
    private readonly object _gate = new();

    public int Count => _snapshots.Count;
    public long TotalBytes => _snapshots.Values.Sum(b => (long)b.Length);

    public void Save(string name, Heightmap map)
    {
        byte[] bytes = new byte[map.H.Length * sizeof(float)];
        Buffer.BlockCopy(map.H, 0, bytes, 0, bytes.Length);
        lock (_gate)
        {
            _snapshots[name] = bytes;
        }
    }
}
