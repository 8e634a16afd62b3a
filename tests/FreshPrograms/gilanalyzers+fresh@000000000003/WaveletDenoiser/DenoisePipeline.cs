using System.Runtime.CompilerServices;

namespace WaveletDenoiser;

public sealed class DenoisePipeline(int levels)
{
    private readonly Semaphore _thresholdGate = new(initialCount: 1, maximumCount: 1);
    private readonly List<double> _sortScratch = new();
    private int _thresholds;

    public int ThresholdsComputed => _thresholds;

    public double[][] Run(double[][] channels)
    {
        var coeffs = Transform(channels);

        Parallel.For(0, coeffs.Length, c =>
        {
            double[] w = coeffs[c];
            _thresholdGate.WaitOne();
            try
            {
                _sortScratch.Clear();
                int half = w.Length / 2;
                for (int i = half; i < w.Length; i++) _sortScratch.Add(Math.Abs(w[i]));
                _sortScratch.Sort();
                double sigma = _sortScratch[_sortScratch.Count / 2] / 0.6745;
                double lambda = sigma * Math.Sqrt(2 * Math.Log(w.Length));
                for (int i = 1; i < w.Length; i++)
                {
                    double a = Math.Abs(w[i]) - lambda;
                    w[i] = a > 0 ? Math.Sign(w[i]) * a : 0;
                }
                _thresholds++;
            }
            finally
            {
                _thresholdGate.Release();
            }
        });

        return coeffs.Select(Inverse).ToArray();
    }

    private double[][] Transform(double[][] channels)
    {
        var output = new double[channels.Length][];
        var pending = new StrongBox<int>(channels.Length);
        using var done = new ManualResetEventSlim(false);
        for (int c = 0; c < channels.Length; c++)
        {
            ThreadPool.QueueUserWorkItem(static state =>
            {
                var (self, input, results, index, counter, signal) = state;
                results[index] = self.Forward(input[index]);
                if (Interlocked.Decrement(ref counter.Value) == 0) signal.Set();
            }, (this, channels, output, c, pending, done), preferLocal: false);
        }
        done.Wait();
        return output;
    }

    private double[] Forward(double[] signal)
    {
        var data = (double[])signal.Clone();
        var tmp = new double[data.Length];
        int n = data.Length;
        for (int level = 0; level < levels; level++, n /= 2)
        {
            int h = n / 2;
            for (int i = 0; i < h; i++)
            {
                tmp[i] = (data[2 * i] + data[2 * i + 1]) / Math.Sqrt(2);
                tmp[h + i] = (data[2 * i] - data[2 * i + 1]) / Math.Sqrt(2);
            }
            Array.Copy(tmp, data, n);
        }
        return data;
    }

    private double[] Inverse(double[] coeffs)
    {
        var data = (double[])coeffs.Clone();
        var tmp = new double[data.Length];
        int n = data.Length >> (levels - 1);
        for (int level = 0; level < levels; level++, n *= 2)
        {
            int h = n / 2;
            for (int i = 0; i < h; i++)
            {
                tmp[2 * i] = (data[i] + data[h + i]) / Math.Sqrt(2);
                tmp[2 * i + 1] = (data[i] - data[h + i]) / Math.Sqrt(2);
            }
            Array.Copy(tmp, data, n);
        }
        return data;
    }
}
