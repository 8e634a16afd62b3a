using System.Runtime.CompilerServices;
using System.Text;

namespace BacktestEngine;

public readonly record struct Bar(int Day, double Close);

public sealed record StrategyParams(int Fast, int Slow);

public sealed record BacktestResult(StrategyParams Params, double TotalReturn, double Sharpe, int Trades);

public sealed record Fill(StrategyParams Params, int Day, double Price, bool Buy);

public sealed class TradeLog
{
    private readonly List<Fill> _fills = new();

    public int Count => _fills.Count;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(Fill fill) => _fills.Add(fill);
}

public sealed class Backtester(TradeLog log)
{
    private int _runs;

    public int Runs => _runs;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public BacktestResult Run(StrategyParams p, IReadOnlyList<Bar> bars)
    {
        _runs++;
        double cash = 1.0, units = 0, prevEquity = 1.0, sum = 0, sumSq = 0;
        int trades = 0;
        for (int i = p.Slow; i < bars.Count; i++)
        {
            double fast = 0, slow = 0;
            for (int j = i - p.Fast; j < i; j++) fast += bars[j].Close;
            for (int j = i - p.Slow; j < i; j++) slow += bars[j].Close;
            fast /= p.Fast;
            slow /= p.Slow;
            double price = bars[i].Close;
            if (fast > slow && units == 0) { units = cash / price; cash = 0; trades++; log.Record(new Fill(p, i, price, true)); }
            else if (fast < slow && units > 0) { cash = units * price; units = 0; trades++; log.Record(new Fill(p, i, price, false)); }
            double equity = cash + units * price;
            double r = equity / prevEquity - 1;
            sum += r; sumSq += r * r;
            prevEquity = equity;
        }
        int n = bars.Count - p.Slow;
        double mean = sum / n, sd = Math.Sqrt(Math.Max(1e-12, sumSq / n - mean * mean));
        return new BacktestResult(p, prevEquity - 1, mean / sd * Math.Sqrt(252), trades);
    }
}

public static class Program
{
    public static async Task Main()
    {
        string[] symbols = ["ACME", "GLOBX", "INITECH", "UMBRL", "HOOLI", "STARK"];
        var history = symbols.ToDictionary(s => s, s => Prices(s, days: 6000));

        var log = new TradeLog();
        var backtester = new Backtester(log);
        var grid = (from fast in Enumerable.Range(1, 12) from slow in Enumerable.Range(4, 12) where slow > fast * 2
                    select new StrategyParams(fast * 5, slow * 10)).ToList();
        var results = new BacktestResult[grid.Count];
        Parallel.For(0, grid.Count, i => results[i] = backtester.Run(grid[i], history["ACME"]));

        string reportDir = Path.Combine(Path.GetTempPath(), $"risk-{Environment.ProcessId}");
        Directory.CreateDirectory(reportDir);
        double[] drawdowns = await Task.WhenAll(symbols.Select(s => WriteRiskReportAsync(s, history[s], reportDir)));

        var best = results.OrderByDescending(r => r.Sharpe).First();
        Console.WriteLine($"{backtester.Runs} backtests, {log.Count} fills");
        Console.WriteLine($"best fast={best.Params.Fast} slow={best.Params.Slow} return {best.TotalReturn:P1} sharpe {best.Sharpe:F2}");
        Console.WriteLine("max drawdowns: " + string.Join(", ", symbols.Zip(drawdowns, (s, d) => $"{s} {d:P1}")));
        Directory.Delete(reportDir, recursive: true);
    }

    private static async Task<double> WriteRiskReportAsync(string symbol, IReadOnlyList<Bar> bars, string dir)
    {
        var report = new StringBuilder("day,vol60,drawdown\n");
        double peak = bars[0].Close, maxDrawdown = 0;
        for (int i = 60; i < bars.Count; i++)
        {
            double mean = 0, variance = 0;
            for (int j = i - 60; j < i; j++) mean += Math.Log(bars[j + 1].Close / bars[j].Close);
            mean /= 60;
            for (int j = i - 60; j < i; j++) { double d = Math.Log(bars[j + 1].Close / bars[j].Close) - mean; variance += d * d; }
            peak = Math.Max(peak, bars[i].Close);
            double drawdown = 1 - bars[i].Close / peak;
            maxDrawdown = Math.Max(maxDrawdown, drawdown);
            report.Append(i).Append(',').Append(Math.Sqrt(variance / 59 * 252).ToString("F4")).Append(',').Append(drawdown.ToString("F4")).Append('\n');
        }
        await File.WriteAllTextAsync(Path.Combine(dir, symbol + ".csv"), report.ToString());
        return maxDrawdown;
    }

    private static List<Bar> Prices(string symbol, int days)
    {
        var rng = new Random(symbol.Length * 131 + symbol[0]);
        var bars = new List<Bar>(days);
        double price = 100;
        for (int d = 0; d < days; d++)
        {
            price *= Math.Exp(0.0002 + 0.015 * (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5));
            bars.Add(new Bar(d, price));
        }
        return bars;
    }
}
