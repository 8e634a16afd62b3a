using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ToleranceStackAnalyzer;

public enum Dist { Normal, Uniform }

public record Dimension(string Name, double Nominal, double Tol, int Direction, Dist Dist);

public record Stack(string Name, Dimension[] Chain, double GapMin, double GapMax);

public record StackResult(string Name, double WorstMin, double WorstMax, double Rss, double RejectPpm);

public sealed class PartHistory(string name)
{
    public string Name { get; } = name;
    public object Sync { get; } = new();
    public List<double> Measurements { get; } = new();
    public double Cpk, CpkLow, CpkHigh;
}

public static class Program
{
    public static async Task Main()
    {
        var stacks = Enumerable.Range(0, 10).Select(MakeStack).ToArray();
        string dir = Path.Combine(Path.GetTempPath(), $"stacks-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);

        // Monte Carlo every stack in the product; each analysis appends its line to a per-stack report.
        var tasks = new Task<StackResult>[stacks.Length];
        for (int i = 0; i < stacks.Length; i++)
            tasks[i] = AnalyseAsync(stacks[i], samples: 250_000, dir);
        StackResult[] results = await Task.WhenAll(tasks);
        foreach (var r in results.Take(4))
            Console.WriteLine($"{r.Name}: worst case [{r.WorstMin:F3}, {r.WorstMax:F3}], RSS +/-{r.Rss:F3}, MC reject {r.RejectPpm:F0} ppm");

        // Supplier drawings arrive as CSV files; each is read, then simulated.
        var drawingFiles = new List<string>();
        for (int k = 0; k < 6; k++)
        {
            string path = Path.Combine(dir, $"drawing-{k}.csv");
            File.WriteAllLines(path, MakeStack(20 + k).Chain.Select(d => FormattableString.Invariant($"{d.Name},{d.Nominal},{d.Tol},{d.Direction},{d.Dist}")));
            drawingFiles.Add(path);
        }
        double[] supplierPpm = await Task.WhenAll(drawingFiles.Select(LoadAndSimulateAsync));
        Console.WriteLine("supplier stacks reject ppm: " + string.Join(", ", supplierPpm.Select(p => p.ToString("F0"))));

        // Process capability of each machined part, with a bootstrap interval on Cpk.
        var parts = Enumerable.Range(0, 12).Select(i => new PartHistory($"P-{100 + i}")).ToArray();
        var feed = new Random(5);
        foreach (var p in parts) for (int k = 0; k < 2500; k++) p.Measurements.Add(10 + 0.01 * Gauss(feed) + 0.002 * (int.Parse(p.Name[2..]) % 3));
        Parallel.For(0, parts.Length, i =>
        {
            lock (parts[i].Sync)
            {
                var m = parts[i].Measurements;
                parts[i].Cpk = Cpk(m, 9.95, 10.05);
                var rng = new Random(i);
                var boot = new double[400];
                var resample = new double[m.Count];
                for (int b = 0; b < boot.Length; b++)
                {
                    for (int k = 0; k < resample.Length; k++) resample[k] = m[rng.Next(m.Count)];
                    boot[b] = Cpk(resample, 9.95, 10.05);
                }
                Array.Sort(boot);
                parts[i].CpkLow = boot[10]; parts[i].CpkHigh = boot[389];
            }
        });
        Console.WriteLine($"{parts[0].Name}: Cpk {parts[0].Cpk:F2} [{parts[0].CpkLow:F2}, {parts[0].CpkHigh:F2}]");
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<StackResult> AnalyseAsync(Stack s, int samples, string dir)
    {
        double nominalGap = s.Chain.Sum(d => d.Direction * d.Nominal);
        double worst = s.Chain.Sum(d => d.Tol), rss = Math.Sqrt(s.Chain.Sum(d => d.Tol * d.Tol));
        double ppm = Simulate(s, samples, seed: s.Name.Length * 31 + s.Chain.Length);
        var result = new StackResult(s.Name, nominalGap - worst, nominalGap + worst, rss, ppm);
        await using var w = new StreamWriter(Path.Combine(dir, s.Name + ".txt"));
        await w.WriteLineAsync(FormattableString.Invariant($"{result.Name},{result.WorstMin},{result.WorstMax},{result.Rss},{result.RejectPpm}"));
        return result;
    }

    private static async Task<double> LoadAndSimulateAsync(string path)
    {
        string[] lines = await File.ReadAllLinesAsync(path);
        var chain = lines.Select(l => l.Split(',')).Select(f => new Dimension(f[0], double.Parse(f[1], CultureInfo.InvariantCulture),
            double.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3]), Enum.Parse<Dist>(f[4]))).ToArray();
        double gap = chain.Sum(d => d.Direction * d.Nominal);
        return Simulate(new Stack(Path.GetFileNameWithoutExtension(path), chain, gap - 0.25, gap + 0.25), 250_000, seed: lines.Length);
    }

    private static double Simulate(Stack s, int samples, int seed)
    {
        var rng = new Random(seed);
        long rejects = 0;
        for (int n = 0; n < samples; n++)
        {
            double gap = 0;
            foreach (var d in s.Chain)
            {
                double dev = d.Dist == Dist.Normal ? d.Tol / 3 * Gauss(rng) : d.Tol * (2 * rng.NextDouble() - 1);
                gap += d.Direction * (d.Nominal + dev);
            }
            if (gap < s.GapMin || gap > s.GapMax) rejects++;
        }
        return rejects * 1e6 / samples;
    }

    private static double Cpk(IReadOnlyList<double> x, double lsl, double usl)
    {
        double mean = 0; for (int i = 0; i < x.Count; i++) mean += x[i];
        mean /= x.Count;
        double ss = 0; for (int i = 0; i < x.Count; i++) ss += (x[i] - mean) * (x[i] - mean);
        double sd = Math.Sqrt(ss / (x.Count - 1));
        return Math.Min(usl - mean, mean - lsl) / (3 * sd);
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static Stack MakeStack(int k)
    {
        var rng = new Random(400 + k);
        int n = 5 + k % 6;
        var chain = Enumerable.Range(0, n).Select(i => new Dimension($"d{i}", 5 + rng.Next(40), 0.02 + 0.01 * rng.Next(6),
            i == 0 ? 1 : -1, rng.Next(3) == 0 ? Dist.Uniform : Dist.Normal)).ToArray();
        double housing = chain.Skip(1).Sum(d => d.Nominal) + 0.5;
        chain[0] = chain[0] with { Nominal = housing };
        double rss = Math.Sqrt(chain.Sum(d => d.Tol * d.Tol));
        return new Stack($"stack-{k:D2}", chain, 0.5 - 1.2 * rss, 0.5 + 1.2 * rss);
    }
}
