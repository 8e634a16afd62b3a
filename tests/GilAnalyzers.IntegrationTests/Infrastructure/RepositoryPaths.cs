using GilAnalyzers.Testing;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>The repository the tests were built from (found by the kit's <see cref="Repository"/>), and the paths they use in it.</summary>
public static class RepositoryPaths
{
    public static string Root => Repository.Root;

    public static string PackageProject => Path.Combine(Root, "src", "GilAnalyzers.Package", "GilAnalyzers.Package.csproj");
}
