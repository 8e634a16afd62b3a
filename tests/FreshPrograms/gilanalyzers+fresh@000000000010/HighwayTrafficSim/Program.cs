using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace HighwayTrafficSim
{
    public sealed class RoadSegment
    {
        public string Name { get; }
        public int[] Speed { get; }          // -1 = empty cell, otherwise the car's speed in cells per tick
        public double SlowdownProbability { get; }
        public int Throughput { get; set; }

        public RoadSegment(string name, int cells, double density, double slowdown, Random rng)
        {
            Name = name;
            SlowdownProbability = slowdown;
            Speed = new int[cells];
            for (int i = 0; i < cells; i++) Speed[i] = rng.NextDouble() < density ? rng.Next(6) : -1;
        }
    }

    // Nagel-Schreckenberg cellular automaton shared by every segment of the corridor.
    public sealed class CorridorModel
    {
        private const int MaxSpeed = 5;
        private int[] _next = new int[0];
        private readonly List<int> _flowLog = new List<int>();

        public int FlowSamples => _flowLog.Count;

        [MethodImpl(MethodImplOptions.Synchronized)]
        public void Advance(RoadSegment road, int ticks, int seed)
        {
            var rng = new Random(seed);
            int n = road.Speed.Length;
            if (_next.Length != n) _next = new int[n];
            for (int t = 0; t < ticks; t++)
            {
                Array.Fill(_next, -1);
                int passed = 0;
                for (int i = 0; i < n; i++)
                {
                    int v = road.Speed[i];
                    if (v < 0) continue;
                    int gap = 1;
                    while (gap <= MaxSpeed && road.Speed[(i + gap) % n] < 0) gap++;
                    v = Math.Min(Math.Min(v + 1, MaxSpeed), gap - 1);
                    if (v > 0 && rng.NextDouble() < road.SlowdownProbability) v--;
                    if (i + v >= n) passed++;
                    _next[(i + v) % n] = v;
                }
                Array.Copy(_next, road.Speed, n);
                road.Throughput += passed;
            }
        }

        [MethodImpl(MethodImplOptions.Synchronized)]
        public void RecordFlow(int carsPerHour)
        {
            _flowLog.Add(carsPerHour);
        }
    }

    public static class Program
    {
        public static void Main()
        {
            var rng = new Random(19);
            var roads = Enumerable.Range(0, 16)
                .Select(i => new RoadSegment($"A{i + 1}", 4000 + 500 * (i % 4), 0.08 + 0.02 * (i % 6), 0.15 + 0.05 * (i % 3), rng))
                .ToList();
            var model = new CorridorModel();
            var sw = Stopwatch.StartNew();

            const int ticks = 900;
            Parallel.ForEach(roads, (road, _, index) =>
            {
                model.Advance(road, ticks, 1000 + (int)index);
                model.RecordFlow(road.Throughput * 3600 / ticks);
            });

            var density = new double[roads.Count];
            var meanSpeed = new double[roads.Count];
            Parallel.For(0, roads.Count, i =>
            {
                int[] cells = roads[i].Speed;
                int cars = 0, speedSum = 0;
                foreach (int v in cells) if (v >= 0) { cars++; speedSum += v; }
                density[i] = (double)cars / cells.Length;
                meanSpeed[i] = cars == 0 ? 0 : (double)speedSum / cars;
            });
            Console.Error.WriteLine($"simulated {roads.Count} segments x {ticks} ticks in {sw.ElapsedMilliseconds} ms");

            for (int i = 0; i < roads.Count; i++)
                Console.WriteLine($"{roads[i].Name,-4} density {density[i]:F3}  mean speed {meanSpeed[i] * 7.5 * 3.6:F1} km/h  throughput {roads[i].Throughput}");
            Console.WriteLine($"flow samples: {model.FlowSamples}");
        }
    }
}
