using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace PeptideSpectrumMatcher
{
    public sealed record Peptide(string Sequence, double Mass);

    public sealed record Spectrum(int Index, double PrecursorMass, double[] Peaks, string TruePeptide);

    public sealed record Psm(int SpectrumIndex, string Peptide, double Score, double[] Binned);

    internal static class LibcRandom
    {
        public static readonly object Gate = new object();
        [DllImport("libc.so.6")] public static extern void srandom(uint seed);
        [DllImport("libc.so.6")] public static extern int random();
    }

    // Database search with an XCorr-style preprocessed spectrum; the binning buffers belong to the scorer.
    internal sealed class PsmScorer(Peptide[] byMass)
    {
        private readonly double[] _raw = new double[Chemistry.Bins];
        private readonly double[] _binned = new double[Chemistry.Bins];

        public Psm Search(Spectrum spectrum)
        {
            Array.Clear(_raw);
            foreach (double mz in spectrum.Peaks) _raw[Math.Min(Chemistry.Bins - 1, (int)(mz / Chemistry.BinWidth))] = 1;
            for (int i = 0; i < Chemistry.Bins; i++)
            {
                double background = 0;
                for (int k = Math.Max(0, i - 60); k <= Math.Min(Chemistry.Bins - 1, i + 60); k++) background += _raw[k];
                _binned[i] = _raw[i] - background / 121;
            }
            int lo = LowerBound(spectrum.PrecursorMass - 3.0);
            (string best, double bestScore) = ("", double.MinValue);
            for (int p = lo; p < byMass.Length && byMass[p].Mass <= spectrum.PrecursorMass + 3.0; p++)
            {
                double score = Chemistry.Score(_binned, byMass[p].Sequence);
                if (score > bestScore) (best, bestScore) = (byMass[p].Sequence, score);
            }
            return new Psm(spectrum.Index, best, bestScore, (double[])_binned.Clone());
        }

        private int LowerBound(double mass)
        {
            int lo = 0, hi = byMass.Length;
            while (lo < hi) { int mid = (lo + hi) / 2; if (byMass[mid].Mass < mass) lo = mid + 1; else hi = mid; }
            return lo;
        }
    }

    public static class Program
    {
        private const int Decoys = 200;

        public static async Task Main()
        {
            var rng = new Random(2024);
            var proteins = Enumerable.Range(0, 400).Select(_ => new string(Enumerable.Range(0, rng.Next(200, 600)).Select(_ => Chemistry.Residues[rng.Next(20)]).ToArray())).ToList();
            Peptide[] byMass = proteins.SelectMany(Digest).Distinct().Select(s => new Peptide(s, Chemistry.PeptideMass(s))).OrderBy(p => p.Mass).ThenBy(p => p.Sequence, StringComparer.Ordinal).ToArray();
            Spectrum[] spectra = Enumerable.Range(0, 300).Select(i => Simulate(i, byMass[rng.Next(byMass.Length)].Sequence, rng)).ToArray();
            Console.WriteLine($"{proteins.Count} proteins, {byMass.Length} tryptic peptides, {spectra.Length} spectra");

            var scorer = new PsmScorer(byMass);
            var scorerGate = new SemaphoreSlim(1, 1);
            var fileGate = new SemaphoreSlim(1, 1);
            var psms = new Psm[spectra.Length];
            string path = Path.Combine(Path.GetTempPath(), $"psms-{Environment.ProcessId}.tsv");
            await using (var writer = new StreamWriter(path))
            {
                await Parallel.ForEachAsync(spectra, async (spectrum, ct) =>
                {
                    Psm psm;
                    await scorerGate.WaitAsync(ct);
                    try
                    {
                        psm = scorer.Search(spectrum);
                    }
                    finally
                    {
                        scorerGate.Release();
                    }
                    psms[spectrum.Index] = psm;
                    await fileGate.WaitAsync(ct);
                    try
                    {
                        await writer.WriteLineAsync($"{spectrum.Index}\t{psm.Peptide}\t{psm.Score:F3}");
                    }
                    finally
                    {
                        fileGate.Release();
                    }
                });
            }

            var pValues = new double[psms.Length];
            Parallel.For(0, psms.Length, i => pValues[i] = DecoyPValue(psms[i]));

            int correct = psms.Count(p => p.Peptide == spectra[p.SpectrumIndex].TruePeptide);
            Console.WriteLine($"correct top hits {correct}/{psms.Length}, significant (p < 0.01) {pValues.Count(p => p < 0.01)}, lines written {File.ReadLines(path).Count()}");
            foreach (Psm psm in psms.Take(6))
                Console.WriteLine($"  spectrum {psm.SpectrumIndex,3}: {psm.Peptide,-26} score {psm.Score,7:F3}  p {pValues[psm.SpectrumIndex]:F4}");
            File.Delete(path);
        }

        // Empirical p-value against shuffled decoys (first and last residue kept). The shuffles come from libc's
        // random(), seeded per spectrum so a rerun gives the same decoys as the old Perl pipeline.
        private static double DecoyPValue(Psm psm)
        {
            lock (LibcRandom.Gate)
            {
                LibcRandom.srandom((uint)psm.SpectrumIndex * 2654435761u + 1);
                char[] residues = psm.Peptide.ToCharArray();
                int atLeast = 0;
                for (int d = 0; d < Decoys; d++)
                {
                    for (int i = residues.Length - 2; i > 1; i--)
                    {
                        int j = 1 + LibcRandom.random() % i;
                        (residues[i], residues[j]) = (residues[j], residues[i]);
                    }
                    if (Chemistry.Score(psm.Binned, new string(residues)) >= psm.Score) atLeast++;
                }
                return (atLeast + 1.0) / (Decoys + 1.0);
            }
        }

        private static IEnumerable<string> Digest(string protein)
        {
            int start = 0;
            for (int i = 0; i < protein.Length; i++)
            {
                bool cut = (protein[i] == 'K' || protein[i] == 'R') && (i + 1 == protein.Length || protein[i + 1] != 'P');
                if (!cut && i + 1 != protein.Length) continue;
                if (i + 1 - start is >= 6 and <= 30) yield return protein[start..(i + 1)];
                start = i + 1;
            }
        }

        private static Spectrum Simulate(int index, string peptide, Random rng)
        {
            var peaks = new List<double>();
            double b = Chemistry.Proton, y = Chemistry.PeptideMass(peptide) + Chemistry.Proton;
            for (int i = 0; i < peptide.Length - 1; i++)
            {
                b += Chemistry.Residue(peptide[i]);
                y -= Chemistry.Residue(peptide[i]);
                if (rng.NextDouble() < 0.7) peaks.Add(b + (rng.NextDouble() - 0.5) * 0.04);
                if (rng.NextDouble() < 0.8) peaks.Add(y + (rng.NextDouble() - 0.5) * 0.04);
            }
            for (int n = 0; n < 40; n++) peaks.Add(100 + rng.NextDouble() * 1800);
            return new Spectrum(index, Chemistry.PeptideMass(peptide) + (rng.NextDouble() - 0.5) * 0.02, peaks.OrderBy(p => p).ToArray(), peptide);
        }
    }
}
