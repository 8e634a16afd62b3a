namespace MolecularWeightCalc;

record Isotope(double Mass, double Abundance);

record CompoundRow(string Formula, double AverageMass, double MonoisotopicMass, int PeakCount);

static class PeriodicTable
{
    public static readonly Dictionary<string, Isotope[]> Elements = new()
    {
        ["H"] = new[] { new Isotope(1.007825, 0.999885), new Isotope(2.014102, 0.000115) },
        ["C"] = new[] { new Isotope(12.0, 0.9893), new Isotope(13.003355, 0.0107) },
        ["N"] = new[] { new Isotope(14.003074, 0.99636), new Isotope(15.000109, 0.00364) },
        ["O"] = new[] { new Isotope(15.994915, 0.99757), new Isotope(16.999132, 0.00038), new Isotope(17.999160, 0.00205) },
        ["S"] = new[] { new Isotope(31.972071, 0.9499), new Isotope(32.971458, 0.0075), new Isotope(33.967867, 0.0425) },
        ["Cl"] = new[] { new Isotope(34.968853, 0.7576), new Isotope(36.965903, 0.2424) },
        ["Fe"] = new[] { new Isotope(53.939610, 0.05845), new Isotope(55.934937, 0.91754), new Isotope(56.935394, 0.02119) },
    };
}

sealed class FormulaParser
{
    public Dictionary<string, int> Parse(string formula)
    {
        int pos = 0;
        var counts = ParseGroup(formula, ref pos);
        return counts;
    }

    Dictionary<string, int> ParseGroup(string s, ref int pos)
    {
        var counts = new Dictionary<string, int>();
        while (pos < s.Length && s[pos] != ')')
        {
            Dictionary<string, int> part;
            if (s[pos] == '(')
            {
                pos++;
                part = ParseGroup(s, ref pos);
                pos++;
            }
            else
            {
                int start = pos++;
                while (pos < s.Length && char.IsLower(s[pos])) pos++;
                part = new Dictionary<string, int> { [s[start..pos]] = 1 };
            }
            int n = 0;
            while (pos < s.Length && char.IsDigit(s[pos])) n = n * 10 + (s[pos++] - '0');
            foreach (var (el, c) in part) counts[el] = counts.GetValueOrDefault(el) + c * Math.Max(n, 1);
        }
        return counts;
    }
}

static class IsotopeCalculator
{
    public static List<(double Mass, double P)> Pattern(Dictionary<string, int> composition)
    {
        var peaks = new List<(double Mass, double P)> { (0.0, 1.0) };
        foreach (var (element, count) in composition.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            for (int atom = 0; atom < count; atom++)
                peaks = Convolve(peaks, PeriodicTable.Elements[element]);
        return peaks;
    }

    static List<(double, double)> Convolve(List<(double Mass, double P)> peaks, Isotope[] isotopes)
    {
        var merged = new SortedDictionary<long, (double Mass, double P)>();
        foreach (var peak in peaks)
            foreach (var iso in isotopes)
            {
                double mass = peak.Mass + iso.Mass, p = peak.P * iso.Abundance;
                long bucket = (long)Math.Round(mass * 10000);
                merged[bucket] = merged.TryGetValue(bucket, out var old) ? (old.Mass, old.P + p) : (mass, p);
            }
        return merged.Values.Where(x => x.P > 1e-14).ToList();
    }
}

class Program
{
    static readonly string[] Formulas =
    {
        "C6H12O6", "C8H10N4O2", "C27H46O", "C20H25N3O", "C12H22O11", "Fe(C5H5)2", "C63H88ClN14O14S",
        "C55H72N4O5", "C9H8O4", "C17H19NO3", "C21H30O2", "C43H66N12O12S2", "C33H35FeN4O4", "C10H16N5O13S2",
    };

    static async Task Main()
    {
        var parser = new FormulaParser();
        var rows = new List<CompoundRow>();
        var jobs = Enumerable.Range(0, 6).SelectMany(_ => Formulas).ToArray();

        Parallel.ForEach(jobs, formula =>
        {
            lock (rows)
            {
                var composition = parser.Parse(formula);
                var pattern = IsotopeCalculator.Pattern(composition);
                double average = pattern.Sum(p => p.Mass * p.P) / pattern.Sum(p => p.P);
                rows.Add(new CompoundRow(formula, average, pattern[0].Mass, pattern.Count));
            }
        });

        string outDir = Path.Combine(Path.GetTempPath(), "molweight-" + Environment.ProcessId);
        Directory.CreateDirectory(outDir);
        var batches = Formulas.Chunk(4).Select((chunk, index) => (Index: index, Formulas: chunk, Dir: outDir)).ToList();
        await Task.WhenAll(batches.Select(WriteBatchReportAsync));

        var paths = Directory.GetFiles(outDir, "*.csv").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        int[] lineCounts = await Task.WhenAll(paths.Select(CountLinesAsync));

        Console.WriteLine($"compounds analysed: {rows.Count}");
        foreach (var row in rows.DistinctBy(r => r.Formula).OrderBy(r => r.AverageMass).Take(6))
            Console.WriteLine($"{row.Formula,-18}{row.AverageMass,12:F4}{row.MonoisotopicMass,12:F4}{row.PeakCount,6}");
        Console.WriteLine($"reports: {paths.Length}, lines: {lineCounts.Sum()}");
        Directory.Delete(outDir, recursive: true);
    }

    static async Task WriteBatchReportAsync((int Index, string[] Formulas, string Dir) batch)
    {
        var parser = new FormulaParser();
        var lines = new List<string> { "formula,mass,probability" };
        foreach (var formula in batch.Formulas)
            foreach (var (mass, p) in IsotopeCalculator.Pattern(parser.Parse(formula)).OrderByDescending(x => x.P).Take(5))
                lines.Add($"{formula},{mass:F5},{p:E3}");
        await File.WriteAllLinesAsync(Path.Combine(batch.Dir, $"batch{batch.Index:D2}.csv"), lines);
    }

    static async Task<int> CountLinesAsync(string path)
    {
        string text = await File.ReadAllTextAsync(path);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
