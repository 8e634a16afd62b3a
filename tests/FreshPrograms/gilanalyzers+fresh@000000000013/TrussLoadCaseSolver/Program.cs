using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace TrussLoadCaseSolver
{
    internal sealed class TrussGeometry
    {
        public const int Panels = 16;
        public const double Span = 48.0, Height = 6.0;
        public readonly List<(double X, double Y)> Nodes = new List<(double, double)>();
        public readonly List<(int A, int B, int Group)> Members = new List<(int, int, int)>();

        private static readonly object InitLock = new object();
        private static volatile TrussGeometry? s_shared;

        // Built on first use; every design shares it read-only.
        public static TrussGeometry Shared
        {
            get
            {
                if (s_shared == null)
                {
                    lock (InitLock)
                    {
                        if (s_shared == null) s_shared = Build();
                    }
                }
                return s_shared;
            }
        }

        private static TrussGeometry Build()
        {
            var g = new TrussGeometry();
            double dx = Span / Panels;
            for (int i = 0; i <= Panels; i++) g.Nodes.Add((i * dx, 0));
            for (int i = 1; i < Panels; i++) g.Nodes.Add((i * dx, Height));
            int Top(int i) => Panels + i;
            for (int i = 0; i < Panels; i++) g.Members.Add((i, i + 1, 0));
            for (int i = 1; i < Panels - 1; i++) g.Members.Add((Top(i), Top(i + 1), 1));
            for (int i = 1; i < Panels; i++) g.Members.Add((i, Top(i), 2));
            g.Members.Add((0, Top(1), 1));
            g.Members.Add((Panels, Top(Panels - 1), 1));
            for (int i = 1; i < Panels / 2; i++) g.Members.Add((Top(i), i + 1, 3));
            for (int i = Panels / 2; i < Panels - 1; i++) g.Members.Add((i, Top(i + 1), 3));
            return g;
        }
    }

    internal sealed class DesignResult
    {
        public int Id;
        public double[] Areas = Array.Empty<double>();
        public double WeightKg, MaxStressMpa, MaxDeflectionMm;
        public bool Feasible;
    }

    internal sealed class DesignChunk
    {
        public int From, To;
        public ManualResetEvent Done = new ManualResetEvent(false);
    }

    internal static class Program
    {
        private static readonly double[] SectionsCm2 = { 18, 26, 35, 46, 58, 72, 90, 110 };
        private static readonly Dictionary<int, DesignResult> s_results = new Dictionary<int, DesignResult>();
        private static List<double[]> s_designs = new List<double[]>();
        private const double E = 210e9, Steel = 7850, AxleLoad = 180e3, DeadLoad = 45e3;

        private static void Main()
        {
            foreach (double a in SectionsCm2) foreach (double b in SectionsCm2) foreach (double c in SectionsCm2) foreach (double d in new[] { 18.0, 35, 58 })
                s_designs.Add(new[] { a * 1e-4, b * 1e-4, c * 1e-4, d * 1e-4 });
            Console.WriteLine($"{TrussGeometry.Shared.Members.Count} members, {TrussGeometry.Shared.Nodes.Count} nodes, {s_designs.Count} candidate designs");

            var doneEvents = new ManualResetEvent[8];
            for (int c = 0; c < doneEvents.Length; c++)
            {
                var chunk = new DesignChunk { From = c * s_designs.Count / doneEvents.Length, To = (c + 1) * s_designs.Count / doneEvents.Length };
                doneEvents[c] = chunk.Done;
                ThreadPool.QueueUserWorkItem(EvaluateChunk, chunk);
            }
            WaitHandle.WaitAll(doneEvents);

            var feasible = s_results.Values.Where(r => r.Feasible).OrderBy(r => r.WeightKg).ThenBy(r => r.Id).ToList();
            Console.WriteLine($"feasible designs: {feasible.Count} of {s_results.Count}");
            foreach (DesignResult r in feasible.Take(5))
                Console.WriteLine($"  #{r.Id,4}  chords {r.Areas[0] * 1e4:F0}/{r.Areas[1] * 1e4:F0} cm2  verticals {r.Areas[2] * 1e4:F0}  diagonals {r.Areas[3] * 1e4:F0}  {r.WeightKg,8:F0} kg  stress {r.MaxStressMpa,6:F1} MPa  deflection {r.MaxDeflectionMm,5:F1} mm");
        }

        private static void EvaluateChunk(object? state)
        {
            var chunk = (DesignChunk)state!;
            try
            {
                for (int i = chunk.From; i < chunk.To; i++) Record(Evaluate(i, s_designs[i]));
            }
            finally
            {
                chunk.Done.Set();
            }
        }

        private static void Record(DesignResult result)
        {
            lock (s_results)
            {
                s_results[result.Id] = result;
            }
        }

        private static DesignResult Evaluate(int id, double[] groupAreas)
        {
            TrussGeometry g = TrussGeometry.Shared;
            int n = g.Nodes.Count * 2;
            var k = new double[n, n];
            double weight = 0;
            foreach (var (a, b, group) in g.Members)
            {
                double dx = g.Nodes[b].X - g.Nodes[a].X, dy = g.Nodes[b].Y - g.Nodes[a].Y, length = Math.Sqrt(dx * dx + dy * dy);
                double c = dx / length, s = dy / length, stiffness = E * groupAreas[group] / length;
                int[] dof = { 2 * a, 2 * a + 1, 2 * b, 2 * b + 1 };
                double[] v = { -c, -s, c, s };
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) k[dof[i], dof[j]] += stiffness * v[i] * v[j];
                weight += Steel * groupAreas[group] * length;
            }
            foreach (int fixedDof in new[] { 0, 1, 2 * TrussGeometry.Panels + 1 })
                for (int i = 0; i < n; i++) { k[fixedDof, i] = k[i, fixedDof] = 0; k[fixedDof, fixedDof] = 1; }

            // Cholesky factorisation, then one solve per position of the axle load along the bottom chord.
            for (int j = 0; j < n; j++)
            {
                double d = k[j, j];
                for (int p = 0; p < j; p++) d -= k[j, p] * k[j, p];
                k[j, j] = Math.Sqrt(d);
                for (int i = j + 1; i < n; i++)
                {
                    double sum = k[i, j];
                    for (int p = 0; p < j; p++) sum -= k[i, p] * k[j, p];
                    k[i, j] = sum / k[j, j];
                }
            }
            double maxStress = 0, maxDeflection = 0;
            for (int position = 1; position < TrussGeometry.Panels; position++)
            {
                var u = new double[n];
                for (int node = 1; node < TrussGeometry.Panels; node++) u[2 * node + 1] = -DeadLoad - (node == position ? AxleLoad : 0);
                for (int i = 0; i < n; i++) { for (int p = 0; p < i; p++) u[i] -= k[i, p] * u[p]; u[i] /= k[i, i]; }
                for (int i = n - 1; i >= 0; i--) { for (int p = i + 1; p < n; p++) u[i] -= k[p, i] * u[p]; u[i] /= k[i, i]; }
                foreach (var (a, b, group) in g.Members)
                {
                    double dx = g.Nodes[b].X - g.Nodes[a].X, dy = g.Nodes[b].Y - g.Nodes[a].Y, length = Math.Sqrt(dx * dx + dy * dy);
                    double strain = ((u[2 * b] - u[2 * a]) * dx + (u[2 * b + 1] - u[2 * a + 1]) * dy) / (length * length);
                    maxStress = Math.Max(maxStress, Math.Abs(E * strain) / 1e6);
                }
                for (int node = 0; node <= TrussGeometry.Panels; node++) maxDeflection = Math.Max(maxDeflection, -u[2 * node + 1] * 1000);
            }
            return new DesignResult { Id = id, Areas = groupAreas, WeightKg = weight, MaxStressMpa = maxStress, MaxDeflectionMm = maxDeflection, Feasible = maxStress < 235 / 1.5 && maxDeflection < TrussGeometry.Span * 1000 / 600 };
        }
    }
}
