using System.Diagnostics.CodeAnalysis;

namespace GilAnalyzers.Processes.Tests;

/// <summary>Static work methods run in worker processes by the tests.</summary>
public static class Work
{
    private static int s_counter;

    public static int Square(int x) => x * x;

    private static int s_inits;
    private static string? s_model;

    /// <summary>An initializer: counts its runs in this process and "loads a model" into a static.</summary>
    public static void LoadModel()
    {
        s_inits++;
        s_model = "model@" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"inits:model:item" as seen by the worker that runs the item.</summary>
    public static string UseModel(int x) => $"{s_inits}:{s_model}:{x}";

    public static string? ModelInThisProcess => s_model;

    /// <summary>Set by a test: the folder where failing initializers leave a file named after their PID.</summary>
    public const string InitPidFolderVariable = "GIL_TEST_INIT_PID_FOLDER";

    private static void RecordInitPid()
    {
        if (Environment.GetEnvironmentVariable(InitPidFolderVariable) is { Length: > 0 } folder)
        {
            File.WriteAllText(Path.Combine(folder, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");
        }
    }

    public static void InitFails()
    {
        RecordInitPid();
        throw new FileNotFoundException("model.bin was not found", "model.bin");
    }

    public static void InitFailsFast()
    {
        RecordInitPid();
        Environment.FailFast("the initializer gave up");
    }

    public static int Pid(int item) => Environment.ProcessId;

    public static int IncrementStatic(int item) => ++s_counter;

    public static int CounterInThisProcess => s_counter;

    public static int ThrowOnSeven(int x) => x == 7 ? throw new InvalidOperationException("seven is not allowed") : x;

    public static int FailFastOnMinusOne(int x)
    {
        if (x < 0)
        {
            Environment.FailFast("deliberate failure for item " + x);
        }

        Thread.Sleep(50);
        return x;
    }

    /// <summary><see cref="Environment.FailFast(string)"/> on a negative item (the worker dies); any other item comes back at once.</summary>
    public static int FailFastOnNegative(int x)
    {
        if (x < 0)
        {
            Environment.FailFast("deliberate crash for item " + x);
        }

        return x;
    }

    /// <summary>
    /// Starts <c>sleep 30</c>, which inherits this worker's standard error, writes its process id to
    /// <paramref name="pidFile"/>, then fails fast: the worker is gone while its standard error stays open.
    /// </summary>
    public static int FailFastLeavingAChildOnStandardError(string pidFile)
    {
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        File.WriteAllText(pidFile, child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.FailFast("deliberate crash with a child holding standard error");
        return 0;
    }

    /// <summary>Set by a test: a file path; <see cref="FailFastOnceOnNegative"/> crashes only while it does not exist (and creates it).</summary>
    public const string CrashOnceFileVariable = "GIL_TEST_CRASH_ONCE_FILE";

    /// <summary>Like <see cref="FailFastOnNegative"/>, but a negative item crashes the worker only the first time (a crash that does not repeat).</summary>
    public static int FailFastOnceOnNegative(int x)
    {
        if (x < 0 && Environment.GetEnvironmentVariable(CrashOnceFileVariable) is { Length: > 0 } file && !File.Exists(file))
        {
            File.WriteAllText(file, "");
            Environment.FailFast("deliberate one-time crash for item " + x);
        }

        return x;
    }

    /// <summary>Creates the marker file (so the test knows the item is running), then sleeps 60 s.</summary>
    public static int SignalThenSleep(string markerPath)
    {
        File.WriteAllText(markerPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(60_000);
        return Environment.ProcessId;
    }

    /// <summary>"path|ms": creates the marker file (so the test knows the item runs), sleeps ms, returns the PID.</summary>
    public static int MarkThenSleep(string spec)
    {
        string[] parts = spec.Split('|');
        File.WriteAllText(parts[0], "");
        Thread.Sleep(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        return Environment.ProcessId;
    }

    private static int s_running;

    /// <summary>Returns how many calls were running in this process when this one started (1 = alone).</summary>
    public static int RunningAtEntry(int ms)
    {
        int running = Interlocked.Increment(ref s_running);
        Thread.Sleep(ms);
        Interlocked.Decrement(ref s_running);
        return running;
    }

    /// <summary>Sleeps the given milliseconds and returns them.</summary>
    public static int SleepAndEcho(int ms)
    {
        Thread.Sleep(ms);
        return ms;
    }

    public static int SleepMilliseconds(int ms)
    {
        Thread.Sleep(ms);
        return Environment.ProcessId;
    }

    [SuppressMessage("Style", "IDE0060", Justification = "the signature is what is tested")]
    public static int TakesAction(Action a) => 0;

    public static int TakesOpaque(Opaque o) => 0;

    public static Opaque ReturnsOpaque(int x) => new();

    public static Node Cyclic(int x)
    {
        var node = new Node { Value = x };
        node.Next = x == 2 ? node : null;
        return node;
    }

    public static int ReadsTricky(Tricky t) => t.Value;

    public static Task<int> Async(int x) => Task.FromResult(x);

    public static int TakesHandle(IntPtr p) => 0;

    public static Frame Encode(Frame f) => f with { Values = f.Values.Select(v => v * 2).ToArray(), Name = f.Name.ToUpperInvariant() };

    public static (int Sum, string Text) Tuple((int A, int B) pair) => (pair.A + pair.B, $"{pair.A}+{pair.B}");

    public static double Half(double d) => d / 2;

    public static string? Echo(string? s) => s;

    public static int WritesToConsole(int x)
    {
        Console.WriteLine("this line must not corrupt the RPC stream " + x);
        Console.Out.Flush();
        return x + 1;
    }
}

/// <summary>A type with no public state: nothing of it would reach the worker.</summary>
public sealed class Opaque
{
    private readonly int _hidden = 42;

    public override string ToString() => _hidden.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record Frame(string Name, int[] Values);

public sealed class Node
{
    public int Value { get; set; }

    public Node? Next { get; set; }
}

/// <summary>Serialisable in principle; its getter throws for negative values.</summary>
public sealed class Tricky
{
    private readonly int _value;

    public Tricky()
    {
    }

    public Tricky(int value) => _value = value;

    public int Value
    {
        get => _value < 0 ? throw new InvalidOperationException("no negative values") : _value;
        init => _value = value;
    }
}

/// <summary>Binary payload work: bytes, numeric arrays and a record carrying bytes.</summary>
public static class BinaryWork
{
    /// <summary>Reverses the bytes (a real transformation, so an echo cannot pass by accident).</summary>
    public static byte[] Reverse(byte[] data)
    {
        var copy = (byte[])data.Clone();
        Array.Reverse(copy);
        return copy;
    }

    public static double[] Scale(double[] values) => values.Select(v => v * 2).ToArray();

    public static long[] Negate(long[] values) => values.Select(v => -v).ToArray();

    public static float[] Halve(float[] values) => values.Select(v => v / 2).ToArray();

    /// <summary>0, 0.5, 1, ... (n values): a double[] result, also called through a Func with a wider result type.</summary>
    public static double[] Ramp(int n) => [.. Enumerable.Range(0, n).Select(i => i * 0.5)];

    /// <summary>The large-array round trip: the same array back.</summary>
    public static double[] SameDoubles(double[] values) => values;

    public static byte[] SameBytes(byte[] values) => values;

    public static Packet Stamp(Packet p) => p with { Body = Reverse(p.Body), Sizes = [.. p.Sizes, p.Body.Length] };

    internal static InternalPoint Mirror(InternalPoint p) => new(-p.X, -p.Y);

    public static int TakesHolder(HoldsAction h) => h.Callback is null ? 0 : 1;
}

public sealed record Packet(string Name, byte[] Body, List<int> Sizes, Dictionary<string, double> Stats);

internal sealed record InternalPoint(int X, int Y);

/// <summary>Public, with public state, but a member (a delegate) that MessagePack cannot rebuild.</summary>
public sealed class HoldsAction
{
    public Action? Callback { get; set; } = () => { };
}
