using System.Runtime.CompilerServices;

namespace ChordDetector;

public record ChordTemplate(string Name, int Root, int[] Intervals)
{
    public double Score(double[] chroma)
    {
        double s = 0;
        for (int pc = 0; pc < 12; pc++)
        {
            bool inChord = Intervals.Any(iv => (Root + iv) % 12 == pc);
            s += inChord ? chroma[pc] : -0.35 * chroma[pc];
        }
        return s;
    }
}

public class ChromaAnalyzer
{
    private readonly int _sampleRate;
    private readonly double[] _window;

    public ChromaAnalyzer(int sampleRate, int frameSize)
    {
        _sampleRate = sampleRate;
        _window = new double[frameSize];
        for (int n = 0; n < frameSize; n++) _window[n] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (frameSize - 1));
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public double[] Chroma(float[] frame)
    {
        var chroma = new double[12];
        for (int midi = 36; midi < 96; midi++)
        {
            double freq = 440.0 * Math.Pow(2, (midi - 69) / 12.0);
            double coeff = 2 * Math.Cos(2 * Math.PI * freq / _sampleRate);
            double s1 = 0, s2 = 0;
            for (int n = 0; n < frame.Length; n++)
            {
                double s0 = frame[n] * _window[n] + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            chroma[midi % 12] += s1 * s1 + s2 * s2 - coeff * s1 * s2;
        }
        double max = chroma.Max();
        for (int pc = 0; pc < 12; pc++) chroma[pc] /= max;
        return chroma;
    }
}

public class DetectionStats
{
    private readonly Dictionary<string, int> _counts = new();

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Count(string chord)
    {
        _counts.TryGetValue(chord, out int n);
        _counts[chord] = n + 1;
    }

    public IEnumerable<KeyValuePair<string, int>> Top(int n) => _counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(n);
}

public static class Program
{
    private static readonly string[] NoteNames = { "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B" };

    public static void Main()
    {
        const int sampleRate = 22050, frameSize = 4096, frameCount = 1200;
        var templates = new List<ChordTemplate>();
        for (int root = 0; root < 12; root++)
        {
            templates.Add(new ChordTemplate(NoteNames[root], root, new[] { 0, 4, 7 }));
            templates.Add(new ChordTemplate(NoteNames[root] + "m", root, new[] { 0, 3, 7 }));
            templates.Add(new ChordTemplate(NoteNames[root] + "7", root, new[] { 0, 4, 7, 10 }));
        }

        int[] progression = { 0, 9, 5, 7 };
        var frames = new float[frameCount][];
        Parallel.For(0, frameCount, i =>
        {
            var rng = new Random(i);
            var tpl = templates[progression[(i / 30) % progression.Length] * 3 + (i % 60 < 30 ? 0 : 1)];
            var frame = new float[frameSize];
            foreach (int iv in tpl.Intervals)
            {
                double f = 130.81 * Math.Pow(2, (tpl.Root + iv) / 12.0);
                for (int n = 0; n < frameSize; n++) frame[n] += (float)Math.Sin(2 * Math.PI * f * n / sampleRate);
            }
            for (int n = 0; n < frameSize; n++) frame[n] += (float)(rng.NextDouble() * 0.2 - 0.1);
            frames[i] = frame;
        });

        var analyzer = new ChromaAnalyzer(sampleRate, frameSize);
        var stats = new DetectionStats();
        var detected = new string[frameCount];
        Parallel.For(0, frameCount, i =>
        {
            double[] chroma = analyzer.Chroma(frames[i]);
            var best = templates.MaxBy(t => t.Score(chroma))!;
            detected[i] = best.Name;
            stats.Count(best.Name);
        });

        Console.WriteLine("first bars: " + string.Join(" ", Enumerable.Range(0, 8).Select(b => detected[b * 30])));
        foreach (var kv in stats.Top(6)) Console.WriteLine($"{kv.Key,-4} {kv.Value,4} frames");
    }
}
