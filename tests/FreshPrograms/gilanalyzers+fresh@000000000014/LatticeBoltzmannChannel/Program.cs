using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace LatticeBoltzmannChannel;

public sealed record FlowCase(string Name, int Nx, int Ny, double Tau, double Force, int Steps);
public sealed record FlowSummary(string Name, double Reynolds, double MeanUx, double PeakUx, double Drag);

/// <summary>D2Q9 BGK channel, periodic in x, walls top and bottom, a cylinder a quarter of the way down.</summary>
public sealed class ChannelFlow
{
    private static readonly int[] Ex = { 0, 1, 0, -1, 0, 1, -1, -1, 1 };
    private static readonly int[] Ey = { 0, 0, 1, 0, -1, 1, 1, -1, -1 };
    private static readonly int[] Opp = { 0, 3, 4, 1, 2, 7, 8, 5, 6 };
    private static readonly double[] W = { 4.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 36, 1.0 / 36, 1.0 / 36, 1.0 / 36 };

    public readonly int Nx, Ny;
    public readonly double Radius;
    private readonly double _tau, _force;
    private readonly bool[] _solid;
    private double[] _f, _next;

    public ChannelFlow(FlowCase c)
    {
        (Nx, Ny, _tau, _force) = (c.Nx, c.Ny, c.Tau, c.Force);
        Radius = Ny / 8.0;
        _solid = new bool[Nx * Ny];
        _f = new double[Nx * Ny * 9];
        _next = new double[Nx * Ny * 9];
        for (int y = 0; y < Ny; y++)
        for (int x = 0; x < Nx; x++)
        {
            double dx = x - Nx / 4.0, dy = y - Ny / 2.0 + 0.5;
            _solid[y * Nx + x] = dx * dx + dy * dy <= Radius * Radius;
            for (int k = 0; k < 9; k++) _f[(y * Nx + x) * 9 + k] = W[k];
        }
    }

    public void CollideRow(int y)
    {
        for (int x = 0; x < Nx; x++)
        {
            int cell = y * Nx + x, b = cell * 9;
            if (_solid[cell]) continue;
            double rho = 0, ux = 0, uy = 0;
            for (int k = 0; k < 9; k++) { rho += _f[b + k]; ux += _f[b + k] * Ex[k]; uy += _f[b + k] * Ey[k]; }
            ux = ux / rho + _tau * _force / rho;
            uy /= rho;
            double usq = 1.5 * (ux * ux + uy * uy);
            for (int k = 0; k < 9; k++)
            {
                double eu = 3.0 * (Ex[k] * ux + Ey[k] * uy);
                double feq = W[k] * rho * (1.0 + eu + 0.5 * eu * eu - usq);
                _f[b + k] += (feq - _f[b + k]) / _tau;
            }
        }
    }

    public void StreamRow(int y)
    {
        for (int x = 0; x < Nx; x++)
        {
            int cell = y * Nx + x;
            for (int k = 0; k < 9; k++)
            {
                int sx = (x - Ex[k] + Nx) % Nx, sy = y - Ey[k];
                bool wall = sy < 0 || sy >= Ny || _solid[sy * Nx + sx];
                _next[cell * 9 + k] = wall ? _f[cell * 9 + Opp[k]] : _f[(sy * Nx + sx) * 9 + k];
            }
        }
    }

    public void Swap() => (_f, _next) = (_next, _f);

    public void Advance(int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            for (int y = 0; y < Ny; y++) CollideRow(y);
            for (int y = 0; y < Ny; y++) StreamRow(y);
            Swap();
        }
    }

    public FlowSummary Summarise(string name)
    {
        double sum = 0, peak = 0, drag = 0;
        int fluid = 0;
        for (int cell = 0; cell < Nx * Ny; cell++)
        {
            if (_solid[cell]) continue;
            double rho = 0, ux = 0;
            for (int k = 0; k < 9; k++) { rho += _f[cell * 9 + k]; ux += _f[cell * 9 + k] * Ex[k]; }
            ux /= rho;
            sum += ux; peak = Math.Max(peak, ux); fluid++;
            int x = cell % Nx, y = cell / Nx;
            for (int k = 1; k < 9; k++)
            {
                int tx = (x + Ex[k] + Nx) % Nx, ty = y + Ey[k];
                if (ty >= 0 && ty < Ny && _solid[ty * Nx + tx]) drag += 2.0 * _f[cell * 9 + k] * Ex[k];
            }
        }
        double mean = sum / fluid, nu = (_tau - 0.5) / 3.0;
        return new FlowSummary(name, mean * 2.0 * Radius / nu, mean, peak, drag);
    }
}

public static class Program
{
    private static readonly SemaphoreSlim ReportGate = new(1, 1);

    private static async Task<FlowSummary> RunCaseAsync(FlowCase c, string reportPath)
    {
        var flow = new ChannelFlow(c);
        flow.Advance(c.Steps);
        FlowSummary summary = flow.Summarise(c.Name);
        await ReportGate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(reportPath, string.Format(CultureInfo.InvariantCulture,
                "{0},{1:F2},{2:E4},{3:E4}{4}", summary.Name, summary.Reynolds, summary.MeanUx, summary.Drag, Environment.NewLine));
        }
        finally
        {
            ReportGate.Release();
        }
        return summary;
    }

    public static async Task Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var reference = new ChannelFlow(new FlowCase("reference", 200, 48, 0.6, 2e-5, 700));
        for (int step = 0; step < 700; step++)
        {
            Parallel.For(0, reference.Ny, y => reference.CollideRow(y));
            Parallel.For(0, reference.Ny, y => reference.StreamRow(y));
            reference.Swap();
        }
        FlowSummary r = reference.Summarise("reference");
        Console.WriteLine(string.Format(inv, "{0,-10} Re {1,7:F2}  mean ux {2:E4}  peak {3:E4}  drag {4:E4}", r.Name, r.Reynolds, r.MeanUx, r.PeakUx, r.Drag));

        string reportPath = Path.Combine(Path.GetTempPath(), $"lbm-sweep-{Environment.ProcessId}.csv");
        var cases = new[]
        {
            new FlowCase("viscous", 128, 32, 0.90, 6.0e-5, 700), new FlowCase("moderate", 128, 32, 0.70, 4.0e-5, 700),
            new FlowCase("brisk", 128, 32, 0.58, 2.5e-5, 700), new FlowCase("fast", 128, 32, 0.53, 1.5e-5, 700),
        };
        FlowSummary[] sweep = await Task.WhenAll(cases.Select(c => RunCaseAsync(c, reportPath)));
        foreach (FlowSummary s in sweep)
            Console.WriteLine(string.Format(inv, "{0,-10} Re {1,7:F2}  mean ux {2:E4}  peak {3:E4}  drag {4:E4}", s.Name, s.Reynolds, s.MeanUx, s.PeakUx, s.Drag));

        int lines = File.ReadAllLines(reportPath).Length;
        File.Delete(reportPath);
        double cd = sweep.Select(s => s.Drag / (s.MeanUx * s.MeanUx * 2.0 * 5.0)).Average();
        Console.WriteLine(string.Format(inv, "{0} report lines, mean drag coefficient proxy {1:F3}", lines, cd));
    }
}
