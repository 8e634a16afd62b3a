using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;
using Spectre.Console;

namespace GilAnalyzers.Harness.Stages;

/// <summary>
/// The run stage: the bench's warm-ups and alternating measured rounds of BEFORE and AFTER (a progress bar on an
/// interactive terminal, a line per run otherwise), and the failure check every run of a program goes through.
/// </summary>
public static class RunStage
{
    /// <summary>Warm-ups (BEFORE then AFTER), then the measured rounds in ABBA order: neither variant always goes first.</summary>
    internal static List<(Variant Variant, int Round, bool Warmup)> Plan(int warmups, int rounds)
    {
        var plan = new List<(Variant Variant, int Round, bool Warmup)>();
        for (int w = 1; w <= warmups; w++)
        {
            plan.Add((Variant.Before, w, true));
            plan.Add((Variant.After, w, true));
        }

        for (int r = 1; r <= rounds; r++)
        {
            bool beforeFirst = r % 2 == 1;
            plan.Add((beforeFirst ? Variant.Before : Variant.After, r, false));
            plan.Add((beforeFirst ? Variant.After : Variant.Before, r, false));
        }

        return plan;
    }

    public static async Task<List<RunMeasurement>> RunAllAsync(IAnsiConsole console, bool live, BenchOptions options, string beforeDll, string afterDll, CancellationToken cancellationToken)
    {
        var plan = Plan(options.Warmup, options.Rounds);
        var runner = new ProgramRunner();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var runs = new List<RunMeasurement>();

        async Task RunPlan(Action<int, string>? tick)
        {
            for (int i = 0; i < plan.Count; i++)
            {
                var (variant, round, warmup) = plan[i];
                string label = $"{(variant == Variant.Before ? "BEFORE" : "AFTER")} {(warmup ? "warm-up" : "round")} {round}";
                tick?.Invoke(i, label);
                RunMeasurement m = await runner.RunAsync(variant, round, warmup, variant == Variant.Before ? beforeDll : afterDll,
                    options.Entry, options.ProgramArgs, timeout, cancellationToken).ConfigureAwait(false);
                ThrowIfFailed(m, label);
                runs.Add(m);
                if (!live)
                {
                    string others = m.OthersCores is { } o ? $"; other processes {o:0.00} cores" : "";
                    console.MarkupLine(Markup.Escape($"  {label}: wall {ReportWriters.Ms(m.WallMs)}, CPU {ReportWriters.Ms(m.TotalCpuMs)}, {m.EffectiveCores:0.00} cores{others}"));
                }
            }
        }

        if (live)
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    ProgressTask task = ctx.AddTask("runs", maxValue: plan.Count);
                    await RunPlan((i, label) =>
                    {
                        task.Value = i;
                        task.Description = Markup.Escape(label);
                    }).ConfigureAwait(false);
                    task.Value = plan.Count;
                    task.Description = "runs done";
                }).ConfigureAwait(false);
        }
        else
        {
            console.MarkupLine(Markup.Escape($"running {plan.Count} runs ({options.Warmup} warm-up + {options.Rounds} rounds per variant, alternating)"));
            await RunPlan(null).ConfigureAwait(false);
        }

        return runs;
    }

    /// <summary>A run that threw, exited non-zero, timed out or had no such entry ends the command: exit 2 for a missing entry, 5 otherwise.</summary>
    public static void ThrowIfFailed(RunMeasurement m, string label)
    {
        if (m.Failure != RunFailure.None)
        {
            int code = m.Failure == RunFailure.EntryNotFound ? ExitCodes.BadUsage : ExitCodes.UserCodeFailed;
            throw new HarnessException(code, $"{label}: the program {m.FailureMessage}");
        }
    }
}
