using System.Collections.Concurrent;

namespace HR.Payroll;

public sealed record Employee(int Id, decimal AnnualGross, int Dependants);
public sealed record Payslip(int EmployeeId, decimal MonthlyNet, decimal MonthlyTax);

public static class TaxCalculator
{
    private static readonly Lock TablesLock = new();
    private static readonly (decimal Upto, decimal Rate)[] Brackets =
    {
        (11_000m, 0.00m), (30_000m, 0.20m), (60_000m, 0.32m), (120_000m, 0.40m), (decimal.MaxValue, 0.45m),
    };
    private static int _lookups;

    public static int Lookups => _lookups;

    public static decimal AnnualTax(decimal gross, int dependants)
    {
        using (TablesLock.EnterScope())
        {
            _lookups++;
            // Allowance tapers by 1 for every 2 over 100k; solved iteratively like the paper tables.
            decimal allowance = 2_500m * dependants, low = 0m, high = allowance;
            for (int i = 0; i < 60; i++)
            {
                decimal mid = (low + high) / 2m;
                decimal taper = Math.Max(0m, (gross - mid - 100_000m) / 2m);
                if (allowance - taper > mid) low = mid; else high = mid;
            }
            decimal taxable = Math.Max(0m, gross - low), tax = 0m, floor = 0m;
            foreach (var (upto, rate) in Brackets)
            {
                if (taxable <= floor) break;
                tax += (Math.Min(taxable, upto) - floor) * rate;
                floor = upto;
            }
            return decimal.Round(tax, 2);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(11);
        var staff = Enumerable.Range(1, 60_000)
            .Select(i => new Employee(i, 18_000m + rng.Next(0, 180_000), rng.Next(0, 4)))
            .ToArray();

        var slips = new BlockingCollection<Payslip>(boundedCapacity: 4096);
        string bankFile = Path.Combine(Path.GetTempPath(), $"bacs-{Environment.ProcessId}.csv");
        long linesWritten = 0;
        Task writer = Task.Factory.StartNew(() =>
        {
            using var file = new StreamWriter(bankFile);
            foreach (var slip in slips.GetConsumingEnumerable())
            {
                file.WriteLine($"{slip.EmployeeId},{slip.MonthlyNet:F2}");
                linesWritten++;
            }
        }, TaskCreationOptions.LongRunning);

        int chunks = Environment.ProcessorCount * 2;
        int chunkSize = (staff.Length + chunks - 1) / chunks;
        var decimalTotals = new decimal[chunks];
        var workers = new Task[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int chunk = c;
            workers[c] = Task.Factory.StartNew(() =>
            {
                int end = Math.Min(staff.Length, (chunk + 1) * chunkSize);
                for (int i = chunk * chunkSize; i < end; i++)
                {
                    var e = staff[i];
                    decimal tax = TaxCalculator.AnnualTax(e.AnnualGross, e.Dependants);
                    var slip = new Payslip(e.Id, decimal.Round((e.AnnualGross - tax) / 12m, 2), decimal.Round(tax / 12m, 2));
                    decimalTotals[chunk] += slip.MonthlyTax;
                    slips.Add(slip);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        Task.WaitAll(workers);

        slips.CompleteAdding();
        writer.Wait();
        Console.WriteLine($"payslips={linesWritten} lookups={TaxCalculator.Lookups} monthlyTax={decimalTotals.Sum():N2}");
        File.Delete(bankFile);
    }
}
