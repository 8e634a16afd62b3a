using System.Diagnostics;

namespace IslandGeneticSolver;

/// <summary>
/// Knapsack-style packing of delivery parcels into a van, solved with an island-model genetic algorithm.
/// The fitness function was ported from the old C code and still decodes into static work arrays.
/// </summary>
public static class Fitness
{
    public static readonly object ScratchLock = new();

    private static double[] _loadByAxle = new double[4];
    private static int[] _order = Array.Empty<int>();

    public static double[] Weights = Array.Empty<double>();
    public static double[] Values = Array.Empty<double>();
    public const double Capacity = 1500;

    public static double Evaluate(bool[] genome)
    {
        if (_order.Length != genome.Length) _order = new int[genome.Length];
        Array.Clear(_loadByAxle);
        int n = 0;
        for (int i = 0; i < genome.Length; i++) if (genome[i]) _order[n++] = i;

        double value = 0, weight = 0;
        for (int k = 0; k < n; k++)
        {
            int item = _order[k];
            weight += Weights[item];
            value += Values[item];
            _loadByAxle[k % 4] += Weights[item];
        }
        double imbalance = _loadByAxle.Max() - _loadByAxle.Min();
        double penalty = weight > Capacity ? (weight - Capacity) * 10 : 0;
        return value - penalty - imbalance * 0.1;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int generations = args.Length > 0 ? int.Parse(args[0]) : 120;
        const int Islands = 6, PopulationSize = 80, Items = 120;
        var setup = new Random(1);
        Fitness.Weights = Enumerable.Range(0, Items).Select(_ => 5 + setup.NextDouble() * 40).ToArray();
        Fitness.Values = Fitness.Weights.Select(w => w * (0.5 + setup.NextDouble())).ToArray();

        double bestScore = double.MinValue;
        bool[]? bestGenome = null;
        var bestLock = new object();
        var diversity = new double[Islands];
        var statsLock = new object();

        var sw = Stopwatch.StartNew();
        Parallel.For(0, Islands, island =>
        {
            var rng = new Random(island * 97);
            var population = Enumerable.Range(0, PopulationSize)
                .Select(_ => Enumerable.Range(0, Items).Select(_ => rng.Next(4) == 0).ToArray()).ToList();

            for (int g = 0; g < generations; g++)
            {
                var scored = new List<(bool[] Genome, double Score)>(PopulationSize);
                foreach (var genome in population)
                {
                    double score;
                    lock (Fitness.ScratchLock)
                    {
                        score = Fitness.Evaluate(genome);
                    }
                    scored.Add((genome, score));
                }
                scored.Sort((a, b) => b.Score.CompareTo(a.Score));

                lock (bestLock)
                {
                    if (scored[0].Score > bestScore)
                    {
                        bestScore = scored[0].Score;
                        bestGenome = scored[0].Genome;
                    }
                }

                population = Breed(scored, rng);
            }

            lock (statsLock)
            {
                double total = 0;
                int pairs = 0;
                for (int a = 0; a < population.Count; a++)
                    for (int b = a + 1; b < population.Count; b++, pairs++)
                        for (int i = 0; i < Items; i++)
                            if (population[a][i] != population[b][i]) total++;
                diversity[island] = total / pairs / Items;
            }
        });

        Console.WriteLine($"best load value {bestScore:F1} with {bestGenome!.Count(x => x)} parcels, {sw.ElapsedMilliseconds} ms");
        Console.WriteLine($"island diversity: {string.Join(", ", diversity.Select(d => d.ToString("F3")))}");
    }

    private static List<bool[]> Breed(List<(bool[] Genome, double Score)> ranked, Random rng)
    {
        var next = new List<bool[]>(ranked.Count) { ranked[0].Genome, ranked[1].Genome };
        while (next.Count < ranked.Count)
        {
            var mum = ranked[rng.Next(ranked.Count / 3)].Genome;
            var dad = ranked[rng.Next(ranked.Count / 3)].Genome;
            int cut = rng.Next(mum.Length);
            var child = new bool[mum.Length];
            for (int i = 0; i < child.Length; i++)
            {
                child[i] = i < cut ? mum[i] : dad[i];
                if (rng.Next(200) == 0) child[i] = !child[i];
            }
            next.Add(child);
        }
        return next;
    }
}
