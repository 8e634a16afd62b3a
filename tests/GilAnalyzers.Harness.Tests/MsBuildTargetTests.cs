using System.Diagnostics;

namespace GilAnalyzers.Harness.Tests;

/// <summary>`dotnet build -t:GilBench` through build/GilBench.targets, with the real dotnet CLI.</summary>
public class MsBuildTargetTests
{
    [Fact]
    public async Task GilBenchTarget_RunsTheTool_AndNothingToFixIsAWarning()
    {
        string targets = Path.Combine(RepoRoot(), "src", "GilAnalyzers.Harness", "build", "GilBench.targets");
        using var dir = new TempFolder();
        string project = dir.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <Import Project="{targets}" />
            </Project>
            """);
        dir.Write("App/Program.cs", "static class P { static void Main() => System.Console.WriteLine(1); }\n");
        string tool = Path.Combine(AppContext.BaseDirectory, "gil-bench.dll");

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "build", project, "-t:GilBench", "-nologo", "-nodeReuse:false", $"-p:GilBenchCommand=dotnet \"{tool}\"", "-p:GilBenchRounds=1" })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("nothing to fix: GilAnalyzers report nothing in this program.", output);
        Assert.Contains("warning : gil-bench: nothing to fix in App.", output);
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "GilAnalyzers.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("GilAnalyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
