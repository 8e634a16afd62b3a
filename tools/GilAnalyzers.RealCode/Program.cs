using System.Text.RegularExpressions;
using GilAnalyzers.RealCode;
using GilAnalyzers.RealCode.Corpus;

const string Usage = """
Usage:
  GilAnalyzers.RealCode <folder> [--fixall] [--typing N] [--exclude REGEX] [--commit SHA] [--markdown FILE] [--json FILE]
      Runs every GilAnalyzers analyzer over each project (*.csproj) under <folder> against the .NET 10 reference
      assemblies (the projects' own NuGet dependencies are not restored; unresolved symbols are expected).
      --fixall      apply FixAll per rule and equivalence key with every GilAnalyzers code fix; count new compiler errors
      --typing N    replay typing (every line prefix) of the N files with the most threading code; zero exceptions allowed
      --exclude RE  skip .csproj files whose path relative to <folder> matches RE
      --commit SHA  recorded in the report
  GilAnalyzers.RealCode corpus <checkouts> --labels FILE [--labels FILE…] [--references framework|restored|both] [--actions] [--with-process-pool] [--markdown FILE] [--json FILE]
      Scores every analyzer against labelled real code. <checkouts> holds one folder per repository and commit,
      named owner+name@<first 12 hex of the commit> (tools/corpus-checkouts.sh makes them from git clones); nothing is
      fetched. Each label file is tab-separated: repo, commit, path, start-end, expected rule or none, shape, reason.
      Prints recall and precision per label file (e.g. tuned, held-out), per rule and per shape, the analyzer exceptions
      and time. --references restored: restore each project and compile it with its real references (MSBuildWorkspace),
      falling back to framework references where that fails; both: score both ways.
      --actions: on every true positive, ask every GilAnalyzers fixer for its code actions (as the IDE and dotnet format
      do), apply the first one alone and count the compiler errors it adds; reported per label file and rule.
      --with-process-pool: compile every project with a reference to GilAnalyzers.Processes, as after
      `dotnet add package GilAnalyzers.Processes` (GIL006's process-pool fix is refused without it).
  GilAnalyzers.RealCode cost <project.csproj> [--configuration C] [--analyzers FOLDER] [--keep-log FILE] [--without-ca] [--compiler-server]
  GilAnalyzers.RealCode cost --from-log FILE
      Builds the project with -p:ReportAnalyzer=true, GilAnalyzers and the built-in CA analyzers (AnalysisMode=All),
      and prints each analyzer's time as a share of the compiler's time. --analyzers: folder with GilAnalyzers.dll
      (default: the copy next to this tool); --from-log: re-read a kept detailed build log instead of building;
      --without-ca: leave the CA analyzers out, so the share is of a plain compile.
      --compiler-server: build through the compiler server (dotnet build's default; off in this machine's environment)
      and measure the second of two identical builds: analyzers loaded and their code compiled once, as in an edit-build
      loop or the later projects of a solution. Without it every project gets a fresh compiler process, which also
      pays the JIT of every analyzer.
  GilAnalyzers.RealCode jit <folder> [--top N]
      Binds every project under <folder>, then runs the analyzers once over each while listening to the runtime's JIT
      events: how many of the analyzers' methods (and generic instantiations over their types) a fresh process
      compiles, and the milliseconds it takes — the share of a fresh compiler's analyzer time that is not analysis.
Exit codes: 0 no failures, 1 analyzer/fixer failures (exceptions) or new compiler errors from FixAll or a first action, 2 bad input.
""";

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.Error.WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    }

    if (args[0] == "cost")
    {
        return await CostBenchmark.RunAsync(args.Skip(1).ToArray(), Console.Out, Console.Error);
    }

    if (args[0] == "jit")
    {
        return await JitBenchmark.RunAsync(args.Skip(1).ToArray(), Console.Out, Console.Error);
    }

    if (args[0] == "corpus")
    {
        return await CorpusCommand.RunAsync(args.Skip(1).ToArray(), Usage, Console.Out, Console.Error);
    }

    string? folder = null, markdown = null, json = null, commit = null;
    Regex? exclude = null;
    var fixAll = false;
    var typing = 0;
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.\n\n{Usage}");
        switch (args[i])
        {
            case "--fixall": fixAll = true; break;
            case "--typing":
                var n = Value();
                if (!int.TryParse(n, out typing) || typing < 0)
                {
                    throw new UsageException($"--typing needs a non-negative number of files, not '{n}'.");
                }

                break;
            case "--exclude":
                var pattern = Value();
                try
                {
                    exclude = new Regex(pattern, RegexOptions.CultureInvariant);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"--exclude '{pattern}' is not a valid regular expression: {e.Message}");
                }

                break;
            case "--commit": commit = Value(); break;
            case "--markdown": markdown = Value(); break;
            case "--json": json = Value(); break;
            default:
                if (args[i].StartsWith('-') || folder is not null)
                {
                    throw new UsageException($"Unexpected argument '{args[i]}'.\n\n{Usage}");
                }

                folder = args[i];
                break;
        }
    }

    if (folder is null)
    {
        throw new UsageException($"No folder given.\n\n{Usage}");
    }

    var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
    if (!Directory.Exists(root))
    {
        throw new UsageException($"Folder not found: {folder}");
    }

    ReportFiles.EnsureFoldersExist(markdown, json);

    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };

    var report = await new RealCodeRunner(new RunOptions(root, fixAll, typing, exclude, commit), Console.Error).RunAsync(cancel.Token);
    if (markdown is not null)
    {
        await File.WriteAllTextAsync(markdown, report.ToMarkdown());
    }

    if (json is not null)
    {
        await File.WriteAllTextAsync(json, report.ToJson());
    }

    var newErrors = report.FixAll?.Sum(f => f.NewErrors) ?? 0;
    Console.WriteLine($"{report.Projects.Count} compilations, {report.Files} files, {report.Lines:N0} lines; "
        + $"diagnostics: {(report.DiagnosticsPerRule.Count == 0 ? "none" : string.Join(", ", report.DiagnosticsPerRule.Select(kv => $"{kv.Key} {kv.Value}")))}; "
        + $"analyzers {report.AnalyzerSeconds:F2} s vs binding {report.CompilerSeconds:F1} s; "
        + $"failures {report.Failures.Count}" + (report.FixAll is null ? "" : $"; FixAll new compiler errors {newErrors}"));
    return report.Failures.Count > 0 || newErrors > 0 ? 1 : 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
