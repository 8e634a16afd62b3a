using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MapLabelPlacer;

public sealed class Feature
{
    public string Name = "";
    public double X, Y, Width, Height;
    public int Candidate;
}

public sealed record Sheet(int Id, Feature[] Features);
public sealed record SheetResult(int Id, double InitialCost, double FinalCost, int Conflicts);

public static class FontMetrics
{
    private static readonly object InitLock = new();
    private static double[]? _widths;

    public static double Measure(string text, double size)
    {
        if (_widths == null)
        {
            lock (InitLock)
            {
                if (_widths == null)
                {
                    var w = new double[128];
                    for (int c = 32; c < 128; c++) w[c] = "ilj.,;:'|!".Contains((char)c) ? 0.28 : "mwMW".Contains((char)c) ? 0.86 : char.IsUpper((char)c) ? 0.66 : 0.52;
                    _widths = w;
                }
            }
        }
        double width = 0;
        foreach (char ch in text) width += _widths[ch < 128 ? ch : 'x'];
        return width * size;
    }
}

public static class LabelPlacer
{
    // Eight classic candidate slots around the point, in cartographic preference order.
    private static readonly (double Dx, double Dy)[] Slots = { (1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0) };
    public static long TotalMoves;

    public static (double MinX, double MinY, double MaxX, double MaxY) Box(Feature f, int slot)
    {
        var (dx, dy) = Slots[slot];
        double cx = f.X + dx * (f.Width / 2 + 3), cy = f.Y + dy * (f.Height / 2 + 3);
        return (cx - f.Width / 2, cy - f.Height / 2, cx + f.Width / 2, cy + f.Height / 2);
    }

    private static double Overlap((double, double, double, double) a, (double, double, double, double) b)
    {
        double w = Math.Min(a.Item3, b.Item3) - Math.Max(a.Item1, b.Item1), h = Math.Min(a.Item4, b.Item4) - Math.Max(a.Item2, b.Item2);
        return w > 0 && h > 0 ? w * h : 0.0;
    }

    public static double LabelCost(Feature[] all, int i, int slot)
    {
        var box = Box(all[i], slot);
        double cost = 2.0 * slot;
        for (int j = 0; j < all.Length; j++)
        {
            if (j == i) continue;
            cost += Overlap(box, Box(all[j], all[j].Candidate));
            if (all[j].X > box.MinX && all[j].X < box.MaxX && all[j].Y > box.MinY && all[j].Y < box.MaxY) cost += 40.0;
        }
        return cost;
    }

    public static SheetResult Place(Sheet sheet, int moves)
    {
        lock (typeof(LabelPlacer))
        {
            var rng = new Random(sheet.Id * 7 + 1);
            Feature[] fs = sheet.Features;
            double initial = Enumerable.Range(0, fs.Length).Sum(i => LabelCost(fs, i, fs[i].Candidate)) / 2;
            double temperature = 30.0;
            for (int m = 0; m < moves; m++)
            {
                int i = rng.Next(fs.Length), slot = rng.Next(Slots.Length);
                double delta = LabelCost(fs, i, slot) - LabelCost(fs, i, fs[i].Candidate);
                if (delta <= 0 || rng.NextDouble() < Math.Exp(-delta / temperature)) fs[i].Candidate = slot;
                temperature *= 0.99985;
            }
            TotalMoves += moves;
            double final = Enumerable.Range(0, fs.Length).Sum(i => LabelCost(fs, i, fs[i].Candidate)) / 2;
            int conflicts = Enumerable.Range(0, fs.Length).Count(i => LabelCost(fs, i, fs[i].Candidate) - 2.0 * fs[i].Candidate > 0.5);
            return new SheetResult(sheet.Id, initial, final, conflicts);
        }
    }
}

public static class Program
{
    private static readonly string[] Syllables = { "ber", "ton", "ash", "ford", "wick", "ley", "ham", "stow", "burn", "mere", "dale", "by", "thorpe", "combe" };

    private static Sheet MakeSheet(int id)
    {
        var rng = new Random(1000 + id);
        var centres = Enumerable.Range(0, 6).Select(_ => (X: 100 + 800 * rng.NextDouble(), Y: 80 + 540 * rng.NextDouble())).ToArray();
        var features = new Feature[180];
        for (int i = 0; i < features.Length; i++)
        {
            var c = centres[rng.Next(centres.Length)];
            string name = string.Concat(Enumerable.Range(0, 2 + rng.Next(2)).Select(_ => Syllables[rng.Next(Syllables.Length)]));
            name = char.ToUpperInvariant(name[0]) + name.Substring(1);
            double size = i % 10 == 0 ? 14 : 10;
            features[i] = new Feature
            {
                Name = name, X = c.X + 160 * (rng.NextDouble() - 0.5) * 2, Y = c.Y + 120 * (rng.NextDouble() - 0.5) * 2,
                Width = FontMetrics.Measure(name, size), Height = size * 1.2,
            };
        }
        return new Sheet(id, features);
    }

    private static int CountOverdraw(Sheet sheet)
    {
        var coverage = new byte[1000 * 4, 700 * 4];
        int overdraw = 0;
        foreach (Feature f in sheet.Features)
        {
            var b = LabelPlacer.Box(f, f.Candidate);
            for (int x = Math.Max(0, (int)(b.MinX * 4)); x < Math.Min(4000, (int)(b.MaxX * 4)); x++)
            for (int y = Math.Max(0, (int)(b.MinY * 4)); y < Math.Min(2800, (int)(b.MaxY * 4)); y++)
                if (coverage[x, y]++ > 0) overdraw++;
        }
        return overdraw;
    }

    public static void Main()
    {
        var inv = CultureInfo.InvariantCulture;
        Sheet[] sheets = Enumerable.Range(0, 12).AsParallel().AsOrdered().Select(MakeSheet).ToArray();
        var results = new SheetResult[sheets.Length];
        Parallel.ForEach(sheets, sheet => results[sheet.Id] = LabelPlacer.Place(sheet, 24_000));

        var overdraw = new int[sheets.Length];
        var threads = new List<Thread>();
        foreach (Sheet[] group in sheets.Chunk(3))
        {
            var thread = new Thread(() =>
            {
                foreach (Sheet s in group) overdraw[s.Id] = CountOverdraw(s);
            });
            threads.Add(thread);
            thread.Start();
        }
        foreach (Thread t in threads) t.Join();

        Console.WriteLine($"Annealed {sheets.Length} sheets, {LabelPlacer.TotalMoves:N0} moves");
        foreach (SheetResult r in results)
            Console.WriteLine(string.Format(inv, "sheet {0,2}: cost {1,9:F1} -> {2,8:F1}  conflicts {3,3}  overdraw px {4,6}",
                r.Id, r.InitialCost, r.FinalCost, r.Conflicts, overdraw[r.Id]));
        Console.WriteLine(string.Format(inv, "Total residual cost {0:F1}", results.Sum(r => r.FinalCost)));
    }
}
