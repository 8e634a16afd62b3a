using GilAnalyzers.IntegrationTests.Infrastructure;
using GilAnalyzers.Testing.Processes;
using Xunit;

namespace GilAnalyzers.IntegrationTests;

/// <summary>
/// Fixes from the command line: <c>dotnet format analyzers --diagnostics GIL001 --severity warn</c> runs the package's
/// code fixes on real consumer projects. Needs GIL001's fixer (<c>SharedLockAroundCpuWorkFixer</c>, whose
/// "Move the computation out of the lock" action handles a lock around a heavy call feeding the shared update).
/// One <c>dotnet format</c> over <c>format.slnx</c> fixes a net10.0/latest and a net8.0/C# 7.3 project; one build
/// then proves both still compile (so the fix used no syntax or API newer than each consumer has) and are clean.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class FormatFixTests(PackagedConsumerFixture fixture)
{
    [Fact]
    public async Task Dotnet_format_applies_the_GIL001_fix_and_the_fixed_code_compiles_without_GIL001()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var before = clients.FormatProjects.ToDictionary(p => p.Name, p => File.ReadAllText(p.SourceFile));
        Assert.All(before.Values, text => Assert.Contains("Heavy(", LockBody(text), StringComparison.Ordinal));

        var format = await DotNetCli.RunAsync(
            clients.Directory,
            "format", "analyzers", clients.FormatSolution, "--diagnostics", "GIL001", "--severity", "warn", "--no-restore", "-v", "normal");
        Assert.True(format.ExitCode == 0, "`dotnet format analyzers` failed. " + format.Describe());

        foreach (var project in clients.FormatProjects)
        {
            var after = File.ReadAllText(project.SourceFile);
            Assert.True(after != before[project.Name],
                $"`dotnet format` left {project.SourceFile} unchanged: no GIL001 fix was applied (GilAnalyzers.CodeFixes must export a GIL001 fixer). {format.Describe()}");

            // The heavy call now runs before the lock is taken; the lock still guards the shared update.
            Assert.Contains("lock (Gate)", after, StringComparison.Ordinal);
            Assert.DoesNotContain("Heavy(", LockBody(after), StringComparison.Ordinal);
            Assert.Contains("total", LockBody(after), StringComparison.Ordinal);
        }

        var build = await DotNetCli.RunAsync(
            clients.Directory,
            ["build", clients.FormatSolution, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        Assert.True(build.ExitCode == 0, "The fixed projects no longer compile. " + build.Describe());
        var diagnostics = BuildDiagnostic.Parse(build.Output);
        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("GIL", StringComparison.Ordinal));
        Assert.All(clients.FormatProjects, p => Assert.True(File.Exists(p.OutputAssembly), $"{p} produced no assembly. " + build.Describe()));
    }

    /// <summary>
    /// A solution whose first project holds only a GIL001 site the fixer refuses, and whose second holds another refused
    /// site and a fixable one: <c>dotnet format</c> asks the fixer for the first site's action, gets none, and still fixes
    /// the fixable site (the fixers' Fix All applies each site's first action when no action key is given), leaving the
    /// refused sites as they were and the solution compiling.
    /// </summary>
    [Fact]
    public async Task Dotnet_format_fixes_the_fixable_GIL001_site_even_when_a_site_without_an_action_comes_first()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var files = clients.MixedFormatProjects
            .SelectMany(p => System.IO.Directory.GetFiles(p.Directory, "*.cs"))
            .ToDictionary(f => f, File.ReadAllText);
        var fixable = files.Keys.Single(f => f.EndsWith("HeavyCallUnderLock.cs", StringComparison.Ordinal));

        var format = await DotNetCli.RunAsync(
            clients.Directory,
            "format", "analyzers", clients.MixedFormatSolution, "--diagnostics", "GIL001", "--severity", "warn", "--no-restore", "-v", "normal");
        Assert.True(format.ExitCode == 0, "`dotnet format analyzers` failed. " + format.Describe());
        // (dotnet format may still print "didn't return a Fix All action" for a later pass that finds no diagnostics.)

        foreach (var (file, before) in files)
        {
            var after = File.ReadAllText(file);
            if (file == fixable)
            {
                Assert.True(after != before, "The fixable site was not fixed. " + format.Describe());
                Assert.DoesNotContain("Heavy(", LockBody(after), StringComparison.Ordinal);
            }
            else
            {
                Assert.True(after == before, $"{file} has a site the fixer refuses, yet it changed:\n{after}");
            }
        }

        var build = await DotNetCli.RunAsync(
            clients.Directory,
            ["build", clients.MixedFormatSolution, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        Assert.True(build.ExitCode == 0, "The fixed projects no longer compile. " + build.Describe());
    }

    /// <summary>
    /// Issue 17, item 3: a project whose GIL001 sites all have no code action. <c>dotnet format</c> finishes cleanly, changes
    /// nothing and no longer prints "didn't return a Fix All action" (which read like a crash); why each site has no fix is
    /// told by gil-bench and the real-code runner (WhyNoFixTests).
    /// </summary>
    [Fact]
    public async Task Dotnet_format_on_a_project_whose_sites_all_refuse_changes_nothing_and_prints_no_missing_fix_all_action()
    {
        var clients = await fixture.GetClientWorkspaceAsync();
        var refused = clients.MixedFormatProjects[0];
        var files = System.IO.Directory.GetFiles(refused.Directory, "*.cs").ToDictionary(f => f, File.ReadAllText);

        // Not vacuous: the project does report GIL001.
        var build = await DotNetCli.RunAsync(
            clients.Directory,
            ["build", refused.ProjectFile, "--no-restore", "--no-incremental", .. DotNetCli.QuietBuildArguments]);
        Assert.True(build.ExitCode == 0, "The refused-site project does not build. " + build.Describe());
        Assert.Contains(BuildDiagnostic.Parse(build.Output), d => d.Id == "GIL001");

        var format = await DotNetCli.RunAsync(
            clients.Directory,
            "format", "analyzers", refused.ProjectFile, "--diagnostics", "GIL001", "--severity", "warn", "--no-restore", "-v", "diag");
        Assert.True(format.ExitCode == 0, "`dotnet format analyzers` failed. " + format.Describe());
        Assert.DoesNotContain("didn't return a Fix All action", format.Output, StringComparison.Ordinal);
        foreach (var (file, before) in files)
        {
            Assert.True(File.ReadAllText(file) == before, $"{file} has only sites the fixer refuses, yet it changed. " + format.Describe());
        }
    }

    /// <summary>The text between the braces of the first <c>lock (Gate)</c> statement.</summary>
    private static string LockBody(string source)
    {
        var start = source.IndexOf(ConsumerSources.LockMarker, StringComparison.Ordinal);
        Assert.True(start >= 0, "No lock statement in:\n" + source);
        var open = source.IndexOf('{', start);
        var depth = 0;
        for (var i = open; i < source.Length; i++)
        {
            depth += source[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return source[(open + 1)..i];
            }
        }

        throw new InvalidOperationException("Unbalanced braces after the lock in:\n" + source);
    }
}
