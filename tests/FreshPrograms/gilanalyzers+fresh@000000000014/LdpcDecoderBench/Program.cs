using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace LdpcDecoderBench;

/// <summary>Gallager-style (dv, dc)-regular parity-check matrix stored as edge lists.</summary>
public sealed class LdpcCode
{
    public readonly int N, M;
    public readonly int[] EdgeVar;
    public readonly int[] CheckStart;
    public readonly int[][] VarEdges;

    public LdpcCode(int n, int dv, int dc, int seed)
    {
        N = n;
        M = n * dv / dc;
        var rng = new Random(seed);
        EdgeVar = new int[n * dv];
        CheckStart = Enumerable.Range(0, M + 1).Select(c => c * dc).ToArray();
        int band = M / dv;
        for (int layer = 0; layer < dv; layer++)
        {
            int[] perm = Enumerable.Range(0, n).ToArray();
            if (layer > 0) rng.Shuffle(perm);
            for (int i = 0; i < n; i++) EdgeVar[(layer * band + i / dc) * dc + i % dc] = perm[i];
        }
        VarEdges = Enumerable.Range(0, n).Select(v => Enumerable.Range(0, EdgeVar.Length).Where(e => EdgeVar[e] == v).ToArray()).ToArray();
    }
}

/// <summary>Normalised min-sum decoder (scale 0.75) with an early stop on a zero syndrome.</summary>
public sealed class MinSumDecoder(LdpcCode code)
{
    private readonly double[] _r = new double[code.EdgeVar.Length];
    private readonly double[] _total = new double[code.N];

    public int Decode(double[] llr, int maxIterations, bool[] hard)
    {
        Array.Clear(_r);
        for (int iter = 1; iter <= maxIterations; iter++)
        {
            for (int v = 0; v < code.N; v++)
            {
                double t = llr[v];
                foreach (int e in code.VarEdges[v]) t += _r[e];
                _total[v] = t;
                hard[v] = t < 0;
            }
            bool syndromeZero = true;
            for (int c = 0; c < code.M; c++)
            {
                double min1 = double.MaxValue, min2 = double.MaxValue;
                int sign = 1, argMin = -1;
                bool parity = false;
                for (int e = code.CheckStart[c]; e < code.CheckStart[c + 1]; e++)
                {
                    double q = _total[code.EdgeVar[e]] - _r[e];
                    parity ^= hard[code.EdgeVar[e]];
                    if (q < 0) sign = -sign;
                    double a = Math.Abs(q);
                    if (a < min1) { min2 = min1; min1 = a; argMin = e; } else if (a < min2) min2 = a;
                }
                syndromeZero &= !parity;
                for (int e = code.CheckStart[c]; e < code.CheckStart[c + 1]; e++)
                {
                    double q = _total[code.EdgeVar[e]] - _r[e];
                    int s = q < 0 ? -sign : sign;
                    _r[e] = 0.75 * s * (e == argMin ? min2 : min1);
                }
            }
            if (syndromeZero) return iter;
        }
        return maxIterations + 1;
    }
}

public sealed class Totals
{
    public long Frames, BitErrors, FrameErrors, Iterations;
}

public static class Program
{
    private static double Sigma(double ebN0Db) => Math.Sqrt(1.0 / (2.0 * 0.5 * Math.Pow(10.0, ebN0Db / 10.0)));

    public static void Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var code = new LdpcCode(240, 3, 6, 2024);
        double[] snrs = { 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0 };
        const int framesPerPoint = 500;
        var bitErrors = new long[snrs.Length];
        var frameErrors = new int[snrs.Length];

        var done = new ManualResetEvent[snrs.Length];
        for (int p = 0; p < snrs.Length; p++)
        {
            done[p] = new ManualResetEvent(false);
            ThreadPool.QueueUserWorkItem(state =>
            {
                int point = (int)state!;
                var rng = new Random(500 + point);
                var decoder = new MinSumDecoder(code);
                var llr = new double[code.N];
                var hard = new bool[code.N];
                double sigma = Sigma(snrs[point]);
                for (int f = 0; f < framesPerPoint; f++)
                {
                    for (int i = 0; i < code.N; i++)
                    {
                        double g = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
                        llr[i] = 2.0 * (1.0 + sigma * g) / (sigma * sigma);
                    }
                    decoder.Decode(llr, 40, hard);
                    int errors = hard.Count(b => b);
                    bitErrors[point] += errors;
                    if (errors > 0) frameErrors[point]++;
                }
                done[point].Set();
            }, p);
        }
        WaitHandle.WaitAll(done);

        Console.WriteLine("Eb/N0   BER         FER");
        for (int p = 0; p < snrs.Length; p++)
            Console.WriteLine(string.Format(inv, "{0,4:F1}  {1,10:E3}  {2,6:F3}", snrs[p],
                bitErrors[p] / (double)(framesPerPoint * code.N), frameErrors[p] / (double)framesPerPoint));

        var totals = new Totals();
        const int blocks = 64, framesPerBlock = 20;
        double refSigma = Sigma(2.0);
        Parallel.For(0, blocks, () => new MinSumDecoder(code), (block, _, decoder) =>
        {
            var llr = new double[code.N];
            var hard = new bool[code.N];
            long bits = 0, frames = 0, iterations = 0;
            lock (LegacyChannel.Sync)
            {
                LegacyChannel.Seed(9000 + block);
                for (int f = 0; f < framesPerBlock; f++)
                {
                    for (int i = 0; i < code.N; i++) llr[i] = 2.0 * (1.0 + refSigma * LegacyChannel.Gauss()) / (refSigma * refSigma);
                    iterations += decoder.Decode(llr, 40, hard);
                    int errors = hard.Count(b => b);
                    bits += errors;
                    if (errors > 0) frames++;
                }
            }
            lock (totals)
            {
                totals.Frames += framesPerBlock;
                totals.BitErrors += bits;
                totals.FrameErrors += frames;
                totals.Iterations += iterations;
            }
            return decoder;
        }, _ => { });

        Console.WriteLine(string.Format(inv, "Reference channel @2.0 dB: {0} frames, BER {1:E3}, FER {2:F3}, mean iterations {3:F2}",
            totals.Frames, totals.BitErrors / (double)(totals.Frames * code.N), totals.FrameErrors / (double)totals.Frames,
            totals.Iterations / (double)totals.Frames));
    }
}
