using System.Diagnostics;

namespace ProteinFoldingSim;

internal static class Program
{
    private static void Main(string[] args)
    {
        int conformations = args.Length > 0 ? int.Parse(args[0]) : 64;
        ForceField.LoadParameters(ForceFieldParameters.Default());

        var sequence = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEK";
        var sampler = new ConformationSampler(sequence, steps: 40);

        var sw = Stopwatch.StartNew();
        var best = sampler.SampleParallel(conformations, threadCount: Environment.ProcessorCount);
        sw.Stop();

        Console.WriteLine($"{conformations} trajectories in {sw.ElapsedMilliseconds} ms; lowest energy {best.Energy:F2} kcal/mol (trajectory {best.Trajectory})");
    }
}
