using System;
using System.IO;
using System.Threading;

namespace AudioFirFilterBank
{
    internal class FilterBank
    {
        private readonly float[] _signal;
        private readonly int _sampleRate;
        private readonly object _statsLock = new object();
        private readonly object _reportLock = new object();
        private long _samplesFiltered;
        private StreamWriter _report;

        public FilterBank(float[] signal, int sampleRate, StreamWriter report)
        {
            _signal = signal;
            _sampleRate = sampleRate;
            _report = report;
        }

        public float[][] Split(double[] centreFrequencies)
        {
            float[][] bands = new float[centreFrequencies.Length][];
            CountdownEvent pending = new CountdownEvent(centreFrequencies.Length);
            for (int b = 0; b < centreFrequencies.Length; b++)
            {
                int band = b;
                ThreadPool.QueueUserWorkItem(delegate
                {
                    try
                    {
                        float[] taps = DesignBandPass(centreFrequencies[band], 255);
                        bands[band] = Convolve(_signal, taps);
                        Record(band, centreFrequencies[band], bands[band]);
                    }
                    finally
                    {
                        pending.Signal();
                    }
                });
            }
            pending.Wait();
            pending.Dispose();
            return bands;
        }

        private float[] DesignBandPass(double centre, int length)
        {
            float[] taps = new float[length];
            double bw = centre * 0.4;
            double lo = (centre - bw / 2) / _sampleRate, hi = (centre + bw / 2) / _sampleRate;
            int m = length / 2;
            for (int n = 0; n < length; n++)
            {
                int k = n - m;
                double ideal = k == 0 ? 2 * (hi - lo) : (Math.Sin(2 * Math.PI * hi * k) - Math.Sin(2 * Math.PI * lo * k)) / (Math.PI * k);
                double window = 0.54 - 0.46 * Math.Cos(2 * Math.PI * n / (length - 1));
                taps[n] = (float)(ideal * window);
            }
            return taps;
        }

        private float[] Convolve(float[] x, float[] h)
        {
            float[] y = new float[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                float acc = 0f;
                int kmax = Math.Min(h.Length, i + 1);
                for (int k = 0; k < kmax; k++)
                    acc += h[k] * x[i - k];
                y[i] = acc;
            }
            lock (_statsLock)
            {
                _samplesFiltered += y.Length;
            }
            return y;
        }

        private void Record(int band, double centre, float[] output)
        {
            double energy = 0;
            for (int i = 0; i < output.Length; i++) energy += output[i] * output[i];
            string line = string.Format("{0},{1:F0},{2:F4}", band, centre, Math.Sqrt(energy / output.Length));
            lock (_reportLock)
            {
                _report.WriteLine(line);
                _report.Flush();
            }
        }

        public long SamplesFiltered { get { return _samplesFiltered; } }
    }

    internal static class Program
    {
        private static void Main()
        {
            const int rate = 44100;
            Random rng = new Random(3);
            float[] signal = new float[rate];
            for (int i = 0; i < signal.Length; i++)
                signal[i] = (float)(Math.Sin(2 * Math.PI * 440 * i / rate) + 0.3 * Math.Sin(2 * Math.PI * 3000 * i / rate) + 0.05 * (rng.NextDouble() - 0.5));

            string path = Path.Combine(Path.GetTempPath(), "firbank-report.csv");
            using (StreamWriter writer = new StreamWriter(path))
            {
                FilterBank bank = new FilterBank(signal, rate, writer);
                double[] centres = { 63, 125, 250, 500, 1000, 2000, 4000, 8000 };
                float[][] bands = bank.Split(centres);
                Console.WriteLine("bands: " + bands.Length + ", samples filtered: " + bank.SamplesFiltered);
            }
            foreach (string line in File.ReadAllLines(path))
                Console.WriteLine("  " + line);
        }
    }
}
