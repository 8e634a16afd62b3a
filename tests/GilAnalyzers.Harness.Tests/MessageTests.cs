using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Harness.Diagnosing;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;

namespace GilAnalyzers.Harness.Tests;

/// <summary>Messages that must never mislead a user (issue 17, item 4).</summary>
public class MessageTests
{
    private static RunMeasurement Run(Variant variant, int round, bool warmup, string stdout, long contentions = 0, long workItems = 0) =>
        new(variant, round, warmup, 100, 90, 0, contentions, workItems, 1024, stdout, RunFailure.None, null, 0);

    [Fact]
    public void NumberThatDiffers_IsQuotedWithItsLine()
    {
        string? d = new ResultComparer(1e-9, null).Difference("sum 42\nstarted 12:00:01\n", "sum 42\nstarted 12:00:07\n");

        Assert.NotNull(d);
        Assert.Contains("line 2", d);
        Assert.Contains("'started 12:00:01' vs 'started 12:00:07'", d);
    }

    [Fact]
    public void NonDeterministicBefore_QuotesTheLine_AndTheVerdictBlamesNeitherVariant()
    {
        var runs = new List<RunMeasurement>
        {
            Run(Variant.Before, 1, true, "total 500\nat 638712000000000001\n"),
            Run(Variant.After, 1, true, "total 500\nat 638712000000000002\n"),
            Run(Variant.Before, 1, false, "total 500\nat 638712000000000003\n"),
            Run(Variant.After, 1, false, "total 500\nat 638712000000000004\n"),
        };

        var (verdict, difference) = BenchCommand.CompareResults(runs, new ResultComparer(1e-9, null));

        Assert.Equal(ResultVerdict.BeforeNotDeterministic, verdict);
        Assert.Contains("'at 638712000000000001' vs 'at 638712000000000003'", difference);
        string line = BenchCommand.VerdictLine(verdict);
        Assert.DoesNotContain("not a faithful rewrite", line);
        Assert.Contains("could not be compared", line);
        Assert.Contains("--ignore-lines", line);
    }

    [Fact]
    public void DeterministicBefore_DifferentAfter_IsNotAFaithfulRewrite()
    {
        var runs = new List<RunMeasurement>
        {
            Run(Variant.Before, 1, false, "total 500\n"),
            Run(Variant.After, 1, false, "total 499\n"),
            Run(Variant.Before, 2, false, "total 500\n"),
        };

        var (verdict, difference) = BenchCommand.CompareResults(runs, new ResultComparer(1e-9, null));

        Assert.Equal(ResultVerdict.AfterDiffers, verdict);
        Assert.Contains("AFTER round 1 differs from BEFORE", difference);
        Assert.Contains("not a faithful rewrite", BenchCommand.VerdictLine(verdict));
    }

    [Fact]
    public void CountsOverAnEvenNumberOfRounds_PrintAsCounts()
    {
        VariantStats stats = VariantStats.From(new[]
        {
            Run(Variant.Before, 1, false, "", contentions: 23, workItems: 5),
            Run(Variant.Before, 2, false, "", contentions: 24, workItems: 6),
        });

        string[] row = ReportWriters.Row("BEFORE", stats);

        Assert.Equal(23, stats.LockContentions);
        Assert.Equal("23", row[4]);
        Assert.Equal("5", row[5]);
        Assert.DoesNotContain(row, cell => cell.Contains(".5", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new long[] { 7 }, 7)]
    [InlineData(new long[] { 9, 1, 5 }, 5)]
    [InlineData(new long[] { 24, 23 }, 23)]
    [InlineData(new long[] { 4, 1, 3, 2 }, 2)]
    public void LowerMedian_IsACountOneRunHad(long[] values, long expected) =>
        Assert.Equal(expected, Statistics.LowerMedian(values));

    [Fact]
    public void Diagnose_RawThreadsRule_IsNotListedAsNotExercised()
    {
        var threads = new StaticFinding { Id = "GIL003", File = "Program.cs", Line = 14, RegionStartLine = 10, RegionEndLine = 20 };
        var idleLock = new StaticFinding { Id = "GIL001", File = "Program.cs", Line = 40, RegionStartLine = 40, RegionEndLine = 45 };
        var findings = new List<StaticFinding> { threads, idleLock };
        var report = new DiagnoseReport
        {
            Contention = new ContentionSection { Recorded = true },
            Diagnostics = findings,
            NotExercised = DiagnoseReport.NotExercisedOf(findings, recorded: true),
            NotLockRules = findings.Where(f => !f.LockRule).ToList(),
        };

        var lines = DiagnoseWriters.Lines(report).ToList();

        Assert.Same(idleLock, Assert.Single(report.NotExercised));
        Assert.DoesNotContain(lines, l => l.Contains("not exercised: GIL003", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("not a lock rule: GIL003 at Program.cs:14", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("not exercised: GIL001 at Program.cs:40", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_PutsEachCommandsExplanationUnderItsOwnUsageLine()
    {
        string[] lines = BenchOptions.Usage.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int samples = Array.FindIndex(lines, l => l.TrimStart().StartsWith("gil-bench samples", StringComparison.Ordinal));
        int diagnose = Array.FindIndex(lines, l => l.TrimStart().StartsWith("gil-bench diagnose", StringComparison.Ordinal));

        Assert.True(samples >= 0 && diagnose >= 0, BenchOptions.Usage);
        Assert.Contains("every subfolder with a .csproj", lines[samples + 1]);
        Assert.Contains("run once", lines[diagnose + 1]);
        Assert.DoesNotContain(lines.Skip(diagnose + 1).TakeWhile(l => l.Trim().StartsWith('(')), l => l.Contains("subfolder", StringComparison.Ordinal));
    }
}
