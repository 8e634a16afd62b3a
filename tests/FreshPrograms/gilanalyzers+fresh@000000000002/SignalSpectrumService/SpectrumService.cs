using System.Globalization;
using System.Text;

namespace SignalSpectrumService;

public sealed class SpectrumService(SharedFft fft, string archiveDirectory)
{
    private static readonly double[] BandEdgesHz = { 0, 250, 500, 1000, 2000, 4000, 8000 };
    private readonly SemaphoreSlim _indexFileGate = new(1, 1);

    public double[] BandEnergies(float[] samples)
    {
        double[] spectrum = fft.AveragedMagnitudes(samples);
        var bands = new double[BandEdgesHz.Length - 1];
        double hzPerBin = 16_000.0 / fft.Size;
        for (int k = 0; k < spectrum.Length; k++)
        {
            double hz = k * hzPerBin;
            int b = Array.FindLastIndex(BandEdgesHz, e => e <= hz);
            if (b < bands.Length) bands[b] += spectrum[k] * spectrum[k];
        }
        return bands;
    }

    public async Task<int> ArchiveSpectrumAsync(int channel, float[] samples)
    {
        double[] spectrum = fft.AveragedMagnitudes(samples);
        int peak = Array.IndexOf(spectrum, spectrum.Max());

        var csv = new StringBuilder("bin,magnitude\n");
        for (int k = 0; k < spectrum.Length; k++) csv.Append(k).Append(',').AppendLine(spectrum[k].ToString("G6", CultureInfo.InvariantCulture));

        string path = Path.Combine(archiveDirectory, $"channel-{channel:D2}.csv");
        await File.WriteAllTextAsync(path, csv.ToString());
        await AppendIndexAsync($"{channel},{peak},{path}");
        return peak;
    }

    private async Task AppendIndexAsync(string line)
    {
        await _indexFileGate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(Path.Combine(archiveDirectory, "index.csv"), line + Environment.NewLine);
        }
        finally
        {
            _indexFileGate.Release();
        }
    }
}
