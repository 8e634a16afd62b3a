using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IncomeTaxBatch;

record Household(int Id, decimal Wages, decimal SelfEmployment, decimal Dividends, int Children, bool Married);
record Assessment(int HouseholdId, string Filing, decimal Tax, decimal Credits);

sealed class TaxYear
{
    public (decimal Upto, decimal Rate)[] Brackets { get; } =
    {
        (11_600m, 0.10m), (47_150m, 0.12m), (100_525m, 0.22m), (191_950m, 0.24m),
        (243_725m, 0.32m), (609_350m, 0.35m), (decimal.MaxValue, 0.37m),
    };
    public decimal StandardDeduction { get; } = 14_600m;
    public decimal ChildCredit { get; } = 2_000m;
}

// The calculator keeps a worksheet of line items between steps, like the paper form it was modelled on.
sealed class TaxCalculator(TaxYear year)
{
    private readonly Mutex _worksheetMutex = new Mutex();
    private readonly decimal[] _lines = new decimal[40];

    public Assessment BestFiling(Household h)
    {
        _worksheetMutex.WaitOne();
        try
        {
            Assessment? best = null;
            // Try every split of self-employment income between the spouses' schedules, both filing statuses.
            foreach (string filing in h.Married ? new[] { "joint", "separate" } : new[] { "single" })
            {
                for (int split = 0; split <= 100; split += 2)
                {
                    Array.Clear(_lines);
                    _lines[1] = h.Wages;
                    _lines[2] = h.SelfEmployment * split / 100m;
                    _lines[3] = h.SelfEmployment - _lines[2];
                    _lines[4] = h.Dividends;
                    decimal seTax = Math.Round((_lines[2] + _lines[3]) * 0.9235m * 0.153m, 2);
                    decimal agi = _lines[1] + _lines[2] + _lines[3] + _lines[4] - seTax / 2;
                    decimal scale = filing == "joint" ? 2m : 1m;
                    decimal taxable = Math.Max(0, agi - year.StandardDeduction * scale);
                    decimal tax = filing == "separate"
                        ? BracketTax(_lines[1] / 2 + _lines[2], 1m) + BracketTax(_lines[1] / 2 + _lines[3], 1m)
                        : BracketTax(taxable, scale);
                    decimal phaseOut = Math.Max(0, Math.Ceiling((agi - 200_000m * scale) / 1000m) * 50m);
                    decimal credits = Math.Max(0, h.Children * year.ChildCredit - phaseOut);
                    decimal owed = Math.Max(0, tax + seTax - credits);
                    if (best is null || owed < best.Tax) best = new Assessment(h.Id, $"{filing}/{split}", owed, credits);
                }
            }
            return best!;
        }
        finally
        {
            _worksheetMutex.ReleaseMutex();
        }
    }

    private decimal BracketTax(decimal taxable, decimal scale)
    {
        decimal tax = 0, lower = 0;
        foreach (var (upto, rate) in year.Brackets)
        {
            decimal top = upto == decimal.MaxValue ? upto : upto * scale;
            if (taxable <= lower) break;
            tax += (Math.Min(taxable, top) - lower) * rate;
            lower = top;
        }
        return Math.Round(tax, 2);
    }
}

static class Program
{
    static void Main()
    {
        var rng = new Random(1040);
        var households = Enumerable.Range(1, 3000).Select(id => new Household(id,
            Math.Round((decimal)(20_000 + rng.NextDouble() * 250_000), 2),
            rng.Next(3) == 0 ? Math.Round((decimal)(rng.NextDouble() * 120_000), 2) : 0m,
            Math.Round((decimal)(rng.NextDouble() * 15_000), 2),
            rng.Next(4), rng.Next(2) == 0)).ToList();

        var calculator = new TaxCalculator(new TaxYear());
        string outPath = Path.Combine(Path.GetTempPath(), "assessments.csv");
        var totalsGate = new object();
        decimal totalTax = 0, totalCredits = 0;
        int noTaxCount = 0;

        using (var writer = new StreamWriter(outPath))
        {
            writer.WriteLine("household,filing,tax,credits");
            Parallel.ForEach(households, h =>
            {
                Assessment a = calculator.BestFiling(h);
                lock (writer)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a.HouseholdId},{a.Filing},{a.Tax},{a.Credits}"));
                }
                lock (totalsGate)
                {
                    totalTax += a.Tax;
                    totalCredits += a.Credits;
                    if (a.Tax == 0) noTaxCount++;
                }
            });
        }

        Console.WriteLine($"{households.Count} households assessed, written to {Path.GetFileName(outPath)}");
        Console.WriteLine($"total tax {totalTax:N2}, total credits {totalCredits:N2}");
        Console.WriteLine($"{noTaxCount} households owe nothing after credits");
    }
}
