using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace BroadPhaseCollider;

public struct Body
{
    public float X, Y, Vx, Vy, Radius;
}

public sealed record FrameStats(int Frame, int Pairs, int MaxPerStripe);

public sealed class SweepAndPrune
{
    private readonly int _stripes;
    public SweepAndPrune(int stripes) => _stripes = stripes;

    public int FindPairs(Body[] bodies, float worldHeight, out int maxPerStripe)
    {
        var counts = new int[_stripes];
        var threads = new Thread[_stripes];
        float stripeHeight = worldHeight / _stripes;
        for (int t = 0; t < _stripes; t++)
        {
            int stripe = t;
            threads[t] = new Thread(() =>
            {
                float lo = stripe * stripeHeight, hi = lo + stripeHeight;
                var members = new List<int>();
                for (int i = 0; i < bodies.Length; i++)
                    if (bodies[i].Y + bodies[i].Radius >= lo && bodies[i].Y - bodies[i].Radius < hi) members.Add(i);
                members.Sort((a, b) => (bodies[a].X - bodies[a].Radius).CompareTo(bodies[b].X - bodies[b].Radius));
                int found = 0;
                for (int m = 0; m < members.Count; m++)
                {
                    ref Body a = ref bodies[members[m]];
                    for (int n = m + 1; n < members.Count; n++)
                    {
                        ref Body b = ref bodies[members[n]];
                        if (b.X - b.Radius > a.X + a.Radius) break;
                        float dx = a.X - b.X, dy = a.Y - b.Y, r = a.Radius + b.Radius;
                        if (dx * dx + dy * dy < r * r) found++;
                    }
                }
                counts[stripe] = found;
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();

        int total = 0;
        maxPerStripe = 0;
        foreach (int c in counts) { total += c; maxPerStripe = Math.Max(maxPerStripe, c); }
        return total;
    }
}

public static class Program
{
    private const float World = 1000f;

    public static void Main()
    {
        var rng = new Random(7);
        var bodies = new Body[12000];
        for (int i = 0; i < bodies.Length; i++)
            bodies[i] = new Body
            {
                X = (float)rng.NextDouble() * World, Y = (float)rng.NextDouble() * World,
                Vx = (float)(rng.NextDouble() - 0.5) * 20, Vy = (float)(rng.NextDouble() - 0.5) * 20,
                Radius = 1.5f + (float)rng.NextDouble() * 3,
            };

        var stats = new BlockingCollection<FrameStats>(boundedCapacity: 64);
        string logPath = Path.Combine(Path.GetTempPath(), "broadphase-frames.csv");
        var logger = new Thread(() =>
        {
            using var writer = new StreamWriter(logPath);
            writer.WriteLine("frame,pairs,max_stripe");
            foreach (var s in stats.GetConsumingEnumerable())
                writer.WriteLine($"{s.Frame},{s.Pairs},{s.MaxPerStripe}");
        }) { Name = "frame-logger" };
        logger.Start();

        var broadPhase = new SweepAndPrune(stripes: 8);
        long totalPairs = 0;
        for (int frame = 0; frame < 30; frame++)
        {
            Parallel.For(0, bodies.Length, i =>
            {
                ref Body b = ref bodies[i];
                b.X += b.Vx * 0.05f;
                b.Y += b.Vy * 0.05f;
                if (b.X < 0 || b.X > World) { b.Vx = -b.Vx; b.X = Math.Clamp(b.X, 0, World); }
                if (b.Y < 0 || b.Y > World) { b.Vy = -b.Vy; b.Y = Math.Clamp(b.Y, 0, World); }
            });

            int pairs = broadPhase.FindPairs(bodies, World, out int maxPerStripe);
            totalPairs += pairs;
            stats.Add(new FrameStats(frame, pairs, maxPerStripe));
        }

        stats.CompleteAdding();
        logger.Join();
        Console.WriteLine($"frames: 30, candidate pairs: {totalPairs}, log: {Path.GetFileName(logPath)}");
    }
}
