using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PitStopStrategy;

public enum Compound { Soft, Medium, Hard }

public sealed record Strategy(string Family, Compound[] Stints, int[] PitLaps, double RaceTime)
{
    public string Describe() => string.Join(" ", Stints.Select((c, i) => c.ToString()[0] + (i < PitLaps.Length ? $"-{PitLaps[i]}" : "")));

    public static int Faster(Strategy a, Strategy b) => a.RaceTime != b.RaceTime ? a.RaceTime.CompareTo(b.RaceTime) : string.CompareOrdinal(a.Describe(), b.Describe());
}

// Thermal tyre model ported from the team's old Fortran simulator. Temperatures, wear and grip live in module
// variables (COMMON /TYRE/ in the original) and each call continues from where the previous one left them.
public static class LegacyTyreModel
{
    public static readonly object Sync = new object();
    private static double s_surface, s_carcass, s_wear, s_grip, s_trackTemp;
    private static double s_heatRate, s_wearRate, s_optimum, s_peakGrip;

    public static void Reset(Compound compound, double trackTemp)
    {
        (s_heatRate, s_wearRate, s_optimum, s_peakGrip) = compound switch
        {
            Compound.Soft => (1.30, 0.00070, 82.0, 1.0),
            Compound.Medium => (1.10, 0.00045, 88.0, 0.988),
            _ => (0.90, 0.00030, 94.0, 0.978),
        };
        s_trackTemp = trackTemp;
        s_surface = s_carcass = trackTemp + 30;
        s_wear = 0;
        s_grip = 1;
    }

    // One lap in 1500 integration steps; returns the lap time penalty in seconds against a perfect tyre.
    public static double StepLap()
    {
        double penalty = 0;
        for (int step = 0; step < 1500; step++)
        {
            double cornerLoad = 0.5 + 0.5 * Math.Sin(step * 2 * Math.PI / 125);
            s_surface += 0.02 * (s_heatRate * 22 * cornerLoad * s_grip - (s_surface - s_carcass) * 0.9 - (s_surface - s_trackTemp) * 0.15);
            s_carcass += 0.02 * ((s_surface - s_carcass) * 0.25 - (s_carcass - s_trackTemp) * 0.03);
            double thermal = s_peakGrip * Math.Exp(-Math.Pow((s_surface - s_optimum) / 45, 2));
            s_wear += s_wearRate * cornerLoad * (1 + Math.Max(0, s_surface - s_optimum) / 20) / 15;
            s_grip = thermal * (1 - 0.6 * Math.Pow(Math.Min(s_wear, 1), 1.7));
            penalty += (1 - s_grip) * 0.004;
        }
        return penalty;
    }
}

public sealed class Leaderboard(int size)
{
    private readonly List<Strategy> _top = new();

    public void Publish(IEnumerable<Strategy> candidates)
    {
        lock (_top)
        {
            _top.AddRange(candidates);
            _top.Sort(Strategy.Faster);
            if (_top.Count > size) _top.RemoveRange(size, _top.Count - size);
        }
    }

    public IReadOnlyList<Strategy> Top => _top;
}

public static class Program
{
    private const int Laps = 58, MaxStint = 45;
    private const double BaseLap = 92.0, PitLoss = 21.5, FuelEffect = 0.035 * 1.6;

    public static void Main()
    {
        double[] trackTemps = { 24, 28, 32, 36, 40, 44, 48, 52 };
        var curves = new double[3 * trackTemps.Length][];
        Parallel.For(0, curves.Length, k =>
        {
            var compound = (Compound)(k % 3);
            double temp = trackTemps[k / 3];
            lock (LegacyTyreModel.Sync)
            {
                LegacyTyreModel.Reset(compound, temp);
                curves[k] = new double[MaxStint + 1];
                for (int lap = 1; lap <= MaxStint; lap++) curves[k][lap] = curves[k][lap - 1] + LegacyTyreModel.StepLap();
            }
        });
        foreach (int t in new[] { 0, 4, 7 })
            Console.WriteLine($"{trackTemps[t]} C: 20-lap stint loss S {curves[t * 3][20]:F2}s  M {curves[t * 3 + 1][20]:F2}s  H {curves[t * 3 + 2][20]:F2}s");

        int raceTemp = 3;
        double StintTime(Compound c, int laps) => curves[raceTemp * 3 + (int)c][laps];
        var board = new Leaderboard(5);
        var families = new (string Name, int Stops, int Step)[] { ("one-stop", 1, 1), ("two-stop", 2, 1), ("three-stop", 3, 3) };
        var bestPerFamily = new Strategy?[families.Length];
        var threads = new List<Thread>();
        for (int f = 0; f < families.Length; f++)
        {
            int family = f;
            var thread = new Thread(() =>
            {
                var (name, stops, step) = families[family];
                var local = new List<Strategy>();
                foreach (int[] pits in PitLapSets(stops, step))
                    foreach (Compound[] stints in CompoundSequences(stops + 1))
                    {
                        double time = Laps * BaseLap + stops * PitLoss, fuelLaps = 0;
                        int previous = 0;
                        for (int s = 0; s <= stops; s++)
                        {
                            int end = s < stops ? pits[s] : Laps;
                            time += StintTime(stints[s], end - previous);
                            fuelLaps += end - previous;
                            previous = end;
                        }
                        time -= FuelEffect * fuelLaps * (fuelLaps - 1) / 2 / Laps;
                        local.Add(new Strategy(name, stints, pits, time));
                    }
                local.Sort(Strategy.Faster);
                bestPerFamily[family] = local[0];
                board.Publish(local.Take(5));
            });
            threads.Add(thread);
            thread.Start();
        }
        foreach (Thread thread in threads) thread.Join();

        foreach (Strategy? s in bestPerFamily) Console.WriteLine($"best {s!.Family,-10} {s.Describe(),-22} {s.RaceTime:F2}s");
        Console.WriteLine("overall top 5:");
        foreach (Strategy s in board.Top) Console.WriteLine($"  {s.Family,-10} {s.Describe(),-22} {s.RaceTime:F2}s");
    }

    private static IEnumerable<int[]> PitLapSets(int stops, int step)
    {
        IEnumerable<int[]> Extend(int[] prefix)
        {
            int last = prefix.Length == 0 ? 0 : prefix[^1];
            if (prefix.Length == stops)
            {
                if (Laps - last is >= 6 and <= MaxStint) yield return prefix;
                yield break;
            }
            for (int lap = last + 6; lap <= Math.Min(Laps - 6, last + MaxStint); lap += step)
                foreach (int[] full in Extend(prefix.Append(lap).ToArray())) yield return full;
        }
        return Extend(Array.Empty<int>());
    }

    private static IEnumerable<Compound[]> CompoundSequences(int stints)
    {
        int total = (int)Math.Pow(3, stints);
        for (int code = 0; code < total; code++)
        {
            var seq = new Compound[stints];
            for (int s = 0, c = code; s < stints; s++, c /= 3) seq[s] = (Compound)(c % 3);
            if (seq.Distinct().Count() >= 2) yield return seq;
        }
    }
}
