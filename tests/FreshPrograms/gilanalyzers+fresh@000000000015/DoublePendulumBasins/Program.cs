using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DoublePendulumBasins;

public struct PendulumState
{
    public double T1, T2, W1, W2;
    public PendulumState(double t1, double t2, double w1, double w2) { T1 = t1; T2 = t2; W1 = w1; W2 = w2; }
}

public static class Dynamics
{
    private const double G = 9.81, L = 1.0;

    // Equal masses and lengths.
    public static PendulumState Deriv(in PendulumState s)
    {
        double d = s.T1 - s.T2, den = 3 - Math.Cos(2 * d);
        double a1 = (-3 * G * Math.Sin(s.T1) - G * Math.Sin(s.T1 - 2 * s.T2)
                     - 2 * Math.Sin(d) * (s.W2 * s.W2 * L + s.W1 * s.W1 * L * Math.Cos(d))) / (L * den);
        double a2 = 2 * Math.Sin(d) * (2 * s.W1 * s.W1 * L + 2 * G * Math.Cos(s.T1) + s.W2 * s.W2 * L * Math.Cos(d)) / (L * den);
        return new PendulumState(s.W1, s.W2, a1, a2);
    }

    public static PendulumState Step(in PendulumState s, double h)
    {
        var k1 = Deriv(s);
        var k2 = Deriv(Add(s, k1, h / 2));
        var k3 = Deriv(Add(s, k2, h / 2));
        var k4 = Deriv(Add(s, k3, h));
        return new PendulumState(
            s.T1 + h / 6 * (k1.T1 + 2 * k2.T1 + 2 * k3.T1 + k4.T1), s.T2 + h / 6 * (k1.T2 + 2 * k2.T2 + 2 * k3.T2 + k4.T2),
            s.W1 + h / 6 * (k1.W1 + 2 * k2.W1 + 2 * k3.W1 + k4.W1), s.W2 + h / 6 * (k1.W2 + 2 * k2.W2 + 2 * k3.W2 + k4.W2));
    }

    public static PendulumState Add(in PendulumState s, in PendulumState k, double h) =>
        new(s.T1 + h * k.T1, s.T2 + h * k.T2, s.W1 + h * k.W1, s.W2 + h * k.W2);

    public static double Energy(in PendulumState s) =>
        0.5 * (2 * s.W1 * s.W1 + s.W2 * s.W2 + 2 * s.W1 * s.W2 * Math.Cos(s.T1 - s.T2)) - G * (2 * Math.Cos(s.T1) + Math.Cos(s.T2));
}

public sealed class LyapunovEstimator(int steps, double h)
{
    private readonly Lock _scratchLock = new();
    private readonly PendulumState[] _pair = new PendulumState[2];

    public double[] EstimateRow(double theta1, IReadOnlyList<double> theta2Values)
    {
        var row = new double[theta2Values.Count];
        using (_scratchLock.EnterScope())
        {
            for (int c = 0; c < row.Length; c++)
            {
                _pair[0] = new PendulumState(theta1, theta2Values[c], 0, 0);
                _pair[1] = new PendulumState(theta1 + 1e-8, theta2Values[c], 0, 0);
                double sum = 0;
                for (int n = 0; n < steps; n++)
                {
                    _pair[0] = Dynamics.Step(_pair[0], h);
                    _pair[1] = Dynamics.Step(_pair[1], h);
                    double dx = _pair[1].T1 - _pair[0].T1, dy = _pair[1].T2 - _pair[0].T2;
                    double dist = Math.Sqrt(dx * dx + dy * dy) + 1e-300;
                    if (n % 10 == 9)
                    {
                        sum += Math.Log(dist / 1e-8);
                        _pair[1] = new PendulumState(_pair[0].T1 + dx / dist * 1e-8, _pair[0].T2 + dy / dist * 1e-8, _pair[0].W1, _pair[0].W2);
                    }
                }
                row[c] = sum / (steps * h);
            }
        }
        return row;
    }
}

public static class Program
{
    public static void Main()
    {
        const int N = 64;
        const double H = 0.01;
        double Angle(int k) => -Math.PI + (k + 0.5) * 2 * Math.PI / N;

        // Flip-time basin map: time until either arm goes over the top.
        var flip = new double[N, N];
        int flippedCells = 0, rowsDone = 0;
        var statsGate = new object();
        Parallel.For(0, N, r =>
        {
            int rowFlipped = 0;
            for (int c = 0; c < N; c++)
            {
                var s = new PendulumState(Angle(r), Angle(c), 0, 0);
                double t = 0;
                while (t < 20 && Math.Abs(s.T1) < Math.PI && Math.Abs(s.T2) < Math.PI) { s = Dynamics.Step(s, H); t += H; }
                flip[r, c] = t;
                if (t < 20) rowFlipped++;
            }
            lock (statsGate)
            {
                flippedCells += rowFlipped;
                rowsDone++;
            }
        });
        Console.WriteLine($"{rowsDone} rows, {flippedCells} of {N * N} start angles flip within 20 s");

        // Largest Lyapunov exponent on a coarser grid.
        var theta2 = Enumerable.Range(0, 24).Select(k => -Math.PI + (k + 0.5) * 2 * Math.PI / 24).ToArray();
        var estimator = new LyapunovEstimator(steps: 800, h: H);
        var lyap = new double[24][];
        Parallel.For(0, 24, r => lyap[r] = LyapunovRow(estimator, theta2[r], theta2));
        Console.WriteLine($"max Lyapunov exponent {lyap.SelectMany(x => x).Max():F3} /s, mean {lyap.SelectMany(x => x).Average():F3} /s");

        // Energy drift of the integrator for several step sizes, four chunks of start angles each.
        double[] steps = { 0.02, 0.01, 0.005 };
        foreach (double h in steps)
        {
            var drift = new double[4];
            var tasks = new Task[4];
            for (int chunk = 0; chunk < 4; chunk++)
            {
                int ch = chunk;
                tasks[ch] = Task.Factory.StartNew(() =>
                {
                    double worst = 0;
                    for (int k = ch * 10; k < ch * 10 + 10; k++)
                    {
                        var s = new PendulumState(0.3 + 0.07 * k, -0.2 + 0.05 * k, 0, 0);
                        double e0 = Dynamics.Energy(s);
                        for (double t = 0; t < 10; t += h) s = Dynamics.Step(s, h);
                        worst = Math.Max(worst, Math.Abs(Dynamics.Energy(s) - e0));
                    }
                    drift[ch] = worst;
                }, TaskCreationOptions.LongRunning);
            }
            Task.WaitAll(tasks);
            Console.WriteLine($"h = {h}: worst energy drift {drift.Max():E2} J/kg");
        }
    }

    private static double[] LyapunovRow(LyapunovEstimator estimator, double theta1, double[] theta2) =>
        estimator.EstimateRow(theta1, theta2);
}
