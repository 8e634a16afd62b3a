namespace GilAnalyzers.Tests.Meta;

/// <summary>The repository the tests were built from (found by walking up to GilAnalyzers.sln).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Readme => Path.Combine(Root, "README.md");

    public static string RulesDirectory => Path.Combine(Root, "docs", "rules");

    public static string RulePage(string id) => Path.Combine(RulesDirectory, id + ".md");

    public static IEnumerable<string> ReleaseTrackingFiles =>
        new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .Select(name => Path.Combine(Root, "src", "GilAnalyzers", name));

    /// <summary>Set <c>GIL_UPDATE_DOCS=1</c> to let the docs tests rewrite the README rule table and create missing rule pages.</summary>
    public static bool UpdateRequested =>
        Environment.GetEnvironmentVariable("GIL_UPDATE_DOCS") is "1" or "true" or "True";

    public static string ReadNormalized(string path) => File.ReadAllText(path).ReplaceLineEndings("\n");

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
            $"Could not find GilAnalyzers.sln in {AppContext.BaseDirectory} or any folder above it; the docs tests need the repository.");
    }
}
