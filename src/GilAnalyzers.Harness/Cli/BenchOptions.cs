using System;
using System.Collections.Generic;
using System.Globalization;

namespace GilAnalyzers.Harness.Cli;

/// <summary>The options of `gil-bench &lt;input&gt;`, parsed by hand so that every mistake is exit code 2 with a clear message.</summary>
public sealed class BenchOptions
{
    public string Input { get; set; } = "";
    public string? Entry { get; set; }
    public List<string> Fix { get; } = new();
    public List<string> Fixers { get; } = new();
    public string? After { get; set; }
    public int Rounds { get; set; } = 5;
    public int Warmup { get; set; } = 1;
    public double TimeoutSeconds { get; set; } = 120;
    public string? JsonPath { get; set; }
    public string? MarkdownPath { get; set; }
    public string? ChartPath { get; set; }
    public double Tolerance { get; set; } = 1e-9;
    public string? IgnoreLines { get; set; }
    public int MaxFixes { get; set; } = 50;
    public bool Keep { get; set; }
    public string? BuildCache { get; set; }
    public bool NoDiff { get; set; }
    public List<string> ProgramArgs { get; } = new();

    public const string Usage = """
        Usage: gil-bench [<input>] [options] [-- program arguments]
               gil-bench samples <folder> [options] [--markdown FILE] [--json FILE]
                 (every subfolder with a .csproj or one .cs; per-sample options in its gil-bench.rsp)
               gil-bench diagnose [<input>] [--entry M] [--timeout S] [--json F] [--markdown F] [--chart F]
                 (run once: cores over time, contended locks with file:line, joined with GIL rules)

          <input>                  a .csproj, a single-file C# program (app.cs), or a folder with one .csproj;
                                   default: the current folder

        Options:
          --entry NS.Type.Method   time this static parameterless method (its return value is compared)
                                   instead of the program's Main (whose stdout is compared)
          --fix ID|KEY             apply only fixes for this diagnostic id (GIL001) or with this
                                   equivalence key (GIL001.MoveOutOfLock); repeatable
          --fixers ASSEMBLY        also use the analyzers and code fixes in this assembly (preferred
                                   over GilAnalyzers' own); repeatable
          --after FILE|DIR         skip the fixers: AFTER is this file (single-file input, or the
                                   project file of that name) or this folder laid over the project
          --rounds N               measured runs per variant, alternating (default 5)
          --warmup N               unmeasured runs per variant first (default 1)
          --timeout SECONDS        per run; the process tree is killed past it (default 120)
          --tolerance REL          relative tolerance for decimal numbers in results (default 1e-9)
          --ignore-lines REGEX     ignore stdout lines matching REGEX when comparing results
          --max-fixes N            bound on fixes applied (default 50)
          --json FILE              write the full report as JSON
          --markdown FILE          write the results table as Markdown
          --chart FILE.svg|.png    write a before/after chart
          --no-diff                do not print the diff
          --build-cache DIR        reuse Release builds of byte-identical work folders (self-contained
                                   programs only: files outside the project folder are not hashed)
          --keep                   keep the BEFORE/AFTER build folders (their paths are printed)
          -h, --help               this text

        Exit codes: 0 ok, 1 internal error, 2 bad usage or input (also: BEFORE not deterministic), 3 nothing to fix,
                    4 results differ, 5 user code failed (threw, non-zero exit, timeout, AFTER does not build)
        """;

    /// <summary>Returns null when help was asked for.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        string? input = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new HarnessException(ExitCodes.BadUsage, $"option {a} needs a value");
                }

                return args[++i];
            }

            switch (a)
            {
                case "-h" or "--help" or "-?":
                    return null;
                case "--":
                    for (i++; i < args.Count; i++)
                    {
                        o.ProgramArgs.Add(args[i]);
                    }

                    break;
                default:
                    if (o.Apply(a, Value))
                    {
                        break;
                    }

                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        throw new HarnessException(ExitCodes.BadUsage, $"unknown option {a} (see gil-bench --help)");
                    }

                    if (input is not null)
                    {
                        throw new HarnessException(ExitCodes.BadUsage, $"one input only; got '{input}' and '{a}' (program arguments go after --)");
                    }

                    input = a;
                    break;
            }
        }

        o.Input = input ?? CurrentFolderInput();
        o.Validate();
        return o;
    }

    /// <summary>Sets the option <paramref name="a"/> (reading its value through <paramref name="value"/>); false when it is not an option.</summary>
    private bool Apply(string a, Func<string> value)
    {
        switch (a)
        {
            case "--entry": Entry = value(); break;
            case "--fix": Fix.Add(value()); break;
            case "--fixers": Fixers.Add(value()); break;
            case "--after": After = value(); break;
            case "--rounds": Rounds = Int(a, value(), min: 1); break;
            case "--warmup": Warmup = Int(a, value(), min: 0); break;
            case "--timeout": TimeoutSeconds = Number(a, value(), min: 0.1); break;
            case "--tolerance": Tolerance = Number(a, value(), min: 0); break;
            case "--ignore-lines": IgnoreLines = value(); break;
            case "--max-fixes": MaxFixes = Int(a, value(), min: 1); break;
            case "--json": JsonPath = value(); break;
            case "--markdown": MarkdownPath = value(); break;
            case "--chart": ChartPath = value(); break;
            case "--keep": Keep = true; break;
            case "--build-cache": BuildCache = value(); break;
            case "--no-diff": NoDiff = true; break;
            default: return false;
        }

        return true;
    }

    /// <summary>No input: the current folder, which is how a user runs the tool in their own project's folder.</summary>
    private static string CurrentFolderInput()
    {
        if (!Inputs.Workbench.HoldsInput(Environment.CurrentDirectory))
        {
            throw new HarnessException(ExitCodes.BadUsage, "no input given and the current folder holds no .csproj (nor a single .cs file): pass a .csproj, an app.cs, or a folder (see gil-bench --help)");
        }

        return ".";
    }

    /// <summary>The checks across options, once all are read.</summary>
    private void Validate()
    {
        if (ChartPath is not null
            && !ChartPath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)
            && !ChartPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new HarnessException(ExitCodes.BadUsage, "--chart needs a file ending in .svg or .png");
        }

        if (After is not null && (Fix.Count > 0 || Fixers.Count > 0))
        {
            throw new HarnessException(ExitCodes.BadUsage, "--after excludes --fix and --fixers: --after replaces the fixers");
        }

        if (IgnoreLines is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(IgnoreLines);
            }
            catch (ArgumentException ex)
            {
                throw new HarnessException(ExitCodes.BadUsage, $"--ignore-lines is not a valid regular expression: {ex.Message}");
            }
        }
    }

    private static int Int(string option, string value, int min)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min)
        {
            throw new HarnessException(ExitCodes.BadUsage, $"{option} needs a whole number >= {min}, got '{value}'");
        }

        return n;
    }

    private static double Number(string option, string value, double min)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n < min || double.IsNaN(n) || double.IsInfinity(n))
        {
            throw new HarnessException(ExitCodes.BadUsage, $"{option} needs a number >= {min.ToString(CultureInfo.InvariantCulture)}, got '{value}'");
        }

        return n;
    }
}
