using System.Collections;

// The namespace is the one these had in the integration tests' infrastructure, so the tests that use them (there and in
// GilAnalyzers.Tests) compile unchanged.
namespace GilAnalyzers.Testing.Processes;

/// <summary>
/// Runs the real <c>dotnet</c> CLI as a child process with an environment that leaves nothing behind:
/// no MSBuild node reuse and no compiler server (each build loads the analyzer afresh and no process
/// outlives its build), English messages, and none of the MSBuild variables the test host inherited from
/// the <c>dotnet test</c> that started it.
/// </summary>
public static class DotNetCli
{
    public static Task<ProcessResult> RunAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync(DotNetPath, arguments, workingDirectory, Environment);

    /// <summary>Arguments every build-like command gets.</summary>
    public static readonly string[] QuietBuildArguments =
    [
        "-nodeReuse:false",
        "-p:UseSharedCompilation=false",
        "-tl:off",
        "-clp:NoSummary",
        "-v:minimal",
    ];

    /// <summary>
    /// The <c>dotnet</c> host: the one running this process if it runs under it (a test host started by
    /// <c>dotnet test</c>, a program started as <c>dotnet program.dll</c>), else <c>DOTNET_HOST_PATH</c>, else whatever PATH finds.
    /// </summary>
    public static string DotNetPath { get; } = ResolveDotNet();

    /// <summary>The child environment: variables to set, and <c>null</c> for those to remove.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = BuildEnvironment();

    private static string ResolveDotNet()
    {
        var self = System.Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        var host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static Dictionary<string, string?> BuildEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        return environment;
    }
}
