using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace KeywordSpotterDtw;

public sealed record Utterance(int Word, double[][] Features);

public static class Mfcc
{
    public const int Rate = 8000, Frame = 256, Hop = 128, Filters = 20, Coefficients = 12;

    private static readonly double[,] Bank = BuildFilterBank();

    private static double[,] BuildFilterBank()
    {
        static double Mel(double f) => 2595 * Math.Log10(1 + f / 700);
        double step = (Mel(Rate / 2.0) - Mel(0)) / (Filters + 1);
        var bank = new double[Filters, Frame / 2 + 1];
        for (int m = 0; m < Filters; m++)
            for (int k = 0; k <= Frame / 2; k++)
            {
                double mel = Mel(k * (double)Rate / Frame), lo = m * step, mid = lo + step, hi = mid + step;
                bank[m, k] = mel < lo || mel > hi ? 0 : mel <= mid ? (mel - lo) / step : (hi - mel) / step;
            }
        return bank;
    }

    public static double[][] Extract(float[] signal)
    {
        var frames = new List<double[]>();
        for (int start = 0; start + Frame <= signal.Length; start += Hop)
        {
            double[] re = new double[Frame], im = new double[Frame];
            for (int i = 0; i < Frame; i++) re[i] = signal[start + i] * (0.54 - 0.46 * Math.Cos(2 * Math.PI * i / (Frame - 1)));
            Spectral.Fft(re, im);
            var energies = new double[Filters];
            for (int m = 0; m < Filters; m++)
                for (int k = 0; k <= Frame / 2; k++) energies[m] += Bank[m, k] * (re[k] * re[k] + im[k] * im[k]);
            frames.Add(Enumerable.Range(1, Coefficients)
                .Select(c => Enumerable.Range(0, Filters).Sum(m => Math.Log(energies[m] + 1e-9) * Math.Cos(Math.PI * c * (m + 0.5) / Filters))).ToArray());
        }
        return frames.ToArray();
    }
}

// Nearest-template classifier. The DTW cost matrix is allocated once for the longest pair and reused.
public sealed class TemplateMatcher(IReadOnlyList<Utterance> templates)
{
    private readonly Lock _scratchLock = new();
    private readonly double[,] _cost = new double[128, 128];

    public (int Word, double Distance) Match(double[][] query)
    {
        using (_scratchLock.EnterScope())
        {
            (int bestWord, double best) = (-1, double.MaxValue);
            foreach (Utterance template in templates)
            {
                double[][] t = template.Features;
                for (int i = 0; i <= query.Length; i++)
                    for (int j = 0; j <= t.Length; j++) _cost[i, j] = double.PositiveInfinity;
                _cost[0, 0] = 0;
                for (int i = 1; i <= query.Length; i++)
                    for (int j = Math.Max(1, i * t.Length / query.Length - 12); j <= Math.Min(t.Length, i * t.Length / query.Length + 12); j++)
                    {
                        double d = 0;
                        for (int c = 0; c < Mfcc.Coefficients; c++) d += (query[i - 1][c] - t[j - 1][c]) * (query[i - 1][c] - t[j - 1][c]);
                        _cost[i, j] = Math.Sqrt(d) + Math.Min(_cost[i - 1, j - 1], Math.Min(_cost[i - 1, j], _cost[i, j - 1]));
                    }
                double normalised = _cost[query.Length, t.Length] / (query.Length + t.Length);
                if (normalised < best) { best = normalised; bestWord = template.Word; }
            }
            return (bestWord, best);
        }
    }
}

public static class Program
{
    private static readonly string[] Words = { "yes", "no", "stop", "go", "left", "right", "up", "down" };

    public static void Main()
    {
        var templates = new List<Utterance>();
        for (int w = 0; w < Words.Length; w++)
            for (int speaker = 0; speaker < 4; speaker++) templates.Add(new Utterance(w, Mfcc.Extract(Speak(w, 100 + speaker * 17, 1000 + w * 10 + speaker))));
        var tests = Enumerable.Range(0, 120).Select(i => new Utterance(i % Words.Length, Mfcc.Extract(Speak(i % Words.Length, 90 + (i * 13) % 60, 5000 + i)))).ToList();

        var matcher = new TemplateMatcher(templates);
        var confusion = new int[Words.Length, Words.Length];
        var bestLock = new Lock();
        (double closest, int closestIndex) = (double.MaxValue, -1);

        Parallel.ForEach(tests, () => new int[Words.Length, Words.Length], (test, _, index, local) =>
        {
            var (word, distance) = matcher.Match(test.Features);
            local[test.Word, word]++;
            if (distance < closest)
            {
                using (bestLock.EnterScope())
                {
                    if (distance < closest) { closest = distance; closestIndex = (int)index; }
                }
            }
            return local;
        }, local =>
        {
            lock (confusion)
            {
                for (int a = 0; a < Words.Length; a++)
                    for (int b = 0; b < Words.Length; b++) confusion[a, b] += local[a, b];
            }
        });

        int correct = Enumerable.Range(0, Words.Length).Sum(w => confusion[w, w]);
        Console.WriteLine("truth\\heard " + string.Join(" ", Words.Select(w => w.PadLeft(5))));
        for (int a = 0; a < Words.Length; a++)
            Console.WriteLine($"{Words[a],-11} " + string.Join(" ", Enumerable.Range(0, Words.Length).Select(b => confusion[a, b].ToString().PadLeft(5))));
        Console.WriteLine($"accuracy {correct}/{tests.Count}; closest match: utterance {closestIndex} ('{Words[tests[closestIndex].Word]}') at {closest:F4}");
    }

    // A toy vocal tract: each word is three vowel-like segments with fixed formants, voiced at the speaker's pitch.
    private static float[] Speak(int word, double pitch, int seed)
    {
        var rng = new Random(seed);
        int length = (int)(Mfcc.Rate * 0.55 * (0.85 + 0.3 * rng.NextDouble()));
        var signal = new float[length];
        int harmonics = (int)(3000 / pitch);
        var gains = new double[3, harmonics + 1];
        for (int segment = 0; segment < 3; segment++)
        {
            double f1 = (300 + 90 * ((word * 3 + segment * 5) % 8)) * (0.9 + 0.2 * rng.NextDouble());
            double f2 = (900 + 190 * ((word * 7 + segment * 3) % 9)) * (0.9 + 0.2 * rng.NextDouble());
            for (int h = 1; h <= harmonics; h++)
                gains[segment, h] = (1 / (1 + Math.Pow((h * pitch - f1) / 80, 2)) + 0.6 / (1 + Math.Pow((h * pitch - f2) / 120, 2))) / h;
        }
        double phase = 0;
        for (int n = 0; n < length; n++)
        {
            int segment = Math.Min(2, 3 * n / length);
            double sample = 0;
            phase += 2 * Math.PI * pitch / Mfcc.Rate;
            for (int h = 1; h <= harmonics; h++) sample += gains[segment, h] * Math.Sin(h * phase);
            signal[n] = (float)(sample * Math.Sin(Math.PI * n / length) + 0.8 * (rng.NextDouble() - 0.5));
        }
        return signal;
    }
}
