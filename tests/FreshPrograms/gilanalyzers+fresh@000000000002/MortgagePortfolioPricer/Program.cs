using System.Collections.Concurrent;
using System.Diagnostics;

namespace MortgagePortfolioPricer;

internal static class Program
{
    private static void Main(string[] args)
    {
        int poolCount = args.Length > 0 ? int.Parse(args[0]) : 1500;
        var pools = MortgagePool.SamplePortfolio(poolCount, seed: 2);
        var curve = YieldCurve.Flat(0.041);
        var pricer = new PoolPricer(curve, useNative: NativeCurveLib.TryLoad());

        var prices = new ConcurrentBag<(string Cusip, double Price)>();
        int nativeWarnings = 0;
        var sw = Stopwatch.StartNew();

        Parallel.For(0, pools.Count, i =>
        {
            double price = pricer.Price(pools[i]);
            prices.Add((pools[i].Cusip, price));

            if (pricer.UsesNative)
            {
                int warnings;
                lock (NativeCurveLib.Sync)
                {
                    warnings = NativeCurveLib.mbs_warning_count();
                }
                Interlocked.Add(ref nativeWarnings, warnings);
            }
        });
        sw.Stop();

        double total = prices.Sum(p => p.Price * pools.First(x => x.Cusip == p.Cusip).Balance / 100);
        Console.WriteLine($"{prices.Count} pools priced ({(pricer.UsesNative ? "native" : "managed")}) in {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"portfolio market value {total:N0}, native warnings {nativeWarnings}");
    }
}
