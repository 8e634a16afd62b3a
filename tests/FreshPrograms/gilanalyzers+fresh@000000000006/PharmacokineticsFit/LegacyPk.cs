namespace PharmacokineticsFit;

/// <summary>
/// Port of the 1990s PKSIM one-compartment routine. Like the Fortran original it keeps its
/// parameters, state vector and step-size memory in COMMON-style statics; callers must serialise.
/// </summary>
public static class LegacyPkSolver
{
    public static readonly object CommonBlock = new();

    private static double _ka, _ke, _volume;
    private static readonly double[] _y = new double[2];
    private static double _lastStep = 0.05;
    public static int Evaluations;

    private static readonly object InitLock = new();
    private static double[]? _rkWeights;

    public static void EnsureTables()
    {
        lock (InitLock)
        {
            _rkWeights ??= [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6];
        }
    }

    public static void SetParameters(double ka, double ke, double volume)
    {
        _ka = ka; _ke = ke; _volume = volume;
    }

    /// <summary>Concentration at each sample time after an oral dose at t = 0.</summary>
    public static void Simulate(double dose, double[] times, double[] concentrations)
    {
        _y[0] = dose; _y[1] = 0;
        double t = 0, h = _lastStep;
        double[] w = _rkWeights!;
        for (int i = 0; i < times.Length; i++)
        {
            while (t < times[i] - 1e-12)
            {
                h = Math.Min(h, times[i] - t);
                double g = _y[0], c = _y[1];
                double k1g = -_ka * g, k1c = _ka * g - _ke * c;
                double k2g = -_ka * (g + h / 2 * k1g), k2c = _ka * (g + h / 2 * k1g) - _ke * (c + h / 2 * k1c);
                double k3g = -_ka * (g + h / 2 * k2g), k3c = _ka * (g + h / 2 * k2g) - _ke * (c + h / 2 * k2c);
                double k4g = -_ka * (g + h * k3g), k4c = _ka * (g + h * k3g) - _ke * (c + h * k3c);
                _y[0] = g + h * (w[0] * k1g + w[1] * k2g + w[2] * k3g + w[3] * k4g);
                _y[1] = c + h * (w[0] * k1c + w[1] * k2c + w[2] * k3c + w[3] * k4c);
                t += h;
                Evaluations++;
                h = Math.Min(h * 1.2, 0.25);
            }
            concentrations[i] = _y[1] / _volume;
        }
        _lastStep = Math.Max(0.01, h * 0.5);
    }
}
