namespace MatchmakingServer;

public readonly record struct MatchOutcome(int OpponentId, double Score);

public sealed class PlayerRecord(int id, double rating, double deviation, double volatility)
{
    private readonly List<MatchOutcome> _history = new();

    public int Id { get; } = id;
    public double Rating { get; set; } = rating;
    public double Deviation { get; set; } = deviation;
    public double Volatility { get; set; } = volatility;

    public void AddOutcome(MatchOutcome outcome)
    {
        lock (_history) _history.Add(outcome);
    }

    public MatchOutcome[] Snapshot()
    {
        lock (_history) return _history.ToArray();
    }
}

/// <summary>Glicko-2 rating update over a player's full result history (rating period = all games).</summary>
public static class RatingCalculator
{
    private const double Scale = 173.7178;
    private const double Tau = 0.5;
    private static readonly object RatingLock = new();

    public static void Recalculate(PlayerRecord player, PlayerRecord[] all)
    {
        MatchOutcome[] games = player.Snapshot();
        if (games.Length == 0) return;

        lock (RatingLock)
        {
            double mu = (player.Rating - 1500) / Scale;
            double phi = player.Deviation / Scale;
            double sigma = player.Volatility;

            double vInv = 0, deltaSum = 0;
            foreach (var game in games)
            {
                var opp = all[game.OpponentId];
                double muJ = (opp.Rating - 1500) / Scale, phiJ = opp.Deviation / Scale;
                double g = 1 / Math.Sqrt(1 + 3 * phiJ * phiJ / (Math.PI * Math.PI));
                double e = 1 / (1 + Math.Exp(-g * (mu - muJ)));
                vInv += g * g * e * (1 - e);
                deltaSum += g * (game.Score - e);
            }
            double v = 1 / vInv;
            double delta = v * deltaSum;

            // Illinois algorithm for the new volatility
            double a = Math.Log(sigma * sigma);
            double F(double x) => Math.Exp(x) * (delta * delta - phi * phi - v - Math.Exp(x)) / (2 * Math.Pow(phi * phi + v + Math.Exp(x), 2)) - (x - a) / (Tau * Tau);
            double lo = a, hi = delta * delta > phi * phi + v ? Math.Log(delta * delta - phi * phi - v) : a - Tau;
            if (delta * delta <= phi * phi + v) { int k = 1; while (F(a - k * Tau) < 0) k++; hi = a - k * Tau; }
            double fLo = F(lo), fHi = F(hi);
            for (int iter = 0; iter < 100 && Math.Abs(hi - lo) > 1e-6; iter++)
            {
                double c = lo + (lo - hi) * fLo / (fHi - fLo);
                double fC = F(c);
                if (fC * fHi <= 0) { lo = hi; fLo = fHi; } else { fLo /= 2; }
                hi = c; fHi = fC;
            }
            double newSigma = Math.Exp(lo / 2);
            double phiStar = Math.Sqrt(phi * phi + newSigma * newSigma);
            double newPhi = 1 / Math.Sqrt(1 / (phiStar * phiStar) + 1 / v);
            double newMu = mu + newPhi * newPhi * deltaSum;

            player.Rating = 1500 + Scale * newMu;
            player.Deviation = Math.Max(30, Scale * newPhi);
            player.Volatility = newSigma;
        }
    }
}
