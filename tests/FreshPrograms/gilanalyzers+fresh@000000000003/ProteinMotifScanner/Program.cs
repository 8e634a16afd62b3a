using System.Text;

namespace ProteinMotifScanner;

// Scans a protein database for a family's position weight matrix (PWM) motif and reports
// the significant hits. Database entries may be duplicated across source files.
internal static class Program
{
    private static void Main()
    {
        var motif = MotifModel.FromSeeds(["MKVLAAGIVG", "MKVLSAGLVG", "MRVLAAGIIG", "MKILAAGVVG"], pseudocount: 0.5);
        var db = ProteinDb.Synthetic(entries: 2500, meanLength: 300, plantMotifEvery: 9, seed: 13);

        var scorer = new PwmScorer(motif);
        var scanner = new DatabaseScanner(scorer, threshold: 9.0);
        var hits = scanner.Scan(db);

        Console.WriteLine($"entries scanned:  {scanner.UniqueEntries}");
        Console.WriteLine($"hits above 9.0:   {hits.Count}");
        foreach (var h in hits.OrderByDescending(h => h.Score).ThenBy(h => h.Accession).ThenBy(h => h.Offset).Take(5))
        {
            Console.WriteLine($"  {h.Accession} @{h.Offset,4}  {h.Window}  {h.Score:F3}");
        }
    }
}

public sealed record ProteinEntry(string Accession, string Sequence);
public sealed record MotifHit(string Accession, int Offset, string Window, double Score);

public static class ProteinDb
{
    private const string AminoAcids = "ACDEFGHIKLMNPQRSTVWY";

    public static List<ProteinEntry> Synthetic(int entries, int meanLength, int plantMotifEvery, int seed)
    {
        var rng = new Random(seed);
        var list = new List<ProteinEntry>();
        for (int e = 0; e < entries; e++)
        {
            if (e >= 2300)
            {
                // the second source file re-exports part of the first
                list.Add(list[e - 2300] with { });
                continue;
            }
            int length = meanLength / 2 + rng.Next(meanLength);
            var sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) sb.Append(AminoAcids[rng.Next(AminoAcids.Length)]);
            if (e % plantMotifEvery == 0)
            {
                int at = rng.Next(length - 10);
                sb.Remove(at, 10).Insert(at, "MKVLAAGIVG");
            }
            list.Add(new ProteinEntry($"P{e:D5}", sb.ToString()));
        }
        return list;
    }
}

public sealed class MotifModel(double[,] logOdds)
{
    public int Width => logOdds.GetLength(0);
    public double this[int pos, int aa] => logOdds[pos, aa];

    public static int Index(char aa) => "ACDEFGHIKLMNPQRSTVWY".IndexOf(aa);

    public static MotifModel FromSeeds(string[] seeds, double pseudocount)
    {
        int w = seeds[0].Length;
        var m = new double[w, 20];
        for (int p = 0; p < w; p++)
        {
            for (int a = 0; a < 20; a++) m[p, a] = pseudocount;
            foreach (var s in seeds) m[p, Index(s[p])] += 1;
            double total = seeds.Length + 20 * pseudocount;
            for (int a = 0; a < 20; a++) m[p, a] = Math.Log2(m[p, a] / total / 0.05);
        }
        return new MotifModel(m);
    }
}
