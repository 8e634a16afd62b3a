namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>
/// One rule's two sites for the fix-host tests (<see cref="HostSolutions"/>): one the rule's fixer refuses and one its first
/// code action rewrites, each a whole file in the namespace it is given, and what the fixed file must show.
/// </summary>
/// <param name="Id">The rule, also the file name of both sites (<c>GIL00x.cs</c>).</param>
/// <param name="FixedShape">The fixable site's shape and the action expected on it, for messages.</param>
/// <param name="Refused">The site with no code action; the reason is in its comment.</param>
/// <param name="Fixable">The site whose first action (the one <c>dotnet format</c> applies) rewrites it.</param>
/// <param name="FixedInOrder">Texts the fixed file holds, in this order.</param>
/// <param name="FixedLacks">Texts the fixed file no longer holds.</param>
public sealed record RuleSites(
    string Id,
    string FixedShape,
    Func<string, string> Refused,
    Func<string, string> Fixable,
    IReadOnlyList<string> FixedInOrder,
    IReadOnlyList<string> FixedLacks)
{
    public string FileName => Id + ".cs";

    public override string ToString() => Id;
}

/// <summary>The sites of every rule, GIL001–GIL006, written for these tests.</summary>
public static class FixHostSites
{
    public static IReadOnlyList<RuleSites> All { get; } =
    [
        new RuleSites(
            "GIL001",
            "the lock guards a heavy call feeding the shared sum: the call moves in front of the lock (GIL001.MoveOutOfLock)",
            Refused1,
            Fixable1,
            ["double part = Norm(i);", "lock (Gate)", "sum += part;"],
            []),
        new RuleSites(
            "GIL002",
            "a synchronized static method that reads only its parameter: the attribute goes (GIL002.RemoveSynchronized)",
            Refused2,
            Fixable2,
            ["public static long Collisions(int n)"],
            ["MethodImplOptions.Synchronized"]),
        new RuleSites(
            "GIL003",
            "two explicit threads started and joined: Parallel.Invoke (GIL003.ParallelInvoke)",
            Refused3,
            Fixable3,
            ["Parallel.Invoke(() => left = Count(0, n / 2), () => right = Count(n / 2, n));", "return left + right;"],
            ["new Thread(", ".Join()"]),
        new RuleSites(
            "GIL004",
            "pool items joined by a CountdownEvent: Parallel.For (GIL004.ParallelFor)",
            Refused4,
            Fixable4,
            ["Parallel.For(0, rows, r =>", "result[row] = Work(row, size);", "return result;"],
            ["QueueUserWorkItem", "new CountdownEvent(", ".Signal()", ".Wait()"]),
        new RuleSites(
            "GIL005",
            "two CPU-first async calls joined by Task.WhenAll: each started with Task.Run (GIL005.TaskRun)",
            Refused5,
            Fixable5,
            ["Task.WhenAll(Task.Run(() => CountAsync(n)), Task.Run(() => CountAsync(n + 1)))"],
            []),
        new RuleSites(
            "GIL006",
            "a locked call of a static solver that clears its static scratch buffer on every call: ProcessPool.Map (GIL006.ProcessPool)",
            Refused6,
            Fixable6,
            ["GilAnalyzers.Processes.ProcessPool.Shared.Map(Scratch.Solve, inputs)", "outputs[k] = results[k];"],
            ["lock (Gate)", "Parallel.For("]),
    ];

    private static string Refused1(string ns) => $$"""
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL001, refused (GIL001-N2): the locked loop reads 'scale', which another region on the same lock writes.
            public static class Gil001Site
            {
                private static readonly object Gate = new object();
                private static double scale = 1;
                private static double total;

                public static double Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += scale * (k ^ i);
                            total += s;
                        }
                    });
                    lock (Gate) { scale = n; }
                    return total;
                }
            }
        }

        """;

