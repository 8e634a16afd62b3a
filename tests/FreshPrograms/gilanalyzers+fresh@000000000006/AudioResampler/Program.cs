using System.Diagnostics;

namespace AudioResampler;

public sealed record Clip(string Name, float[] Samples);

public sealed class ClipLibrary
{
    private readonly string _folder;

    public ClipLibrary(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    public async Task WriteSyntheticAsync(int count, int rate)
    {
        for (int c = 0; c < count; c++)
        {
            var rng = new Random(1000 + c);
            var bytes = new byte[rate / 2 * sizeof(float)];
            var samples = new float[rate / 2];
            double freq = 220 + 35 * c;
            for (int i = 0; i < samples.Length; i++)
                samples[i] = (float)(0.6 * Math.Sin(2 * Math.PI * freq * i / rate) + 0.05 * (rng.NextDouble() - 0.5));
            Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
            await File.WriteAllBytesAsync(Path.Combine(_folder, $"clip{c:D2}.raw"), bytes);
        }
    }

    public async Task<Clip> LoadAsync(string path)
    {
        byte[] raw = await File.ReadAllBytesAsync(path);
        var samples = new float[raw.Length / sizeof(float)];
        Buffer.BlockCopy(raw, 0, samples, 0, raw.Length);
        return new Clip(Path.GetFileNameWithoutExtension(path), samples);
    }

    public async Task<Clip[]> LoadAllAsync()
    {
        var paths = Directory.GetFiles(_folder, "*.raw").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        var loads = paths.Select(p => LoadAsync(p));
        return await Task.WhenAll(loads);
    }
}

public sealed class ResampleJob
{
    private readonly IResampler _resampler;
    private readonly object _progressLock = new();
    private int _done;

    public ResampleJob(IResampler resampler) => _resampler = resampler;

    public IReadOnlyDictionary<string, double> Run(IReadOnlyList<Clip> clips)
    {
        var rms = new double[clips.Count];
        Parallel.ForEach(Enumerable.Range(0, clips.Count), i =>
        {
            float[] converted = _resampler.Process(clips[i].Samples);
            double sum = 0;
            foreach (float s in converted) sum += s * s;
            rms[i] = Math.Sqrt(sum / converted.Length);

            lock (_progressLock)
            {
                _done++;
                if (_done % 6 == 0)
                    Console.WriteLine($"  resampled {_done}/{clips.Count}");
            }
        });

        var result = new Dictionary<string, double>();
        for (int i = 0; i < clips.Count; i++) result[clips[i].Name] = rms[i];
        return result;
    }
}

public static class Program
{
    public static async Task Main()
    {
        var folder = Path.Combine(Path.GetTempPath(), "audio-resampler-demo");
        var library = new ClipLibrary(folder);
        await library.WriteSyntheticAsync(count: 18, rate: 44100);
        Clip[] clips = await library.LoadAllAsync();

        IResampler resampler = new PolyphaseResampler(44100, 48000);
        var job = new ResampleJob(resampler);

        var sw = Stopwatch.StartNew();
        var levels = job.Run(clips);
        sw.Stop();

        foreach (var (name, level) in levels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(5))
            Console.WriteLine($"{name}: rms {level:F4}");
        Console.WriteLine($"clips: {levels.Count}, mean rms {levels.Values.Average():F4}");
        Console.Error.WriteLine($"elapsed {sw.ElapsedMilliseconds} ms");
    }
}
