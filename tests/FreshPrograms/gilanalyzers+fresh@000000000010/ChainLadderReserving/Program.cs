using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace ChainLadderReserving;

sealed record LineOfBusiness(string Name, double[,] Cumulative);

sealed class ReservingModel
{
    private readonly double[,] _tri;
    private readonly int _n;
    private readonly double[] _factors;
    private readonly double[,] _scratch;

    public ReservingModel(double[,] cumulative)
    {
        _tri = cumulative;
        _n = cumulative.GetLength(0);
        _factors = DevelopmentFactors(cumulative, _n);
        _scratch = new double[_n, _n];
    }

    public static double[] DevelopmentFactors(double[,] c, int n)
    {
        var f = new double[n - 1];
        for (int j = 0; j < n - 1; j++)
        {
            double num = 0, den = 0;
            for (int i = 0; i < n - 1 - j; i++) { num += c[i, j + 1]; den += c[i, j]; }
            f[j] = num / den;
        }
        return f;
    }

    public static double Reserve(double[,] c, double[] f, int n)
    {
        double reserve = 0;
        for (int i = 1; i < n; i++)
        {
            double latest = c[i, n - 1 - i], ultimate = latest;
            for (int j = n - 1 - i; j < n - 1; j++) ultimate *= f[j];
            reserve += ultimate - latest;
        }
        return reserve;
    }

    // England-Verrall style bootstrap: resample scaled residuals into a pseudo triangle and re-project.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public double[] BootstrapReserves(int seed, int simulations)
    {
        var rng = new Random(seed);
        var results = new double[simulations];
        for (int s = 0; s < simulations; s++)
        {
            for (int i = 0; i < _n; i++)
            {
                _scratch[i, 0] = _tri[i, 0];
                for (int j = 1; j < _n - i; j++)
                {
                    double expected = _scratch[i, j - 1] * _factors[j - 1];
                    double residual = (rng.NextDouble() - 0.5) * 0.12;
                    _scratch[i, j] = Math.Max(_scratch[i, j - 1], expected * (1 + residual));
                }
            }
            results[s] = Reserve(_scratch, DevelopmentFactors(_scratch, _n), _n);
        }
        return results;
    }
}

static class Program
{
    static double[,] SyntheticTriangle(Random rng, int n, double premium)
    {
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double paid = premium * (0.3 + 0.1 * rng.NextDouble());
            for (int j = 0; j < n - i; j++) { c[i, j] = paid; paid *= 1 + 0.8 / (j + 1) * (0.8 + 0.4 * rng.NextDouble()); }
        }
        return c;
    }

    // Mack standard error per line, then the result is written next to the triangle.
    static async Task<(string Line, double Reserve, double Se)> MackReportAsync(LineOfBusiness lob, string dir)
    {
        int n = lob.Cumulative.GetLength(0);
        double[] f = ReservingModel.DevelopmentFactors(lob.Cumulative, n);
        double reserve = ReservingModel.Reserve(lob.Cumulative, f, n);
        double variance = 0;
        for (int rep = 0; rep < 20000; rep++)
            for (int j = 0; j < n - 1; j++)
                for (int i = 0; i < n - 1 - j; i++)
                {
                    double ratio = lob.Cumulative[i, j + 1] / lob.Cumulative[i, j] - f[j];
                    variance += lob.Cumulative[i, j] * ratio * ratio / (rep + 1);
                }
        double se = Math.Sqrt(variance);
        await File.WriteAllTextAsync(Path.Combine(dir, lob.Name + ".mack.txt"),
            string.Create(CultureInfo.InvariantCulture, $"{lob.Name},{reserve:F0},{se:F0}\n"));
        return (lob.Name, reserve, se);
    }

    static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reserving-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var rng = new Random(5);
        string[] names = { "motor", "property", "liability", "marine", "health", "cyber" };
        foreach (string name in names)
        {
            double[,] tri = SyntheticTriangle(rng, 30, 1e6 * (1 + rng.Next(9)));
            var rows = Enumerable.Range(0, 30).Select(i => string.Join(',', Enumerable.Range(0, 30 - i)
                .Select(j => tri[i, j].ToString("R", CultureInfo.InvariantCulture))));
            await File.WriteAllLinesAsync(Path.Combine(dir, name + ".csv"), rows);
        }

        string[][] texts = await Task.WhenAll(names.Select(n => File.ReadAllLinesAsync(Path.Combine(dir, n + ".csv"))));
        var lines = names.Zip(texts, (name, text) =>
        {
            var c = new double[30, 30];
            for (int i = 0; i < text.Length; i++)
            {
                string[] cells = text[i].Split(',');
                for (int j = 0; j < cells.Length; j++) c[i, j] = double.Parse(cells[j], CultureInfo.InvariantCulture);
            }
            return new LineOfBusiness(name, c);
        }).ToList();

        var mack = await Task.WhenAll(lines.Select(lob => MackReportAsync(lob, dir)));
        foreach (var m in mack) Console.WriteLine($"{m.Line,-10} reserve {m.Reserve,14:N0}  mack se {m.Se,12:N0}");

        var motor = new ReservingModel(lines[0].Cumulative);
        var distribution = new List<double>();
        Parallel.For(0, 8, chunk =>
        {
            double[] sims = motor.BootstrapReserves(1000 + chunk, 2500);
            lock (distribution) distribution.AddRange(sims);
        });
        distribution.Sort();
        Console.WriteLine($"motor bootstrap: mean {distribution.Average():N0}, 99.5% {distribution[(int)(distribution.Count * 0.995)]:N0}");
        Directory.Delete(dir, recursive: true);
    }
}
