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
