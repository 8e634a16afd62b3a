namespace GilAnalyzers.RealCode.Corpus;

/// <summary>The <c>corpus</c> command line: arguments, the run, the report files and the exit code.</summary>
public static class CorpusCommand
{
    public static async Task<int> RunAsync(string[] args, string usage, TextWriter output, TextWriter log)
    {
        string? checkouts = null, markdown = null, json = null;
        var labels = new List<string>();
        var actions = false;
        var withProcessPool = false;
        var modes = new List<ReferenceMode> { ReferenceMode.Framework };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.\n\n{usage}");
            switch (args[i])
            {
                case "--labels": labels.Add(Value()); break;
                case "--markdown": markdown = Value(); break;
                case "--json": json = Value(); break;
                case "--actions": actions = true; break;
                case "--with-process-pool": withProcessPool = true; break;
                case "--references":
                    modes = Value() switch
                    {
                        "framework" => new List<ReferenceMode> { ReferenceMode.Framework },
                        "restored" => new List<ReferenceMode> { ReferenceMode.Restored },
                        "both" => new List<ReferenceMode> { ReferenceMode.Framework, ReferenceMode.Restored },
                        var other => throw new UsageException($"--references takes framework, restored or both, not '{other}'."),
                    };
                    break;
                default:
                    if (args[i].StartsWith('-') || checkouts is not null)
                    {
                        throw new UsageException($"Unexpected argument '{args[i]}'.\n\n{usage}");
                    }

                    checkouts = args[i];
                    break;
            }
        }

        if (checkouts is null || labels.Count == 0)
        {
            throw new UsageException($"corpus needs a checkouts folder and at least one --labels file.\n\n{usage}");
        }

        if (!Directory.Exists(checkouts))
        {
            throw new UsageException($"Checkouts folder not found: {checkouts}");
        }

        ReportFiles.EnsureFoldersExist(markdown, json);

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var options = new CorpusOptions(Path.GetFullPath(checkouts), labels.Select(Path.GetFullPath).ToList(), modes, actions, withProcessPool);
        var report = await new CorpusScorer(options, log).RunAsync(cancel.Token);
        if (markdown is not null)
        {
            await File.WriteAllTextAsync(markdown, report.ToMarkdown());
        }

        if (json is not null)
        {
            await File.WriteAllTextAsync(json, report.ToJson());
        }

        foreach (var line in report.Summary())
        {
            output.WriteLine(line);
        }

        if (report.Runs.All(r => r.Rows.All(row => row.Outcome == Outcome.Unscored)))
        {
            log.WriteLine("error: no row could be scored (are the checkouts named owner+name@<12-hex commit>?)");
            return 2;
        }

        // Like --fixall: an exception from an analyzer or a fixer, or a first action that broke the build, fails the run.
        return report.Runs.Any(r => r.Failures.Count > 0 || r.FixerFailures.Count > 0
            || (r.ActionCoverage?.Any(a => a.Rule == "all" && a.FirstBrokeBuild > 0) ?? false)) ? 1 : 0;
    }
}
