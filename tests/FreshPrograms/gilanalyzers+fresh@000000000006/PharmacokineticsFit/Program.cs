using System.Collections.Concurrent;

namespace PharmacokineticsFit;

public sealed record Patient(string Id, double Dose, double[] Times, double[] Observed);

public sealed record PkFit(string PatientId, double Ka, double Ke, double Volume, double Sse)
{
    public double HalfLifeHours => Math.Log(2) / Ke;
}

public interface IAuditSink : IDisposable
{
    void Write(string line);
}

/// <summary>Audit trail written by one long-running background task so fitting never waits on the disk.</summary>
public sealed class BackgroundAuditSink : IAuditSink
{
    private readonly BlockingCollection<string> _queue = new();
    private readonly Task _pump;

    public BackgroundAuditSink(string path)
    {
        _pump = Task.Factory.StartNew(() =>
        {
            using var writer = new StreamWriter(path);
            foreach (string line in _queue.GetConsumingEnumerable())
                writer.WriteLine(line);
        }, TaskCreationOptions.LongRunning);
    }

    public void Write(string line) => _queue.Add(line);

    public void Dispose()
    {
        _queue.CompleteAdding();
        _pump.Wait();
    }
}

public sealed class PkFitService
{
    private readonly IAuditSink _audit;
    public PkFitService(IAuditSink audit) => _audit = audit;

    public PkFit Fit(Patient patient)
    {
        var predicted = new double[patient.Times.Length];
        PkFit best = new(patient.Id, 0, 0, 0, double.MaxValue);
        lock (LegacyPkSolver.CommonBlock)
        {
            for (double ka = 0.3; ka <= 3.0; ka += 0.1)
                for (double ke = 0.05; ke <= 0.5; ke += 0.01)
                {
                    // For fixed ka/ke the best volume has a closed form (least squares on 1/V).
                    LegacyPkSolver.SetParameters(ka, ke, 1.0);
                    LegacyPkSolver.Simulate(patient.Dose, patient.Times, predicted);
                    double num = 0, den = 0;
                    for (int i = 0; i < predicted.Length; i++) { num += predicted[i] * patient.Observed[i]; den += predicted[i] * predicted[i]; }
                    double inv = num / den, sse = 0;
                    for (int i = 0; i < predicted.Length; i++) { double r = patient.Observed[i] - inv * predicted[i]; sse += r * r; }
                    if (sse < best.Sse) best = new PkFit(patient.Id, ka, ke, 1 / inv, sse);
                }
        }
        _audit.Write($"{best.PatientId},{best.Ka:F2},{best.Ke:F3},{best.Volume:F1},{best.Sse:E3}");
        return best;
    }
}

public static class Program
{
    public static void Main()
    {
        LegacyPkSolver.EnsureTables();
        var rng = new Random(31);
        double[] times = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24];
        var patients = new List<Patient>();
        for (int p = 0; p < 24; p++)
        {
            double ka = 0.6 + rng.NextDouble() * 1.5, ke = 0.08 + rng.NextDouble() * 0.2, v = 30 + rng.NextDouble() * 40;
            var obs = times.Select(t => 500 * ka / (v * (ka - ke)) * (Math.Exp(-ke * t) - Math.Exp(-ka * t)) * (1 + 0.03 * (rng.NextDouble() - 0.5))).ToArray();
            patients.Add(new Patient($"P{p:D3}", 500, times, obs));
        }

        PkFit[] fits = new PkFit[patients.Count];
        using (var audit = new BackgroundAuditSink(Path.Combine(Path.GetTempPath(), "pk-fit-audit.csv")))
        {
            var service = new PkFitService(audit);
            Parallel.ForEach(Enumerable.Range(0, patients.Count), i => fits[i] = service.Fit(patients[i]));
        }

        foreach (var f in fits.Take(6))
            Console.WriteLine($"{f.PatientId}: ka {f.Ka:F1}/h  ke {f.Ke:F2}/h  V {f.Volume:F0} L  t1/2 {f.HalfLifeHours:F1} h");
        Console.WriteLine($"median half-life {fits.Select(f => f.HalfLifeHours).Order().ElementAt(fits.Length / 2):F1} h over {fits.Length} patients");
    }
}