    private static string Fixable1(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL001, fixable: the lock guards a heavy call whose result feeds the shared sum.
            public static class Gil001Site
            {
                private static readonly object Gate = new object();
                private static double sum;

                public static double Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double part = Norm(i);
                            sum += part;
                        }
                    });
                    return sum;
                }

                private static double Norm(int seed)
                {
                    double acc = 0;
                    for (int k = 0; k < 50000; k++) acc += Math.Sqrt(k * seed);
                    return acc;
                }
            }
        }

        """;

    private static string Refused2(string ns) => $$"""
        using System.Runtime.CompilerServices;

        namespace {{ns}}
        {
            // GIL002, refused (GIL002-N1): Reset takes the same hidden lock (on the type), and Accumulate writes the shared
            // total and reads it in its loop, so not even the loop can leave a lock (typeof(Gil002Site)) kept around the update.
            public static class Gil002Site
            {
                private static long total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void Accumulate(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            s += (i * j + total) % 7;
                    total += s;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static long Reset()
                {
                    long old = total;
                    total = 0;
                    return old;
                }
            }
        }

        """;

    private static string Fixable2(string ns) => $$"""
        using System.Runtime.CompilerServices;

        namespace {{ns}}
        {
            // GIL002, fixable: the synchronized method reads only its parameter, so the hidden lock guards nothing.
            public static class Gil002Site
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public static long Collisions(int n)
                {
                    long hits = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            if ((i * 31 + j) % 97 == 0) hits++;
                    return hits;
                }
            }
        }

        """;

    private static string Refused3(string ns) => $$"""
        using System.Threading;

        namespace {{ns}}
        {
            // GIL003, refused (GIL003-N1): the thread objects are used for more than start and join (their ids are read).
            public static class Gil003Site
            {
                public static long Run(int n)
                {
                    long left = 0, right = 0;
                    var first = new Thread(() => left = Count(0, n / 2));
                    var second = new Thread(() => right = Count(n / 2, n));
                    first.Start();
                    second.Start();
                    first.Join();
                    second.Join();
                    return left + right + (first.ManagedThreadId == second.ManagedThreadId ? 1 : 0);
                }

                private static long Count(int from, int to)
                {
                    long c = 0;
                    for (int i = from; i < to; i++)
                        for (int j = 2; j * j <= i; j++)
                            if (i % j == 0) { c++; break; }
                    return c;
                }
            }
        }

        """;

    private static string Fixable3(string ns) => $$"""
        using System.Threading;

        namespace {{ns}}
        {
            // GIL003, fixable: two explicit threads, started and joined, each computing one half.
            public static class Gil003Site
            {
                public static long Run(int n)
                {
                    long left = 0, right = 0;
                    var first = new Thread(() => left = Count(0, n / 2));
                    var second = new Thread(() => right = Count(n / 2, n));
                    first.Start();
                    second.Start();
                    first.Join();
                    second.Join();
                    return left + right;
                }

                private static long Count(int from, int to)
                {
                    long c = 0;
                    for (int i = from; i < to; i++)
                        for (int j = 2; j * j <= i; j++)
                            if (i % j == 0) { c++; break; }
                    return c;
                }
            }
        }

        """;

    private static string Refused4(string ns) => $$"""
        using System.Linq;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL004, refused (GIL004-N1): the tasks return values, read after the join.
            public static class Gil004Site
            {
                public static long Run(int chunks, int size)
                {
                    var tasks = new Task<long>[chunks];
                    for (int c = 0; c < chunks; c++)
                    {
                        int chunk = c;
                        tasks[c] = Task.Factory.StartNew(() => Work(chunk, size), TaskCreationOptions.LongRunning);
                    }
                    Task.WaitAll(tasks);
                    return tasks.Sum(t => t.Result);
                }

                private static long Work(int chunk, int size)
                {
                    long s = 0;
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++)
                            s += (chunk + i * j) % 13;
                    return s;
                }
            }
        }

        """;

    private static string Fixable4(string ns) => $$"""
        using System.Threading;

        namespace {{ns}}
        {
            // GIL004, fixable: pool items queued in a loop, joined by a CountdownEvent.
            public static class Gil004Site
            {
                public static long[] Run(int rows, int size)
                {
                    var result = new long[rows];
                    using (var done = new CountdownEvent(rows))
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            int row = r;
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                try { result[row] = Work(row, size); }
                                finally { done.Signal(); }
                            });
                        }
                        done.Wait();
                    }
                    return result;
                }

                private static long Work(int row, int size)
                {
                    long s = 0;
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++)
                            s += (row + i * j) % 13;
                    return s;
                }
            }
        }

        """;

    private static string Refused5(string ns) => $$"""
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL005, refused (GIL005-N2): the argument is a static field that could change before a Task.Run would start the call.
            public static class Gil005Site
            {
                private static int size = 1000;

                public static async Task<long> RunAsync()
                {
                    long[] r = await Task.WhenAll(CountAsync(size), CountAsync(size));
                    return r[0] + r[1];
                }

                private static async Task<long> CountAsync(int n)
                {
                    long c = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            c += (i ^ j) & 1;
                    await Task.Yield();
                    return c;
                }
            }
        }

        """;

    private static string Fixable5(string ns) => $$"""
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL005, fixable: two calls whose work all runs before their first await, joined by Task.WhenAll.
            public static class Gil005Site
            {
                public static async Task<long> RunAsync(int n)
                {
                    long[] r = await Task.WhenAll(CountAsync(n), CountAsync(n + 1));
                    return r[0] + r[1];
                }

                private static async Task<long> CountAsync(int n)
                {
                    long c = 0;
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            c += (i ^ j) & 1;
                    await Task.Yield();
                    return c;
                }
            }
        }

        """;

    private static string Refused6(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL006, refused (GIL006-N3): the solver's static state carries over from one item to the next.
            public static class Gil006Site
            {
                private static readonly object Gate = new object();

                public static double[] Run(double[] inputs)
                {
                    var outputs = new double[inputs.Length];
                    Parallel.For(0, inputs.Length, k =>
                    {
                        lock (Gate)
                        {
                            outputs[k] = Drift.Solve(inputs[k]);
                        }
                    });
                    return outputs;
                }
            }

            public static class Drift
            {
                private static double carry;

                public static double Solve(double x)
                {
                    double s = carry;
                    for (int k = 0; k < 100000; k++) s += Math.Sqrt(x + k) * 1e-9;
                    carry = s;
                    return s;
                }
            }
        }

        """;

    private static string Fixable6(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            // GIL006, fixable: the solver reuses a static scratch buffer that it clears on every call. The buffer is internal:
            // other code of the assembly could reach it, so GIL006's thread-level rewrite (a buffer per call) is not proven
            // and the first action is the process pool's (each worker process has its own copy).
            public static class Gil006Site
            {
                private static readonly object Gate = new object();

                public static double[] Run(double[] inputs)
                {
                    var outputs = new double[inputs.Length];
                    Parallel.For(0, inputs.Length, k =>
                    {
                        lock (Gate)
                        {
                            outputs[k] = Scratch.Solve(inputs[k]);
                        }
                    });
                    return outputs;
                }
            }

            public static class Scratch
            {
                internal static double[] buffer = new double[64];

                public static double Solve(double x)
                {
                    Array.Clear(buffer, 0, buffer.Length);
                    for (int k = 0; k < 100000; k++) buffer[k % 64] += Math.Sqrt(x + k);
                    double s = 0;
                    for (int b = 0; b < buffer.Length; b++) s += buffer[b];
                    return s;
                }
            }
        }

        """;
}
