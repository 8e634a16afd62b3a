using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GilAnalyzers.Testing.Processes;

namespace GilAnalyzers.RealCode;

/// <summary>
/// <c>cost</c>: builds a real project with <c>-p:ReportAnalyzer=true</c>, GilAnalyzers added as analyzers (through a
/// CustomAfterMicrosoftCommonTargets file, so the project is not edited) and the built-in CA analyzers at
/// AnalysisMode=All, then reads csc's per-analyzer times and the Csc task time from the log.
/// </summary>
public static class CostBenchmark
{
    private static readonly Regex TimeLine = new(@"^\s+(?<s>\d+(\.\d+)?)\s+(?<p><?\d+)\s+(?<name>\S.*?)\s*$", RegexOptions.Compiled);
    private static readonly Regex CscSummary = new(@"^\s+(?<ms>\d+) ms\s+Csc\s+(?<calls>\d+) calls?", RegexOptions.Compiled);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? project = null, analyzers = null, keepLog = null, fromLog = null;
        var configuration = "Release";
        var withoutCa = false;
        var compilerServer = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--configuration": configuration = Value(); break;
                case "--analyzers": analyzers = Value(); break;
                case "--keep-log": keepLog = Value(); break;
                case "--from-log": fromLog = Value(); break;
                case "--without-ca": withoutCa = true; break;
                case "--compiler-server": compilerServer = true; break;
                default:
                    if (args[i].StartsWith('-') || project is not null)
                    {
                        throw new UsageException($"Unexpected argument '{args[i]}' for cost.");
                    }

