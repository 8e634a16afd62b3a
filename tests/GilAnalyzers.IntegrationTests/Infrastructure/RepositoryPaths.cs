namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>Finds the repository from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string PackageProject => Path.Combine(Root, "src", "GilAnalyzers.Package", "GilAnalyzers.Package.csproj");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GilAnalyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find GilAnalyzers.sln in {AppContext.BaseDirectory} or any folder above it; run the tests from a clone of the repository.");
    }
}
