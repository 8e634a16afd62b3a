using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Cli;
using GilAnalyzers.Harness.Commands;
using GilAnalyzers.Harness.Fixing;
using GilAnalyzers.Harness.Inputs;
using GilAnalyzers.Harness.Running;
using GilAnalyzers.Testing.Processes;
using Spectre.Console;

namespace GilAnalyzers.Harness;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a CI job cancelled, `kill`, `timeout`) stops the run the same way as Ctrl+C: the program under
        // test is killed and the BEFORE/AFTER work folders are removed before gil-bench exits with 130.
        using PosixSignalRegistration? onTerminate = TryRegister(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cts.Cancel();
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ProcessRunner.ActiveProcesses.KillAll();
        IAnsiConsole console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Logs and CI: no 80-column wrapping of the table.
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
        }

        try
        {
            return await RunAsync(args, console, new FixEngine(), cts.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static PosixSignalRegistration? TryRegister(PosixSignal signal, Action<PosixSignalContext> handler)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, handler);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The whole CLI behind Main; tests call it with their own console and fix engine.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, FixEngine engine, CancellationToken cancellationToken, Action<BenchCommand>? created = null, Action<DiagnoseCommand>? diagnosed = null)
    {
        try
        {
            return await DispatchAsync(args, console, engine, cancellationToken, created, diagnosed).ConfigureAwait(false);
        }
        catch (HarnessException ex)
        {
            string label = ex.ExitCode switch
            {
                ExitCodes.NothingToFix => "[yellow]",
                _ => "[red]error:[/] ",
            };
            console.MarkupLine("gil-bench: " + label + Markup.Escape(ex.Message) + (ex.ExitCode == ExitCodes.NothingToFix ? "[/]" : ""));
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("gil-bench: [yellow]cancelled[/]; child processes were stopped.");
            return 130;
        }
        catch (Exception ex)
        {
            console.MarkupLine("gil-bench: [red]internal error[/] (a bug in gil-bench, please report it): " + Markup.Escape(ex.GetType().Name + ": " + ex.Message));
            if (Environment.GetEnvironmentVariable("GILBENCH_DEBUG") == "1")
            {
                console.WriteLine(ex.ToString());
            }
            else
            {
                console.MarkupLine("[grey]set GILBENCH_DEBUG=1 to see the stack trace[/]");
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command the first argument names (`samples`, `diagnose`, `bench` or none: the bench), run with the rest.</summary>
    private static async Task<int> DispatchAsync(IReadOnlyList<string> args, IAnsiConsole console, FixEngine engine, CancellationToken cancellationToken, Action<BenchCommand>? created, Action<DiagnoseCommand>? diagnosed)
    {
        List<string> rest = args.ToList();
        if (rest.Count > 0 && rest[0] == "bench")
        {
            rest.RemoveAt(0);
        }
        else if (rest.Count > 0 && rest[0] == "samples")
        {
            rest.RemoveAt(0);
            if (rest.Contains("--fixers"))
            {
                engine = FixEngine.WithAssemblies(rest.Where((a, i) => i > 0 && rest[i - 1] == "--fixers").ToList());
            }

            return await new SamplesCommand(console, engine).RunAsync(rest, cancellationToken).ConfigureAwait(false);
        }
        else if (rest.Count > 0 && rest[0] == "diagnose")
        {
            rest.RemoveAt(0);
            var diagnose = new DiagnoseCommand(console, engine);
            diagnosed?.Invoke(diagnose);
            return await diagnose.RunAsync(rest, cancellationToken).ConfigureAwait(false);
        }

        if (rest.Count == 0 && !Workbench.HoldsInput(Environment.CurrentDirectory))
        {
            // `gil-bench` alone runs on the current folder's project; in a folder without one it shows the usage.
            console.WriteLine(BenchOptions.Usage);
            return ExitCodes.BadUsage;
        }

        BenchOptions? options = BenchOptions.Parse(rest);
        if (options is null)
        {
            console.WriteLine(BenchOptions.Usage);
            return ExitCodes.Ok;
        }

        if (options.Fixers.Count > 0)
        {
            engine = FixEngine.WithAssemblies(options.Fixers);
        }

        var command = new BenchCommand(console, engine);
        created?.Invoke(command);
        return await command.RunAsync(options, cancellationToken).ConfigureAwait(false);
    }
}
