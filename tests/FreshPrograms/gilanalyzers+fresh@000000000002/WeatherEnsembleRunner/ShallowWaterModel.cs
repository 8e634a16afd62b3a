using System.Runtime.CompilerServices;

namespace WeatherEnsembleRunner;

public sealed record MemberResult(int Member, double MeanHeight, double MaxWind);

public sealed class EnsembleMember(int id, double[] height, double[] u, double[] v)
{
    public int Id { get; } = id;
    public double[] Height { get; } = height;
    public double[] U { get; } = u;
    public double[] V { get; } = v;

    public static EnsembleMember Perturbed(int id, int nx, int ny)
    {
        var rng = new Random(100 + id);
        var h = new double[nx * ny];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                double dx = i - nx / 2.0, dy = j - ny / 2.0;
                h[j * nx + i] = 1000 + 10 * Math.Exp(-(dx * dx + dy * dy) / 60.0) + 0.05 * rng.NextDouble();
            }
        return new EnsembleMember(id, h, new double[nx * ny], new double[nx * ny]);
    }
}

/// <summary>Linearised shallow-water equations on a doubly periodic f-plane, forward-backward time stepping.</summary>
public sealed class ShallowWaterModel(int nx, int ny, double dt)
{
    private const double Gravity = 9.81, Coriolis = 1e-4, Dx = 10_000, MeanDepth = 1000;
    private long _stepsRun;

    public int Nx { get; } = nx;
    public int Ny { get; } = ny;
    public long StepsRun => _stepsRun;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public MemberResult Integrate(EnsembleMember member, int steps)
    {
        double[] h = member.Height, u = member.U, v = member.V;
        for (int s = 0; s < steps; s++)
        {
            for (int j = 0; j < Ny; j++)
                for (int i = 0; i < Nx; i++)
                {
                    int k = j * Nx + i;
                    int east = j * Nx + (i + 1) % Nx, north = (j + 1) % Ny * Nx + i;
                    double dhdx = (h[east] - h[k]) / Dx, dhdy = (h[north] - h[k]) / Dx;
                    double uOld = u[k];
                    u[k] += dt * (-Gravity * dhdx + Coriolis * v[k]);
                    v[k] += dt * (-Gravity * dhdy - Coriolis * uOld);
                }
            for (int j = 0; j < Ny; j++)
                for (int i = 0; i < Nx; i++)
                {
                    int k = j * Nx + i;
                    int west = j * Nx + (i - 1 + Nx) % Nx, south = (j - 1 + Ny) % Ny * Nx + i;
                    double div = (u[k] - u[west]) / Dx + (v[k] - v[south]) / Dx;
                    h[k] -= dt * MeanDepth * div;
                }
            _stepsRun++;
        }

        double maxWind = 0;
        for (int k = 0; k < u.Length; k++) maxWind = Math.Max(maxWind, Math.Sqrt(u[k] * u[k] + v[k] * v[k]));
        return new MemberResult(member.Id, h.Average(), maxWind);
    }
}
