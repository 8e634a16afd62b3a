using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// Issue 16, item 4: every rule's fix through two real headless hosts that load the fixers from the NuGet package, on a
/// two-project solution whose first project holds, for each of GIL001–GIL006, only a site the fixer refuses, and whose
/// second holds each rule's fixable site (<see cref="FixHostSites"/>). Each host runs once over the whole solution, for all
/// six rules, as a user would; then every fixable site shows its first action's rewrite, every refused site is byte for
/// byte unchanged, the solution builds, the fixed sites no longer report and the refused ones still do.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class FixHostTests(PackagedConsumerFixture fixture)
{
    /// <summary><c>roslynator.dotnet.cli</c>, the command-line tool of Roslynator, served by the machine's NuGet feed.</summary>
    public const string RoslynatorVersion = "1.0.1";

    private static readonly string[] Rules = FixHostSites.All.Select(r => r.Id).ToArray();

    [Fact]
    public async Task Dotnet_format_on_a_solution_fixes_every_rules_fixable_site_after_a_refused_one_and_the_solution_builds()
    {
        var hosts = await fixture.GetHostSolutionsAsync();
        var solution = hosts.Format;
        var before = Snapshot(solution);

        var format = await DotNetCli.RunAsync(
            solution.Directory,
            ["format", "analyzers", solution.SolutionFile, "--diagnostics", .. Rules, "--severity", "warn", "--no-restore", "-v", "normal"]);
        Assert.True(format.ExitCode == 0, "`dotnet format analyzers` failed. " + format.Describe());

        await AssertFixedAsync(hosts, solution, before, "dotnet format", format);
    }

    [Fact]
    public async Task Roslynator_fix_on_a_solution_fixes_every_rules_fixable_site_after_a_refused_one_and_the_solution_builds()
    {
        var hosts = await fixture.GetHostSolutionsAsync();
        var solution = hosts.Roslynator;
        var before = Snapshot(solution);

        // Installed as on a new machine, into a folder of this run.
        var tools = Path.Combine(hosts.Directory, "tools");
        var install = await DotNetCli.RunAsync(
            hosts.Directory, "tool", "install", "--tool-path", tools, "roslynator.dotnet.cli", "--version", RoslynatorVersion);
        Assert.True(install.ExitCode == 0, "Installing roslynator.dotnet.cli failed. " + install.Describe());

        // No --analyzer-assemblies: roslynator takes the analyzers and fixers of each project's package references.
        var environment = new Dictionary<string, string?>(DotNetCli.Environment);
        if (Path.IsPathRooted(DotNetCli.DotNetPath))
        {
            // The tool's apphost finds the runtime beside the dotnet that runs these tests.
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(DotNetCli.DotNetPath);
        }

        var fix = await ProcessRunner.RunAsync(
            Path.Combine(tools, "roslynator"),
            ["fix", solution.SolutionFile, "--supported-diagnostics", .. Rules, "--verbosity", "normal"],
            solution.Directory,
            environment);
        // Exit code 1 is roslynator's "diagnostics left unfixed" (the refused sites, by design); 0 would mean none were left, 2 an error.
        Assert.True(fix.ExitCode == 1, "`roslynator fix` did not finish with the refused sites left unfixed. " + fix.Describe());
        var fixedCounts = RoslynatorSummary(fix.StandardOutput, "Fixed diagnostics:");
        var unfixedCounts = RoslynatorSummary(fix.StandardOutput, "Unfixed diagnostics:");
        foreach (var rule in Rules)
        {
            Assert.True(fixedCounts.GetValueOrDefault(rule) == 1 && unfixedCounts.GetValueOrDefault(rule) == 1,
                $"roslynator should report one fixed and one unfixed {rule} diagnostic. " + fix.Describe());
        }

        await AssertFixedAsync(hosts, solution, before, "roslynator fix", fix);
    }

    private static Dictionary<string, string> Snapshot(HostSolution solution) =>
        solution.Projects.SelectMany(p => FixHostSites.All.Select(p.FileOf)).ToDictionary(f => f, File.ReadAllText);

    private static async Task AssertFixedAsync(HostSolutions hosts, HostSolution solution, Dictionary<string, string> before, string host, ProcessResult run)
    {
        // Not vacuous: before the fix, each rule reported its site in both projects, and nothing else was reported there.
        foreach (var project in solution.Projects)
        {
            foreach (var rule in FixHostSites.All)
            {
                var file = project.FileOf(rule);
                var reported = hosts.Baseline.Where(d => d.File == file).Select(d => d.Id).Distinct().ToList();
                Assert.True(reported.SequenceEqual([rule.Id]), $"Before the fix {file} reported [{string.Join(", ", reported)}], not {rule.Id} alone.");
            }
        }

        var failures = new List<string>();
        foreach (var rule in FixHostSites.All)
        {
            var refused = solution.Refused.FileOf(rule);
            if (File.ReadAllText(refused) != before[refused])
            {
                failures.Add($"{rule.Id}: {host} changed the refused site {refused}:\n{File.ReadAllText(refused)}");
            }

            var fixedFile = solution.Fixable.FileOf(rule);
            var text = File.ReadAllText(fixedFile);
            var missing = MissingInOrder(text, rule.FixedInOrder);
            var left = rule.FixedLacks.Where(t => text.Contains(t, StringComparison.Ordinal)).ToList();
            if (text == before[fixedFile] || missing is not null || left.Count > 0)
            {
                failures.Add($"{rule.Id}: {host} did not apply the first action to {rule.FixedShape}"
                    + (text == before[fixedFile] ? " (file unchanged)" : "")
                    + (missing is null ? "" : $" (missing, in order: '{missing}')")
                    + (left.Count == 0 ? "" : $" (still holds: '{string.Join("', '", left)}')")
                    + $":\n{text}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures) + "\n\n" + run.Describe());

        var build = await DotNetCli.RunAsync(
            solution.Directory,
            ["build", solution.SolutionFile, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        Assert.True(build.ExitCode == 0, $"The solution no longer compiles after {host}. " + build.Describe());
        var diagnostics = BuildDiagnostic.Parse(build.Output);
        Assert.DoesNotContain(diagnostics, d => d.Severity == "error");

        // The fixed sites report nothing; each refused site still reports its rule, and only it.
        Assert.DoesNotContain(diagnostics, d => d.File.StartsWith(solution.Fixable.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) && d.Id.StartsWith("GIL", StringComparison.Ordinal));
        foreach (var rule in FixHostSites.All)
        {
            var reported = diagnostics.Where(d => d.File == solution.Refused.FileOf(rule)).Select(d => d.Id).Distinct();
            Assert.Equal([rule.Id], reported);
        }
    }

    /// <summary>The per-rule counts of one section of roslynator's closing summary (<c>Fixed diagnostics:</c> then lines <c>  1 GIL001 title</c>).</summary>
    private static Dictionary<string, int> RoslynatorSummary(string output, string header)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == header);
        for (var i = start + 1; start >= 0 && i < lines.Length && lines[i].StartsWith("  ", StringComparison.Ordinal); i++)
        {
            var parts = lines[i].Trim().Split(' ', 3);
            if (parts.Length >= 2 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var count))
            {
                counts[parts[1]] = count;
            }
        }

        return counts;
    }

    /// <summary>The first of <paramref name="texts"/> not found after the previous one, or null when all are there in order.</summary>
    private static string? MissingInOrder(string text, IEnumerable<string> texts)
    {
        var at = 0;
        foreach (var expected in texts)
        {
            var found = text.IndexOf(expected, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return expected;
            }

            at = found + expected.Length;
        }

        return null;
    }
}
