using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace WindTurbineFatigue;

public sealed record Turbine(string Id, double MeanWind, double Turbulence, int Seed);

public sealed record LoadChannel(string Turbine, string Name, double[] Samples);

public readonly record struct Cycle(double Range, double Mean, double Count);

public sealed record ChannelFatigue(string Turbine, string Channel, int Cycles, double Del, double MaxRange);

/// <summary>ASTM E1049 rainflow counting over turning points; the class keeps a plant-wide cycle tally.</summary>
public static class RainflowCounter
{
    public static long TotalCycles;

    public static List<Cycle> Count(double[] series)
    {
        lock (typeof(RainflowCounter))
        {
            var turning = new List<double> { series[0] };
            for (int i = 1; i < series.Length - 1; i++)
                if ((series[i] - series[i - 1]) * (series[i + 1] - series[i]) < 0) turning.Add(series[i]);
            turning.Add(series[^1]);

            var cycles = new List<Cycle>();
            var stack = new List<double>();
            foreach (double point in turning)
            {
                stack.Add(point);
                while (stack.Count >= 3)
                {
                    double x = Math.Abs(stack[^1] - stack[^2]), y = Math.Abs(stack[^2] - stack[^3]);
                    if (x < y) break;
                    if (stack.Count == 3)
                    {
                        cycles.Add(new Cycle(y, (stack[0] + stack[1]) / 2, 0.5));
                        stack.RemoveAt(0);
                    }
                    else
                    {
                        cycles.Add(new Cycle(y, (stack[^2] + stack[^3]) / 2, 1.0));
                        stack.RemoveRange(stack.Count - 3, 2);
                    }
                }
            }
            for (int i = 0; i + 1 < stack.Count; i++)
                cycles.Add(new Cycle(Math.Abs(stack[i + 1] - stack[i]), (stack[i + 1] + stack[i]) / 2, 0.5));
            cycles.Sort((a, b) => b.Range.CompareTo(a.Range));
            TotalCycles += cycles.Count;
            return cycles;
        }
    }
}

public static class Program
{
    private const int SampleRate = 50, Seconds = 2 * 3600;

    private static LoadChannel[] Synthesise(Turbine t)
    {
        var rng = new Random(t.Seed);
        string[] names = { "blade-root-flap", "blade-root-edge", "tower-base-fa", "shaft-torque" };
        return names.Select((name, c) =>
        {
            var samples = new double[SampleRate * Seconds];
            double gust = 0, rotor = 0.2 * (t.MeanWind / 10);
            for (int i = 0; i < samples.Length; i++)
            {
                double time = i / (double)SampleRate;
                gust = 0.995 * gust + t.Turbulence * 0.1 * (rng.NextDouble() - 0.5);
                double wind = t.MeanWind + gust;
                samples[i] = (c + 1) * 120 * wind * wind / 100 + 35 * Math.Sin(2 * Math.PI * rotor * time * (c == 1 ? 1 : 3))
                             + 8 * Math.Sin(2 * Math.PI * 0.31 * time) + 3 * (rng.NextDouble() - 0.5);
            }
            return new LoadChannel(t.Id, name, samples);
        }).ToArray();
    }

    private static double DamageEquivalentLoad(IEnumerable<Cycle> cycles, double wohler, double equivalentCycles) =>
        Math.Pow(cycles.Sum(c => c.Count * Math.Pow(c.Range, wohler)) / equivalentCycles, 1 / wohler);

    public static async Task Main()
    {
        var turbines = Enumerable.Range(0, 6)
            .Select(k => new Turbine($"WTG-{k + 1:D2}", MeanWind: 7.5 + 0.9 * k, Turbulence: 0.10 + 0.02 * (k % 3), Seed: 4000 + k))
            .ToArray();
        string outDir = Directory.CreateTempSubdirectory("fatigue-").FullName;

        var channelSets = await Task.WhenAll(turbines.Select(t => Task.Run(() => Synthesise(t))));
        var channels = channelSets.SelectMany(set => set).ToList();

        var fatigue = new ConcurrentBag<ChannelFatigue>();
        using (var csv = new StreamWriter(Path.Combine(outDir, "del.csv")))
        {
            csv.WriteLine("turbine,channel,cycles,del_m10");
            Parallel.ForEach(channels, channel =>
            {
                var cycles = RainflowCounter.Count(channel.Samples);
                var result = new ChannelFatigue(channel.Turbine, channel.Name, cycles.Count,
                    DamageEquivalentLoad(cycles, wohler: 10, equivalentCycles: 1e7), cycles[0].Range);
                fatigue.Add(result);
                lock (csv)
                {
                    csv.WriteLine($"{result.Turbine},{result.Channel},{result.Cycles},{result.Del:F2}");
                }
            });
        }

        async Task<(string Id, double PeakHz)> SummariseAsync(LoadChannel[] set)
        {
            var flap = set[0].Samples.Where((_, i) => i % 10 == 0).ToArray();
            double bestPower = 0, bestHz = 0, rate = SampleRate / 10.0;
            for (int k = 1; k <= 240; k++)
            {
                double hz = k * 0.01, coeff = 2 * Math.Cos(2 * Math.PI * hz / rate), s1 = 0, s2 = 0;
                foreach (double x in flap) (s1, s2) = (x + coeff * s1 - s2, s1);
                double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
                if (power > bestPower) (bestPower, bestHz) = (power, hz);
            }
            var report = new StringBuilder($"{set[0].Turbine}: dominant flap frequency {bestHz:F2} Hz\n");
            foreach (var f in fatigue.Where(f => f.Turbine == set[0].Turbine).OrderBy(f => f.Channel, StringComparer.Ordinal))
                report.AppendLine($"  {f.Channel}: {f.Cycles} cycles, DEL(m=10) {f.Del:F1} kNm");
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{set[0].Turbine}.txt"), report.ToString());
            return (set[0].Turbine, bestHz);
        }
        var peaks = await Task.WhenAll(channelSets.Select(SummariseAsync));

        foreach (var (id, hz) in peaks)
        {
            var worst = fatigue.Where(f => f.Turbine == id).MaxBy(f => f.Del)!;
            Console.WriteLine($"{id}: flap peak {hz:F2} Hz, worst DEL {worst.Channel} {worst.Del:F1} kNm (max range {worst.MaxRange:F0})");
        }
        Console.WriteLine($"plant total: {RainflowCounter.TotalCycles:N0} rainflow cycles, " +
                          $"{File.ReadAllLines(Path.Combine(outDir, "del.csv")).Length - 1} channel rows");
        Directory.Delete(outDir, recursive: true);
    }
}
