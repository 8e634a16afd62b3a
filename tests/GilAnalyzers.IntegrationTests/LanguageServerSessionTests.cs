using GilAnalyzers.IntegrationTests.Infrastructure;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>The language-server client's failure paths, with a real child process that never answers.</summary>
public sealed class LanguageServerSessionTests
{
    [Fact]
    public async Task A_server_that_never_answers_times_out_with_a_clear_message_and_its_tree_is_killed()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"gil-it-{Guid.NewGuid():N}.pid");
        try
        {
            // A "server" whose shell starts a grandchild and never writes a response.
            var session = LanguageServerSession.Start(
                "sh",
                ["-c", $"sleep 300 & echo $! > '{pidFile}'; echo listening >&2; wait"],
                Path.GetTempPath(),
                new Dictionary<string, string?>(),
                csharpSettings: new { },
                shutdownTimeout: TimeSpan.FromSeconds(1));
            TimeoutException error;
            await using (session)
            {
                error = await Assert.ThrowsAsync<TimeoutException>(() => session.RequestAsync("initialize", new { processId = 1 }, TimeSpan.FromSeconds(2)));
            }

            Assert.Contains("did not answer `initialize` within 2 s", error.Message, StringComparison.Ordinal);
            Assert.Contains("listening", error.Message, StringComparison.Ordinal);
            var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ProcessRunnerTests.IsGone(grandchild), $"The server's child process {grandchild} (sleep 300) survived the dispose.");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public void A_missing_server_fails_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LanguageServerSession.Start(
            "gil-no-such-language-server", [], Path.GetTempPath(), new Dictionary<string, string?>(), new { }));
        Assert.Contains("Could not start the language server `gil-no-such-language-server`", error.Message, StringComparison.Ordinal);
    }
}
