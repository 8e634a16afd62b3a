namespace MortgagePortfolioPricer;

public sealed record MortgagePool(string Cusip, double Balance, double Coupon, int TermMonths, int AgeMonths)
{
    public static IReadOnlyList<MortgagePool> SamplePortfolio(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => new MortgagePool($"3138{i:D5}", 1e6 + rng.NextDouble() * 9e6, 0.03 + rng.Next(0, 9) * 0.005, 360, rng.Next(0, 120)))
            .ToList();
    }
}

public sealed class YieldCurve(double[] tenors, double[] zeroRates)
{
    public double[] Tenors { get; } = tenors;
    public double[] ZeroRates { get; } = zeroRates;

    public static YieldCurve Flat(double rate) =>
        new(new[] { 0.25, 1, 2, 5, 10, 30 }, Enumerable.Repeat(rate, 6).ToArray());

    public double Discount(double years)
    {
        int i = Array.FindIndex(Tenors, t => t >= years);
        double r = i < 0 ? ZeroRates[^1] : ZeroRates[Math.Max(0, i)];
        return Math.Exp(-r * years);
    }
}

/// <summary>Prices pass-through pools from projected PSA-style prepayment cash flows.</summary>
public sealed class PoolPricer
{
    private readonly YieldCurve _curve;
    private readonly double[] _discountScratch = new double[361];
    private readonly object _scratchLock = new object();

    public PoolPricer(YieldCurve curve, bool useNative)
    {
        _curve = curve;
        UsesNative = useNative;
    }

    public bool UsesNative { get; }

    public double Price(MortgagePool pool) => UsesNative ? PriceNative(pool) : PriceManaged(pool);

    private double PriceNative(MortgagePool pool)
    {
        double pv = 0, balance = pool.Balance;
        double monthlyRate = pool.Coupon / 12;
        lock (NativeCurveLib.Sync)
        {
            NativeCurveLib.mbs_set_curve(_curve.Tenors, _curve.ZeroRates, _curve.Tenors.Length);
            for (int m = 1; m <= pool.TermMonths - pool.AgeMonths && balance > 1; m++)
            {
                int remaining = pool.TermMonths - pool.AgeMonths - m + 1;
                double scheduled = balance * monthlyRate / (1 - Math.Pow(1 + monthlyRate, -remaining)) - balance * monthlyRate;
                double smm = NativeCurveLib.mbs_prepay_smm(pool.Coupon - 0.04, pool.AgeMonths + m);
                double prepaid = (balance - scheduled) * smm;
                pv += (balance * monthlyRate + scheduled + prepaid) * NativeCurveLib.mbs_discount(m / 12.0);
                balance -= scheduled + prepaid;
            }
        }
        return 100 * pv / pool.Balance;
    }

    private double PriceManaged(MortgagePool pool)
    {
        double pv = 0, balance = pool.Balance;
        double monthlyRate = pool.Coupon / 12;
        lock (_scratchLock)
        {
            for (int m = 0; m < _discountScratch.Length; m++) _discountScratch[m] = _curve.Discount(m / 12.0);

            for (int m = 1; m <= pool.TermMonths - pool.AgeMonths && balance > 1; m++)
            {
                int remaining = pool.TermMonths - pool.AgeMonths - m + 1;
                double scheduled = balance * monthlyRate / (1 - Math.Pow(1 + monthlyRate, -remaining)) - balance * monthlyRate;
                int age = pool.AgeMonths + m;
                double cpr = 0.06 * Math.Min(1.0, age / 30.0) * (1 + 8 * Math.Max(0, pool.Coupon - 0.04));
                double smm = 1 - Math.Pow(1 - cpr, 1.0 / 12);
                double prepaid = (balance - scheduled) * smm;
                pv += (balance * monthlyRate + scheduled + prepaid) * _discountScratch[m];
                balance -= scheduled + prepaid;
            }
        }
        return 100 * pv / pool.Balance;
    }
}
