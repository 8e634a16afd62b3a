namespace CreditRiskMonteCarlo;

public sealed record Loan(string Id, double Exposure, double DefaultThreshold, double LossGivenDefault, int TermYears);

public sealed class LoanBook
{
    public IReadOnlyList<Loan> Loans { get; }

    private LoanBook(IReadOnlyList<Loan> loans) => Loans = loans;

    public static LoanBook Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var loans = new List<Loan>(count);
        for (int i = 0; i < count; i++)
        {
            double pd = 0.002 + 0.05 * rng.NextDouble() * rng.NextDouble();
            loans.Add(new Loan(
                Id: $"LN{i:D6}",
                Exposure: Math.Round(10_000 + rng.NextDouble() * 990_000, 2),
                DefaultThreshold: pd,
                LossGivenDefault: 0.25 + 0.5 * rng.NextDouble(),
                TermYears: 1 + rng.Next(5)));
        }
        return new LoanBook(loans);
    }
}
