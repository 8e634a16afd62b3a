using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway consumer project outside the repository that installs GilAnalyzers from a folder feed:
/// <list type="bullet">
/// <item><c>AntiPattern.cs</c>: GIL001's anti-pattern, which must warn;</item>
/// <item><c>CorrectPattern.cs</c>: the same work with the computation outside the lock, which must not;</item>
/// <item><c>Silenced/AntiPattern.cs</c>: the anti-pattern again, under a nested <c>.editorconfig</c> with
/// <c>dotnet_diagnostic.GIL001.severity = none</c>, which must not.</item>
/// </list>
/// </summary>
public sealed class ConsumerProject
{
    private ConsumerProject(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string ProjectFile => Path.Combine(Directory, "Consumer.csproj");

    public string AntiPatternFile => Path.Combine(Directory, "AntiPattern.cs");

    public string CorrectPatternFile => Path.Combine(Directory, "CorrectPattern.cs");

    public string SilencedAntiPatternFile => Path.Combine(Directory, "Silenced", "AntiPattern.cs");

    /// <summary>Where GIL001 must be reported in <see cref="AntiPatternFile"/>.</summary>
    public SourcePosition ExpectedWarning { get; } =
        SourcePosition.Of(ConsumerSources.AntiPattern("Consumer"), ConsumerSources.LockMarker);

    public static ConsumerProject Create(string directory, string feedDirectory, string packageVersion)
    {
        var project = new ConsumerProject(directory);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "Silenced"));

        WriteIsolationFiles(directory, feedDirectory);

        Write(directory, "Consumer.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Library</OutputType>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="GilAnalyzers" Version="[{packageVersion}]" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);

        Write(directory, ".editorconfig", """
            root = true

            [*.cs]
            indent_style = space
            """);
        Write(Path.Combine(directory, "Silenced"), ".editorconfig", """
            [*.cs]
            dotnet_diagnostic.GIL001.severity = none
            """);

        Write(directory, "AntiPattern.cs", ConsumerSources.AntiPattern("Consumer"));
        Write(directory, "CorrectPattern.cs", ConsumerSources.FixedPattern("Consumer", "CorrectPattern"));
        Write(Path.Combine(directory, "Silenced"), "AntiPattern.cs", ConsumerSources.AntiPattern("Consumer.Silenced"));
        return project;
    }

    /// <summary>
    /// Writes the files that keep a consumer folder independent of its surroundings: Directory.Build.props/.targets
    /// that stop MSBuild and central package management of folders above it from leaking in, and a nuget.config that
    /// adds the folder feed with the package under test.
    /// </summary>
    public static void WriteIsolationFiles(string directory, string feedDirectory)
    {
        // Stop MSBuild and NuGet settings of folders above the temp directory from leaking in.
        Write(directory, "Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>
            """);
        Write(directory, "Directory.Build.targets", "<Project />\n");

        // The folder feed is added to the machine's own sources (no <clear/>): other packages still restore as usual.
        Write(directory, "nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="gilanalyzers-under-test" value="{feedDirectory}" />
              </packageSources>
            </configuration>
            """);
    }

    public Task<ProcessResult> RestoreAsync() =>
        DotNetCli.RunAsync(Directory, ["restore", ProjectFile, .. DotNetCli.QuietBuildArguments]);

    /// <summary>A full rebuild (never skipped as up to date, so the analyzers always run) on the existing restore.</summary>
    public Task<ProcessResult> BuildAsync(params string[] extraArguments) =>
        DotNetCli.RunAsync(Directory, ["build", ProjectFile, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments, .. extraArguments]);

    internal static void Write(string directory, string name, string text) =>
        File.WriteAllText(Path.Combine(directory, name), text.ReplaceLineEndings("\n"));
}
