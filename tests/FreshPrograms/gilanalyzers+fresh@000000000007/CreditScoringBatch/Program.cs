namespace Lending.Scoring;

public sealed record Applicant(int Id, double Income, double Debt, int Age, int Delinquencies);

public interface IRiskModel
{
    string Name { get; }
    Task<double> ScoreAsync(Applicant applicant);
}

/// <summary>Boosted stump ensemble exported from the modelling team; scoring is in memory.</summary>
public sealed class StumpEnsemble : IRiskModel
{
    private readonly (int Feature, double Split, double Left, double Right)[] _stumps;

    public StumpEnsemble(int count, int seed)
    {
        var rng = new Random(seed);
        _stumps = Enumerable.Range(0, count)
            .Select(_ => (rng.Next(4), rng.NextDouble(), rng.NextDouble() * 0.02 - 0.01, rng.NextDouble() * 0.02 - 0.01))
            .ToArray();
    }

    public string Name => "stumps";

    public Task<double> ScoreAsync(Applicant a)
    {
        Span<double> x = stackalloc double[] { a.Income / 200_000, a.Debt / (a.Income + 1), a.Age / 100.0, a.Delinquencies / 10.0 };
        double margin = 0;
        foreach (var s in _stumps)
            margin += x[s.Feature] <= s.Split ? s.Left : s.Right;
        return Task.FromResult(1 / (1 + Math.Exp(-margin)));
    }
}

/// <summary>Managed port of Numerical Recipes ran2 used by the 2003 stress model; state lives in statics like the C.</summary>
public static class Ran2
{
    public static readonly object Sync = new();
    private static int _idum = -1, _idum2 = 123456789, _iy;
    private static readonly int[] Iv = new int[32];

    public static void Seed(int seed) { _idum = -Math.Abs(seed); }

    public static double Next()
    {
        const int im1 = 2147483563, im2 = 2147483399, ia1 = 40014, ia2 = 40692, iq1 = 53668, iq2 = 52774, ir1 = 12211, ir2 = 3791;
        int k;
        if (_idum <= 0)
        {
            _idum = Math.Max(-_idum, 1); _idum2 = _idum;
            for (int j = 39; j >= 0; j--)
            {
                k = _idum / iq1; _idum = ia1 * (_idum - k * iq1) - k * ir1;
                if (_idum < 0) _idum += im1;
                if (j < 32) Iv[j] = _idum;
            }
            _iy = Iv[0];
        }
        k = _idum / iq1; _idum = ia1 * (_idum - k * iq1) - k * ir1; if (_idum < 0) _idum += im1;
        k = _idum2 / iq2; _idum2 = ia2 * (_idum2 - k * iq2) - k * ir2; if (_idum2 < 0) _idum2 += im2;
        int slot = _iy / (1 + (im1 - 1) / 32);
        _iy = Iv[slot] - _idum2; Iv[slot] = _idum;
        if (_iy < 1) _iy += im1 - 1;
        return Math.Min(_iy / (double)im1, 1.0 - 1.2e-7);
    }
}

public static class Program
{
    public static async Task Main()
    {
        var rng = new Random(4);
        var applicants = Enumerable.Range(0, 3000)
            .Select(i => new Applicant(i, 20_000 + rng.NextDouble() * 150_000, rng.NextDouble() * 60_000, 18 + rng.Next(60), rng.Next(4)))
            .ToList();
        IRiskModel[] models = { new StumpEnsemble(1500, 1), new StumpEnsemble(1500, 2) };

        var pending = models.SelectMany(m => applicants.Select(a => m.ScoreAsync(a))).ToList();
        double[] scores = await Task.WhenAll(pending);

        var expectedLoss = new double[applicants.Count];
        Parallel.For(0, applicants.Count, i =>
        {
            double pd = (scores[i] + scores[applicants.Count + i]) / 2;
            double lgd = 0.45;
            for (int year = 1; year <= 5; year++) lgd = lgd * 0.97 + 0.01 * Math.Log(1 + year);
            expectedLoss[i] = pd * lgd * applicants[i].Debt;
        });

        // Reason codes: which feature pushed each applicant's score most (pure, on the pool).
        var reasonChunks = await Task.WhenAll(applicants.Chunk(500).Select(chunk => Task.Run(() =>
            chunk.Select(a => a.Debt / (a.Income + 1) > 0.3 ? "DTI" : a.Delinquencies > 1 ? "DELQ" : "OK").ToArray())));

        // Portfolio stress: 40 macro scenarios, legacy generator so results match the regulator's reference run.
        var losses = new double[40];
        Ran2.Seed(20_030_415);
        Parallel.For(0, losses.Length, s =>
        {
            double loss = 0;
            lock (Ran2.Sync)
            {
                for (int i = 0; i < applicants.Count; i++)
                {
                    double pd = scores[i] * (1 + s * 0.05);
                    if (Ran2.Next() < pd * 0.1) loss += applicants[i].Debt * (0.4 + 0.2 * Ran2.Next());
                }
            }
            losses[s] = loss;
        });

        Console.WriteLine($"scored={scores.Length} meanPd={scores.Average():F4} dti={reasonChunks.SelectMany(c => c).Count(r => r == "DTI")} worstLoss={losses.Max():N0} el={expectedLoss.Sum():N0}");
    }
}
