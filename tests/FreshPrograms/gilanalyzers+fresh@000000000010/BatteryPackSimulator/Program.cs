using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace BatteryPackSimulator;

// Second-order Thevenin equivalent circuit per cell: OCV(SOC) - R0*I - V1 - V2.
sealed class Cell
{
    public double Soc;
    public double V1, V2;
    public double MinVoltage = double.MaxValue;
    public readonly double CapacityAh, R0, R1, C1, R2, C2;

    public Cell(Random rng)
    {
        CapacityAh = 3.0 * (0.97 + 0.06 * rng.NextDouble());
        R0 = 0.018 * (0.9 + 0.2 * rng.NextDouble());
        R1 = 0.012; C1 = 2400; R2 = 0.02; C2 = 38000;
        Soc = 0.95 - 0.04 * rng.NextDouble();
    }

    public static double Ocv(double soc)
    {
        soc = Math.Clamp(soc, 0.0, 1.0);
        return 3.0 + 1.1 * soc - 0.35 * Math.Exp(-12 * soc) + 0.08 * Math.Log(1.0 + 9 * soc);
    }

    public double Step(double currentA, double dt)
    {
        Soc -= currentA * dt / (CapacityAh * 3600.0);
        double a1 = Math.Exp(-dt / (R1 * C1)), a2 = Math.Exp(-dt / (R2 * C2));
        V1 = V1 * a1 + R1 * (1 - a1) * currentA;
        V2 = V2 * a2 + R2 * (1 - a2) * currentA;
        double v = Ocv(Soc) - R0 * currentA - V1 - V2;
        if (v < MinVoltage) MinVoltage = v;
        return v;
    }
}

static class Program
{
    static readonly object StatsGate = new object();
    static double packMinVoltage = double.MaxValue;
    static int packMinModule = -1;

    // Synthetic urban drive cycle: base draw, a sine load, accelerations every five minutes and regen bursts.
    static double DriveCycleCurrent(double t)
    {
        double phase = t % 1800.0;
        double current = 2.0 + 1.5 * Math.Sin(phase / 60.0) + (phase % 300 < 20 ? 6.0 : 0.0);
        if (phase % 450 > 430) current = -3.0;
        return current;
    }

    static void Main()
    {
        const int modules = 8, cellsPerModule = 96, seconds = 7200;
        const double dt = 0.5;
        var rng = new Random(2024);
        var pack = new Cell[modules][];
        for (int m = 0; m < modules; m++)
        {
            pack[m] = new Cell[cellsPerModule];
            for (int c = 0; c < cellsPerModule; c++) pack[m][c] = new Cell(rng);
        }

        string csvPath = Path.Combine(Path.GetTempPath(), "pack-modules.csv");
        var logQueue = new BlockingCollection<string>(boundedCapacity: 64);
        var logger = new Thread(() =>
        {
            using var writer = new StreamWriter(csvPath);
            writer.WriteLine("module,min_v,end_soc");
            foreach (string line in logQueue.GetConsumingEnumerable()) writer.WriteLine(line);
        }) { IsBackground = true, Name = "csv-logger" };
        logger.Start();

        var sw = Stopwatch.StartNew();
        var moduleEnergyWh = new double[modules];
        var workers = new Thread[modules];
        for (int m = 0; m < modules; m++)
        {
            int module = m;
            workers[m] = new Thread(() =>
            {
                Cell[] cells = pack[module];
                double energy = 0;
                int steps = (int)(seconds / dt);
                for (int step = 0; step < steps; step++)
                {
                    double current = DriveCycleCurrent(step * dt);
                    double moduleVoltage = 0;
                    for (int c = 0; c < cells.Length; c++) moduleVoltage += cells[c].Step(current, dt);
                    energy += moduleVoltage * current * dt / 3600.0;
                }
                moduleEnergyWh[module] = energy;
                ReportModule(module, cells, logQueue);
            });
            workers[m].Start();
        }
        foreach (Thread w in workers) w.Join();

        logQueue.CompleteAdding();
        logger.Join();

        double total = 0;
        for (int m = 0; m < modules; m++)
        {
            Console.WriteLine($"module {m}: {moduleEnergyWh[m]:F2} Wh");
            total += moduleEnergyWh[m];
        }
        Console.WriteLine($"pack energy {total:F1} Wh, weakest module {packMinModule} at {packMinVoltage:F3} V");
        Console.Error.WriteLine($"simulated in {sw.ElapsedMilliseconds} ms, log at {csvPath}");
    }

    static void ReportModule(int module, Cell[] cells, BlockingCollection<string> log)
    {
        double min = double.MaxValue, soc = 0;
        foreach (Cell c in cells) { min = Math.Min(min, c.MinVoltage); soc += c.Soc; }
        log.Add($"{module},{min:F4},{soc / cells.Length:F4}");
        lock (StatsGate)
        {
            if (min < packMinVoltage || (min == packMinVoltage && module < packMinModule))
            {
                packMinVoltage = min;
                packMinModule = module;
            }
        }
    }
}
