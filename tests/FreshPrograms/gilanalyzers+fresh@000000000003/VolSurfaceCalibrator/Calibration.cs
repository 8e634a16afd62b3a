using System.Runtime.InteropServices;

namespace VolSurfaceCalibrator;

public sealed class SurfaceCalibrator(double spot, double rate)
{
    private readonly object _solverLock = new();
    private readonly double[] _iterationTrace = new double[200];
    private readonly object _calendarGate = new();
    private HashSet<DateOnly>? _holidays;

    public List<VolPoint> Calibrate(List<OptionQuote> quotes)
    {
        var points = new VolPoint[quotes.Count];
        Parallel.For(0, quotes.Count, i =>
        {
            OptionQuote q = quotes[i];
            double businessYears = BusinessDays(q.Expiry) / 252.0;
            double vol;
            lock (_solverLock)
            {
                double lo = 0.01, hi = 3.0;
                for (int b = 0; b < 60; b++)
                {
                    double mid = (lo + hi) / 2;
                    if (BlackScholes.Call(spot, q.Strike, q.Expiry, rate, mid) > q.Price) hi = mid; else lo = mid;
                }
                vol = (lo + hi) / 2;
                for (int n = 0; n < _iterationTrace.Length; n++)
                {
                    double diff = BlackScholes.Call(spot, q.Strike, q.Expiry, rate, vol) - q.Price;
                    double vega = BlackScholes.Vega(spot, q.Strike, q.Expiry, rate, vol);
                    _iterationTrace[n] = diff;
                    if (Math.Abs(diff) < 1e-12 || vega < 1e-10) continue;
                    vol -= diff / vega;
                }
            }
            points[i] = new VolPoint(q.Strike, q.Expiry, vol * Math.Sqrt(q.Expiry / businessYears)); // quote on a business-day clock
        });
        return points.ToList();
    }

    private int BusinessDays(double years)
    {
        lock (_calendarGate)
        {
            if (_holidays is null)
            {
                _holidays = new HashSet<DateOnly>();
                for (int y = 2026; y <= 2030; y++)
                {
                    _holidays.Add(new DateOnly(y, 1, 1));
                    _holidays.Add(new DateOnly(y, 12, 25));
                    _holidays.Add(new DateOnly(y, 12, 26));
                }
            }
        }

        var start = new DateOnly(2026, 12, 4);
        var end = start.AddDays((int)Math.Round(years * 365));
        int days = 0;
        for (var d = start; d < end; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(d)) days++;
        }
        return days;
    }
}

// Path generation goes through the C library's random() so the numbers match the desk's
// legacy C pricer bit for bit. srandom/random keep one generator state per process.
public sealed class NativeMonteCarlo(double spot, double rate, int paths, int steps)
{
    private static readonly object LibcRngLock = new();

    [DllImport("libc.so.6")]
    private static extern void srandom(uint seed);

    [DllImport("libc.so.6")]
    private static extern long random();

    private static double Uniform() => (random() + 0.5) / 2147483648.0;

    public double[] PriceAll(List<Barrier> book, List<VolPoint> surface)
    {
        var prices = new double[book.Count];
        Parallel.For(0, book.Count, i =>
        {
            Barrier b = book[i];
            double vol = Interpolate(surface, b.Strike, b.Expiry);
            double dt = b.Expiry / steps, payoffSum = 0;
            lock (LibcRngLock)
            {
                srandom((uint)(1000 + i));
                for (int p = 0; p < paths; p++)
                {
                    double s = spot;
                    bool knocked = false;
                    for (int k = 0; k < steps && !knocked; k++)
                    {
                        double u1 = Uniform(), u2 = Uniform();
                        double z = Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
                        s *= Math.Exp((rate - vol * vol / 2) * dt + vol * Math.Sqrt(dt) * z);
                        knocked = s >= b.Level;
                    }
                    if (!knocked) payoffSum += Math.Max(0, s - b.Strike);
                }
            }
            prices[i] = Math.Exp(-rate * b.Expiry) * payoffSum / paths;
        });
        return prices;
    }

    private static double Interpolate(List<VolPoint> surface, double strike, double expiry)
    {
        var nearest = surface.OrderBy(p => Math.Abs(p.Expiry - expiry)).ThenBy(p => Math.Abs(p.Strike - strike)).First();
        return nearest.Vol;
    }
}
