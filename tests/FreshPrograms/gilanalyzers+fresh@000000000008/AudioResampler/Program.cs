namespace AudioResampler;

public sealed record Clip(string Name, int SampleRate, float[] Left, float[] Right);

/// <summary>Port of the old C polyphase resampler the voice pipeline has always used; it keeps its state in statics.</summary>
public static class LegacyPolyphase
{
    public static readonly object SyncRoot = new();
    private static readonly float[] History = new float[32];
    private static readonly float[] Scratch = new float[1 << 16];
    private static double _phase;
    private static int _historyPos;

    public static void Reset()
    {
        Array.Clear(History);
        _phase = 0;
        _historyPos = 0;
    }

    public static float[] Process(float[] input, double ratio)
    {
        int produced = 0;
        for (int i = 0; i < input.Length; i++)
        {
            History[_historyPos] = input[i];
            _historyPos = (_historyPos + 1) & 31;
            while (_phase < 1.0 && produced < Scratch.Length)
            {
                float acc = 0;
                for (int t = 0; t < 32; t++)
                    acc += History[(_historyPos + t) & 31] * (float)Math.Cos((t - 15.5 - _phase) * 0.09);
                Scratch[produced++] = acc / 20f;
                _phase += 1.0 / ratio;
            }
            _phase -= 1.0;
        }
        return Scratch.AsSpan(0, produced).ToArray();
    }
}

public sealed class SincResampler(int taps)
{
    public float[] Resample(float[] input, int fromRate, int toRate)
    {
        var output = new float[(int)((long)input.Length * toRate / fromRate)];
        double step = (double)fromRate / toRate;
        for (int n = 0; n < output.Length; n++)
        {
            double center = n * step;
            int first = (int)center - taps / 2;
            double acc = 0;
            for (int k = first; k < first + taps; k++)
            {
                if (k < 0 || k >= input.Length) continue;
                double x = k - center;
                double sinc = Math.Abs(x) < 1e-9 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                double window = 0.5 + 0.5 * Math.Cos(Math.PI * x / (taps / 2.0));
                acc += input[k] * sinc * window;
            }
            output[n] = (float)acc;
        }
        return output;
    }
}

public static class Program
{
    private static readonly object MeterGate = new();
    private static float _peak;
    private static int _clipsDone;

    public static void Main()
    {
        var clips = Enumerable.Range(0, 12).Select(i => MakeClip($"prompt-{i:D2}", 16_000, 0.25 + i * 0.02)).ToList();

        var voice = new float[clips.Count][];
        Parallel.ForEach(clips, (clip, _, i) =>
        {
            float[] resampled;
            lock (LegacyPolyphase.SyncRoot)
            {
                LegacyPolyphase.Reset();
                resampled = LegacyPolyphase.Process(clip.Left, 8_000.0 / clip.SampleRate);
            }
            voice[i] = resampled;
            float peak = resampled.Max(Math.Abs);
            lock (MeterGate)
            {
                _peak = Math.Max(_peak, peak);
                _clipsDone++;
            }
        });

        Clip music = MakeClip("music", 44_100, 3.0);
        var sinc = new SincResampler(taps: 24);
        float[]? left = null, right = null;
        var leftThread = new Thread(() => left = sinc.Resample(music.Left, 44_100, 48_000));
        var rightThread = new Thread(() => right = sinc.Resample(music.Right, 44_100, 48_000));
        leftThread.Start();
        rightThread.Start();
        leftThread.Join();
        rightThread.Join();

        Console.WriteLine($"voice clips {_clipsDone}, samples {voice.Sum(v => v.Length)}, peak {_peak:F3}");
        Console.WriteLine($"music {music.Left.Length} -> {left!.Length} samples per channel");
        Console.WriteLine($"energy L {left.Sum(x => (double)x * x):F1} R {right!.Sum(x => (double)x * x):F1}");
    }

    private static Clip MakeClip(string name, int rate, double seconds)
    {
        int n = (int)(rate * seconds);
        var l = new float[n];
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / rate;
            l[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * t) + 0.2 * Math.Sin(2 * Math.PI * 1250 * t));
            r[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 660 * t) + 0.1 * Math.Sin(2 * Math.PI * 3100 * t));
        }
        return new Clip(name, rate, l, r);
    }
}
