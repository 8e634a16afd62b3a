using System.Diagnostics;
using System.Text.Json;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Harness.Diagnosing;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Reporting;
using Spectre.Console;

namespace GilAnalyzers.Harness.Tests;

/// <summary>`gil-bench diagnose` end to end: real builds, a real traced child process, real EventPipe and PDBs.</summary>
public class DiagnoseTests
{
    /// <summary>A lock around a call through an interface: the rules cannot see the cost of the callee and, precision
    /// first, report nothing, yet the callee is a CPU loop and the lock is contended. The second loop holds a GIL001
    /// lock around a CPU loop, but runs only when the program gets an argument.</summary>
    private const string UncoveredLock = """
        using System.Threading.Tasks;

        Console.WriteLine(Counter.Run(args.Length > 0));

        static class SqrtWork
        {
            public static double Do(int i)
            {
                double s = 0;
                for (int k = 0; k < 20_000; k++)
                {
                    s += Math.Sqrt(k + i);
                }

                return s;
            }
        }

        static class Counter
        {
            static readonly object Gate = new object();
            static readonly object Heavy = new object();
            // Called through a delegate, which no rule sees through (an interface the program implements itself is
            // costed by its implementation since 2026-12-04, so it would be covered).
            static readonly Func<int, double> Work = SqrtWork.Do;
            static double total;

            public static double Run(bool heavy)
            {
                Parallel.For(0, 3000, i =>
                {
                    lock (Gate)
                    {
                        total += Work(i);
                    }
                });
                if (heavy)
                {
                    Parallel.For(0, 4, i =>
                    {
                        lock (Heavy)
                        {
                            double s = 0;
                            for (int k = 0; k < 2_000_000; k++)
                            {
                                s += Math.Sqrt(k + i);
                            }

                            total += s;
                        }
                    });
                }

                return total;
            }
        }

        """;

