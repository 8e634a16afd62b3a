using System.Diagnostics;

namespace WeatherEnsembleRunner;

internal static class Program
{
    private static void Main(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0]) : 120;
        var model = new ShallowWaterModel(nx: 64, ny: 48, dt: 20.0);
        var members = Enumerable.Range(0, 4).Select(i => EnsembleMember.Perturbed(i, model.Nx, model.Ny)).ToArray();
        var results = new List<MemberResult>();

        var sw = Stopwatch.StartNew();
        Parallel.Invoke(
            () => Collect(results, model.Integrate(members[0], steps)),
            () => Collect(results, model.Integrate(members[1], steps)),
            () => Collect(results, model.Integrate(members[2], steps)),
            () => Collect(results, model.Integrate(members[3], steps)));
        Console.WriteLine($"integrated {members.Length} members x {steps} steps in {sw.ElapsedMilliseconds} ms");

        sw.Restart();
        var heating = new double[members.Length];
        Parallel.For(0, members.Length, m => heating[m] = RadiationScheme.ColumnHeating(members[m].Height, model.Nx, model.Ny));
        Console.WriteLine($"radiation diagnostics in {sw.ElapsedMilliseconds} ms");

        foreach (var r in results.OrderBy(r => r.Member))
            Console.WriteLine($"  member {r.Member}: mean height {r.MeanHeight:F2} m, max wind {r.MaxWind:F2} m/s, heating {heating[r.Member]:F4} K/day");
        Console.WriteLine($"ensemble spread {results.Max(r => r.MeanHeight) - results.Min(r => r.MeanHeight):F4} m");
    }

    private static void Collect(List<MemberResult> results, MemberResult result)
    {
        lock (results)
        {
            results.Add(result);
        }
    }
}
