using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using GilAnalyzers.Testing;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.RealCode;

/// <summary>
/// <c>jit</c>: what the analyzers make the JIT compile the first time they run in a process — the part of a fresh
/// compiler process's analyzer time that is not analysis. Binds every project under a folder first (so the compiler's
/// own code is warm), then runs the GilAnalyzers analyzers once over each, listening to the runtime's JIT events. Methods
/// are counted in three groups: GilAnalyzers' own, instantiations of other generic code over GilAnalyzers types or
/// value types that no precompiled image can hold (a <c>Dictionary&lt;K, SomeStruct&gt;</c> is compiled for that struct
/// alone), and everything else (Roslyn's and the framework's code, which csc runs precompiled, so this process's figure
/// for it says little about csc). Deterministic enough to compare two builds of the analyzers: the method counts
/// repeat run to run, the milliseconds move with the machine.
/// </summary>
public static class JitBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string? folder = null;
        var top = 25;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--top" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n >= 0:
                    top = n;
                    i++;
                    break;
                default:
                    if (folder is not null || args[i].StartsWith("-", StringComparison.Ordinal))
                    {
                        error.WriteLine($"jit: unexpected argument '{args[i]}'. Usage: GilAnalyzers.RealCode jit <folder> [--top N]");
                        return 2;
                    }

                    folder = args[i];
                    break;
            }
        }

        if (folder is null || !Directory.Exists(folder))
        {
            error.WriteLine($"jit: {(folder is null ? "a folder of C# projects is needed" : "no such folder: " + folder)}. Usage: GilAnalyzers.RealCode jit <folder> [--top N]");
            return 2;
        }

        var log = TextWriter.Null;
        var projects = SourceProjects.Discover(Path.GetFullPath(folder), exclude: null, log);
        if (projects.Count == 0)
        {
            error.WriteLine($"jit: no C# files found under {folder}.");
            return 2;
        }

        using var workspace = new AdhocWorkspace();
        var solution = SourceProjects.BuildSolution(workspace, projects, FrameworkReferences.Load(), log);
        var compilations = new List<(Project Project, Compilation Compilation)>();
        var bind = Stopwatch.StartNew();
        foreach (var project in solution.Projects.OrderBy(p => p.FilePath, StringComparer.Ordinal))
        {
            var compilation = (await project.GetCompilationAsync())!;
            compilation.GetDiagnostics();
            compilations.Add((project, compilation));
        }

        bind.Stop();
        var analyzers = GilCatalog.CreateAnalyzers();
        using var listener = new JitListener();
        await listener.WaitUntilListeningAsync();
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var run = Stopwatch.StartNew();
        var diagnostics = 0;
        var firstTimes = new List<(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer Analyzer, TimeSpan Time)>();
        foreach (var (project, compilation) in compilations)
        {
            var pass = await AnalyzerPass.RunAsync(compilation, project.AnalyzerOptions, analyzers, CancellationToken.None);
            diagnostics += pass.Diagnostics.Length;
            firstTimes.AddRange(pass.Times.Select(kv => (kv.Key, kv.Value)));
        }

        run.Stop();
        var cold = run.Elapsed;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;
        var methods = await listener.StopAsync();

        // The same analysis again in the now warm process: what is left is the analysis itself.
        var warmTimes = new Dictionary<string, double>();
        var coldTimes = new Dictionary<string, double>();
        var warm = Stopwatch.StartNew();
        foreach (var (project, compilation) in compilations)
        {
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);
            fresh.GetDiagnostics();
            warm.Start();
            var pass = await AnalyzerPass.RunAsync(fresh, project.AnalyzerOptions, analyzers, CancellationToken.None);
            warm.Stop();
            foreach (var (analyzer, time) in pass.Times)
            {
                warmTimes[analyzer.GetType().Name] = warmTimes.GetValueOrDefault(analyzer.GetType().Name) + time.TotalSeconds;
            }
        }

        foreach (var (analyzer, time) in firstTimes)
        {
            coldTimes[analyzer.GetType().Name] = coldTimes.GetValueOrDefault(analyzer.GetType().Name) + time.TotalSeconds;
        }

        output.WriteLine($"jit: {compilations.Count} compilation(s) under {folder}; binding {bind.Elapsed.TotalSeconds:F2} s (before listening); analyzers {run.Elapsed.TotalSeconds:F2} s, {diagnostics} diagnostics");
        output.WriteLine($"runtime: {jitMethods} methods JIT-compiled during the analyzer run, {jitTime.TotalMilliseconds:F0} ms of JIT (all threads)");
        output.WriteLine($"analyzers again on the same code (fresh compilations, warm process): {warm.Elapsed.TotalSeconds:F2} s against {cold.TotalSeconds:F2} s the first time");
        output.WriteLine();
        output.WriteLine("| analyzer | first run s | warm run s |");
        output.WriteLine("| --- | ---: | ---: |");
        foreach (var (name, seconds) in coldTimes.OrderByDescending(kv => kv.Value))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {seconds:F3} | {warmTimes.GetValueOrDefault(name):F3} |"));
        }

        output.WriteLine();
        output.WriteLine("| group | methods | IL bytes | JIT ms |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var group in methods.GroupBy(m => m.Group).OrderBy(g => g.Key))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Describe(group.Key)} | {group.Count()} | {group.Sum(m => m.IlSize)} | {group.Sum(m => m.Milliseconds):F0} |"));
        }

        if (top > 0)
        {
            output.WriteLine();
            output.WriteLine($"Slowest {top} to compile of the first two groups (ms, IL bytes, method):");
            foreach (var method in methods.Where(m => m.Group != JitGroup.Other).OrderByDescending(m => m.Milliseconds).Take(top))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {method.Milliseconds,7:F1} {method.IlSize,6} {method.Name}"));
            }

            output.WriteLine();
            output.WriteLine($"Generic instantiations of the second group, by type (count, ms):");
            foreach (var type in methods.Where(m => m.Group == JitGroup.Instantiation).GroupBy(m => m.Type)
                         .OrderByDescending(g => g.Sum(m => m.Milliseconds)).Take(top))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {type.Count(),4} {type.Sum(m => m.Milliseconds),7:F1} {type.Key}"));
            }
        }

        return 0;
    }

    private static string Describe(JitGroup group) => group switch
    {
        JitGroup.Own => "GilAnalyzers methods",
        JitGroup.Instantiation => "generic code instantiated over GilAnalyzers types or value types",
        _ => "other (Roslyn, framework: precompiled in csc)",
    };

    internal enum JitGroup
    {
        Own,
        Instantiation,
        Other,
    }

    internal sealed record JitMethod(string Type, string Name, int IlSize, double Milliseconds, JitGroup Group);

    /// <summary>The runtime's JIT events (keyword 0x10) of this process, paired start to end on each thread.</summary>
    private sealed class JitListener : EventListener
    {
        private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
        private readonly ConcurrentDictionary<ulong, (string Type, string Name, int IlSize, DateTime Start)> _started = new();
        private readonly ConcurrentQueue<JitMethod> _done = new();
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stopped;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == RuntimeSource)
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
            }
        }

        public async Task WaitUntilListeningAsync()
        {
            // Events arrive through an EventPipe session a little after they happen: JIT something and wait for it.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!_listening.Task.IsCompleted && DateTime.UtcNow < deadline)
            {
                Probe(DateTime.UtcNow.Ticks);
                await Task.Delay(50);
            }

            _started.Clear();
            while (_done.TryDequeue(out _))
            {
            }
        }

        public async Task<IReadOnlyList<JitMethod>> StopAsync()
        {
            // Let the session deliver what is still buffered.
            await Task.Delay(2000);
            _stopped = true;
            return _done.ToList();
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static long Probe(long value) => new Func<long, long>(v => v + 1)(value);

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (_stopped || e.PayloadNames is null || e.Payload is null)
            {
                return;
            }

            _listening.TrySetResult();
            if (e.EventName is { } name && name.StartsWith("MethodJittingStarted", StringComparison.Ordinal))
            {
                var id = Convert.ToUInt64(Field(e, "MethodID"), CultureInfo.InvariantCulture);
                _started[id] = ((string)Field(e, "MethodNamespace")!, (string)Field(e, "MethodName")!,
                    Convert.ToInt32(Field(e, "MethodILSize"), CultureInfo.InvariantCulture), e.TimeStamp);
            }
            else if (e.EventName is { } loaded && loaded.StartsWith("MethodLoadVerbose", StringComparison.Ordinal))
            {
                var id = Convert.ToUInt64(Field(e, "MethodID"), CultureInfo.InvariantCulture);
                if (_started.TryRemove(id, out var start))
                {
                    _done.Enqueue(new JitMethod(start.Type, start.Type + "." + start.Name, start.IlSize,
                        (e.TimeStamp - start.Start).TotalMilliseconds, Classify(start.Type)));
                }
            }
        }

        private static object? Field(EventWrittenEventArgs e, string name)
        {
            var index = e.PayloadNames!.IndexOf(name);
            return index >= 0 ? e.Payload![index] : null;
        }

        private static JitGroup Classify(string type)
        {
            if (type.StartsWith("GilAnalyzers", StringComparison.Ordinal))
            {
                return JitGroup.Own;
            }

            var generic = type.IndexOf('[', StringComparison.Ordinal);
            if (generic < 0)
            {
                return JitGroup.Other;
            }

            // Instantiations over our types, or over value types other than the primitives precompiled code covers.
            var arguments = type.Substring(generic);
            if (arguments.Contains("GilAnalyzers", StringComparison.Ordinal)
                || arguments.Contains("ValueTuple", StringComparison.Ordinal)
                || arguments.Contains("ImmutableArray`1", StringComparison.Ordinal)
                || arguments.Contains("KeyValuePair", StringComparison.Ordinal))
            {
                return JitGroup.Instantiation;
            }

            return JitGroup.Other;
        }
    }
}
