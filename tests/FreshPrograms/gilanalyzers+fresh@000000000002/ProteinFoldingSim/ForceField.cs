namespace ProteinFoldingSim;

public sealed record ForceFieldParameters(double Epsilon, double Sigma, Dictionary<char, double> Hydrophobicity)
{
    public static ForceFieldParameters Default() => new(0.2, 4.5, new Dictionary<char, double>
    {
        ['A'] = 1.8, ['R'] = -4.5, ['N'] = -3.5, ['D'] = -3.5, ['C'] = 2.5, ['Q'] = -3.5, ['E'] = -3.5, ['G'] = -0.4,
        ['H'] = -3.2, ['I'] = 4.5, ['L'] = 3.8, ['K'] = -3.9, ['M'] = 1.9, ['F'] = 2.8, ['P'] = -1.6, ['S'] = -0.8,
        ['T'] = -0.7, ['W'] = -0.9, ['Y'] = -1.3, ['V'] = 4.2,
    });
}

/// <summary>
/// Lennard-Jones + hydrophobic contact energy. Ported from the group's Fortran code, which keeps the pair
/// distance matrix in a module-level work array; the port kept that array static to avoid reallocating it.
/// </summary>
public static class ForceField
{
    private static readonly object Gate = new();
    private static double[] s_pairDistances = Array.Empty<double>();
    private static ForceFieldParameters s_parameters = ForceFieldParameters.Default();

    public static void LoadParameters(ForceFieldParameters parameters)
    {
        lock (Gate)
        {
            s_parameters = parameters;
            s_pairDistances = Array.Empty<double>();
        }
    }

    public static double Energy(string sequence, Vec3[] beads)
    {
        lock (Gate)
        {
            int n = beads.Length;
            if (s_pairDistances.Length < n * n)
            {
                s_pairDistances = new double[n * n];
            }

            for (int i = 0; i < n; i++)
                for (int j = i + 2; j < n; j++)
                    s_pairDistances[i * n + j] = (beads[i] - beads[j]).Length;

            double energy = 0;
            double eps = s_parameters.Epsilon, sigma = s_parameters.Sigma;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 2; j < n; j++)
                {
                    double r = Math.Max(s_pairDistances[i * n + j], 0.5);
                    double sr6 = Math.Pow(sigma / r, 6);
                    energy += 4 * eps * (sr6 * sr6 - sr6);
                    if (r < 7.0)
                    {
                        energy -= 0.05 * Math.Max(0, s_parameters.Hydrophobicity[sequence[i]]) * Math.Max(0, s_parameters.Hydrophobicity[sequence[j]]);
                    }
                }
            }
            return energy;
        }
    }
}
