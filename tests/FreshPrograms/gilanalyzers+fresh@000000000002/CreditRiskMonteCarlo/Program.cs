using System.Diagnostics;

namespace CreditRiskMonteCarlo;

internal static class Program
{
    private static void Main(string[] args)
    {
        int scenarios = args.Length > 0 ? int.Parse(args[0]) : 4000;
        var book = LoanBook.Generate(600, seed: 99);
        var engine = new LossSimulator(book);

        var sw = Stopwatch.StartNew();
        var result = engine.Run(scenarios);
        sw.Stop();

        Console.WriteLine($"scenarios      : {scenarios}");
        Console.WriteLine($"expected loss  : {result.ExpectedLoss:N0}");
        Console.WriteLine($"99.9% loss     : {result.Var999:N0}");
        Console.WriteLine($"peak exposure  : {engine.PeakExposure:N0}");
        Console.WriteLine($"elapsed        : {sw.ElapsedMilliseconds} ms");
    }
}
