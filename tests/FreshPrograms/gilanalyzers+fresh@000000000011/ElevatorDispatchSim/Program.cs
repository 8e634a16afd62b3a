using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace ElevatorDispatchSim;

public enum Policy { NearestCar, Zoned, RoundRobin }

public readonly record struct RunResult(Policy Policy, int Seed, double MeanWait, double MaxWait, int Served);

public sealed class Building(int floors, int cars)
{
    private readonly int[] _carFloor = new int[cars];
    private readonly int[] _carTarget = new int[cars];
    private readonly List<(int From, int To, int Arrived)>[] _hall = Enumerable.Range(0, floors).Select(_ => new List<(int, int, int)>()).ToArray();
    private readonly List<RunResult> _log = new();

    public int Floors => floors;

    // Reuses the building's car and hall arrays between runs, hence the attribute.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public RunResult SimulateDay(Policy policy, int seed, int seconds)
    {
        var rng = new Random(seed);
        Array.Clear(_carFloor);
        Array.Fill(_carTarget, -1);
        foreach (var queue in _hall) queue.Clear();
        var riding = new List<(int Car, int To, int Arrived)>();
        double waitSum = 0, waitMax = 0;
        int served = 0, nextCar = 0;

        for (int t = 0; t < seconds; t++)
        {
            double rate = t % 3600 < 900 ? 0.25 : 0.08;
            if (rng.NextDouble() < rate)
            {
                int from = rng.NextDouble() < 0.6 ? 0 : rng.Next(floors);
                int to = from == 0 ? 1 + rng.Next(floors - 1) : 0;
                _hall[from].Add((from, to, t));
            }
            for (int f = 0; f < floors; f++)
            {
                if (_hall[f].Count == 0 || _carTarget.Contains(f)) continue;
                int car = policy switch
                {
                    Policy.NearestCar => Enumerable.Range(0, cars).Where(c => _carTarget[c] < 0)
                        .DefaultIfEmpty(-1).MinBy(c => c < 0 ? int.MaxValue : Math.Abs(_carFloor[c] - f)),
                    Policy.Zoned => f * cars / floors,
                    _ => nextCar++ % cars,
                };
                if (car >= 0 && _carTarget[car] < 0) _carTarget[car] = f;
            }
            for (int c = 0; c < cars; c++)
            {
                if (_carTarget[c] < 0) continue;
                if (_carFloor[c] != _carTarget[c]) { _carFloor[c] += Math.Sign(_carTarget[c] - _carFloor[c]); continue; }
                int here = _carFloor[c];
                riding.RemoveAll(r => r.Car == c && r.To == here);
                foreach (var p in _hall[here])
                {
                    double wait = t - p.Arrived;
                    waitSum += wait; waitMax = Math.Max(waitMax, wait); served++;
                    riding.Add((c, p.To, p.Arrived));
                }
                _hall[here].Clear();
                var onboard = riding.Where(r => r.Car == c).ToList();
                _carTarget[c] = onboard.Count == 0 ? -1 : onboard.MinBy(r => Math.Abs(r.To - here)).To;
            }
        }
        return new RunResult(policy, seed, served == 0 ? 0 : waitSum / served, waitMax, served);
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(RunResult result) => _log.Add(result);

    public IReadOnlyList<RunResult> Log => _log;
}

public static class Program
{
    public static void Main()
    {
        var building = new Building(floors: 24, cars: 6);
        var jobs = (from policy in Enum.GetValues<Policy>()
                    from seed in Enumerable.Range(1, 8)
                    select (policy, seed)).ToList();

        RunResult? best = null;
        var bestGate = new object();
        Parallel.ForEach(jobs, job =>
        {
            RunResult result = building.SimulateDay(job.policy, job.seed, seconds: 8 * 3600);
            building.Record(result);
            lock (bestGate)
            {
                if (best is null || result.MeanWait < best.Value.MeanWait) best = result;
            }
        });

        foreach (var group in building.Log.GroupBy(r => r.Policy).OrderBy(g => g.Key))
            Console.WriteLine($"{group.Key,-11} mean wait {group.Average(r => r.MeanWait),6:F1} s  worst {group.Max(r => r.MaxWait),5:F0} s  served {group.Sum(r => r.Served)}");
        Console.WriteLine($"best single day: {best?.Policy} seed {best?.Seed} ({best?.MeanWait:F1} s)");
    }
}
