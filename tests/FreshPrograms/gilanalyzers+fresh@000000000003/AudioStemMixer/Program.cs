using System.Collections.Concurrent;
using System.Diagnostics;

namespace AudioStemMixer;

// Renders a short multitrack session: every stem is generated, equalised with the
// session's shared FIR equaliser, gain-staged and summed into a stereo bus.
public static class Program
{
    public static void Main()
    {
        var session = Session.CreateDemo(stemCount: 12, sampleRate: 22050, seconds: 1.0);
        var eq = new FirEqualizer(taps: 63, lowCutHz: 80, highCutHz: 6000, session.SampleRate);
        var meter = new LoudnessMeter();
        var mixer = new StemMixer(eq, meter);

        var sw = Stopwatch.StartNew();
        float[] bus = mixer.Render(session);
        sw.Stop();

        double rms = Math.Sqrt(bus.Sum(s => (double)s * s) / bus.Length);
        Console.WriteLine($"stems rendered: {meter.StemsMeasured}");
        Console.WriteLine($"bus samples:    {bus.Length}");
        Console.WriteLine($"bus rms:        {rms:F5}");
        Console.WriteLine($"loudest stem:   {meter.LoudestStem} ({meter.LoudestPeak:F4})");
        Debug.WriteLine($"render took {sw.ElapsedMilliseconds} ms");
    }
}

public sealed record Stem(string Name, float[] Samples, float GainDb);

public sealed class Session
{
    public required int SampleRate { get; init; }
    public required IReadOnlyList<Stem> Stems { get; init; }

    public static Session CreateDemo(int stemCount, int sampleRate, double seconds)
    {
        int length = (int)(sampleRate * seconds);
        var stems = new List<Stem>();
        for (int s = 0; s < stemCount; s++)
        {
            var rng = new Random(1000 + s);
            var data = new float[length];
            double freq = 110.0 * (1 + s % 5);
            for (int i = 0; i < length; i++)
            {
                double t = i / (double)sampleRate;
                data[i] = (float)(0.4 * Math.Sin(2 * Math.PI * freq * t) + 0.05 * (rng.NextDouble() - 0.5));
            }
            stems.Add(new Stem($"stem-{s:D2}", data, GainDb: -3f - s % 4));
        }
        return new Session { SampleRate = sampleRate, Stems = stems };
    }
}

public sealed class StemMixer(FirEqualizer eq, LoudnessMeter meter)
{
    public float[] Render(Session session)
    {
        int length = session.Stems[0].Samples.Length;
        var processed = new ConcurrentDictionary<int, float[]>();

        Parallel.ForEach(Enumerable.Range(0, session.Stems.Count), index =>
        {
            Stem stem = session.Stems[index];
            float[] filtered = eq.Apply(stem.Samples);
            float gain = MathF.Pow(10f, stem.GainDb / 20f);
            for (int i = 0; i < filtered.Length; i++)
            {
                filtered[i] *= gain;
            }
            meter.Record(stem.Name, filtered);
            processed[index] = filtered;
        });

        var bus = new float[length];
        for (int s = 0; s < session.Stems.Count; s++)
        {
            float[] stem = processed[s];
            for (int i = 0; i < length; i++)
            {
                bus[i] += stem[i] / session.Stems.Count;
            }
        }
        return bus;
    }
}

public sealed class LoudnessMeter
{
    private readonly object _gate = new();
    private int _stems;
    private string _loudest = "";
    private float _loudestPeak;

    public int StemsMeasured => _stems;
    public string LoudestStem => _loudest;
    public float LoudestPeak => _loudestPeak;

    public void Record(string name, float[] samples)
    {
        float peak = 0f;
        foreach (float s in samples)
        {
            peak = Math.Max(peak, Math.Abs(s));
        }

        lock (_gate)
        {
            _stems++;
            if (peak > _loudestPeak || (peak == _loudestPeak && string.CompareOrdinal(name, _loudest) < 0))
            {
                _loudestPeak = peak;
                _loudest = name;
            }
        }
    }
}
