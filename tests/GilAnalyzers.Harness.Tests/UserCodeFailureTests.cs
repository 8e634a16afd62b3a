using GilAnalyzers.Harness.Cli;

namespace GilAnalyzers.Harness.Tests;

/// <summary>
/// User code that throws, exits non-zero or hangs. One misbehaving program, told what to do by its
/// arguments, so its two builds are shared through the build cache.
/// </summary>
public class UserCodeFailureTests : IClassFixture<BuildCacheFixture>
{
    private readonly BuildCacheFixture _cache;

    public UserCodeFailureTests(BuildCacheFixture cache) => _cache = cache;

    private Task<(int, string)> RunMisbehavingAsync(TempFolder dir, params string[] programArgs) => RunMisbehavingAsync(dir, 120, programArgs);

    private async Task<(int, string)> RunMisbehavingAsync(TempFolder dir, int timeoutSeconds, params string[] programArgs)
    {
        string app = dir.Write("app.cs", Programs.Misbehaving);
        string after = dir.Write("after/app.cs", Programs.Misbehaving + "// AFTER\n");
        var args = new List<string> { app, "--after", after, "--rounds", "1", "--warmup", "0", "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--build-cache", _cache.Path, "--" };
        args.AddRange(programArgs);
        var (code, output, _) = await HarnessRun.InProcessAsync(args.ToArray());
        return (code, output);
    }

    [Fact]
    public async Task Throws_ReportsExceptionWithoutStackTrace_Exit5()
    {
        using var dir = new TempFolder();
        var (code, output) = await RunMisbehavingAsync(dir, "throw");

        Assert.True(code == ExitCodes.UserCodeFailed, output);
        Assert.Contains("BEFORE round 1: the program threw System.InvalidOperationException: boom-42", output);
        Assert.Contains("app.cs:6", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task ExitsNonZero_Exit5()
    {
        using var dir = new TempFolder();
        var (code, output) = await RunMisbehavingAsync(dir, "exit");

        Assert.True(code == ExitCodes.UserCodeFailed, output);
        Assert.Contains("BEFORE round 1: the program exited with code 7", output);
    }

    [Fact]
    public async Task Hangs_TimesOutAndKillsTheProcessTree_Exit5()
    {
        using var dir = new TempFolder();
        string pidFile = Path.Combine(dir.Path, "pids.txt");
        // Long enough for the program to start and write its pids even on a loaded machine.
        var (code, output) = await RunMisbehavingAsync(dir, 10, "hang", pidFile);

        Assert.True(code == ExitCodes.UserCodeFailed, output);
        Assert.Contains("did not finish within 10 s; its process tree", output);
        Assert.Contains("was killed", output);
        int[] pids = File.ReadAllText(pidFile).Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(2, pids.Length);
        foreach (int pid in pids)
        {
            Assert.False(IsAlive(pid), $"process {pid} survived the timeout");
        }
    }

    [Fact]
    public async Task EntryNotFound_Exit2()
    {
        using var dir = new TempFolder();
        string app = dir.Write("app.cs", Programs.Misbehaving);
        string after = dir.Write("after/app.cs", Programs.Misbehaving + "// AFTER\n");
        var (code2, output2, _) = await HarnessRun.InProcessAsync(new[]
        {
            app, "--after", after, "--rounds", "1", "--warmup", "0", "--entry", "Nowhere.Method", "--build-cache", _cache.Path,
        });
        Assert.True(code2 == ExitCodes.BadUsage, output2);
        Assert.Contains("type 'Nowhere' was not found", output2);
    }

    [Fact]
    public async Task Sigterm_StopsTheRun_KillsTheProgram_RemovesTheWorkFolders_Exit130()
    {
        // A project input: its BEFORE/AFTER work folders are created beside the project folder, where a user sees them.
        using var dir = new TempFolder();
        string project = dir.Write("Hang/Hang.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            </Project>
            """);
        dir.Write("Hang/Program.cs", Programs.Misbehaving);
        dir.Write("after/Program.cs", Programs.Misbehaving + "// AFTER\n");
        string after = Path.Combine(dir.Path, "after");
        string pidFile = Path.Combine(dir.Path, "pids.txt");
        using var harness = HarnessRun.StartCli(
            project, "--after", after, "--rounds", "1", "--warmup", "0", "--timeout", "300", "--", "hang", pidFile);
        Task<string> stdout = harness.StandardOutput.ReadToEndAsync();
        Task<string> stderr = harness.StandardError.ReadToEndAsync();
        try
        {
            // The program under test is running (and has started its own child) once it has written its pids.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).Contains(' ')) && !harness.HasExited && waited.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(100);
            }

            if (!File.Exists(pidFile))
            {
                Assert.Fail("the program never started. " + await stdout + await stderr);
            }

            Assert.True(Directory.EnumerateDirectories(dir.Path, ".gilbench-*").Any(), "expected work folders while the run is going");

            using (var kill = System.Diagnostics.Process.Start("kill", new[] { "-TERM", harness.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })!)
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await harness.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!harness.HasExited)
            {
                harness.Kill(entireProcessTree: true);
            }
        }

        string output = await stdout + await stderr;
        Assert.True(harness.ExitCode == 130, $"exit {harness.ExitCode}: {output}");
        Assert.Contains("cancelled", output);
        foreach (int pid in File.ReadAllText(pidFile).Split(' ').Select(int.Parse))
        {
            Assert.False(IsAlive(pid), $"process {pid} survived SIGTERM to gil-bench");
        }

        Assert.Empty(Directory.EnumerateDirectories(dir.Path, ".gilbench-*"));
    }

    private static bool IsAlive(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            string text = File.ReadAllText(stat);
            char state = text[text.LastIndexOf(')') + 2];
            return state != 'Z' && state != 'X'; // a zombie is dead, only not yet reaped by its new parent
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>One build cache for the class's tests, deleted after them.</summary>
public sealed class BuildCacheFixture : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gil-bench-tests-cache-" + Guid.NewGuid().ToString("N").Substring(0, 8));

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
