using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace EcgRhythmClassifier
{
    public sealed record EcgRecord(string Id, float[] Samples, bool AtrialFibrillation);

    public sealed record HrvFeatures(double MeanRr, double Rmssd, double Pnn50, double SampleEntropy, double LfHfRatio);

    // Port of the streaming Pan-Tompkins detector from the old bedside monitor firmware. The filter delay lines and the
    // adaptive thresholds are module-level state, exactly as in the C original, so the detector runs one record at a time.
    public static class LegacyQrsDetector
    {
        public static readonly object Sync = new object();
        public const int Rate = 250;
        private static readonly double[] s_x = new double[64], s_lp = new double[64], s_hp = new double[64], s_mwi = new double[64];
        private static int s_n, s_lastBeat, s_peakAt;
        private static double s_spki, s_npki, s_peak, s_prevMwi;

        public static void Init()
        {
            Array.Clear(s_x); Array.Clear(s_lp); Array.Clear(s_hp); Array.Clear(s_mwi);
            s_n = 0; s_lastBeat = -Rate; s_peakAt = 0; s_spki = 0; s_npki = 0; s_peak = 0; s_prevMwi = 0;
        }

        private static double At(double[] ring, int back) => ring[(s_n - back) & 63];

        // Returns the sample index of a beat confirmed by this sample, or -1.
        public static int Process(double sample)
        {
            s_x[s_n & 63] = sample;
            s_lp[s_n & 63] = 2 * At(s_lp, 1) - At(s_lp, 2) + sample - 2 * At(s_x, 6) + At(s_x, 12);
            s_hp[s_n & 63] = 32 * At(s_lp, 16) - (At(s_hp, 1) + s_lp[s_n & 63] - At(s_lp, 32));
            double d = (2 * s_hp[s_n & 63] + At(s_hp, 1) - At(s_hp, 3) - 2 * At(s_hp, 4)) / 8;
            s_mwi[s_n & 63] = d * d;
            double mwi = 0;
            for (int k = 0; k < 38; k++) mwi += At(s_mwi, k) / 38;
            int beat = -1;
            if (s_n < 2 * Rate) { s_spki = Math.Max(s_spki, mwi / 3); s_npki += mwi / (4 * Rate); }
            else if (mwi > s_prevMwi) { if (mwi > s_peak) { s_peak = mwi; s_peakAt = s_n; } }
            else if (s_peak > 0 && mwi < 0.5 * s_peak)
            {
                double threshold = s_npki + 0.25 * (s_spki - s_npki);
                if (s_peak > threshold && s_peakAt - s_lastBeat > Rate / 5)
                {
                    s_spki = 0.125 * s_peak + 0.875 * s_spki;
                    s_lastBeat = s_peakAt;
                    beat = s_peakAt - 27;
                }
                else s_npki = 0.125 * s_peak + 0.875 * s_npki;
                s_peak = 0;
            }
            s_prevMwi = mwi;
            s_n++;
            return beat;
        }
    }

    public static class Program
    {
        public static void Main()
        {
            List<EcgRecord> records = Enumerable.Range(0, 36).Select(i => EcgSynth.Synthesize(i, i % 3 == 1)).ToList();

            var beats = new int[records.Count][];
            Parallel.ForEach(records, (record, _, index) => beats[index] = DetectBeats(record));

            var features = new HrvFeatures[records.Count];
            var chunks = new Task[4];
            for (int c = 0; c < chunks.Length; c++)
            {
                int lo = c * records.Count / chunks.Length, hi = (c + 1) * records.Count / chunks.Length;
                chunks[c] = Task.Run(() =>
                {
                    for (int i = lo; i < hi; i++) features[i] = ComputeFeatures(beats[i]);
                });
            }
            Task.WaitAll(chunks);

            string reportPath = Path.Combine(Path.GetTempPath(), $"ecg-report-{Environment.ProcessId}.csv");
            using (var report = new StreamWriter(reportPath))
            {
                Parallel.For(0, records.Count, i =>
                {
                    string line = $"{records[i].Id},{(IsAf(features[i]) ? "AF" : "sinus")},{60 / features[i].MeanRr:F1},{features[i].Rmssd:F4},{features[i].SampleEntropy:F3}";
                    lock (report)
                    {
                        report.WriteLine(line);
                    }
                });
            }

            int correct = 0;
            foreach (var (f, i) in features.Select((f, i) => (f, i)))
            {
                bool af = IsAf(f);
                correct += af == records[i].AtrialFibrillation ? 1 : 0;
                Console.WriteLine($"{records[i].Id} beats {beats[i].Length,3}  HR {60 / f.MeanRr,5:F1}  RMSSD {f.Rmssd:F4}  pNN50 {f.Pnn50:F2}  SampEn {f.SampleEntropy:F3}  LF/HF {f.LfHfRatio,6:F2}  {(af ? "AF" : "sinus")}");
            }
            Console.WriteLine($"accuracy {correct}/{records.Count}, report lines {File.ReadAllLines(reportPath).Length}");
            File.Delete(reportPath);
        }

        private static bool IsAf(HrvFeatures f) => f.SampleEntropy > 1.2 && f.Rmssd > 0.08;

        private static int[] DetectBeats(EcgRecord record)
        {
            var found = new List<int>();
            lock (LegacyQrsDetector.Sync)
            {
                LegacyQrsDetector.Init();
                foreach (float s in record.Samples)
                {
                    int beat = LegacyQrsDetector.Process(s * 1000.0);
                    if (beat >= 0) found.Add(beat);
                }
            }
            return found.ToArray();
        }

        private static HrvFeatures ComputeFeatures(int[] beats)
        {
            double[] rr = beats.Zip(beats.Skip(1), (a, b) => (b - a) / (double)LegacyQrsDetector.Rate).ToArray();
            double[] diffs = rr.Zip(rr.Skip(1), (a, b) => b - a).ToArray();
            double rmssd = Math.Sqrt(diffs.Average(d => d * d)), pnn50 = diffs.Count(d => Math.Abs(d) > 0.05) / (double)diffs.Length;
            double mean = rr.Average(), r = 0.2 * Math.Sqrt(rr.Average(v => (v - mean) * (v - mean)));
            long matchM = 0, matchM1 = 0;
            for (int i = 0; i + 2 < rr.Length; i++)
                for (int j = i + 1; j + 2 < rr.Length; j++)
                    if (Math.Abs(rr[i] - rr[j]) <= r && Math.Abs(rr[i + 1] - rr[j + 1]) <= r)
                    {
                        matchM++;
                        if (Math.Abs(rr[i + 2] - rr[j + 2]) <= r) matchM1++;
                    }
            var t = new double[rr.Length];
            for (int i = 1; i < rr.Length; i++) t[i] = t[i - 1] + rr[i - 1];
            double lf = 0, hf = 0;
            for (double f = 0.04; f < 0.4; f += 0.002)
            {
                double w = 2 * Math.PI * f, tau = Math.Atan2(t.Sum(x => Math.Sin(2 * w * x)), t.Sum(x => Math.Cos(2 * w * x))) / (2 * w);
                double c = 0, s = 0, cc = 0, ss = 0;
                for (int i = 0; i < rr.Length; i++)
                {
                    double cos = Math.Cos(w * (t[i] - tau)), sin = Math.Sin(w * (t[i] - tau));
                    c += (rr[i] - mean) * cos; s += (rr[i] - mean) * sin; cc += cos * cos; ss += sin * sin;
                }
                double power = 0.5 * (c * c / cc + s * s / ss);
                if (f < 0.15) lf += power; else hf += power;
            }
            return new HrvFeatures(mean, rmssd, pnn50, -Math.Log((matchM1 + 1.0) / (matchM + 1.0)), lf / hf);
        }
    }
}
