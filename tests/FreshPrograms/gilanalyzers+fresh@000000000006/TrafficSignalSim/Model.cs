using System.Runtime.CompilerServices;

namespace TrafficSignalSim;

public sealed record Intersection(int Id, double ArrivalRateNs, double ArrivalRateEw, int CycleSeconds, int GreenNs);

public sealed record IntersectionStats(int Id, double MeanDelay, int MaxQueue, int Served);

public sealed record Corridor(string Name, double[] LinkTravelSeconds, int Cycle);

public interface IQueueModel
{
    IntersectionStats Simulate(Intersection x, int seconds, int seed);
}

/// <summary>Second-by-second queue model with Bernoulli arrivals and a saturation flow of one car per 2 s.</summary>
public sealed class DiscreteQueueModel : IQueueModel
{
    public IntersectionStats Simulate(Intersection x, int seconds, int seed)
    {
        var rng = new Random(seed);
        int qNs = 0, qEw = 0, maxQueue = 0, served = 0;
        long waitSum = 0;
        for (int t = 0; t < seconds; t++)
        {
            if (rng.NextDouble() < x.ArrivalRateNs) qNs++;
            if (rng.NextDouble() < x.ArrivalRateEw) qEw++;
            bool nsGreen = t % x.CycleSeconds < x.GreenNs;
            if (t % 2 == 0)
            {
                if (nsGreen && qNs > 0) { qNs--; served++; }
                if (!nsGreen && qEw > 0) { qEw--; served++; }
            }
            waitSum += qNs + qEw;
            maxQueue = Math.Max(maxQueue, qNs + qEw);
        }
        return new IntersectionStats(x.Id, served == 0 ? 0 : (double)waitSum / served, maxQueue, served);
    }
}

public static class GreenWaveOptimizer
{
    private static readonly List<string> History = new();

    /// <summary>Searches signal offsets along a corridor that maximise the green band (brute force over offset steps).</summary>
    [MethodImpl(MethodImplOptions.Synchronized)]
    public static (int[] Offsets, int Bandwidth) Tune(Corridor corridor)
    {
        int n = corridor.LinkTravelSeconds.Length + 1;
        var offsets = new int[n];
        var best = new int[n];
        int bestBand = -1;
        const int step = 5;
        int options = corridor.Cycle / step;
        long combos = (long)Math.Pow(options, n - 1);
        for (long code = 0; code < combos; code++)
        {
            long c = code;
            for (int i = 1; i < n; i++) { offsets[i] = (int)(c % options) * step; c /= options; }
            int band = 0;
            for (int t0 = 0; t0 < corridor.Cycle; t0++)
            {
                double arrive = t0;
                bool green = true;
                for (int i = 0; i < n && green; i++)
                {
                    if (i > 0) arrive += corridor.LinkTravelSeconds[i - 1];
                    double phase = ((arrive - offsets[i]) % corridor.Cycle + corridor.Cycle) % corridor.Cycle;
                    green = phase < corridor.Cycle * 0.45;
                }
                if (green) band++;
            }
            if (band > bestBand) { bestBand = band; Array.Copy(offsets, best, n); }
        }
        History.Add(corridor.Name);
        return (best, bestBand);
    }
}
