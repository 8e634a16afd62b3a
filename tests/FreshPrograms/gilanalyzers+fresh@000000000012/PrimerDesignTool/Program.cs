using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PrimerDesignTool;

public sealed record Region(string Gene, int Start, int End);

public sealed record PrimerCandidate(string Gene, int Position, string Sequence, double Tm, double Gc, int Dimer, int Misprimes)
{
    public double Penalty => Math.Abs(Tm - 60) + 0.6 * Dimer + 2.0 * Misprimes + Math.Abs(Gc - 0.5) * 10;
}

#nullable disable
/// <summary>
/// Port of the lab's old oligo.c: SantaLucia (1998) nearest-neighbour Tm and a 3'-end mispriming scan.
/// Keeps its working copy of the oligo and the stacking terms in static buffers, as the C code did.
/// </summary>
internal static class OligoCalc
{
    public static readonly object Gate = new object();
    public static int Calls;
    private static readonly char[] s_seq = new char[64];
    private static readonly double[] s_dh = new double[64];
    private static readonly double[] s_ds = new double[64];
    private static int s_len;
    private static readonly string Pairs = "AA,TT,AT,TA,CA,GT,CT,GA,CG,GC,GG,CC";
    private static readonly double[] PairDh = { -7.9, -7.9, -7.2, -7.2, -8.5, -8.4, -7.8, -8.2, -10.6, -9.8, -8.0, -8.0 };
    private static readonly double[] PairDs = { -22.2, -22.2, -20.4, -21.3, -22.7, -22.4, -21.0, -22.2, -27.2, -24.4, -19.9, -19.9 };

    public static void Load(string oligo)
    {
        s_len = oligo.Length;
        oligo.CopyTo(0, s_seq, 0, s_len);
        Calls++;
    }

    public static double MeltingTemp(double naMolar, double oligoMolar)
    {
        double dh = 0.2, ds = -5.7;
        for (int i = 0; i + 1 < s_len; i++)
        {
            int k = Pairs.IndexOf(string.Concat(s_seq[i], s_seq[i + 1]), StringComparison.Ordinal) / 3;
            s_dh[i] = PairDh[k];
            s_ds[i] = PairDs[k];
            dh += s_dh[i];
            ds += s_ds[i];
        }
        ds += 0.368 * (s_len - 1) * Math.Log(naMolar);
        return dh * 1000 / (ds + 1.987 * Math.Log(oligoMolar / 4)) - 273.15;
    }

    public static int MisprimeScan(string template, int ownSite)
    {
        int hits = 0;
        for (int pos = 0; pos + s_len <= template.Length; pos++)
        {
            if (pos == ownSite) continue;
            int mismatches = 0;
            for (int k = s_len - 1; k >= s_len - 10 && mismatches <= 1; k--)
                if (template[pos + k] != s_seq[k]) mismatches++;
            if (mismatches <= 1) hits++;
        }
        return hits;
    }
}
#nullable restore

public sealed class DimerChecker(IReadOnlyList<string> panel)
{
    private readonly object _sync = new();
    private readonly int[] _score = new int[32 * 32];

    private static string ReverseComplement(string s) =>
        new(s.Reverse().Select(c => c switch { 'A' => 'T', 'T' => 'A', 'G' => 'C', _ => 'G' }).ToArray());

    public int WorstDimer(string oligo)
    {
        Monitor.Enter(_sync);
        try
        {
            int worst = 0;
            foreach (var partner in panel.Append(oligo).Select(ReverseComplement))
            {
                Array.Clear(_score);
                for (int i = 1; i <= oligo.Length; i++)
                    for (int j = 1; j <= partner.Length; j++)
                    {
                        int diag = _score[(i - 1) * 32 + j - 1] + (oligo[i - 1] == partner[j - 1] ? (oligo[i - 1] is 'G' or 'C' ? 3 : 2) : -3);
                        int best = Math.Max(0, Math.Max(diag, Math.Max(_score[(i - 1) * 32 + j], _score[i * 32 + j - 1]) - 4));
                        _score[i * 32 + j] = best;
                        worst = Math.Max(worst, best);
                    }
            }
            return worst;
        }
        finally
        {
            Monitor.Exit(_sync);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(31337);
        string template = new(Enumerable.Range(0, 14000).Select(_ => "ACGTTGCAAGCT"[rng.Next(12)]).ToArray());
        var regions = Enumerable.Range(0, 16).Select(g => new Region($"amp{g + 1:D2}", 300 + g * 820, 300 + g * 820 + 140)).ToList();
        var panel = Enumerable.Range(0, 28).Select(k => template.Substring(13000 - k * 37, 20)).ToList();
        var checker = new DimerChecker(panel);
        var candidates = new ConcurrentBag<PrimerCandidate>();

        Parallel.ForEach(regions, region =>
        {
            for (int pos = region.Start; pos < region.End; pos += 3)
                foreach (int length in new[] { 18, 20, 22, 24 })
                {
                    string oligo = template.Substring(pos, length);
                    double gc = oligo.Count(c => c is 'G' or 'C') / (double)length;
                    if (gc < 0.3 || gc > 0.7) continue;
                    double tm; int misprimes;
                    lock (OligoCalc.Gate)
                    {
                        OligoCalc.Load(oligo);
                        tm = OligoCalc.MeltingTemp(0.05, 250e-9);
                        misprimes = OligoCalc.MisprimeScan(template, pos);
                    }
                    candidates.Add(new PrimerCandidate(region.Gene, pos, oligo, tm, gc, checker.WorstDimer(oligo), misprimes));
                }
        });

        const int Window = 200;
        var gcHistogram = new int[21];
        Parallel.For(0, template.Length - Window, () => new int[21], (i, _, local) =>
        {
            int gcCount = 0;
            for (int k = i; k < i + Window; k++) if (template[k] is 'G' or 'C') gcCount++;
            local[gcCount * 20 / Window]++;
            return local;
        }, local =>
        {
            lock (gcHistogram)
            {
                for (int b = 0; b < gcHistogram.Length; b++) gcHistogram[b] += local[b];
            }
        });

        foreach (var best in candidates.GroupBy(c => c.Gene).OrderBy(g => g.Key, StringComparer.Ordinal)
                     .Select(g => g.OrderBy(c => c.Penalty).ThenBy(c => c.Position).First()))
            Console.WriteLine($"{best.Gene}: {best.Sequence} @{best.Position} Tm {best.Tm:F1} C, GC {best.Gc:P0}, " +
                              $"dimer {best.Dimer}, misprimes {best.Misprimes}");
        int peak = Array.IndexOf(gcHistogram, gcHistogram.Max());
        Console.WriteLine($"{OligoCalc.Calls} oligos scored; template GC windows peak at {peak * 5}% ({gcHistogram[peak]} windows)");
    }
}
