namespace TerrainErosionSim;

public sealed class HydraulicErosion(Heightmap map, int dropletsPerWorker, int workers)
{
    private readonly double[] _moved = new double[workers];

    public double SedimentMoved => _moved.Sum();

    public void Run()
    {
        // each worker rains on its own horizontal band so bands never overlap
        int band = map.Size / workers;
        var threads = new List<Thread>();
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            var thread = new Thread(() => RainOnBand(worker, worker * band, (worker + 1) * band - 1));
            threads.Add(thread);
            thread.Start();
        }
        threads.ForEach(t => t.Join());
    }

    private void RainOnBand(int worker, int y0, int y1)
    {
        var rng = new Random(500 + worker);
        double moved = 0;
        for (int d = 0; d < dropletsPerWorker; d++)
        {
            double x = 1 + rng.NextDouble() * (map.Size - 3);
            double y = y0 + 1 + rng.NextDouble() * (y1 - y0 - 3);
            double sediment = 0, water = 1, speed = 1;
            for (int life = 0; life < 40; life++)
            {
                int ix = (int)x, iy = (int)y;
                if (ix < 1 || iy <= y0 || ix >= map.Size - 2 || iy >= y1 - 1) break;
                float h = map[ix, iy];
                double gx = map[ix + 1, iy] - map[ix - 1, iy];
                double gy = map[ix, iy + 1] - map[ix, iy - 1];
                double len = Math.Sqrt(gx * gx + gy * gy) + 1e-9;
                x -= gx / len; y -= gy / len;
                int nx = (int)x, ny = (int)y;
                if (nx < 1 || ny <= y0 || nx >= map.Size - 2 || ny >= y1 - 1) break;
                double dh = map[nx, ny] - h;
                double capacity = Math.Max(-dh, 0.001) * speed * water * 4;
                if (sediment > capacity || dh > 0)
                {
                    double deposit = dh > 0 ? Math.Min(dh, sediment) : (sediment - capacity) * 0.3;
                    sediment -= deposit;
                    map[ix, iy] += (float)deposit;
                }
                else
                {
                    double erode = Math.Min((capacity - sediment) * 0.3, -dh);
                    sediment += erode;
                    map[ix, iy] -= (float)erode;
                    moved += erode;
                }
                speed = Math.Sqrt(Math.Max(0, speed * speed - dh * 4));
                water *= 0.98;
            }
        }
        _moved[worker] = moved;
    }
}

public static class ThermalErosion
{
    public static void Run(Heightmap map, int iterations, double talus)
    {
        int n = map.Size;
        for (int it = 0; it < iterations; it++)
        {
            var next = (float[])map.H.Clone();
            Parallel.For(1, n - 1, y =>
            {
                lock (typeof(ThermalErosion))
                {
                    for (int x = 1; x < n - 1; x++)
                    {
                        float h = map[x, y];
                        float total = 0;
                        for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            float d = h - map[x + dx, y + dy];
                            if (d > talus) total += (float)((d - talus) * 0.05);
                        }
                        next[y * n + x] = h - total;
                    }
                }
            });
            Array.Copy(next, map.H, next.Length);
        }
    }
}
