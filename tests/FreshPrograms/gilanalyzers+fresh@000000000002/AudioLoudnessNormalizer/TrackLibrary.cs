namespace AudioLoudnessNormalizer;

public sealed record Track(string Title, float[] Samples);

public sealed class TrackLibrary
{
    public int SampleRate { get; }
    public IReadOnlyList<Track> Tracks { get; }

    private TrackLibrary(int sampleRate, IReadOnlyList<Track> tracks)
    {
        SampleRate = sampleRate;
        Tracks = tracks;
    }

    public static TrackLibrary CreateDemo(int count, int sampleRate, int seconds)
    {
        var rng = new Random(1234);
        var tracks = new List<Track>(count);
        for (int t = 0; t < count; t++)
        {
            var samples = new float[sampleRate * seconds];
            double freq = 110 * (1 + t % 7);
            double level = 0.05 + 0.9 * rng.NextDouble();
            for (int i = 0; i < samples.Length; i++)
            {
                double tone = Math.Sin(2 * Math.PI * freq * i / sampleRate);
                double noise = (rng.NextDouble() - 0.5) * 0.1;
                samples[i] = (float)(level * (0.8 * tone + noise));
            }
            tracks.Add(new Track($"track-{t:D3}", samples));
        }
        return new TrackLibrary(sampleRate, tracks);
    }
}
