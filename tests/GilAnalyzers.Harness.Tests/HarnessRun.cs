using System.Diagnostics;
using System.Text;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Reporting;
using Microsoft.CodeAnalysis.CodeFixes;
using Spectre.Console;

namespace GilAnalyzers.Harness.Tests;

/// <summary>Runs gil-bench in-process (same code path as the CLI, with a captured console) or as the real CLI.</summary>
internal static class HarnessRun
{
    public static async Task<(int ExitCode, string Output, BenchReport? Report)> InProcessAsync(string[] args, params CodeFixProvider[] extraProviders)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        BenchCommand? command = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        int code = await Program.RunAsync(args, console, new FixEngine(extraProviders: extraProviders), cts.Token, c => command = c);
        return (code, writer.ToString(), command?.Report);
    }

    /// <summary>The real tool, as a child process: `dotnet gil-bench.dll args`.</summary>
    public static async Task<(int ExitCode, string Output)> CliAsync(params string[] args)
    {
        using var process = StartCli(args);
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

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the real tool as a child process (`dotnet gil-bench.dll args`), output redirected.</summary>
    public static Process StartCli(params string[] args)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "gil-bench.dll");
        Assert.True(File.Exists(tool), "gil-bench.dll is not next to the tests: " + tool);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(tool);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }
}

/// <summary>Writes test programs into a fresh temp folder; deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gil-bench-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string text)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text, new UTF8Encoding(false));
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
