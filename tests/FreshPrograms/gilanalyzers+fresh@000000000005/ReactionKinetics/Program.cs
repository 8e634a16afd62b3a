namespace ReactionKinetics;

public sealed record Reaction(int[] Reactants, int[] Products, double PreExponential, double ActivationEnergy);

public sealed record Catalyst(string Name, double ActivationScale);

public sealed class Mechanism
{
    private const double R = 8.314;
    public IReadOnlyList<Reaction> Reactions { get; }
    public int SpeciesCount { get; }

    public Mechanism(int species, IReadOnlyList<Reaction> reactions) { SpeciesCount = species; Reactions = reactions; }

    public double[] Integrate(double[] initial, double temperatureK, double activationScale, double seconds, int steps)
    {
        var k = Reactions.Select(r => r.PreExponential * Math.Exp(-r.ActivationEnergy * activationScale / (R * temperatureK))).ToArray();
        var c = (double[])initial.Clone();
        var k1 = new double[SpeciesCount]; var k2 = new double[SpeciesCount]; var tmp = new double[SpeciesCount];
        double dt = seconds / steps;
        for (int s = 0; s < steps; s++)
        {
            Rates(c, k, k1);
            for (int i = 0; i < c.Length; i++) tmp[i] = c[i] + 0.5 * dt * k1[i];
            Rates(tmp, k, k2);
            for (int i = 0; i < c.Length; i++) c[i] = Math.Max(0, c[i] + dt * k2[i]);
        }
        return c;
    }

    private void Rates(double[] c, double[] k, double[] dcdt)
    {
        Array.Clear(dcdt);
        for (int r = 0; r < Reactions.Count; r++)
        {
            double rate = k[r];
            foreach (int s in Reactions[r].Reactants) rate *= c[s];
            foreach (int s in Reactions[r].Reactants) dcdt[s] -= rate;
            foreach (int s in Reactions[r].Products) dcdt[s] += rate;
        }
    }
}

public static class Program
{
    public static async Task Main()
    {
        // A + B -> C, C -> D + B, A + C -> E, E -> A + C, D + A -> F
        var mechanism = new Mechanism(6, new List<Reaction>
        {
            new(new[] { 0, 1 }, new[] { 2 }, 2.0e6, 45_000),
            new(new[] { 2 }, new[] { 3, 1 }, 8.0e5, 52_000),
            new(new[] { 0, 2 }, new[] { 4 }, 1.0e7, 61_000),
            new(new[] { 4 }, new[] { 0, 2 }, 3.0e8, 70_000),
            new(new[] { 3, 0 }, new[] { 5 }, 5.0e5, 48_000),
        });
        double[] initial = { 1.0, 0.8, 0, 0, 0, 0 };

        double[] temperatures = Enumerable.Range(0, 48).Select(i => 290.0 + i * 2.5).ToArray();
        var yieldD = new double[temperatures.Length];
        const int chunkCount = 6;
        var chunks = new Task[chunkCount];
        for (int c = 0; c < chunkCount; c++)
        {
            int chunk = c;
            chunks[c] = Task.Factory.StartNew(() =>
            {
                for (int i = chunk; i < temperatures.Length; i += chunkCount)
                    yieldD[i] = mechanism.Integrate(initial, temperatures[i], 1.0, seconds: 600, steps: 40_000)[3];
            }, TaskCreationOptions.LongRunning);
        }
        Task.WaitAll(chunks);

        string outDir = Path.Combine(Path.GetTempPath(), $"kinetics-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        var catalysts = new[] { new Catalyst("none", 1.0), new Catalyst("Pt", 0.82), new Catalyst("Pd", 0.86), new Catalyst("Ni", 0.93), new Catalyst("zeolite", 0.89) };

        async Task<(string Name, double Selectivity)> SimulateAndSaveAsync(Catalyst catalyst)
        {
            var profile = new List<string>();
            double[] final = initial;
            for (int minute = 1; minute <= 20; minute++)
            {
                final = mechanism.Integrate(initial, 340, catalyst.ActivationScale, seconds: minute * 30, steps: 8_000);
                profile.Add(string.Join(";", final.Select(x => x.ToString("E4", System.Globalization.CultureInfo.InvariantCulture))));
            }
            await File.WriteAllLinesAsync(Path.Combine(outDir, catalyst.Name + ".csv"), profile);
            return (catalyst.Name, final[3] / Math.Max(1e-12, final[3] + final[5]));
        }

        var selectivities = await Task.WhenAll(catalysts.Select(SimulateAndSaveAsync));

        var files = Directory.GetFiles(outDir).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        long[] sizes = await Task.WhenAll(files.Select(f => Task.Run(() => (long)File.ReadAllBytes(f).Sum(b => b))));

        int bestT = Array.IndexOf(yieldD, yieldD.Max());
        Console.WriteLine($"best temperature {temperatures[bestT]:F1} K, yield of D {yieldD[bestT]:F4}");
        foreach (var (name, sel) in selectivities.OrderByDescending(s => s.Selectivity))
            Console.WriteLine($"{name,-8} selectivity D/(D+F) = {sel:F4}");
        Console.WriteLine($"profile byte sum: {sizes.Sum()}");
        Directory.Delete(outDir, recursive: true);
    }
}
