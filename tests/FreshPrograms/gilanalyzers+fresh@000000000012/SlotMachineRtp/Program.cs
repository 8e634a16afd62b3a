using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace SlotMachineRtp;

#nullable disable
/// <summary>Machine definition as the certification spreadsheet exports it: five reel strips and a line paytable.</summary>
public sealed class Machine
{
    public string Name;
    public uint Seed;
    public int Bet = 2;
    public char[][] Reels;
    public Dictionary<char, int[]> Pays;
    public static readonly int[][] Lines =
    {
        new[] { 1, 1, 1, 1, 1 }, new[] { 0, 0, 0, 0, 0 }, new[] { 2, 2, 2, 2, 2 }, new[] { 0, 1, 2, 1, 0 }, new[] { 2, 1, 0, 1, 2 },
    };

    public int Evaluate(int[] stops)
    {
        int win = 0;
        foreach (var line in Lines)
        {
            char first = Symbol(0, stops[0] + line[0] - 1);
            int run = 1;
            while (run < 5 && (Symbol(run, stops[run] + line[run] - 1) is var s) && (s == first || s == 'W')) run++;
            if (Pays.TryGetValue(first, out var pay) && run >= 3) win += pay[run - 3];
        }
        return win;
    }

    private char Symbol(int reel, int position) => Reels[reel][(position + Reels[reel].Length) % Reels[reel].Length];
}

public sealed class RtpJob
{
    public Machine Machine;
    public ManualResetEvent Done;
    public double ExactRtp;
    public double HitRate;
}
#nullable restore

internal static class LibcRandom
{
    public static readonly object Gate = new();

    [DllImport("libc.so.6")]
    public static extern void srand(uint seed);

    [DllImport("libc.so.6")]
    public static extern int rand();
}

public static class Program
{
    private const int Spins = 250_000;

    private static void ComputeExact(object? state)
    {
        var job = (RtpJob)state!;
        try
        {
            var m = job.Machine;
            var stops = new int[5];
            long combos = 0, paid = 0, hits = 0;
            for (stops[0] = 0; stops[0] < m.Reels[0].Length; stops[0]++)
            for (stops[1] = 0; stops[1] < m.Reels[1].Length; stops[1]++)
            for (stops[2] = 0; stops[2] < m.Reels[2].Length; stops[2]++)
            for (stops[3] = 0; stops[3] < m.Reels[3].Length; stops[3]++)
            for (stops[4] = 0; stops[4] < m.Reels[4].Length; stops[4]++)
            {
                int win = m.Evaluate(stops);
                combos++;
                paid += win;
                if (win > 0) hits++;
            }
            job.ExactRtp = paid / (double)(combos * m.Bet);
            job.HitRate = hits / (double)combos;
        }
        finally
        {
            job.Done.Set();
        }
    }

    private static Machine MakeMachine(int k)
    {
        var rng = new Random(900 + k);
        const string Symbols = "AAAAKKKKQQQJJJ77BBW";
        return new Machine
        {
            Name = $"CX-{500 + k * 7}",
            Seed = (uint)(31 * k + 7),
            Reels = Enumerable.Range(0, 5).Select(_ => Symbols.OrderBy(_ => rng.Next()).Take(16).ToArray()).ToArray(),
            Pays = new Dictionary<char, int[]>
            {
                ['A'] = new[] { 2, 5, 15 }, ['K'] = new[] { 3, 8, 20 }, ['Q'] = new[] { 4, 10, 30 },
                ['J'] = new[] { 5, 15, 40 }, ['7'] = new[] { 20, 80, 400 }, ['B'] = new[] { 10, 40, 150 },
                ['W'] = new[] { 50, 200, 1000 + 100 * k },
            },
        };
    }

    public static void Main()
    {
        var machines = Enumerable.Range(0, 6).Select(MakeMachine).ToList();

        var jobs = machines.Select(m => new RtpJob { Machine = m, Done = new ManualResetEvent(false) }).ToArray();
        foreach (var job in jobs)
            ThreadPool.QueueUserWorkItem(ComputeExact, job);
        WaitHandle.WaitAll(jobs.Select(j => (WaitHandle)j.Done).ToArray());

        var simulated = new Dictionary<string, (double Rtp, double HitRate)>();
        Parallel.ForEach(machines, machine =>
        {
            long paid = 0, hits = 0;
            var stops = new int[5];
            lock (LibcRandom.Gate)
            {
                LibcRandom.srand(machine.Seed);
                for (int spin = 0; spin < Spins; spin++)
                {
                    for (int r = 0; r < 5; r++) stops[r] = LibcRandom.rand() % machine.Reels[r].Length;
                    int win = machine.Evaluate(stops);
                    paid += win;
                    if (win > 0) hits++;
                }
            }
            lock (simulated) simulated[machine.Name] = (paid / (double)(Spins * machine.Bet), hits / (double)Spins);
        });

        foreach (var job in jobs)
        {
            var mc = simulated[job.Machine.Name];
            Console.WriteLine($"{job.Machine.Name}: exact RTP {job.ExactRtp:P2} (hit {job.HitRate:P1}), " +
                              $"simulated {mc.Rtp:P2} (hit {mc.HitRate:P1}) over {Spins:N0} spins");
            job.Done.Dispose();
        }
    }
}
