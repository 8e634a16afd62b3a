using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace RadarNowcaster;

public sealed record StormCell(double X, double Y, double U, double V, double PeakDbz, double Radius, double Growth);

public sealed class MotionField(int blocks, double[] u, double[] v)
{
    public int Blocks { get; } = blocks;

    public (double U, double V) At(double x, double y, int size)
    {
        double bx = Math.Clamp(x / size * Blocks - 0.5, 0, Blocks - 1.001), by = Math.Clamp(y / size * Blocks - 0.5, 0, Blocks - 1.001);
        int i = (int)bx, j = (int)by;
        double fx = bx - i, fy = by - j;
        int a = j * Blocks + i, b = a + 1, c = a + Blocks, d = c + 1;
        return ((1 - fy) * ((1 - fx) * u[a] + fx * u[b]) + fy * ((1 - fx) * u[c] + fx * u[d]),
                (1 - fy) * ((1 - fx) * v[a] + fx * v[b]) + fy * ((1 - fx) * v[c] + fx * v[d]));
    }
}

// Backward semi-Lagrangian extrapolation of the latest radar image. The departure-point buffers are big, so the
// advector keeps one pair and hands it to one forecast at a time.
public sealed class Advector(float[] latest, int size, MotionField motion)
{
    private readonly Mutex _bufferMutex = new();
    private readonly double[] _departX = new double[size * size];
    private readonly double[] _departY = new double[size * size];

    public float[] Forecast(int leadSteps)
    {
        _bufferMutex.WaitOne();
        try
        {
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++) { _departX[y * size + x] = x; _departY[y * size + x] = y; }
            for (int sub = 0; sub < leadSteps * 4; sub++)
                for (int p = 0; p < _departX.Length; p++)
                {
                    var (u, v) = motion.At(_departX[p], _departY[p], size);
                    _departX[p] -= u / 4;
                    _departY[p] -= v / 4;
                }
            var frame = new float[size * size];
            for (int p = 0; p < frame.Length; p++)
            {
                double x = _departX[p], y = _departY[p];
                if (x < 0 || y < 0 || x >= size - 1 || y >= size - 1) continue;
                int i = (int)x, j = (int)y;
                double fx = x - i, fy = y - j;
                frame[p] = (float)((1 - fy) * ((1 - fx) * latest[j * size + i] + fx * latest[j * size + i + 1]) + fy * ((1 - fx) * latest[(j + 1) * size + i] + fx * latest[(j + 1) * size + i + 1]));
            }
            return frame;
        }
        finally
        {
            _bufferMutex.ReleaseMutex();
        }
    }
}

public static class Program
{
    private const int Size = 256, Block = 16, Search = 6, Leads = 12;

    public static async Task Main()
    {
        var rng = new Random(515);
        StormCell[] cells = Enumerable.Range(0, 14).Select(_ => new StormCell(rng.Next(20, 236), rng.Next(20, 236),
            2.2 + rng.NextDouble(), -1.0 + 0.6 * rng.NextDouble(), 35 + 20 * rng.NextDouble(), 6 + 10 * rng.NextDouble(), (rng.NextDouble() - 0.5) * 0.6)).ToArray();
        float[] previous = Render(cells, -1), latest = Render(cells, 0);

        MotionField motion = await Task.Run(() => EstimateMotion(previous, latest));
        Console.WriteLine($"mean motion: u {Enumerable.Range(0, 256).Average(k => motion.At(k % 16 * 16 + 8, k / 16 * 16 + 8, Size).U):F2} px/step");

        var advector = new Advector(latest, Size, motion);
        var forecasts = new float[Leads + 1][];
        var progressLock = new object();
        int finished = 0;
        Parallel.For(1, Leads + 1, lead =>
        {
            forecasts[lead] = advector.Forecast(lead);
            lock (progressLock)
            {
                finished++;
                Console.Error.WriteLine($"forecast +{lead * 5} min ready ({finished}/{Leads})");
            }
        });

        for (int lead = 1; lead <= Leads; lead++)
        {
            float[] truth = Render(cells, lead);
            int hits = 0, misses = 0, falseAlarms = 0;
            for (int p = 0; p < truth.Length; p++)
            {
                bool observed = truth[p] >= 30, predicted = forecasts[lead][p] >= 30;
                if (observed && predicted) hits++; else if (observed) misses++; else if (predicted) falseAlarms++;
            }
            Console.WriteLine($"+{lead * 5,2} min  CSI {(double)hits / Math.Max(1, hits + misses + falseAlarms):F3}  hits {hits,5}  misses {misses,5}  false alarms {falseAlarms,5}");
        }
    }

    private static float[] Render(StormCell[] cells, int step)
    {
        var frame = new float[Size * Size];
        foreach (StormCell c in cells)
        {
            double cx = c.X + c.U * step, cy = c.Y + c.V * step, peak = c.PeakDbz + c.Growth * step, r2 = c.Radius * c.Radius;
            for (int y = Math.Max(0, (int)(cy - 4 * c.Radius)); y < Math.Min(Size, (int)(cy + 4 * c.Radius)); y++)
                for (int x = Math.Max(0, (int)(cx - 4 * c.Radius)); x < Math.Min(Size, (int)(cx + 4 * c.Radius)); x++)
                {
                    double dbz = peak * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * r2));
                    frame[y * Size + x] = Math.Max(frame[y * Size + x], (float)dbz);
                }
        }
        return frame;
    }

    // Block matching: for each 16x16 block of the latest image, the displacement into the previous image with the
    // smallest sum of absolute differences.
    private static MotionField EstimateMotion(float[] previous, float[] latest)
    {
        int blocks = Size / Block;
        var u = new double[blocks * blocks];
        var v = new double[blocks * blocks];
        Parallel.For(0, blocks * blocks, b =>
        {
            int bx = b % blocks * Block, by = b / blocks * Block;
            double best = double.MaxValue;
            for (int dy = -Search; dy <= Search; dy++)
                for (int dx = -Search; dx <= Search; dx++)
                {
                    double sad = 0;
                    for (int y = by; y < by + Block; y++)
                        for (int x = bx; x < bx + Block; x++)
                        {
                            int px = Math.Clamp(x - dx, 0, Size - 1), py = Math.Clamp(y - dy, 0, Size - 1);
                            sad += Math.Abs(latest[y * Size + x] - previous[py * Size + px]);
                        }
                    if (sad < best - 1e-9 || (Math.Abs(sad - best) < 1e-9 && dx * dx + dy * dy < u[b] * u[b] + v[b] * v[b])) { best = sad; u[b] = dx; v[b] = dy; }
                }
        });
        return new MotionField(blocks, u, v);
    }
}
