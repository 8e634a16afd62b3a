using System.Diagnostics;
using System.Text.Json;
using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// IDE squiggles in a real language server: csharp-ls (pinned in <c>.config/dotnet-tools.json</c>, restored with
/// <c>dotnet tool restore</c> and started from the restored package, see <see cref="LocalTool"/>) opens a consumer that installs the packed GilAnalyzers, and reports GIL001 over LSP.
/// <para>
/// Diagnostics are pulled (<c>textDocument/diagnostic</c>): csharp-ls 0.28 pushes <c>publishDiagnostics</c> only to
/// clients that do not declare pull support, and runs the project's analyzers only when the client's <c>csharp</c>
/// settings say <c>analyzersEnabled: true</c> (answered to its <c>workspace/configuration</c> request).
/// </para>
/// <para>
/// Code fixes: csharp-ls 0.28 builds its code-fix providers only from Roslyn's own Features/Workspaces assemblies
/// (<c>CodeAction.fs</c>, <c>instantiateRoslynProviders</c>) and matches them against compiler diagnostics only
/// (<c>semanticModel.GetDiagnostics</c>), so it cannot offer a package's fixes. The test checks exactly that, so a
/// server upgrade that starts offering them fails here and the test can be extended to apply the edit.
/// </para>
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class LanguageServerTests(PackagedConsumerFixture fixture, ITestOutputHelper output)
{
    private const string Id = "GIL001";
    private static readonly TimeSpan FirstDiagnosticDeadline = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Csharp_ls_reports_GIL001_at_the_lock_and_clears_it_when_the_code_is_fixed()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var project = clients.LanguageServerProject;

        var csharpLs = await LocalTool.RestoreAsync("csharp-ls");

        var uri = new Uri(project.SourceFile).AbsoluteUri;
        var original = File.ReadAllText(project.SourceFile);
        var fixedText = ConsumerSources.FixedPattern(project.Name, "AntiPattern");
        var expected = ClientWorkspace.AntiPatternWarning;

        // The server runs from the repository; the workspace is the consumer's folder.
        await using var server = LanguageServerSession.Start(
            DotNetCli.DotNetPath,
            [.. csharpLs.HostArguments],
            RepositoryPaths.Root,
            DotNetCli.Environment,
            csharpSettings: new { analyzersEnabled = true });
        var transcript = new List<string>();
        try
        {
            var initialize = await server.RequestAsync("initialize", InitializeParams(project.Directory), RequestTimeout);
            var serverInfo = initialize.TryGetProperty("serverInfo", out var info) ? info.ToString() : "(none)";
            transcript.Add($"initialize answered after {server.Elapsed.TotalSeconds:F1} s; serverInfo {serverInfo}");
            await server.NotifyAsync("initialized", new { });

            var opened = Stopwatch.StartNew();
            await server.NotifyAsync("textDocument/didOpen", new
            {
                textDocument = new { uri, languageId = "csharp", version = 1, text = original },
            });

            // The first pull may come before the project and its analyzers are loaded: pull until GIL001 is there.
            var (gil, pulls, report) = await PullUntilAsync(server, uri, items => items.Any(IsGil001), FirstDiagnosticDeadline);
            var timeToFirst = opened.Elapsed;
            transcript.Add($"GIL001 received after {timeToFirst.TotalSeconds:F1} s from didOpen ({pulls} textDocument/diagnostic pulls; {report.Count} diagnostics in the report: {Ids(report)})");
            Assert.True(gil, $"No GIL001 from csharp-ls within {FirstDiagnosticDeadline.TotalMinutes} min; last report: {Ids(report)}. {server.Describe()}");

            var diagnostic = Assert.Single(report, IsGil001);
            var range = diagnostic.GetProperty("range");
            Assert.Equal(expected.Line - 1, range.GetProperty("start").GetProperty("line").GetInt32());
            Assert.Equal(expected.Column - 1, range.GetProperty("start").GetProperty("character").GetInt32());
            Assert.Equal(expected.Line - 1, range.GetProperty("end").GetProperty("line").GetInt32());
            Assert.Equal(expected.Column - 1 + ConsumerSources.LockMarker.Length, range.GetProperty("end").GetProperty("character").GetInt32());
            Assert.Equal(2, diagnostic.GetProperty("severity").GetInt32()); // Warning
            Assert.Equal(
                "Lock on 'Gate' serialises CPU-bound work (for loop) inside a Parallel.For body; only one core can run it at a time",
                diagnostic.GetProperty("message").GetString());
            Assert.EndsWith("/docs/rules/GIL001.md", diagnostic.GetProperty("codeDescription").GetProperty("href").GetString(), StringComparison.Ordinal);

            // Code actions at the squiggle.
            var actions = await server.RequestAsync("textDocument/codeAction", new
            {
                textDocument = new { uri },
                range,
                context = new { diagnostics = new[] { diagnostic }, triggerKind = 1 },
            }, RequestTimeout);
            var titles = actions.ValueKind == JsonValueKind.Array
                ? actions.EnumerateArray().Select(a => a.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "").ToList()
                : [];
            transcript.Add($"textDocument/codeAction at the squiggle: {titles.Count} actions [{string.Join("; ", titles)}]");
            Assert.True(actions.ValueKind is JsonValueKind.Array or JsonValueKind.Null, "codeAction returned " + actions);
            var gilFixes = actions.ValueKind == JsonValueKind.Array
                ? actions.EnumerateArray().Where(ClaimsToFixGil001).Select(a => a.GetProperty("title").GetString()).ToList()
                : [];
            Assert.True(gilFixes.Count == 0,
                "csharp-ls now offers GilAnalyzers' fixes (" + string.Join(", ", gilFixes) + "): extend this test to apply the returned edit and compare the text.");

            // Edit the document to the fixed form: the squiggle goes away.
            var changed = Stopwatch.StartNew();
            await server.NotifyAsync("textDocument/didChange", new
            {
                textDocument = new { uri, version = 2 },
                contentChanges = new[] { new { text = fixedText } },
            });
            var (cleared, pullsAfterChange, after) = await PullUntilAsync(server, uri, items => !items.Any(IsGil001), RequestTimeout);
            transcript.Add($"after didChange to the fixed form: GIL001 {(cleared ? "gone" : "still there")} after {changed.Elapsed.TotalSeconds:F1} s ({pullsAfterChange} pulls; diagnostics: {Ids(after)})");
            Assert.True(cleared, $"GIL001 is still reported after the edit; report: {Ids(after)}. {server.Describe()}");
            Assert.DoesNotContain(after, d => d.TryGetProperty("severity", out var s) && s.GetInt32() == 1);
        }
        finally
        {
            transcript.Add("requests/notifications sent: " + string.Join(", ", server.Sent.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}")));
            transcript.Add("received from the server: " + string.Join(", ", server.Received.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}")));
            transcript.Add($"session length {server.Elapsed.TotalSeconds:F1} s");
            foreach (var line in transcript)
            {
                output.WriteLine("[csharp-ls] " + line);
            }
        }
    }

    private static object InitializeParams(string rootDirectory)
    {
        var rootUri = new Uri(rootDirectory.TrimEnd('/') + "/").AbsoluteUri.TrimEnd('/');
        return new
        {
            processId = Environment.ProcessId,
            clientInfo = new { name = "GilAnalyzers.IntegrationTests", version = "1" },
            rootUri,
            workspaceFolders = new[] { new { uri = rootUri, name = "consumer" } },
            capabilities = new
            {
                workspace = new { configuration = true, workspaceFolders = true },
                textDocument = new
                {
                    synchronization = new { dynamicRegistration = false, didSave = false },
                    diagnostic = new { dynamicRegistration = false, relatedDocumentSupport = false },
                    codeAction = new
                    {
                        dynamicRegistration = false,
                        codeActionLiteralSupport = new { codeActionKind = new { valueSet = new[] { "", "quickfix", "refactor", "source" } } },
                    },
                },
                window = new { workDoneProgress = false },
            },
        };
    }

    private static async Task<(bool Met, int Pulls, IReadOnlyList<JsonElement> Items)> PullUntilAsync(
        LanguageServerSession server, string uri, Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var pulls = 0;
        IReadOnlyList<JsonElement> items = [];
        while (true)
        {
            var report = await server.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri } }, RequestTimeout);
            pulls++;
            items = report.TryGetProperty("items", out var list) ? list.EnumerateArray().Select(e => e.Clone()).ToList() : [];
            if (condition(items))
            {
                return (true, pulls, items);
            }

            if (clock.Elapsed > deadline)
            {
                return (false, pulls, items);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static bool IsGil001(JsonElement diagnostic) =>
        diagnostic.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() == Id;

    /// <summary>
    /// The titles of GIL001's code actions (SharedLockAroundCpuWorkFixer). csharp-ls sends no <c>diagnostics</c> on its
    /// code actions, so an action is recognised by its title as well as by a GIL001 entry in <c>diagnostics</c>.
    /// </summary>
    private static readonly string[] Gil001FixTitles =
    [
        "Move the computation out of the lock",
        "Compute outside the lock and update with Interlocked",
        "Accumulate per worker and merge once (localInit/localFinally)",
    ];

    private static bool ClaimsToFixGil001(JsonElement action) =>
        (action.TryGetProperty("diagnostics", out var diagnostics) && diagnostics.ValueKind == JsonValueKind.Array && diagnostics.EnumerateArray().Any(IsGil001))
        || (action.TryGetProperty("title", out var title) && Gil001FixTitles.Contains(title.GetString(), StringComparer.Ordinal));

    private static string Ids(IReadOnlyList<JsonElement> items) =>
        items.Count == 0 ? "none" : string.Join(", ", items.Select(d => d.TryGetProperty("code", out var c) ? c.ToString() : "?"));
}
