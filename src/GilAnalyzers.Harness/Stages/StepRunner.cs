using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Running;
using Spectre.Console;

namespace GilAnalyzers.Harness.Stages;

/// <summary>
/// Runs one step of a command with its title shown — a spinner on an interactive terminal, a "» title" line otherwise —
/// and records the CPU it took (gil-bench's own and its reaped child processes').
/// </summary>
public sealed class StepRunner
{
    private readonly IAnsiConsole _console;
    private readonly Dictionary<string, double> _cpuMs = new(StringComparer.Ordinal);

    public StepRunner(IAnsiConsole console, bool live)
    {
        _console = console;
        Live = live;
    }

    /// <summary>True on an interactive ANSI terminal: spinners and progress bars instead of lines.</summary>
    public bool Live { get; }

    /// <summary>The CPU of each step run so far, by title; empty where /proc is not available.</summary>
    public IReadOnlyDictionary<string, double> CpuMsByStep => _cpuMs;

    /// <summary>The live mode a command's console supports.</summary>
    public static bool IsLive(IAnsiConsole console) => console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    public async Task<T> RunAsync<T>(string title, Func<Task<T>> work)
    {
        CpuSnapshot? start = MachineLoad.Take();
        try
        {
            if (Live)
            {
                return await _console.Status().Spinner(Spinner.Known.Dots).StartAsync(title + "…", _ => work()).ConfigureAwait(false);
            }

            _console.MarkupLine(Markup.Escape("» " + title));
            return await work().ConfigureAwait(false);
        }
        finally
        {
            if (MachineLoad.CpuMs(start, MachineLoad.Take()) is { } cpu)
            {
                // A title run twice (the late restore) adds up.
                _cpuMs[title] = _cpuMs.GetValueOrDefault(title) + cpu;
            }
        }
    }
}
