namespace CreditRiskMonteCarlo;

public sealed record SimulationResult(double ExpectedLoss, double Var999);

/// <summary>
/// One-factor Gaussian copula default simulation over a loan book.
/// </summary>
public sealed class LossSimulator
{
    private readonly LoanBook _book;
    private readonly object _exposureLock = new();
    private readonly double[] _exposureByQuarter = new double[20];

    public LossSimulator(LoanBook book) => _book = book;

    public double PeakExposure => _exposureByQuarter.Max();

    public SimulationResult Run(int scenarios)
    {
        var losses = new double[scenarios];
        double totalLoss = 0;
        object totalGate = new();

        Parallel.For(0, scenarios,
            () => 0.0,
            (s, _, subtotal) =>
            {
                double[] factors = ScenarioFactors.Draw(_book.Loans.Count);
                double loss = 0;
                for (int i = 0; i < _book.Loans.Count; i++)
                {
                    var loan = _book.Loans[i];
                    if (factors[i] < loan.DefaultThreshold)
                    {
                        loss += loan.Exposure * loan.LossGivenDefault;
                    }
                }
                losses[s] = loss;

                if (s % 40 == 0)
                {
                    UpdateExposureProfile(factors);
                }
                return subtotal + loss;
            },
            subtotal =>
            {
                lock (totalGate)
                {
                    totalLoss += subtotal;
                }
            });

        Array.Sort(losses);
        return new SimulationResult(totalLoss / scenarios, losses[(int)(0.999 * (scenarios - 1))]);
    }

    // Rebuilds the amortising exposure profile for the surviving loans in a sample scenario.
    private void UpdateExposureProfile(double[] factors)
    {
        lock (_exposureLock)
        {
            for (int q = 0; q < _exposureByQuarter.Length; q++)
            {
                double exposure = 0;
                for (int i = 0; i < _book.Loans.Count; i++)
                {
                    var loan = _book.Loans[i];
                    if (factors[i] < loan.DefaultThreshold) continue;
                    double remaining = Math.Max(0, 1 - q / (4.0 * loan.TermYears));
                    double discount = Math.Exp(-0.03 * q / 4.0);
                    exposure += loan.Exposure * remaining * discount;
                }
                _exposureByQuarter[q] = Math.Max(_exposureByQuarter[q], exposure);
            }
        }
    }
}
