namespace GilAnalyzers.Testing;

/// <summary>The GilAnalyzers checkout the running tests or tools were built from: the nearest folder above holding GilAnalyzers.sln.</summary>
public static class Repository
{
    public const string SolutionFileName = "GilAnalyzers.sln";

    private static readonly Lazy<string> LazyRoot = new(() => FindRoot(AppContext.BaseDirectory));

    /// <summary>The repository root found from the running assembly's folder; throws when there is none.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path inside the repository, e.g. <c>Repository.Combine("samples", "GIL001.LockedMonteCarloPi")</c>.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds GilAnalyzers.sln, or null.</summary>
    public static string? TryFindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>As <see cref="TryFindRoot"/>; throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public static string FindRoot(string start) =>
        TryFindRoot(start) ?? throw new InvalidOperationException(
            $"Could not find {SolutionFileName} in {start} or any folder above it; run from a clone of the repository.");
}
