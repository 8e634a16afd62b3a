using System.Collections.Concurrent;

namespace SatBatchSolver;

/// <summary>Exclusive section over a <see cref="Lock"/> that reads as <c>using (guard.Acquire())</c>.</summary>
public sealed class Guard
{
    private readonly Lock _lock = new();

    public Releaser Acquire()
    {
        _lock.Enter();
        return new Releaser(_lock);
    }

    public readonly struct Releaser(Lock owner) : IDisposable
    {
        public void Dispose() => owner.Exit();
    }
}

public sealed class BatchStats
{
    public int Sat, Unsat;
    public long Decisions;
}

/// <summary>Front door for the batch: one shared solver instance, results streamed to a CSV writer task.</summary>
public sealed class SolverService : IDisposable
{
    private readonly ISatSolver _solver;
    private readonly Guard _solverGuard = new();
    private readonly Guard _statsGuard = new();
    private readonly BlockingCollection<string> _results = new();
    private readonly Task _writer;
    public readonly BatchStats Stats = new();

    public SolverService(ISatSolver solver, string resultPath)
    {
        _solver = solver;
        _writer = Task.Factory.StartNew(() =>
        {
            using var file = new StreamWriter(resultPath);
            foreach (string line in _results.GetConsumingEnumerable())
                file.WriteLine(line);
        }, TaskCreationOptions.LongRunning);
    }

    public bool Check(Cnf formula)
    {
        bool sat;
        long decisions;
        using (_solverGuard.Acquire())
        {
            (sat, decisions) = _solver.Solve(formula);
        }

        using (_statsGuard.Acquire())
        {
            if (sat) Stats.Sat++; else Stats.Unsat++;
            Stats.Decisions += decisions;
        }
        _results.Add($"{formula.Name},{(sat ? "SAT" : "UNSAT")},{decisions}");
        return sat;
    }

    public void Dispose()
    {
        _results.CompleteAdding();
        _writer.Wait();
    }
}

public static class Program
{
    public static void Main()
    {
        var formulas = new List<Cnf>();
        int seed = 1;
        foreach (double ratio in new[] { 3.6, 4.26, 5.0 })
            for (int k = 0; k < 12; k++)
                formulas.Add(Cnf.Random3Sat($"uf{ratio:F2}-{k:D2}", variables: 60, ratio, seed++));

        var outcome = new bool[formulas.Count];
        string path = Path.Combine(Path.GetTempPath(), "sat-batch-results.csv");
        using (var service = new SolverService(new DpllSolver(), path))
        {
            Parallel.For(0, formulas.Count, i => outcome[i] = service.Check(formulas[i]));
            Console.WriteLine($"SAT {service.Stats.Sat}, UNSAT {service.Stats.Unsat}, decisions {service.Stats.Decisions}");
        }

        foreach (var group in formulas.Select((f, i) => (Ratio: f.Name[2..6], Sat: outcome[i])).GroupBy(x => x.Ratio))
            Console.WriteLine($"ratio {group.Key}: {group.Count(x => x.Sat)}/{group.Count()} satisfiable");
        Console.WriteLine($"results written: {File.ReadLines(path).Count()} lines");
    }
}
