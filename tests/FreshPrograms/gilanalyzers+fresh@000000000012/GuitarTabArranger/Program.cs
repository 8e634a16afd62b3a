using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace GuitarTabArranger;

public readonly record struct FretPosition(int String, int Fret);

public sealed record Song(string Title, int[] Notes, string[] Chords);

public sealed record Tablature(string Title, FretPosition[] Positions, double Cost);

public interface IFingeringCost
{
    double Place(FretPosition p);
    double Move(FretPosition from, FretPosition to);
}

public sealed class ErgonomicCost : IFingeringCost
{
    public double Place(FretPosition p) => p.Fret == 0 ? 0.2 : 0.05 * p.Fret + (p.Fret > 12 ? 1.5 : 0);

    public double Move(FretPosition from, FretPosition to)
    {
        if (to.Fret == 0) return 0.3 * Math.Abs(from.String - to.String);
        int hand = from.Fret == 0 ? to.Fret : Math.Abs(to.Fret - from.Fret);
        double stretch = hand <= 3 ? 0.4 * hand : 1.2 + Math.Pow(hand - 3, 1.5);
        return stretch + 0.35 * Math.Abs(from.String - to.String) + (from.String == to.String && hand == 0 ? 0.1 : 0);
    }
}

public sealed class TabArranger(IFingeringCost cost, int maxFret)
{
    private static readonly int[] OpenStrings = { 40, 45, 50, 55, 59, 64 };
    private double[] _best = Array.Empty<double>();
    private int[] _from = Array.Empty<int>();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public Tablature Arrange(Song song)
    {
        int n = song.Notes.Length, width = OpenStrings.Length;
        if (_best.Length < n * width) { _best = new double[n * width]; _from = new int[n * width]; }
        FretPosition At(int note, int s) => new(s, song.Notes[note] - OpenStrings[s]);
        bool Playable(int note, int s) => song.Notes[note] - OpenStrings[s] is >= 0 and var f && f <= maxFret;

        for (int s = 0; s < width; s++)
            _best[s] = Playable(0, s) ? cost.Place(At(0, s)) : double.PositiveInfinity;
        for (int i = 1; i < n; i++)
            for (int s = 0; s < width; s++)
            {
                double best = double.PositiveInfinity;
                int arg = -1;
                if (Playable(i, s))
                    for (int p = 0; p < width; p++)
                    {
                        double prev = _best[(i - 1) * width + p];
                        if (double.IsInfinity(prev)) continue;
                        double c = prev + cost.Move(At(i - 1, p), At(i, s)) + cost.Place(At(i, s));
                        if (c < best) { best = c; arg = p; }
                    }
                _best[i * width + s] = best;
                _from[i * width + s] = arg;
            }

        int last = Enumerable.Range(0, width).MinBy(s => _best[(n - 1) * width + s]);
        var path = new FretPosition[n];
        for (int i = n - 1, s = last; i >= 0; s = _from[i * width + s], i--) path[i] = At(i, s);
        return new Tablature(song.Title, path, _best[(n - 1) * width + last]);
    }
}

public sealed class ChordShapeLibrary
{
    private static readonly int[] OpenStrings = { 40, 45, 50, 55, 59, 64 };
    private static readonly string[] Names = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" };
    private readonly Dictionary<string, int[]> _shapes = new();

    public int[] ShapeFor(string chord)
    {
        lock (_shapes)
        {
            if (_shapes.TryGetValue(chord, out var cached)) return cached;
        }
        int root = Array.IndexOf(Names, chord.TrimEnd('m'));
        var tones = chord.EndsWith('m') ? new[] { 0, 3, 7 } : new[] { 0, 4, 7 };
        int[] bestShape = new int[6];
        double bestScore = double.MaxValue;
        for (int code = 0; code < 15625; code++)
        {
            var frets = new int[6];
            for (int s = 0, c = code; s < 6; s++, c /= 5) frets[s] = c % 5;
            var pcs = frets.Select((f, s) => (OpenStrings[s] + f - root + 120) % 12).ToArray();
            if (pcs.Any(pc => !tones.Contains(pc)) || tones.Any(t => !pcs.Contains(t))) continue;
            double score = frets.Sum() + 3 * (frets.Max() - frets.Where(f => f > 0).DefaultIfEmpty(0).Min()) + (pcs[0] == 0 ? 0 : 4);
            if (score < bestScore) { bestScore = score; bestShape = frets; }
        }
        lock (_shapes)
        {
            _shapes[chord] = bestShape;
        }
        return bestShape;
    }
}

public sealed class ArrangementLog
{
    private readonly List<(string Title, double Cost, int Chords)> _entries = new();

    public IReadOnlyList<(string Title, double Cost, int Chords)> Entries => _entries;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(Tablature tab, int chordCount) => _entries.Add((tab.Title, tab.Cost, chordCount));
}

public static class Program
{
    public static void Main()
    {
        string[] progressions = { "C", "Am", "F", "G", "Em", "D", "A", "Bm", "E", "Dm" };
        var songs = Enumerable.Range(0, 260).Select(k =>
        {
            var rng = new Random(77 + k);
            int pitch = 52 + rng.Next(12);
            var notes = new int[1400];
            for (int i = 0; i < notes.Length; i++)
                notes[i] = pitch = Math.Clamp(pitch + rng.Next(-4, 5), 40, 76);
            var chords = Enumerable.Range(0, 16).Select(_ => progressions[rng.Next(progressions.Length)]).ToArray();
            return new Song($"etude-{k:D3}", notes, chords);
        }).ToList();

        var arranger = new TabArranger(new ErgonomicCost(), maxFret: 15);
        var library = new ChordShapeLibrary();
        var log = new ArrangementLog();

        Parallel.ForEach(songs, song =>
        {
            var tab = arranger.Arrange(song);
            var shapes = song.Chords.Distinct().Select(library.ShapeFor).ToList();
            log.Record(tab, shapes.Count);
        });

        var ordered = log.Entries.OrderBy(e => e.Cost).ToList();
        Console.WriteLine($"arranged {ordered.Count} etudes, mean cost {ordered.Average(e => e.Cost):F1}");
        Console.WriteLine($"easiest: {ordered[0].Title} ({ordered[0].Cost:F1}), hardest: {ordered[^1].Title} ({ordered[^1].Cost:F1})");
        foreach (var chord in progressions)
            Console.WriteLine($"  {chord,-3} {string.Join('-', library.ShapeFor(chord))}");
    }
}
