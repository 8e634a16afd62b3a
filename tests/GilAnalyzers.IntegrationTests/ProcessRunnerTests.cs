using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>The process helper with real child processes (POSIX <c>sh</c>, as on every CI machine of this project).</summary>
public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task Captures_exit_code_and_both_streams()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], Path.GetTempPath());

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out", result.StandardOutput.Trim());
        Assert.Equal("err", result.StandardError.Trim());
        Assert.Contains("exited with 3", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passes_and_removes_environment_variables()
    {
        Environment.SetEnvironmentVariable("GIL_IT_INHERITED", "inherited");
        var result = await ProcessRunner.RunAsync(
            "sh",
            ["-c", "echo \"[$GIL_IT_SET][${GIL_IT_INHERITED:-unset}]\""],
            Path.GetTempPath(),
            new Dictionary<string, string?> { ["GIL_IT_SET"] = "value", ["GIL_IT_INHERITED"] = null });

        Assert.Equal("[value][unset]", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Timeout_kills_the_whole_tree_and_says_which_command_hung()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"gil-it-{Guid.NewGuid():N}.pid");
        try
        {
            // The shell starts a grandchild that would outlive a kill of the shell alone.
            var error = await Assert.ThrowsAsync<ProcessTimeoutException>(() => ProcessRunner.RunAsync(
                "sh",
                ["-c", $"sleep 300 & echo $! > '{pidFile}'; echo started; wait"],
                Path.GetTempPath(),
                timeout: TimeSpan.FromSeconds(2)));

            Assert.Contains("sleep 300", error.Message, StringComparison.Ordinal);
            Assert.Contains("did not finish within 2 s", error.Message, StringComparison.Ordinal);
            Assert.Contains("started", error.Message, StringComparison.Ordinal);

            var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(IsGone(grandchild), $"The grandchild process {grandchild} (sleep 300) survived the timeout.");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task Missing_executable_fails_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ProcessRunner.RunAsync("gil-no-such-program", ["--version"], Path.GetTempPath()));
        Assert.Contains("Could not start `gil-no-such-program --version`", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Gone, or a zombie waiting to be reaped (it no longer runs).</summary>
    internal static bool IsGone(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var stat = $"/proc/{pid}/stat";
            string? text = null;
            try
            {
                text = File.Exists(stat) ? File.ReadAllText(stat) : null;
            }
            catch (IOException)
            {
            }

            if (text is null)
            {
                return true;
            }

            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state is "Z" or "X")
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }
    }
}
