using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks;

namespace BallisticsDropTables;

public record Load(string Cartridge, double MuzzleVelocity, double BallisticCoefficient, double SightHeightCm);

public static class Drag
{
    // Rough G1 drag-coefficient curve against Mach number.
    public static double Cd(double mach) =>
        mach < 0.8 ? 0.20 : mach < 1.0 ? 0.20 + (mach - 0.8) * 1.4 : mach < 1.2 ? 0.48 : 0.48 - 0.08 * (mach - 1.2);

    public static (double Ax, double Ay) Accel(double vx, double vy, double bc, double rho)
    {
        double v = Math.Sqrt(vx * vx + vy * vy);
        double k = 0.000207 * rho * Cd(v / 340.0) * v / bc;
        return (-k * vx, -k * vy - 9.80665);
    }
}

public class TrajectorySolver
{
    private readonly double[] _state = new double[4];
    public int Integrations;

    // Height (m) relative to bore line at the given range, RK4 at fixed time step.
    public double HeightAt(Load load, double angleRad, double rangeM, double rho = 1.0)
    {
        double x = 0, y = 0, vx = load.MuzzleVelocity * Math.Cos(angleRad), vy = load.MuzzleVelocity * Math.Sin(angleRad);
        const double dt = 0.0001;
        while (x < rangeM)
        {
            var (a1x, a1y) = Drag.Accel(vx, vy, load.BallisticCoefficient, rho);
            var (a2x, a2y) = Drag.Accel(vx + 0.5 * dt * a1x, vy + 0.5 * dt * a1y, load.BallisticCoefficient, rho);
            var (a3x, a3y) = Drag.Accel(vx + 0.5 * dt * a2x, vy + 0.5 * dt * a2y, load.BallisticCoefficient, rho);
            var (a4x, a4y) = Drag.Accel(vx + dt * a3x, vy + dt * a3y, load.BallisticCoefficient, rho);
            x += dt * (vx + dt / 6 * (a1x + 2 * a2x + 2 * a3x));
            y += dt * (vy + dt / 6 * (a1y + 2 * a2y + 2 * a3y));
            vx += dt / 6 * (a1x + 2 * a2x + 2 * a3x + a4x);
            vy += dt / 6 * (a1y + 2 * a2y + 2 * a3y + a4y);
        }
        _state[0] = x; _state[1] = y; _state[2] = vx; _state[3] = vy;
        return y;
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double SolveZeroAngle(Load load, double zeroRangeM, double rho)
    {
        double lo = 0, hi = 0.02, target = load.SightHeightCm / 100.0;
        for (int it = 0; it < 40; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (HeightAt(load, mid, zeroRangeM, rho) < target) lo = mid; else hi = mid;
            Integrations++;
        }
        return 0.5 * (lo + hi);
    }
}

// One card per load: rows are added and finished only by the loop iteration that owns the card.
public class DopeCard(Load load)
{
    private readonly List<(int Range, double DropCm, double DriftCm)> _rows = new();
    public Load Load { get; } = load;
    public string Text { get; private set; } = "";

    public void Add(int range, double dropCm, double driftCm) => _rows.Add((range, dropCm, driftCm));

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Finish()
    {
        var sb = new StringBuilder($"{Load.Cartridge}\n");
        foreach (var (r, d, w) in _rows.OrderBy(x => x.Range))
            sb.AppendLine($"{r,5} m  drop {d,8:F1} cm  {d / (r / 10.0),6:F2} MOA-ish  drift {w,6:F1} cm");
        Text = sb.ToString();
    }
}

public static class Program
{
    public static async Task Main()
    {
        var loads = new[]
        {
            new Load(".308 Win 175gr", 792, 0.505, 4.0), new Load("6.5 CM 140gr", 823, 0.610, 4.0),
            new Load(".223 Rem 77gr", 838, 0.372, 6.5), new Load(".300 WM 190gr", 887, 0.533, 4.5),
            new Load("7mm RM 162gr", 899, 0.625, 4.5), new Load(".338 LM 250gr", 905, 0.625, 5.0),
            new Load("6mm Creed 108gr", 899, 0.536, 4.0), new Load(".243 Win 95gr", 914, 0.379, 4.0),
        };
        string dir = Path.Combine(Path.GetTempPath(), $"dope-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        using var log = new StreamWriter(Path.Combine(dir, "zero.log"));

        var solver = new TrajectorySolver();
        double[] densities = Enumerable.Range(0, 12).Select(c => 0.78 + 0.03 * c).ToArray(); // altitude/temperature table
        var zero = new double[loads.Length, densities.Length];
        Parallel.ForEach(Enumerable.Range(0, loads.Length * densities.Length), job =>
        {
            int i = job / densities.Length, c = job % densities.Length;
            zero[i, c] = solver.SolveZeroAngle(loads[i], 200, densities[c]);
            lock (log)
            {
                log.WriteLine($"{loads[i].Cartridge} rho {densities[c]:F2}: zero angle {zero[i, c] * 1000:F3} mrad");
            }
        });
        double[] angles = Enumerable.Range(0, loads.Length).Select(i => zero[i, 7]).ToArray();

        var cards = loads.Select(l => new DopeCard(l)).ToArray();
        Parallel.For(0, cards.Length, i =>
        {
            var local = new TrajectorySolver();
            for (int r = 100; r <= 800; r += 100)
            {
                double drop = (local.HeightAt(loads[i], angles[i], r) - loads[i].SightHeightCm / 100.0) * 100;
                double drift = 0.9 * r * r / loads[i].MuzzleVelocity / loads[i].BallisticCoefficient / 100; // 4 m/s crosswind, rule of thumb
                cards[i].Add(r, drop, drift);
            }
            cards[i].Finish();
        });
        Console.Write(cards[1].Text);

        string[] files = await Task.WhenAll(loads.Select((l, i) => BuildTableAsync(l, angles[i], dir)));
        Console.WriteLine($"{files.Length} drop tables, {solver.Integrations} zeroing passes");
        log.Close();
        Directory.Delete(dir, recursive: true);
    }

    // Full drop table every 25 m out to 1000 m, then written next to the log.
    private static async Task<string> BuildTableAsync(Load load, double angle, string dir)
    {
        var solver = new TrajectorySolver();
        var sb = new StringBuilder();
        for (int r = 25; r <= 1000; r += 25)
        {
            double h = solver.HeightAt(load, angle, r) * 100 - load.SightHeightCm;
            sb.AppendLine($"{r},{h:F2}");
        }
        string path = Path.Combine(dir, load.Cartridge.Replace(' ', '_').Replace('.', '_') + ".csv");
        await File.WriteAllTextAsync(path, sb.ToString());
        return path;
    }
}
