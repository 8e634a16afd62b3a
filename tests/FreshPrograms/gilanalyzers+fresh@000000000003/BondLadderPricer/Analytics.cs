namespace BondLadderPricer;

public sealed class ZeroCurve(double[] tenors, double[] zeroRates)
{
    public double Zero(double t)
    {
        if (t <= tenors[0]) return zeroRates[0];
        for (int i = 1; i < tenors.Length; i++)
        {
            if (t <= tenors[i])
            {
                double w = (t - tenors[i - 1]) / (tenors[i] - tenors[i - 1]);
                return zeroRates[i - 1] + w * (zeroRates[i] - zeroRates[i - 1]);
            }
        }
        return zeroRates[^1];
    }
}

public sealed class BondAnalytics(ZeroCurve curve)
{
    private readonly Lock _curveLock = new();
    private double _bumpBp;

    public (double Price, double Dv01) PriceWithRisk(Bond bond, double spread)
    {
        double basePrice = Price(bond, spread);
        double bumped = PriceBumped(bond, spread, 1.0);
        return (basePrice, basePrice - bumped);
    }

    private double PriceBumped(Bond bond, double spread, double bp)
    {
        using (_curveLock.EnterScope())
        {
            _bumpBp = bp;
            double price = 0;
            for (int scenario = 0; scenario < 20; scenario++)
            {
                // small parallel shifts averaged to smooth the interpolation kinks
                price += Price(bond, spread + (_bumpBp + (scenario - 10) * 0.01) / 10_000.0);
            }
            _bumpBp = 0;
            return price / 20;
        }
    }

    private double Price(Bond bond, double spread)
    {
        // semi-annual coupons, discounted weekly-compounded on a fine grid
        double pv = 0;
        int periods = (int)Math.Round(bond.Maturity * 2);
        for (int k = 1; k <= periods; k++)
        {
            double t = k / 2.0;
            double df = Discount(t, spread);
            pv += bond.Coupon / 2 * 100 * df;
        }
        pv += 100 * Discount(bond.Maturity, spread);
        return pv;
    }

    private double Discount(double t, double spread)
    {
        double r = curve.Zero(t) + spread;
        int weeks = (int)(t * 52);
        double df = 1.0;
        double weekly = 1.0 / (1 + r / 52);
        for (int w = 0; w < weeks; w++)
        {
            df *= weekly;
        }
        return df;
    }
}

public sealed class RatingSpreadTable
{
    private readonly Dictionary<string, double> _cache = new();
    private readonly object _gate = new();

    public double SpreadFor(string rating)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(rating, out double cached)) return cached;
        }

        double spread = Calibrate(rating);

        lock (_gate)
        {
            _cache[rating] = spread;
        }
        return spread;
    }

    private static double Calibrate(string rating) => rating switch
    {
        "AAA" => 0.0030,
        "AA" => 0.0045,
        "A" => 0.0070,
        "BBB" => 0.0125,
        _ => 0.0280,
    };
}