    [Fact]
    public async Task LockedMonteCarloPi_ContendedSiteIsTheLockLine_JoinedToItsGil001()
    {
        string sample = Path.Combine(RepoRoot(), "samples", "GIL001.LockedMonteCarloPi");
        int lockLine = LineOf(Path.Combine(sample, "Program.cs"), "lock (Gate)");
        using var dir = new TempFolder();
        string json = Path.Combine(dir.Path, "report.json");
        string chart = Path.Combine(dir.Path, "cores.svg");
        var (code, output, report) = await RunAsync("diagnose", sample, "--json", json, "--chart", chart, "--markdown", Path.Combine(dir.Path, "r.md"));

        Assert.True(code == 0, output);
        Assert.NotNull(report);
        Assert.True(report!.Contention.Recorded, output);
        ContentionSite top = report.Contention.Sites[0];
        Assert.Equal("Program.cs", top.File);
        Assert.Equal(lockLine, top.Line);
        Assert.Contains("<Run>", top.Method, StringComparison.Ordinal);
        Assert.True(top.Count > 0 && top.WaitMs > 0, output);
        Assert.Equal($"GIL001 at Program.cs:{lockLine}", top.Diagnostic);
        Assert.False(string.IsNullOrEmpty(top.FixAvailable));
        Assert.Empty(report.NotExercised);
        Assert.Contains($"confirmed GIL001 at Program.cs:{lockLine}, fix available:", output, StringComparison.Ordinal);

        // One core busy at a time: the timeline is there and far below the machine's cores.
        Assert.NotEmpty(report.Timeline);
        if (Environment.ProcessorCount >= 2)
        {
            Assert.True(report.MeanEffectiveCores < 1.5, $"mean effective cores {report.MeanEffectiveCores}");
            Assert.True(report.ShareBelowThreshold > 0.5, $"share below 1.2 cores {report.ShareBelowThreshold}");
        }

        // The JSON keys the issue names.
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.True(root.GetProperty("timeline")[0].GetProperty("tMs").GetDouble() > 0);
        Assert.True(root.GetProperty("timeline")[0].TryGetProperty("effectiveCores", out _));
        Assert.True(root.GetProperty("meanEffectiveCores").GetDouble() > 0);
        JsonElement site = root.GetProperty("contention").GetProperty("sites")[0];
        Assert.Equal("Program.cs", site.GetProperty("file").GetString());
        Assert.Equal(lockLine, site.GetProperty("line").GetInt32());
        Assert.True(site.GetProperty("count").GetInt64() > 0);
        Assert.True(site.GetProperty("waitMs").GetDouble() > 0);
        Assert.StartsWith("GIL001", site.GetProperty("diagnostic").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, root.GetProperty("uncovered").GetArrayLength());
        Assert.Equal(0, root.GetProperty("notExercised").GetArrayLength());
        Assert.True(root.GetProperty("run").GetProperty("workItems").GetInt64() > 0);
        Assert.Contains("<svg", File.ReadAllText(chart), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynchronizedParticleSimulation_SiteIsTheMethod_JoinedToItsGil002()
    {
        string sample = Path.Combine(RepoRoot(), "samples", "GIL002.SynchronizedParticleSimulation");
        string source = Path.Combine(sample, "Program.cs");
        int firstStatement = LineOf(source, "double x = 0.1 + (particle % 97)");
        var (code, output, report) = await RunAsync("diagnose", sample);

        Assert.True(code == 0, output);
        ContentionSite top = report!.Contention.Sites[0];
        Assert.EndsWith(".Step", top.Method, StringComparison.Ordinal);
        // The JIT takes a synchronized method's lock in its prologue: the site is the method's first statement.
        Assert.Equal(firstStatement, top.Line);
        Assert.StartsWith("GIL002 at Program.cs:", top.Diagnostic, StringComparison.Ordinal);
        Assert.Empty(report.Uncovered);
    }

    /// <summary>samples/GIL001.LockedMonteCarloPi after GIL001's fix: per-worker counts merged once under the lock (localInit/localFinally).</summary>
    private const string FixedMonteCarlo = """
        using System.Threading.Tasks;

        Console.WriteLine(Sample.Run(1500));

        static class Sample
        {
            static readonly object Gate = new object();
            static long hits;

            public static long Run(int batches)
            {
                hits = 0;
                Parallel.For(0, batches, () => 0L, (batch, _, inside) =>
                {
                    for (int k = 0; k < 50_000; k++)
                    {
                        ulong bits = Mix((ulong)batch * 50_000 + (ulong)k);
                        double x = (bits >> 32) / 4294967296.0;
                        double y = (bits & 0xFFFFFFFFUL) / 4294967296.0;
                        if (x * x + y * y <= 1.0)
                        {
                            inside++;
                        }
                    }

                    return inside;
                }, inside =>
                {
                    lock (Gate)
                    {
                        hits += inside;
                    }
                });
                return hits;
            }

            static ulong Mix(ulong z)
            {
                z += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }

        """;

    [Fact]
    public async Task FixedMonteCarlo_NoDiagnostic_AndContentionAllButGone()
    {
        using var dir = new TempFolder();
        string app = dir.Write("fixed.cs", FixedMonteCarlo);
        var (code, output, report) = await RunAsync("diagnose", app);

        Assert.True(code == 0, output);
        Assert.True(report!.Contention.Recorded, output);
        Assert.Empty(report.Diagnostics);
        Assert.Empty(report.NotExercised);
        // The merge lock is taken once per worker, not once per batch: at most a handful of waits.
        Assert.True(report.Contention.Sites.Sum(s => s.Count) <= 2 * Environment.ProcessorCount + 4, output);
        Assert.NotEmpty(report.Timeline);
    }

    [Fact]
    public async Task LightLockHitOften_IsNotCovered_AndTheUnreachedGil001IsNotExercised()
    {
        using var dir = new TempFolder();
        string app = dir.Write("counter.cs", UncoveredLock);
        int gateLine = LineOf(app, "lock (Gate)");
        int heavyLine = LineOf(app, "lock (Heavy)");
        var (code, output, report) = await RunAsync("diagnose", app);

        Assert.True(code == 0, output);
        Assert.NotNull(report);
        ContentionSite uncovered = Assert.Single(report!.Uncovered, s => s.Line == gateLine);
        Assert.Equal("counter.cs", uncovered.File);
        Assert.Null(uncovered.Via);
        Assert.Null(uncovered.Diagnostic);
        Assert.True(uncovered.Count > 0, output);
        Assert.Contains($"not covered by any rule: counter.cs:{gateLine}", output, StringComparison.Ordinal);

        StaticFinding idle = Assert.Single(report.NotExercised);
        Assert.Equal("GIL001", idle.Id);
        Assert.Equal(heavyLine, idle.Line);
        Assert.Contains($"not exercised: GIL001 at counter.cs:{heavyLine}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiagnosticsDisabled_SaysSoClearly_Exit2()
    {
        using var dir = new TempFolder();
        string app = dir.Write("counter.cs", UncoveredLock);
        string tool = Path.Combine(AppContext.BaseDirectory, "gil-bench.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { tool, "diagnose", app })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
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
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("diagnostics are turned off", output, StringComparison.Ordinal);
        Assert.Contains("DOTNET_EnableDiagnostics=0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserCodeThrows_UnderTracing_ClearMessage_Exit5()
    {
        using var dir = new TempFolder();
        string app = dir.Write("app.cs", Programs.Misbehaving);
        var (code, output, _) = await RunAsync("diagnose", app, "--", "throw");

        Assert.True(code == 5, output);
        Assert.Contains("the diagnosed run: the program threw System.InvalidOperationException: boom-42", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchOnlyOption_IsBadUsage()
    {
        var (code, output, _) = await RunAsync("diagnose", "whatever.cs", "--rounds", "3");
        Assert.Equal(2, code);
        Assert.Contains("--rounds is an option of the bench", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, DiagnoseReport? Report)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 300;
        DiagnoseCommand? command = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        int code = await Program.RunAsync(args, console, new FixEngine(), cts.Token, diagnosed: c => command = c);
        return (code, writer.ToString(), command?.Report);
    }

    private static int LineOf(string file, string text) =>
        File.ReadAllLines(file).Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GilAnalyzers.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
