using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SensorCalibration
{
    class Channel
    {
        public int Id;
        public double[] Raw;
        public double[] Clean;
        public double Drift;
        public double[] Coefficients;
    }

    // Managed port of the vendor's calibration DLL. Like the C original it keeps its normal equations and the
    // previous solution in statics, and seeds each fit from the previous one.
    static class LegacyCalib
    {
        public static readonly object Lock = new object();
        static readonly double[,] s_normal = new double[4, 4];
        static readonly double[] s_rhs = new double[4];
        static double[] s_previous = { 1e-3, 2e-4, 0, 1e-7 };

        public static double[] Fit(double[] counts, double[] referenceKelvin)
        {
            Array.Clear(s_normal, 0, s_normal.Length);
            Array.Clear(s_rhs, 0, s_rhs.Length);
            for (int i = 0; i < counts.Length; i++)
            {
                double lnR = Math.Log(10_000.0 * counts[i] / (4096.0 - counts[i]));
                double[] basis = { 1, lnR, lnR * lnR, lnR * lnR * lnR };
                for (int r = 0; r < 4; r++)
                {
                    s_rhs[r] += basis[r] / referenceKelvin[i];
                    for (int c = 0; c < 4; c++) s_normal[r, c] += basis[r] * basis[c];
                }
            }
            var x = (double[])s_previous.Clone();
            for (int sweep = 0; sweep < 400; sweep++)
                for (int r = 0; r < 4; r++)
                {
                    double sum = s_rhs[r];
                    for (int c = 0; c < 4; c++) if (c != r) sum -= s_normal[r, c] * x[c];
                    x[r] = sum / s_normal[r, r];
                }
            s_previous = x;
            return x;
        }
    }

    class Program
    {
        const int Channels = 32, Samples = 60000;

        static void Main()
        {
            var rng = new Random(8);
            var reference = Enumerable.Range(0, Samples).Select(i => 273.15 + 20 + 15 * Math.Sin(i / 3000.0)).ToArray();
            var channels = new List<Channel>();
            for (int c = 0; c < Channels; c++)
            {
                var raw = new double[Samples];
                for (int i = 0; i < Samples; i++)
                    raw[i] = 2048 - (reference[i] - 293.15) * (18 + c * 0.1) + i * 0.0004 * c + (rng.Next(500) == 0 ? 900 : rng.NextDouble() * 6 - 3);
                channels.Add(new Channel { Id = c, Raw = raw });
            }

            var doneEvents = new ManualResetEvent[Channels];
            for (int c = 0; c < Channels; c++)
            {
                doneEvents[c] = new ManualResetEvent(false);
                ThreadPool.QueueUserWorkItem(state =>
                {
                    var ch = (Channel)state;
                    var clean = new double[Samples];
                    var window = new double[15];
                    for (int i = 0; i < Samples; i++)
                    {
                        for (int k = 0; k < window.Length; k++) window[k] = ch.Raw[Math.Clamp(i + k - 7, 0, Samples - 1)];
                        Array.Sort(window);
                        clean[i] = window[7];
                    }
                    ch.Clean = clean;
                    ch.Drift = (clean.Skip(Samples - 1000).Average() - clean.Take(1000).Average()) / Samples;
                    doneEvents[ch.Id].Set();
                }, channels[c]);
            }
            WaitHandle.WaitAll(doneEvents);

            string sheetPath = Path.Combine(Path.GetTempPath(), "calibration-" + Environment.ProcessId + ".txt");
            using (var sheet = new StreamWriter(sheetPath))
            {
                Parallel.ForEach(channels, ch =>
                {
                    double[] coeffs;
                    lock (LegacyCalib.Lock)
                    {
                        coeffs = LegacyCalib.Fit(ch.Clean, reference);
                    }
                    ch.Coefficients = coeffs;

                    lock (sheet)
                    {
                        sheet.WriteLine("ch{0:D2} A={1:E6} B={2:E6} C={3:E6} D={4:E6}", ch.Id, coeffs[0], coeffs[1], coeffs[2], coeffs[3]);
                    }
                });
            }

            foreach (var e in doneEvents) e.Dispose();
            var worst = channels.OrderByDescending(c => Math.Abs(c.Drift)).First();
            Console.WriteLine("largest drift: ch" + worst.Id + " " + worst.Drift.ToString("E3") + " counts/sample");
            Console.WriteLine("ch00 B coefficient: " + channels[0].Coefficients[1].ToString("E4"));
            Console.WriteLine("sheet lines: " + File.ReadAllLines(sheetPath).Length);
            File.Delete(sheetPath);
        }
    }
}
