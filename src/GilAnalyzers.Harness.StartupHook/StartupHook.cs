using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

/// <summary>
/// The measurement shim of gil-bench, loaded through DOTNET_STARTUP_HOOKS into each BEFORE/AFTER
/// program run. It does nothing unless GILBENCH_OUT names a file. It records the runtime's counters
/// right before the program starts and writes one JSON line with the deltas when it ends:
/// after Main returns (ProcessExit), or after the --entry method returns (then it exits the process).
/// Must be a type named StartupHook in no namespace with a static Initialize method.
/// </summary>
internal static class StartupHook
{
    internal const string OutVariable = "GILBENCH_OUT";
    internal const string EntryVariable = "GILBENCH_ENTRY";
    internal const int EntryFailedExitCode = 213;
    internal const int EntryNotFoundExitCode = 214;

    private static string? s_outPath;
    private static long s_startTimestamp;
    private static TimeSpan s_startCpu;
    private static double s_startChildCpuMs;
    private static long s_startContentions;
    private static long s_startWorkItems;
    private static long s_startAllocated;
    private static int s_written;

    public static void Initialize()
    {
        string? outPath = Environment.GetEnvironmentVariable(OutVariable);
        if (string.IsNullOrEmpty(outPath))
        {
            return;
        }

        string? entry = Environment.GetEnvironmentVariable(EntryVariable);

        // Processes that the program starts (a process pool, a tool) must not measure themselves
        // into our file, nor load this hook.
        Environment.SetEnvironmentVariable(OutVariable, null);
        Environment.SetEnvironmentVariable(EntryVariable, null);
        Environment.SetEnvironmentVariable("DOTNET_STARTUP_HOOKS", null);
        // gil-bench diagnose starts the program suspended until its tracing session is attached; the
        // program's own child processes would wait forever for a session that never comes.
        Environment.SetEnvironmentVariable("DOTNET_DefaultDiagnosticPortSuspend", null);

        s_outPath = outPath;
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Write(result: null, error: Describe(e.ExceptionObject as Exception), errorKind: "unhandled");

        if (string.IsNullOrEmpty(entry))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Write(result: null, error: null, errorKind: null);
            Start();
            return;
        }

