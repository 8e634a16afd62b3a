using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace AnnuityMortalityPricer;

public sealed record Cohort(string Sex, int IssueAge, int Deferral)
{
    public string Key => $"{Sex}{IssueAge:D2}+{Deferral:D2}";
}

public sealed record CohortPrice(double Expected, double Reserve995, double LifeExpectancy);

/// <summary>Lee–Carter log-mortality surface: log m(x, t) = a(x) + b(x) * k(t).</summary>
public sealed class LeeCarterModel
{
    public const int MinAge = 50;
    public const int MaxAge = 110;
    public const int Years = 60;

    public readonly double[] Ax = new double[MaxAge - MinAge + 1];
    public readonly double[] Bx = new double[MaxAge - MinAge + 1];
    public double Drift = -1.1;
    public double Sigma = 1.6;

    public LeeCarterModel()
    {
        for (int i = 0; i < Ax.Length; i++)
        {
            int age = MinAge + i;
            Ax[i] = -9.8 + 0.094 * age;
            Bx[i] = 0.022 * Math.Exp(-(age - 60) / 35.0);
        }
    }

    public double CentralRate(int age, double kappa, string sex)
    {
        int i = Math.Min(age, MaxAge) - MinAge;
        double sexShift = sex == "F" ? -0.28 : 0.0;
        return Math.Min(2.0, Math.Exp(Ax[i] + Bx[i] * kappa + sexShift));
    }
}

/// <summary>Prices deferred life annuities of 1 per year against a shared set of mortality and rate scenarios.</summary>
public sealed class AnnuityPricer
{
    private readonly LeeCarterModel _model;
    private readonly double[][] _kappa;
    private readonly double[][] _rates;
    private readonly double[] _pv;
    public int CohortsPriced;

    public AnnuityPricer(LeeCarterModel model, double[][] kappa, double[][] rates)
    {
        _model = model;
        _kappa = kappa;
        _rates = rates;
        _pv = new double[kappa.Length];
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public CohortPrice Price(Cohort cohort)
    {
        double lifeTotal = 0;
        for (int p = 0; p < _kappa.Length; p++)
        {
            double survival = 1.0, discount = 1.0, pv = 0.0, life = 0.0;
            int age = cohort.IssueAge;
            for (int t = 0; t < LeeCarterModel.Years && age <= LeeCarterModel.MaxAge; t++, age++)
            {
                double q = 1.0 - Math.Exp(-_model.CentralRate(age, _kappa[p][t], cohort.Sex));
                discount /= 1.0 + _rates[p][t];
                if (t >= cohort.Deferral)
                    pv += survival * discount;
                survival *= 1.0 - q;
                life += survival;
            }
            _pv[p] = pv;
            lifeTotal += life;
        }
        Array.Sort(_pv);
        double mean = 0;
        foreach (double v in _pv) mean += v;
        mean /= _pv.Length;
        CohortsPriced++;
        return new CohortPrice(mean, _pv[(int)(0.995 * (_pv.Length - 1))], lifeTotal / _kappa.Length);
    }
}

public static class Program
{
    private const int Paths = 4000;

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static void Main()
    {
        var model = new LeeCarterModel();
        var kappa = new double[Paths][];
        var rates = new double[Paths][];

        Parallel.For(0, Paths, p =>
        {
            var rng = new Random(7919 * p + 17);
            var k = new double[LeeCarterModel.Years];
            var r = new double[LeeCarterModel.Years];
            double kt = 0.0, rt = 0.032;
            for (int t = 0; t < k.Length; t++)
            {
                kt += model.Drift + model.Sigma * Gaussian(rng);
                rt += 0.15 * (0.035 - rt) + 0.006 * Gaussian(rng);
                k[t] = kt;
                r[t] = Math.Max(-0.01, rt);
            }
            kappa[p] = k;
            rates[p] = r;
        });

        var cohorts = (from sex in new[] { "M", "F" }
                       from age in Enumerable.Range(55, 31)
                       from deferral in new[] { 0, 5, 10 }
                       select new Cohort(sex, age, deferral)).ToList();

        var pricer = new AnnuityPricer(model, kappa, rates);
        var table = new Dictionary<string, CohortPrice>();

        Parallel.For(0, cohorts.Count, i =>
        {
            CohortPrice price = pricer.Price(cohorts[i]);
            lock (table)
            {
                table[cohorts[i].Key] = price;
            }
        });

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Priced {pricer.CohortsPriced} cohorts over {Paths} scenarios");
        Console.WriteLine("cohort     annuity  reserve99.5  loading  e(x)");
        foreach (string key in table.Keys.Where(k => k.EndsWith("+00") || k.EndsWith("+10")).OrderBy(k => k, StringComparer.Ordinal))
        {
            if (int.Parse(key.Substring(1, 2), inv) % 10 != 5) continue;
            CohortPrice c = table[key];
            double loading = c.Reserve995 / c.Expected - 1.0;
            Console.WriteLine(string.Format(inv, "{0,-9} {1,8:F4} {2,12:F4} {3,7:P1} {4,5:F1}",
                key, c.Expected, c.Reserve995, loading, c.LifeExpectancy));
        }

        double checksum = table.OrderBy(kv => kv.Key, StringComparer.Ordinal).Sum(kv => kv.Value.Expected + kv.Value.Reserve995);
        double femaleGap = cohorts.Where(c => c.Sex == "F" && c.Deferral == 0)
            .Average(c => table[c.Key].Expected - table["M" + c.Key.Substring(1)].Expected);
        Console.WriteLine(string.Format(inv, "Average female-male annuity gap: {0:F4}", femaleGap));
        Console.WriteLine(string.Format(inv, "Checksum: {0:F6}", checksum));
    }
}
