using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace LoanAmortizationBatch;

public sealed record Loan(string Id, decimal Principal, decimal AnnualRate, int Months, decimal ExtraPayment, int ResetMonth, decimal ResetRate);

public sealed record LoanSummary(string Id, decimal Payment, decimal TotalInterest, int PaidOffMonth);

public sealed class AmortizationEngine
{
    private decimal[] _balances = new decimal[480];
    public int LoansProcessed;

    // The balance buffer is reused across loans; the attribute keeps two loans from sharing it.
    [MethodImpl(MethodImplOptions.Synchronized)]
    public LoanSummary Amortize(Loan loan)
    {
        if (_balances.Length < loan.Months + 1) _balances = new decimal[loan.Months + 1];
        decimal balance = loan.Principal, interestTotal = 0;
        decimal payment = Payment(loan.Principal, loan.AnnualRate, loan.Months);
        int month = 0;
        _balances[0] = balance;
        while (balance > 0 && month < loan.Months)
        {
            month++;
            if (month == loan.ResetMonth)
                payment = Payment(balance, loan.ResetRate, loan.Months - month + 1);
            decimal rate = (month >= loan.ResetMonth ? loan.ResetRate : loan.AnnualRate) / 12m;
            decimal interest = Math.Round(balance * rate, 2, MidpointRounding.ToEven);
            decimal principalPart = Math.Min(balance, payment - interest + loan.ExtraPayment);
            balance -= principalPart;
            interestTotal += interest;
            _balances[month] = balance;
        }
        LoansProcessed++;
        return new LoanSummary(loan.Id, payment, interestTotal, month);
    }

    public static decimal Payment(decimal principal, decimal annualRate, int months)
    {
        decimal r = annualRate / 12m, factor = 1m;
        for (int i = 0; i < months; i++) factor *= 1m + r;
        return Math.Round(principal * r * factor / (factor - 1m), 2);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(2016);
        var loans = Enumerable.Range(0, 4000).Select(i => new Loan(
            $"LN{i:D5}", 50_000m + rng.Next(0, 450) * 1000m, 0.025m + rng.Next(0, 60) / 1000m,
            rng.Next(2) == 0 ? 180 : 360, rng.Next(4) == 0 ? rng.Next(1, 20) * 25m : 0m,
            rng.Next(2) == 0 ? 61 : int.MaxValue, 0.06m + rng.Next(0, 30) / 1000m)).ToList();

        var engine = new AmortizationEngine();
        var summaries = new ConcurrentBag<LoanSummary>();
        Parallel.ForEach(loans, loan => summaries.Add(engine.Amortize(loan)));

        string outDir = Path.Combine(Path.GetTempPath(), $"amortization-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        string auditPath = Path.Combine(outDir, "audit.log");
        var auditGate = new SemaphoreSlim(1, 1);

        async Task AppendAuditAsync(LoanSummary s)
        {
            await auditGate.WaitAsync();
            try
            {
                await File.AppendAllTextAsync(auditPath, $"{s.Id} paid off in month {s.PaidOffMonth}\n");
            }
            finally
            {
                auditGate.Release();
            }
        }

        async Task<int> WriteStatementAsync(Loan loan)
        {
            var sb = new StringBuilder();
            decimal balance = loan.Principal, payment = AmortizationEngine.Payment(loan.Principal, loan.AnnualRate, loan.Months);
            for (int m = 1; m <= loan.Months && balance > 0; m++)
            {
                decimal interest = Math.Round(balance * loan.AnnualRate / 12m, 2);
                balance = Math.Max(0, balance - (payment - interest));
                sb.Append(m.ToString(CultureInfo.InvariantCulture)).Append(';')
                  .Append(interest.ToString("F2", CultureInfo.InvariantCulture)).Append(';')
                  .Append(balance.ToString("F2", CultureInfo.InvariantCulture)).Append('\n');
            }
            await File.WriteAllTextAsync(Path.Combine(outDir, loan.Id + ".csv"), sb.ToString());
            return sb.Length;
        }

        var statementLoans = loans.Take(600).ToList();
        int[] sizes = await Task.WhenAll(statementLoans.Select(WriteStatementAsync));

        var early = summaries.Where(s => s.PaidOffMonth < 120).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        await Task.WhenAll(early.Select(s => AppendAuditAsync(s)));

        Console.WriteLine($"loans amortised: {engine.LoansProcessed}");
        Console.WriteLine($"total interest: {summaries.Sum(s => s.TotalInterest):N2}");
        Console.WriteLine($"paid off before year 10: {early.Count}, audit lines {File.ReadAllLines(auditPath).Length}");
        Console.WriteLine($"statements written: {sizes.Length} ({sizes.Sum() / 1024} KiB)");
        Directory.Delete(outDir, recursive: true);
    }
}
