using System.Collections.Immutable;
using GilAnalyzers.RealCode.Corpus;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace GilAnalyzers.RealCode.Tests;

/// <summary>
/// The corpus command's <c>--actions</c> measurement on a checkout written here: code actions asked for every true
/// positive, the first one applied and the project re-compiled; fixers that throw or break the build are reported.
/// </summary>
public sealed class CorpusActionsTests : IDisposable
{
    private const string Commit = "fedcba9876543210fedcba9876543210fedcba98";

    // Line numbers matter: the labels below point at them.
    private const string Program = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Kernels
        {
            private static readonly object Sync = new object();
            private static double sum;
            private static double scale;
            private static long hits;

            public static void Fixable(int n)
            {
                Parallel.For(0, n, i =>
                {
                    lock (Sync)
                    {
                        double local = 0;
                        for (int k = 0; k < 50000; k++) local += Math.Sqrt(k + i);
                        sum += local;
                    }
                });
            }

            public static void Unfixable(int n)
            {
                Parallel.For(0, n, i =>
                {
                    lock (Sync)
                    {
                        double local = 0;
                        for (int k = 0; k < n; k++) local += scale * k;
                        sum += local;
                    }
                });
                lock (Sync) { scale = n; }
            }

            public static void ShortUpdate(int n)
            {
                Parallel.For(0, n, i =>
                {
                    double v = Math.Sqrt(i);
                    lock (Sync)
                    {
                        sum += v;
                        hits++;
                    }
                });
            }
        }
        """;

    private readonly string root = Directory.CreateTempSubdirectory("gil-corpus-actions-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Counts_actions_and_clean_first_actions_per_rule_on_true_positives_only()
    {
        var labels = await WriteCheckoutAsync();

        var report = await new CorpusScorer(Options(labels, actions: true), TextWriter.Null).RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Empty(run.Failures);
        Assert.Empty(run.FixerFailures);
        var rows = run.Rows.OrderBy(r => r.Row.FileLine).ToList();
        Assert.Equal(new[] { Outcome.TruePositive, Outcome.TruePositive, Outcome.TrueNegative }, rows.Select(r => r.Outcome));

        var fixable = Assert.Single(rows[0].Actions!);
        Assert.Equal(("GIL001", 16), (fixable.Id, fixable.Line));
        Assert.Equal(new[] { "GIL001.MoveOutOfLock" }, fixable.Keys);
        Assert.Equal("SharedLockAroundCpuWorkFixer", fixable.FirstFixer);
        Assert.Equal(FirstActionResult.Clean, fixable.First);
        Assert.Equal(0, fixable.NewErrors);

        var unfixable = Assert.Single(rows[1].Actions!);
        Assert.Equal(("GIL001", 29), (unfixable.Id, unfixable.Line));
        Assert.Empty(unfixable.Keys);
        Assert.Null(unfixable.First);

        Assert.Null(rows[2].Actions);

        var coverage = run.ActionCoverage!;
        Assert.Equal(new[] { ("tuned", "GIL001"), ("tuned", "all") }, coverage.Select(c => (c.Set, c.Rule)));
        Assert.Equal(new ActionCoverage("tuned", "GIL001", 2, 2, 1, 1, 0, 0, 0), coverage[0]);
        Assert.Equal(0.5, coverage[0].ActionRate);

        var markdown = report.ToMarkdown();
        Assert.Contains("| tuned | GIL001 | 2 | 2 | 1 | 0.50 | 1 | 0 | 0 | 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| tuned | 2 | `someone/kernels@fedcba987654:Kernels.cs:27-35` | lock-parallel-body | GIL001@29 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("broke the build, changed nothing or failed:", markdown, StringComparison.Ordinal);
        Assert.Contains(report.Summary(), l => l.Contains("code actions on 2 true-positive diagnostic(s): 1 with an action (0.50); first action: 1 clean, 0 broke the build", StringComparison.Ordinal));
        Assert.Contains("\"ActionCoverage\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_option_no_fixer_is_asked()
    {
        var labels = await WriteCheckoutAsync();

        var report = await new CorpusScorer(Options(labels, actions: false), TextWriter.Null, ImmutableArray.Create<CodeFixProvider>(new ThrowingFixer(whenAsked: true)))
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.All(run.Rows, r => Assert.Null(r.Actions));
        Assert.Null(run.ActionCoverage);
        Assert.Empty(run.FixerFailures);
        Assert.DoesNotContain("Code actions on true-positive diagnostics", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"ActionCoverage\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fixer_that_throws_or_breaks_the_build_is_reported_not_fatal()
    {
        var labels = await WriteCheckoutAsync();
        var fixers = ImmutableArray.Create<CodeFixProvider>(new ThrowingFixer(whenAsked: true), new BreakingFixer());

        var report = await new CorpusScorer(Options(labels, actions: true), TextWriter.Null, fixers).RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        var probes = run.Rows.Where(r => r.Actions is not null).SelectMany(r => r.Actions!).ToList();
        Assert.Equal(2, probes.Count);
        Assert.All(probes, p =>
        {
            Assert.Equal(new[] { BreakingFixer.Key }, p.Keys);
            Assert.Equal(FirstActionResult.BrokeBuild, p.First);
            Assert.True(p.NewErrors > 0);
            Assert.Contains(p.NewErrorSamples, e => e.Contains("CS0103", StringComparison.Ordinal));
            Assert.Contains(p.FixerExceptions, e => e.StartsWith("ThrowingFixer.RegisterCodeFixesAsync threw InvalidOperationException: asked and failed (at GilAnalyzers.RealCode.Tests.", StringComparison.Ordinal));
        });
        Assert.Equal(2, run.FixerFailures.Count);
        Assert.Equal(new ActionCoverage("tuned", "all", 2, 2, 2, 0, 2, 0, 2), run.ActionCoverage!.Single(c => c.Rule == "all"));
        var markdown = report.ToMarkdown();
        Assert.Contains("First actions that broke the build, changed nothing or failed:", markdown, StringComparison.Ordinal);
        Assert.Contains("| tuned | 1 | `someone/kernels@fedcba987654:Kernels.cs:14-22` | GIL001@16 | `Test.Break` | BrokeBuild |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_action_that_throws_when_applied_is_a_failure()
    {
        var labels = await WriteCheckoutAsync();

        var report = await new CorpusScorer(Options(labels, actions: true), TextWriter.Null, ImmutableArray.Create<CodeFixProvider>(new ThrowingFixer(whenAsked: false)))
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        var probes = run.Rows.Where(r => r.Actions is not null).SelectMany(r => r.Actions!).ToList();
        Assert.Equal(2, probes.Count);
        Assert.All(probes, p =>
        {
            Assert.Equal(FirstActionResult.Failed, p.First);
            Assert.Contains(p.FixerExceptions, e => e.StartsWith("ThrowingFixer 'Test.Throw' threw InvalidOperationException", StringComparison.Ordinal));
        });
        Assert.Equal(new ActionCoverage("tuned", "all", 2, 2, 2, 0, 0, 2, 2), run.ActionCoverage!.Single(c => c.Rule == "all"));
    }

    private CorpusOptions Options(string labels, bool actions) =>
        new(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }, actions);

    private async Task<string> WriteCheckoutAsync()
    {
        var checkout = Path.Combine(root, "checkouts", "someone+kernels@fedcba987654");
        Directory.CreateDirectory(checkout);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Kernels.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(checkout, "Kernels.cs"), Program);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[]
        {
            Row("14-22", "GIL001", "lock-parallel-body"),   // the fixer moves the loop out of the lock
            Row("27-35", "GIL001", "lock-parallel-body"),   // another region on the lock writes what the loop reads: no action
            Row("42-50", "none", "short-update"),           // quiet: never asked
        });
        return labels;
    }

    private static string Row(string lines, string expected, string shape) =>
        $"someone/kernels\t{Commit}\tKernels.cs\t{lines}\t{expected}\t{shape}\ta reason";

    /// <summary>Throws while registering its actions, or registers an action that throws when applied.</summary>
    private sealed class ThrowingFixer(bool whenAsked) : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("GIL001");

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            if (whenAsked)
            {
                throw new InvalidOperationException("asked and failed");
            }

            context.RegisterCodeFix(CodeAction.Create("Throw", _ => Task.FromException<Document>(new InvalidOperationException("applied and failed")), "Test.Throw"), context.Diagnostics);
            return Task.CompletedTask;
        }
    }

    /// <summary>Replaces the locked region's first line with a use of an undeclared name: a new CS0103.</summary>
    private sealed class BreakingFixer : CodeFixProvider
    {
        public const string Key = "Test.Break";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("GIL001");

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            context.RegisterCodeFix(
                CodeAction.Create("Break", async c =>
                {
                    var text = await context.Document.GetTextAsync(c);
                    var line = text.Lines.GetLineFromPosition(context.Span.Start);
                    return context.Document.WithText(text.Replace(line.Span, "undeclaredName++;"));
                }, Key),
                context.Diagnostics);
            return Task.CompletedTask;
        }
    }
}
