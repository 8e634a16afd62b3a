namespace GilAnalyzers.SamplesBench;

/// <summary>A sample program under samples/: its harness entry and the size the execution tests use.</summary>
public sealed record SampleInfo(string Name, string Entry, int TestSize)
{
    public string SourcePath(string repositoryRoot) => Path.Combine(repositoryRoot, "samples", Name, "Program.cs");
}

public static class SampleCatalog
{
    public static IReadOnlyList<SampleInfo> All { get; } = new[]
    {
        new SampleInfo("MonteCarlo", "GilSamples.MonteCarlo.Sample.Run", 200),
        new SampleInfo("Mandelbrot", "GilSamples.Mandelbrot.Sample.Run", 200),
        new SampleInfo("HashChain", "GilSamples.HashChain.Sample.Run", 40),
        new SampleInfo("Simulation", "GilSamples.Simulation.Sample.Run", 150),
        new SampleInfo("GIL003.ThreadArraySumOfSquares", "Sample.Run", 2_000_003),
        new SampleInfo("GIL003.TwoThreadFibonacci", "Sample.Run", 24),
        new SampleInfo("GIL003.UnevenTriangularSplit", "Sample.Run", 3_001),
        new SampleInfo("GIL004.ThreadPoolMatrixMultiply", "Sample.Run", 61),
        new SampleInfo("GIL005.WhenAllCrc", "Sample.Run", 5),
    };

    /// <summary>The repository root: the nearest folder above <paramref name="start"/> that holds GilAnalyzers.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GilAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("No GilAnalyzers.sln above " + start);
    }
}
