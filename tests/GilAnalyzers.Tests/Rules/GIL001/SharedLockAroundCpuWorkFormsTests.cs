using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>GIL001 over every way of taking a lock, every parallel context, and the options.</summary>
public class SharedLockAroundCpuWorkFormsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil001(int location, string name, string reason, string where)
        => VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(location).WithArguments(name, reason, where);

    [Fact]
    public async Task MonitorEnterTryFinally_Reports()
    {
        var source = Usings + """
            class C
            {
                private readonly object _gate = new object();
                private double _total;

                void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:Monitor.Enter(_gate)|};
                        try
                        {
                            for (int k = 0; k < 1000; k++) _total += Math.Sqrt(k * i);
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "_gate", "for loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task MonitorEnterWithLockTaken_Reports()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();

                static void Work(int[][] rows)
                {
                    bool taken = false;
                    try
                    {
                        {|#0:Monitor.Enter(Gate, ref taken)|};
                        foreach (var row in rows) Array.Sort(row);
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Gate);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "Gate", "Array.Sort (sorting)", "'Work', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task StaticSemaphoreSlimGate_Reports()
    {
        var source = Usings + """
            class Hasher
            {
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

                public static async Task<byte[]> HashAsync(byte[] data, int rounds)
                {
                    await {|#0:Gate.WaitAsync()|};
                    try
                    {
                        for (int r = 0; r < rounds; r++) data = System.Security.Cryptography.SHA256.HashData(data);
                        return data;
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }

                public static int Sync(int[] data)
                {
                    {|#1:Gate.Wait()|};
                    try { int s = 0; foreach (var x in data) foreach (var y in data) s += x * y; return s; }
                    finally { Gate.Release(); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "Gate", "SHA256.HashData (hashing/cryptography)", "'HashAsync', a process-wide lock that every calling thread queues for"),
            Gil001(1, "Gate", "nested loop, 2 levels", "'Sync', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task ThrottlingSemaphoreWithManySlots_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                private static readonly SemaphoreSlim Throttle = new SemaphoreSlim(4, 4);
                private static readonly SemaphoreSlim Unknown;

                static C() { Unknown = new SemaphoreSlim(1, 1); }

                static int Work(int[] data)
                {
                    Throttle.Wait();
                    try { int s = 0; foreach (var x in data) s += x; return s; }
                    finally { Throttle.Release(); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task NamedMutex_ReportsAsProcessGlobal()
    {
        var source = Usings + """
            class C
            {
                private readonly Mutex _mutex = new Mutex(false, "Global\\gil-sample");

                int Work(int[] data)
                {
                    {|#0:_mutex.WaitOne()|};
                    try { int s = 0; foreach (var x in data) foreach (var y in data) s += x ^ y; return s; }
                    finally { _mutex.ReleaseMutex(); }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            Gil001(0, "_mutex", "nested loop, 2 levels", "'Work', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task SystemThreadingLock_StatementAndEnterScope_Report()
    {
        var source = Usings + """
            class C
            {
                private static readonly Lock Gate = new();

                static void Run(int n)
                {
                    double total = 0;
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int k = 0; k < n; k++) total += k;
                        }
                        using ({|#1:Gate.EnterScope()|})
                        {
                            for (int k = 0; k < n; k++) total -= k;
                        }
                    });
                }

                static int Scoped(int[] data)
                {
                    using var scope = {|#2:Gate.EnterScope()|};
                    return data.Select(x => data.Count(y => y < x)).Sum();
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, ReferenceAssemblies = TestReferences.Net90 };
        test.ExpectedDiagnostics.Add(Gil001(0, "Gate", "for loop", "a Parallel.For body"));
        test.ExpectedDiagnostics.Add(Gil001(1, "Gate", "for loop", "a Parallel.For body"));
        test.ExpectedDiagnostics.Add(Gil001(2, "Gate", "nested loop, 2 levels", "'Scoped', a process-wide lock that every calling thread queues for"));
        await test.RunAsync();
    }

    private const string LockedWork = "{ {|#0:lock (_sync)|} { for (int k = 0; k < n; k++) _sum += k; } }";

    [Theory]
    [InlineData("Parallel.Invoke(() => BODY, () => { });", "a Parallel.Invoke action")]
    [InlineData("Enumerable.Range(0, n).AsParallel().ForAll(i => BODY);", "a PLINQ ForAll delegate")]
    [InlineData("var tasks = new List<Task>(); for (int t = 0; t < 4; t++) tasks.Add(Task.Run(() => BODY)); Task.WaitAll(tasks.ToArray());", "a Task.Run delegate started in a loop")]
    [InlineData("Task.WaitAll(Enumerable.Range(0, 4).Select(t => Task.Factory.StartNew(() => BODY)).ToArray());", "a TaskFactory.StartNew delegate started in a loop")]
    [InlineData("var threads = new Thread[4]; for (int t = 0; t < 4; t++) { threads[t] = new Thread(() => BODY); threads[t].Start(); }", "a Thread started in a loop")]
    [InlineData("for (int t = 0; t < 4; t++) ThreadPool.QueueUserWorkItem(_ => BODY);", "a ThreadPool.QueueUserWorkItem delegate started in a loop")]
    [InlineData("await Parallel.ForEachAsync(Enumerable.Range(0, n), async (i, ct) => { BODY; await Task.Yield(); });", "a Parallel.ForEachAsync body")]
    public async Task ParallelContexts_Report(string launch, string where)
    {
        var source = Usings + """
            class C
            {
                private readonly object _sync = new object();
                private long _sum;

                async Task Run(int n)
                {
                    LAUNCH
                    await Task.CompletedTask;
                }
            }
            """.Replace("LAUNCH", launch.Replace("BODY", LockedWork));
        var test = new VerifyCS.Test { TestCode = source, ReferenceAssemblies = TestReferences.Net80 };
        test.ExpectedDiagnostics.Add(Gil001(0, "_sync", "for loop", where));
        await test.RunAsync();
    }

    [Fact]
    public async Task SingleTaskRunOrThread_IsNotParallelContext()
    {
        var source = Usings + """
            class C
            {
                private readonly object _sync = new object();
                private long _sum;

                // One launch per function: nothing runs beside it that takes the same lock (two launches of one function
                // on the same lock do contend: ThreadPairLockTests).
                void Start(int n)
                {
                    var t = new Thread(() => { lock (_sync) { for (int k = 0; k < n; k++) _sum += k; } });
                    t.Start();
                }

                Task Run(int n)
                {
                    return Task.Run(() => { lock (_sync) { for (int k = 0; k < n; k++) _sum -= k; } });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LazyInitialisationUnderStaticLock_DoesNotReport()
    {
        var source = Usings + """
            class Table
            {
                private static readonly object Gate = new object();
                private static int[] s_table;
                private static int[] s_other;

                public static int[] Get()
                {
                    if (s_table == null)
                    {
                        lock (Gate)
                        {
                            if (s_table == null)
                            {
                                var t = new int[256];
                                for (int i = 0; i < t.Length; i++) t[i] = i * i;
                                s_table = t;
                            }
                        }
                    }
                    return s_table;
                }

                public static int[] Other()
                {
                    lock (Gate)
                    {
                        s_other ??= Enumerable.Range(0, 1000).ToArray();
                        return s_other;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    /// <summary>
    /// With no parallel code in sight, a process-wide lock around one pass of work, or around loops that walk the state
    /// it guards (prune a list, drain a queue), is not reported: real code is full of these (docs/real-world.md).
    /// </summary>
    [Fact]
    public async Task ProcessWideLockAroundOnePassOrStateMaintenance_DoesNotReport()
    {
        var source = Usings + """
            class Registry
            {
                private static readonly object Gate = new object();
                private static readonly List<WeakReference> s_items = new List<WeakReference>();
                private static readonly Queue<string> s_ring = new Queue<string>();

                public static int Checksum(int[] data)
                {
                    lock (Gate) { int s = 0; foreach (var x in data) s += x; return s; }
                }

                public static void Prune()
                {
                    lock (Gate)
                    {
                        for (int i = s_items.Count - 1; i >= 0; i--)
                            if (!s_items[i].IsAlive) s_items.RemoveAt(i);
                        foreach (var item in s_items)
                            foreach (var other in s_items) { if (item == other) { } }
                    }
                }

                public static void Record(string line)
                {
                    lock (Gate)
                    {
                        s_ring.Enqueue(line);
                        while (s_ring.Count > 100) s_ring.Dequeue();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaticLockAroundStateUpdateOnly_DoesNotReport()
    {
        var source = Usings + """
            class Counter
            {
                private static readonly object Gate = new object();
                private static int s_count;
                private static readonly List<string> s_names = new List<string>();

                public static void Add(string name)
                {
                    lock (Gate)
                    {
                        s_count++;
                        s_names.Add(name);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LockAroundCallToHeavyMethod_ReportsWithCallee()
    {
        var source = Usings + """
            class C
            {
                private static readonly object Gate = new object();

                static void Run(double[] results)
                {
                    Parallel.For(0, results.Length, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            results[i] = Simulate(i);
                        }
                    });
                }

                static double Simulate(int seed)
                {
                    double x = seed;
                    for (int step = 0; step < 100000; step++) x = Math.Sin(x) + 1.0;
                    return x;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, Gil001(0, "Gate", "calls 'Simulate' (for loop)", "a Parallel.For body"));
    }

    [Theory]
    [InlineData("nested_loop", false)]
    [InlineData("loop", true)]
    [InlineData("2", false)]
    [InlineData("1", true)]
    public async Task MinWorkOption_FiltersSingleLoops(string value, bool reports)
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            for (int k = 0; k < n; k++) total += k;
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = reports ? source : source.Replace("{|#0:lock (Gate)|}", "lock (Gate)") };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.min_work = " + value + "\n"));
        if (reports)
        {
            test.ExpectedDiagnostics.Add(Gil001(0, "Gate", "for loop", "a Parallel.For body"));
        }

        await test.RunAsync();
    }

    [Fact]
    public async Task SeverityNoneInEditorConfig_Silences()
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;
                static void Run(int n) => Parallel.For(0, n, i => { lock (Gate) { for (int k = 0; k < n; k++) total += k; } });
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ndotnet_diagnostic.GIL001.severity = none\n"));
        await test.RunAsync();
    }
}