                    project = args[i];
                    break;
            }
        }

        if (fromLog is not null)
        {
            if (!File.Exists(fromLog))
            {
                throw new UsageException($"Log not found: {fromLog}");
            }

            Print(Parse(await File.ReadAllLinesAsync(fromLog)), fromLog, output);
            return 0;
        }

        if (project is null || !File.Exists(project) || !project.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"cost needs an existing project file (*.csproj), got '{project ?? "(none)"}'.");
        }

        analyzers ??= AppContext.BaseDirectory;
        var dlls = new[] { "GilAnalyzers.dll", "GilAnalyzers.CodeFixes.dll" }.Select(d => Path.GetFullPath(Path.Combine(analyzers, d))).ToList();
        if (!File.Exists(dlls[0]))
        {
            throw new UsageException($"No GilAnalyzers.dll in {analyzers} (give --analyzers FOLDER, e.g. the package's analyzers/dotnet/cs).");
        }

        var temp = Directory.CreateTempSubdirectory("gil-cost-");
        try
        {
            var targets = Path.Combine(temp.FullName, "gil-analyzers.targets");
            await File.WriteAllTextAsync(targets, "<Project>\n  <ItemGroup>\n"
                + string.Concat(dlls.Where(File.Exists).Select(d => $"    <Analyzer Include=\"{d}\" />\n"))
                + "  </ItemGroup>\n</Project>\n");
            var log = keepLog ?? Path.Combine(temp.FullName, "build.log");
            var buildArgs = new[]
            {
                "build", Path.GetFullPath(project), "-c", configuration, "--no-incremental", "-nodeReuse:false",
                "-p:ReportAnalyzer=true", "-p:RunAnalyzersDuringBuild=true",
                withoutCa ? "-p:EnableNETAnalyzers=false" : "-p:EnableNETAnalyzers=true",
                withoutCa ? "-p:AnalysisMode=Default" : "-p:AnalysisMode=All",
                "-p:TreatWarningsAsErrors=false", "-p:CodeAnalysisTreatWarningsAsErrors=false",
                $"-p:CustomAfterMicrosoftCommonTargets={targets}", "-v:d", "-clp:PerformanceSummary",
                // Fresh compiler process per project (this machine's default, UseSharedCompilation=false in the
                // environment), or the compiler server `dotnet build` uses by default elsewhere.
                compilerServer ? "-p:UseSharedCompilation=true" : "-p:UseSharedCompilation=false",
            };
            if (compilerServer)
            {
                // Warm-up: the same build once, so the server has loaded the analyzers (same paths) and compiled their
                // code before the measured build — the steady state of an edit-build loop or a solution's later projects.
                error.WriteLine("warm-up build (compiler server)...");
                var warm = await ProcessRunner.RunAsync(
                    DotNetCli.DotNetPath, buildArgs, Directory.GetCurrentDirectory(), environment: null, TimeSpan.FromHours(1), CancellationToken.None);
                if (warm.ExitCode != 0 || warm.TimedOut)
                {
                    error.WriteLine($"error: the warm-up build failed ({(warm.TimedOut ? "timed out" : $"exit {warm.ExitCode}")})");
                    return 1;
                }
            }

            error.WriteLine($"dotnet {string.Join(' ', buildArgs)}");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in buildArgs)
            {
                start.ArgumentList.Add(a);
            }

            using (var process = Process.Start(start) ?? throw new UsageException("Could not start dotnet."))
            await using (var writer = File.CreateText(log))
            {
                var stderr = process.StandardError.ReadToEndAsync();
                string? line;
                while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
                {
                    await writer.WriteLineAsync(line);
                }

                await writer.WriteLineAsync(await stderr);
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    error.WriteLine($"error: the build failed (exit {process.ExitCode}); see {log} {(keepLog is null ? "(pass --keep-log FILE to keep it)" : "")}");
                    if (keepLog is null)
                    {
                        var lines = await File.ReadAllLinesAsync(log);
                        foreach (var l in lines.Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(10))
                        {
                            error.WriteLine("  " + l.Trim());
                        }
                    }

                    return 1;
                }
            }

            var result = Parse(await File.ReadAllLinesAsync(log));
            Print(result, project + (compilerServer ? " [compiler server, warm: second build]" : " [a fresh compiler process per project]"), output);
            return 0;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    public sealed record CostResult(
        double CscSeconds, int CscCalls, double TotalAnalyzerSeconds,
        Dictionary<string, double> Assemblies, Dictionary<string, (string Assembly, double Seconds)> Analyzers);

    /// <summary>Reads csc's ReportAnalyzer blocks (summed over every Csc call) and MSBuild's task performance summary.</summary>
    public static CostResult Parse(IReadOnlyList<string> lines)
    {
        var assemblies = new Dictionary<string, double>(StringComparer.Ordinal);
        var analyzers = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        double total = 0, csc = 0;
        var calls = 0;
        var inAnalyzers = false;
        string? assembly = null;
        foreach (var raw in lines)
        {
            var line = raw;
            if (line.Contains("Total analyzer execution time:", StringComparison.Ordinal))
            {
                inAnalyzers = true;
                var m = Regex.Match(line, @"time:\s*(?<s>\d+(\.\d+)?)");
                total += m.Success ? double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
                continue;
            }

            if (line.Contains("Total generator execution time:", StringComparison.Ordinal) || line.Contains("Done executing task \"Csc\"", StringComparison.Ordinal))
            {
                inAnalyzers = false;
                continue;
            }

            if (CscSummary.Match(line) is { Success: true } summary)
            {
                csc = double.Parse(summary.Groups["ms"].Value, CultureInfo.InvariantCulture) / 1000;
                calls = int.Parse(summary.Groups["calls"].Value, CultureInfo.InvariantCulture);
                continue;
            }

            if (!inAnalyzers || TimeLine.Match(line) is not { Success: true } match)
            {
                continue;
            }

            var seconds = double.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
            var name = match.Groups["name"].Value;
            if (name.Contains(", Version=", StringComparison.Ordinal))
            {
                assembly = name.Substring(0, name.IndexOf(',', StringComparison.Ordinal));
                assemblies[assembly] = assemblies.GetValueOrDefault(assembly) + seconds;
            }
            else if (assembly is not null)
            {
                var key = assembly + "|" + name;
                analyzers[key] = (assembly, (analyzers.TryGetValue(key, out var previous) ? previous.Item2 : 0) + seconds);
            }
        }

        return new CostResult(csc, calls, total, assemblies, analyzers);
    }

    private static void Print(CostResult r, string project, TextWriter output)
    {
        static bool IsCa(string assembly) => assembly.Contains("NetAnalyzers", StringComparison.Ordinal);
        static string Name(string key) => key.Substring(key.IndexOf('|', StringComparison.Ordinal) + 1);
        var gil = r.Assemblies.Where(a => a.Key.StartsWith("GilAnalyzers", StringComparison.Ordinal)).Sum(a => a.Value);
        var ca = r.Assemblies.Where(a => IsCa(a.Key)).Sum(a => a.Value);
        var gilRules = r.Analyzers.Where(a => a.Value.Assembly.StartsWith("GilAnalyzers", StringComparison.Ordinal)).OrderByDescending(a => a.Value.Seconds).ToList();
        var caRules = r.Analyzers.Where(a => IsCa(a.Value.Assembly)).OrderByDescending(a => a.Value.Seconds).ToList();
        output.WriteLine($"Analyzer cost on {project} ({r.CscCalls} Csc call(s))");
        output.WriteLine($"  Csc task time (compiler incl. analyzers) : {r.CscSeconds,9:F2} s");
        output.WriteLine($"  all analyzers (sum over threads)         : {r.TotalAnalyzerSeconds,9:F2} s");
        output.WriteLine($"  built-in CA analyzers (AnalysisMode=All) : {ca,9:F2} s  = {Share(ca, r.CscSeconds)} of Csc");
        output.WriteLine($"  GilAnalyzers                             : {gil,9:F3} s  = {Share(gil, r.CscSeconds)} of Csc");
        output.WriteLine("  GilAnalyzers per analyzer:");
        foreach (var (key, (_, seconds)) in gilRules)
        {
            output.WriteLine($"    {seconds,8:F3} s  {Name(key)}");
        }

        output.WriteLine("  slowest CA analyzers:");
        foreach (var (key, (_, seconds)) in caRules.Take(5))
        {
            output.WriteLine($"    {seconds,8:F3} s  {Name(key)}");
        }

        var slowestCa = caRules.Count > 0 ? caRules[0].Value.Seconds : double.NaN;
        var slowestGil = gilRules.Count > 0 ? gilRules[0].Value.Seconds : 0;
        output.WriteLine($"  target GilAnalyzers <= 1% of Csc          : {(r.CscSeconds > 0 && gil / r.CscSeconds <= 0.01 ? "met" : "NOT met")} ({Share(gil, r.CscSeconds)})");
        output.WriteLine($"  target no GIL analyzer slower than slowest CA analyzer : {(double.IsNaN(slowestCa) ? "no CA analyzer timed" : slowestGil <= slowestCa ? "met" : "NOT met")} ({slowestGil:F3} s vs {slowestCa:F3} s)");
    }

    private static string Share(double part, double whole) =>
        whole > 0 ? (100 * part / whole).ToString("F2", CultureInfo.InvariantCulture) + "%" : "n/a";
}
