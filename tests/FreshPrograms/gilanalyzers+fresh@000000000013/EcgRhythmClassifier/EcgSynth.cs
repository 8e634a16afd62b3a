using System;

namespace EcgRhythmClassifier
{
    // Synthetic single-lead recordings: P-QRS-T complexes on a wandering baseline, regular sinus rhythm or AF.
    public static class EcgSynth
    {
        public static EcgRecord Synthesize(int id, bool af)
        {
            var rng = new Random(4242 + id);
            var samples = new float[LegacyQrsDetector.Rate * 240];
            double beatTime = 0.3, baseRr = 0.75 + 0.02 * (id % 7);
            while (beatTime < samples.Length / (double)LegacyQrsDetector.Rate - 1)
            {
                double rr = af ? baseRr * (0.6 + 0.8 * rng.NextDouble()) : baseRr * (1 + 0.05 * Math.Sin(beatTime * 1.6) + 0.01 * rng.NextDouble());
                int center = (int)(beatTime * LegacyQrsDetector.Rate);
                for (int k = Math.Max(-60, -center); k < 110 && center + k < samples.Length; k++)
                {
                    double q = k / (double)LegacyQrsDetector.Rate;
                    double p = af ? 0 : 0.12 * Math.Exp(-Math.Pow((q + 0.16) / 0.025, 2));
                    samples[center + k] += (float)(p + 1.1 * Math.Exp(-Math.Pow(q / 0.011, 2)) - 0.15 * Math.Exp(-Math.Pow((q - 0.03) / 0.01, 2)) + 0.3 * Math.Exp(-Math.Pow((q - 0.28) / 0.05, 2)));
                }
                beatTime += rr;
            }
            for (int i = 0; i < samples.Length; i++)
                samples[i] += (float)(0.15 * Math.Sin(2 * Math.PI * 0.3 * i / LegacyQrsDetector.Rate) + 0.03 * (rng.NextDouble() - 0.5));
            return new EcgRecord($"rec{id:D3}", samples, af);
        }
    }
}
