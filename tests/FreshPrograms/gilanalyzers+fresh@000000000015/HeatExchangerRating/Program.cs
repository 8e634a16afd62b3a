using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace HeatExchangerRating;

public sealed record Design(int Id, int Tubes, double LengthM, double BaffleSpacingM, int Passes);

public sealed record Rating(int Id, double DutyKw, double HotOutC, double ColdOutC, double PressureDropKpa);

// Water properties against temperature, linear interpolation; the table can be extended at run time.
public sealed class FluidTable
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly List<(double T, double Cp, double Mu, double K)> _rows = new();

    public void Add(double t, double cp, double mu, double k)
    {
        _rw.EnterWriteLock();
        try { _rows.Add((t, cp, mu, k)); _rows.Sort((a, b) => a.T.CompareTo(b.T)); }
        finally { _rw.ExitWriteLock(); }
    }

    public (double Cp, double Mu, double K) At(double t)
    {
        _rw.EnterReadLock();
        try
        {
            int i = 1;
            while (i < _rows.Count - 1 && _rows[i].T < t) i++;
            var (t0, c0, m0, k0) = _rows[i - 1];
            var (t1, c1, m1, k1) = _rows[i];
            double f = Math.Clamp((t - t0) / (t1 - t0), 0, 1);
            return (c0 + f * (c1 - c0), m0 + f * (m1 - m0), k0 + f * (k1 - k0));
        }
        finally { _rw.ExitReadLock(); }
    }
}

public class RatingService
{
    private const int Segments = 300;
    private readonly FluidTable _water;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly double[] _hot = new double[Segments + 1], _cold = new double[Segments + 1];

    public RatingService(FluidTable water) => _water = water;

    // Counter-flow march along the tubes; shooting on the cold outlet temperature.
    public Rating Rate(Design d, double hotIn, double coldIn, double mh, double mc, double fouling = 0.0002)
    {
        _one.Wait();
        try
        {
            double lo = coldIn, hi = hotIn, dx = d.LengthM / Segments, area = Math.PI * 0.019 * dx * d.Tubes;
            for (int iter = 0; iter < 40; iter++)
            {
                double guess = 0.5 * (lo + hi);
                _hot[0] = hotIn; _cold[0] = guess;
                for (int s = 0; s < Segments; s++)
                {
                    double tm = 0.5 * (_hot[s] + _cold[s]);
                    var (cp, mu, k) = _water.At(tm);
                    double re = 4 * mh / d.Passes / (Math.PI * 0.016 * mu * d.Tubes);
                    double hi_ = 0.023 * Math.Pow(re, 0.8) * Math.Pow(cp * 1000 * mu / k, 0.4) * k / 0.016;
                    double ho = 0.36 * Math.Pow(mc / (d.BaffleSpacingM * 0.5) * 0.019 / mu, 0.55) * Math.Pow(cp * 1000 * mu / k, 1.0 / 3) * k / 0.019;
                    double u = 1 / (1 / hi_ + 1 / ho + fouling);
                    double q = u * area * (_hot[s] - _cold[s]) / 1000;
                    _hot[s + 1] = _hot[s] - q / (mh * cp);
                    _cold[s + 1] = _cold[s] - q / (mc * cp);
                }
                if (_cold[Segments] > coldIn) hi = guess; else lo = guess;
            }
            double duty = mh * _water.At(0.5 * (hotIn + _hot[Segments])).Cp * (hotIn - _hot[Segments]);
            double dp = 0.8 * d.Passes * d.LengthM * Math.Pow(mh / d.Tubes, 1.8) * 1e3;
            return new Rating(d.Id, duty, _hot[Segments], _cold[0], dp);
        }
        finally
        {
            _one.Release();
        }
    }
}

public static class Program
{
    private static readonly SemaphoreSlim AppendGate = new(1, 1);

    public static async Task Main()
    {
        var water = new FluidTable();
        foreach (var (t, cp, mu, k) in new[] { (10.0, 4.192, 1.31e-3, 0.580), (30.0, 4.180, 0.80e-3, 0.615), (50.0, 4.181, 0.55e-3, 0.640),
                                                   (70.0, 4.190, 0.40e-3, 0.660), (90.0, 4.205, 0.31e-3, 0.675), (110.0, 4.229, 0.25e-3, 0.682) })
            water.Add(t, cp, mu, k);

        var designs = (from tubes in new[] { 60, 90, 120, 160, 200, 260 }
                       from len in new[] { 1.8, 2.4, 3.0, 3.6, 4.8, 6.0 }
                       from baffle in new[] { 0.2, 0.3, 0.45 }
                       from passes in new[] { 1, 2, 4 }
                       select (tubes, len, baffle, passes))
                      .Select((x, i) => new Design(i, x.tubes, x.len, x.baffle, x.passes)).ToArray();

        var service = new RatingService(water);
        var ratings = new Rating[designs.Length];
        Parallel.ForEach(designs, d => ratings[d.Id] = Screen(service, d));

        var feasible = ratings.Where(r => r.PressureDropKpa < 60 && r.HotOutC < 55).OrderBy(r => designs[r.Id].Tubes * designs[r.Id].LengthM).ToArray();
        Console.WriteLine($"{designs.Length} designs rated, {feasible.Length} meet hot-out < 55 C at < 60 kPa");
        foreach (var r in feasible.Take(4))
            Console.WriteLine($"  {designs[r.Id]} -> {r.DutyKw:F0} kW, hot out {r.HotOutC:F1} C, dp {r.PressureDropKpa:F1} kPa");

        string log = Path.Combine(Path.GetTempPath(), $"fouling-{Environment.ProcessId}.csv");
        var studies = new List<Task<double>>();
        foreach (var r in feasible.Take(6))
            studies.Add(FoulingStudyAsync(designs[r.Id], water, log));
        double[] daysToLimit = await Task.WhenAll(studies);
        Console.WriteLine("days until duty falls 15%: " + string.Join(", ", daysToLimit.Select(x => x.ToString("F0"))));
        Console.WriteLine($"log lines: {File.ReadAllLines(log).Length}");
        File.Delete(log);
    }

    private static Rating Screen(RatingService service, Design d) => service.Rate(d, 95, 20, 6.0, 8.0);

    // Asymptotic fouling growth: re-rate every ten days until duty drops 15%, then log the result.
    private static async Task<double> FoulingStudyAsync(Design d, FluidTable water, string log)
    {
        var own = new RatingService(water);
        double clean = own.Rate(d, 95, 20, 6.0, 8.0, fouling: 0).DutyKw, day = 0;
        while (day < 1500)
        {
            double rf = 0.0009 * (1 - Math.Exp(-day / 220.0));
            if (own.Rate(d, 95, 20, 6.0, 8.0, rf).DutyKw < 0.85 * clean) break;
            day += 10;
        }
        await AppendGate.WaitAsync();
        try { await File.AppendAllTextAsync(log, $"{d.Id},{d.Tubes},{d.LengthM},{day}\n"); }
        finally { AppendGate.Release(); }
        return day;
    }
}
