using System.Diagnostics;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;

namespace GilAnalyzers.Harness.Tests;

/// <summary>A busy machine is measured and said (issue 17, item 5).</summary>
public class MachineLoadTests
{
    private static RunMeasurement Run(double? others) =>
        new RunMeasurement(Variant.Before, 1, false, 1000, 1000, 0, 0, 0, 0, "", RunFailure.None, null, 0) { OthersCores = others };

    [Fact]
    public void ProcStat_BusyTicks_LeaveOutIdleAndIowait()
    {
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        Assert.Equal(100 + 5 + 40 + 2 + 3 + 1, MachineLoad.ParseBusyTicks("cpu  100 5 40 9000 70 2 3 1 0 0"));
        Assert.Throws<FormatException>(() => MachineLoad.ParseBusyTicks("cpu0 1 2 3 4 5"));
    }

    [Fact]
    public void ProcSelfStat_CommandNameWithSpacesAndParentheses_IsSkipped()
    {
        string stat = "4242 (dotnet (gil) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 25 300 45 20 0 12 0 500 1000 200";
        Assert.Equal((175L, 345L), MachineLoad.ParseSelfStat(stat));
    }

    [Fact]
    public void OthersCores_IsBusyMinusTheRunsAndTheHarnesssOwnCpu_OverWall()
    {
        long t0 = Stopwatch.GetTimestamp();
        var start = new CpuSnapshot(BusyTicks: 1000, SelfTicks: 10, ReapedChildrenTicks: 20, Timestamp: t0);
        // One second later: 3.0 s of busy CPU on the machine, 1.0 s of it the reaped run, 0.5 s gil-bench itself.
        var end = new CpuSnapshot(BusyTicks: 1300, SelfTicks: 60, ReapedChildrenTicks: 120, Timestamp: t0 + Stopwatch.Frequency);

        Assert.Equal(1.5, MachineLoad.OthersCores(start, end, runOwnCpuMs: 900)!.Value, 3);
        // The shim saw more (the program's own worker processes, not reaped by gil-bench): that is the run's too.
        Assert.Equal(1.0, MachineLoad.OthersCores(start, end, runOwnCpuMs: 1500)!.Value, 3);
        Assert.Null(MachineLoad.OthersCores(null, end, 0));
    }

    [Fact]
    public void LoadAverage_IsTheOneMinuteFigure() =>
        Assert.Equal(3.45, MachineLoad.ParseLoadAverage("3.45 2.10 1.05 3/412 99999\n"));

    [Fact]
    public void BusyMachine_SummarySaysTheFiguresAreNotTrustworthy()
    {
        var report = new BenchReport { Load = LoadEntry.From(new[] { Run(1.2), Run(0.9), Run(1.5) }, 7.9, 8.4, cores: 2) };

        string line = ReportWriters.LoadLine(report)!;

        Assert.False(report.Load!.Trustworthy);
        Assert.StartsWith("figures not trustworthy: other processes used 1.20 of the 2 cores on average during the runs (max 1.50; load average 7.90 → 8.40)", line);
        Assert.Contains("figures not trustworthy", ReportWriters.Markdown(report));
    }

    [Fact]
    public void QuietMachine_SummaryShowsTheLoadWithoutAWarning()
    {
        var report = new BenchReport { Load = LoadEntry.From(new[] { Run(0.02), Run(0.05) }, 0.3, 0.4, cores: 2) };

        string line = ReportWriters.LoadLine(report)!;

        Assert.True(report.Load!.Trustworthy);
        Assert.StartsWith("load: other processes used 0.04 of the 2 cores on average", line);
        Assert.DoesNotContain("not trustworthy", line);
    }

    [Fact]
    public void NotMeasurable_SaysSoAndGivesNoVerdict()
    {
        var report = new BenchReport { Load = LoadEntry.From(new[] { Run(null) }, null, null, cores: 2) };

        Assert.Null(report.Load!.Trustworthy);
        Assert.Contains("could not be measured", ReportWriters.LoadLine(report));
    }

    [Fact]
    public void Diagnose_BusyRun_IsFlagged_QuietRunIsNot()
    {
        DiagnoseReport Report(double others) => new()
        {
            Run = new RunEntry("before", 1, false, 1000, 900, 0, 0.9, 0, 0, 0, others),
            Contention = new ContentionSection { Recorded = true },
        };

        var busy = DiagnoseWriters.Lines(Report(1.4)).ToList();
        var quiet = DiagnoseWriters.Lines(Report(0.03)).ToList();

        Assert.Contains(busy, l => l.StartsWith("figures not trustworthy: other processes used 1.40 of the", StringComparison.Ordinal));
        Assert.DoesNotContain(quiet, l => l.Contains("not trustworthy", StringComparison.Ordinal));
        Assert.Contains(quiet, l => l.StartsWith("run: ", StringComparison.Ordinal) && l.Contains("other processes used 0.03 of the", StringComparison.Ordinal));
    }

    /// <summary>
    /// Alone in the test host (a collection that runs after the parallel ones): the figure subtracts what the process
    /// reaps, and tests running gil-bench in parallel in the same host would reap their builds inside the window.
    /// </summary>
    [Collection(AloneInTheHost.Name)]
    public sealed class RealCounters
    {
        [Fact]
        public async Task SeeAProcessThatBurnsCpuBesideTheRun() => await MachineLoadTests.BurnerIsSeen();
    }

    private static async Task BurnerIsSeen()
    {
        if (!File.Exists("/proc/stat"))
        {
            return; // Linux /proc only; the verdict is "not measured" elsewhere (tested above).
        }

        // Another process of the machine spins for the whole window; gil-bench's "run" sleeps. The burner is killed
        // (and reaped) only after the second snapshot, so none of its CPU can pass for the run's own.
        using var burner = Process.Start(new ProcessStartInfo("sh", new[] { "-c", "while :; do :; done" }) { UseShellExecute = false })!;
        try
        {
            await Task.Delay(200);
            CpuSnapshot? start = MachineLoad.Take();
            await Task.Delay(1000);
            CpuSnapshot? end = MachineLoad.Take();

            double? others = MachineLoad.OthersCores(start, end, runOwnCpuMs: 0);
            Assert.NotNull(others);
            // An idle machine shows the burner's ~1 core; a busy one shows more. Either way clearly above zero.
            Assert.True(others > 0.5, $"other processes measured at {others} cores while one spun");
        }
        finally
        {
            burner.Kill();
            await burner.WaitForExitAsync();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInTheHost
{
    public const string Name = "Alone in the test host";
}
