using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SolarFarmYield;

public sealed record PanelRow(int Index, double TiltDeg, double PitchM, double GroundSlopeDeg, int Panels);

public static class CloudModel
{
    public static readonly object Gate = new();

    [DllImport("libc.so.6")]
    private static extern void srandom(uint seed);

    [DllImport("libc.so.6")]
    private static extern int random();

    // Two-state Markov cloud cover per hour, drawn from libc's generator like the old C tool did.
    public static double[] HourlyClearness(uint seed)
    {
        srandom(seed);
        var k = new double[8760];
        bool cloudy = false;
        for (int h = 0; h < k.Length; h++)
        {
            double u = random() / 2147483648.0;
            int day = h / 24;
            double pStay = cloudy ? 0.85 - 0.1 * Math.Cos(2 * Math.PI * day / 365) : 0.9;
            if (u > pStay) cloudy = !cloudy;
            double jitter = random() / 2147483648.0;
            k[h] = cloudy ? 0.2 + 0.25 * jitter : 0.7 + 0.1 * jitter;
        }
        return k;
    }
}

public sealed class ShadingEngine(double latitudeDeg, double rowWidthM)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly double[] _poa = new double[8760];

    public async Task<double> AnnualYieldKwhAsync(PanelRow row, double[] clearness)
    {
        await _gate.WaitAsync();
        try
        {
            double lat = Rad(latitudeDeg), tilt = Rad(row.TiltDeg + row.GroundSlopeDeg);
            for (int h = 0; h < 8760; h++)
            {
                int day = h / 24;
                double decl = Rad(23.45) * Math.Sin(2 * Math.PI * (284 + day) / 365.0);
                double hourAngle = Rad(15 * (h % 24 + 0.5 - 12));
                double sinAlt = Math.Sin(lat) * Math.Sin(decl) + Math.Cos(lat) * Math.Cos(decl) * Math.Cos(hourAngle);
                if (sinAlt <= 0) { _poa[h] = 0; continue; }
                double alt = Math.Asin(sinAlt);
                double azimuth = Math.Atan2(Math.Sin(hourAngle), Math.Cos(hourAngle) * Math.Sin(lat) - Math.Tan(decl) * Math.Cos(lat));
                double cosInc = Math.Cos(tilt) * sinAlt + Math.Sin(tilt) * Math.Cos(alt) * Math.Cos(azimuth);
                // Shadow of the row in front along the panel's slope, as a fraction of its width.
                double profile = Math.Atan2(Math.Tan(alt), Math.Abs(Math.Cos(azimuth)) + 1e-9);
                double shadow = rowWidthM * (Math.Sin(tilt) / Math.Tan(profile) + Math.Cos(tilt)) - row.PitchM;
                double shaded = Math.Clamp(shadow / rowWidthM, 0, 1);
                double dni = 1000 * clearness[h] * Math.Pow(0.7, Math.Pow(1 / sinAlt, 0.678));
                double diffuse = 120 * (1 - clearness[h]) * (1 + Math.Cos(tilt)) / 2;
                _poa[h] = Math.Max(0, dni * cosInc) * (1 - shaded) + diffuse;
            }
            double kwh = 0;
            for (int h = 0; h < 8760; h++) kwh += _poa[h] * 0.2 * 1.7 * row.Panels / 1000 * (1 - 0.004 * Math.Max(0, _poa[h] / 40));
            return kwh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static double Rad(double deg) => deg * Math.PI / 180;
}

public static class Program
{
    public static async Task Main()
    {
        const int years = 24;
        var clearness = new double[years][];
        Parallel.For(0, years, y =>
        {
            lock (CloudModel.Gate)
            {
                clearness[y] = CloudModel.HourlyClearness((uint)(1000 + y));
            }
        });
        double[] typical = Enumerable.Range(0, 8760).Select(h => clearness.Average(c => c[h])).ToArray();

        var rows = Enumerable.Range(0, 160).Select(i => new PanelRow(i, 20 + i % 5 * 5, 5.5 + i % 4 * 0.5, (i * 7 % 11) - 5, 48)).ToList();
        var engine = new ShadingEngine(latitudeDeg: 38.5, rowWidthM: 2.2);
        var yields = new double[rows.Count];
        int done = 0;
        var progressGate = new object();

        await Parallel.ForEachAsync(rows, async (row, ct) =>
        {
            yields[row.Index] = await engine.AnnualYieldKwhAsync(row, typical);
            lock (progressGate)
            {
                done++;
                if (done % 40 == 0) Console.Error.WriteLine($"  {done}/{rows.Count} rows");
            }
        });

        var best = rows.MaxBy(r => yields[r.Index])!;
        Console.WriteLine($"weather years: {years}, mean clearness {typical.Average():F3}");
        Console.WriteLine($"farm yield: {yields.Sum() / 1000:F1} MWh/year over {rows.Sum(r => r.Panels)} panels");
        Console.WriteLine($"best row: tilt {best.TiltDeg} deg, pitch {best.PitchM} m, slope {best.GroundSlopeDeg} deg -> {yields[best.Index]:F0} kWh");
    }
}