        RunEntry(entry!);
    }

    private static void Start()
    {
        s_startAllocated = GC.GetTotalAllocatedBytes(precise: true);
        s_startContentions = Monitor.LockContentionCount;
        s_startWorkItems = ThreadPool.CompletedWorkItemCount;
        s_startChildCpuMs = DescendantCpu.ReapedChildrenCpuMs();
        s_startCpu = Process.GetCurrentProcess().TotalProcessorTime;
        s_startTimestamp = Stopwatch.GetTimestamp();
    }

    private static void RunEntry(string entry)
    {
        MethodInfo? method = ResolveEntry(entry, out string? problem);
        if (method is null)
        {
            Write(result: null, error: problem, errorKind: "entry");
            Environment.Exit(EntryNotFoundExitCode);
            return;
        }

        object? value;
        try
        {
            Start();
            value = method.Invoke(null, null);
            value = AwaitIfTask(value);
        }
        catch (Exception ex)
        {
            Exception inner = ex is TargetInvocationException { InnerException: { } i } ? i : ex;
            Write(result: null, error: Describe(inner), errorKind: "threw");
            Environment.Exit(EntryFailedExitCode);
            return;
        }

        string resultJson;
        try
        {
            resultJson = value is null
                ? "null"
                : JsonSerializer.Serialize(value, value.GetType(), new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() });
        }
        catch (Exception ex)
        {
            // Not serialisable: its text is the next best thing to compare.
            resultJson = JsonSerializer.Serialize(value!.ToString() + " (not JSON-serialisable: " + ex.GetType().Name + ")");
        }

        Write(resultJson, error: null, errorKind: null);
        Console.Out.Flush();
        Environment.Exit(0);
    }

    private static MethodInfo? ResolveEntry(string entry, out string? problem)
    {
        problem = null;
        int dot = entry.LastIndexOf('.');
        if (dot <= 0 || dot == entry.Length - 1)
        {
            problem = $"--entry '{entry}' is not of the form Namespace.Type.Method";
            return null;
        }

        string typeName = entry.Substring(0, dot);
        string methodName = entry.Substring(dot + 1);
        Assembly? assembly = Assembly.GetEntryAssembly();
        Type? type = assembly?.GetType(typeName, throwOnError: false) ?? assembly?.GetType(typeName.Replace('.', '+'), throwOnError: false);
        if (type is null && assembly is not null)
        {
            // Nested types are written with dots by people: try each split point.
            for (int cut = typeName.LastIndexOf('.'); cut > 0 && type is null; cut = typeName.LastIndexOf('.', cut - 1))
            {
                type = assembly.GetType(typeName.Substring(0, cut) + "+" + typeName.Substring(cut + 1).Replace('.', '+'), throwOnError: false);
            }
        }

        if (type is null)
        {
            problem = $"--entry: type '{typeName}' was not found in {assembly?.GetName().Name ?? "the program"}";
            return null;
        }

        MethodInfo? method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, binder: null, types: Type.EmptyTypes, modifiers: null);
        if (method is null || method.ContainsGenericParameters)
        {
            problem = $"--entry: '{typeName}' has no static parameterless method '{methodName}'";
            return null;
        }

        return method;
    }

    private static object? AwaitIfTask(object? value)
    {
        if (value is Task task)
        {
            task.GetAwaiter().GetResult();
            Type t = task.GetType();
            if (t.IsGenericType)
            {
                PropertyInfo? result = t.GetProperty("Result");
                object? r = result?.GetValue(task);
                // Task<VoidTaskResult> for async methods returning Task.
                return r is not null && r.GetType().Name == "VoidTaskResult" ? null : r;
            }

            return null;
        }

        if (value is ValueTask vt)
        {
            vt.GetAwaiter().GetResult();
            return null;
        }

        if (value is not null && value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            MethodInfo asTask = value.GetType().GetMethod("AsTask")!;
            return AwaitIfTask(asTask.Invoke(value, null));
        }

        return value;
    }

    private static string Describe(Exception? ex)
    {
        if (ex is null)
        {
            return "unknown error";
        }

        var sb = new StringBuilder();
        sb.Append(ex.GetType().FullName).Append(": ").Append(ex.Message);
        var trace = new StackTrace(ex, fNeedFileInfo: true);
        StackFrame? frame = trace.FrameCount > 0 ? trace.GetFrame(0) : null;
        MethodBase? m = frame?.GetMethod();
        if (m is not null)
        {
            sb.Append(" (at ").Append(m.DeclaringType?.FullName).Append('.').Append(m.Name);
            string? file = frame!.GetFileName();
            if (file is not null)
            {
                sb.Append(" in ").Append(Path.GetFileName(file)).Append(':').Append(frame.GetFileLineNumber());
            }

            sb.Append(')');
        }

        return sb.ToString();
    }

    private static void Write(string? result, string? error, string? errorKind)
    {
        if (Interlocked.Exchange(ref s_written, 1) != 0 || s_outPath is null)
        {
            return;
        }

        long end = Stopwatch.GetTimestamp();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double childCpuMs = DescendantCpu.ReapedChildrenCpuMs() - s_startChildCpuMs + DescendantCpu.LiveDescendantsCpuMs();
        long contentions = Monitor.LockContentionCount - s_startContentions;
        long workItems = ThreadPool.CompletedWorkItemCount - s_startWorkItems;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - s_startAllocated;

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("wallMs", (end - s_startTimestamp) * 1000.0 / Stopwatch.Frequency);
            json.WriteNumber("cpuMs", (cpu - s_startCpu).TotalMilliseconds);
            json.WriteNumber("childCpuMs", Math.Max(0, childCpuMs));
            json.WriteNumber("lockContentions", contentions);
            json.WriteNumber("workItems", workItems);
            json.WriteNumber("allocatedBytes", allocated);
            json.WriteNumber("processorCount", Environment.ProcessorCount);
            json.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            if (result is not null)
            {
                json.WritePropertyName("result");
                json.WriteRawValue(result, skipInputValidation: true);
            }

            if (error is not null)
            {
                json.WriteString("error", error);
                json.WriteString("errorKind", errorKind);
            }

            json.WriteEndObject();
        }

        try
        {
            File.WriteAllBytes(s_outPath, stream.ToArray());
        }
        catch (IOException)
        {
            // The harness reports a missing measurement; nothing sensible to do here.
        }
    }
}

/// <summary>CPU time of the processes this one started (Linux /proc; elsewhere 0).</summary>
internal static class DescendantCpu
{
    private const double TicksPerSecond = 100.0; // USER_HZ, 100 on every mainstream Linux build.

    /// <summary>cutime + cstime of this process: CPU of children that ended and were reaped.</summary>
    public static double ReapedChildrenCpuMs()
    {
        long[]? f = ReadStat(Environment.ProcessId);
        return f is null ? 0 : (f[13] + f[14]) * 1000.0 / TicksPerSecond;
    }

    /// <summary>utime + stime (+ their own reaped children) of descendants still running.</summary>
    public static double LiveDescendantsCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        try
        {
            var parents = new System.Collections.Generic.Dictionary<int, (int Parent, long Ticks)>();
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid))
                {
                    continue;
                }

                long[]? f = ReadStat(pid);
                if (f is not null)
                {
                    parents[pid] = ((int)f[1], f[11] + f[12] + f[13] + f[14]);
                }
            }

            int self = Environment.ProcessId;
            long ticks = 0;
            foreach (var (pid, info) in parents)
            {
                int p = info.Parent;
                for (int depth = 0; depth < 64 && p > 1; depth++)
                {
                    if (p == self)
                    {
                        ticks += info.Ticks;
                        break;
                    }

                    p = parents.TryGetValue(p, out var up) ? up.Parent : 0;
                }
            }

            return ticks * 1000.0 / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Fields of /proc/PID/stat after the command name: [0]=state, [1]=ppid, ... [11]=utime, [12]=stime, [13]=cutime, [14]=cstime.</summary>
    private static long[]? ReadStat(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            string text = File.ReadAllText("/proc/" + pid + "/stat");
            int close = text.LastIndexOf(')');
            string[] parts = text.Substring(close + 2).Split(' ');
            var values = new long[Math.Min(parts.Length, 20)];
            for (int i = 1; i < values.Length; i++)
            {
                long.TryParse(parts[i], out values[i]);
            }

            return values;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
