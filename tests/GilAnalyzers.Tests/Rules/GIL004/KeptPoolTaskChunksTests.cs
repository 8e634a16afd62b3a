using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on pool tasks — <c>Task.Run</c> or <c>Task.Factory.StartNew</c> — started one per item or chunk in a loop, kept in
/// a local array or list and joined by a call that blocks the caller (<c>Task.WaitAll</c>, a <c>Wait()</c> or
/// <c>Result</c> per task, <c>Task.WhenAll(…).Wait()</c>) around CPU-bound work. Look-alikes that stay quiet: awaited
/// joins, async lambdas, tasks on a factory the code was handed, I/O items, and items whose loops walk a small literal
/// table kept in a field.
/// </summary>
public class KeptPoolTaskChunksTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Net.Http; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task TaskRunChunksInLocalArray_WaitAll_Reports()
    {
        var source = Usings + """
            static class Integrals
            {
                public static double Simpson(Func<double, double> f, double a, double b, int steps, int chunks)
                {
                    var parts = new double[chunks];
                    var tasks = new Task[chunks];
                    double h = (b - a) / steps;
                    for (int c = 0; c < chunks; c++)
                    {
                        int id = c;
                        tasks[c] = {|#0:Task.Run(() =>
                        {
                            double s = 0;
                            for (int i = id; i < steps; i += chunks)
                            {
                                double x = a + i * h;
                                s += (f(x) + 4 * f(x + h / 2) + f(x + h)) * h / 6;
                            }
                            parts[id] = s;
                        })|};
                    }
                    Task.WaitAll(tasks);
                    return parts.Sum();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'chunks'", "Task.Run + Task.WaitAll", "for loop"));
    }

    [Fact]
    public async Task StartNewPerItemInList_ResultPerTask_Reports()
    {
        var source = Usings + """
            static class Kmers
            {
                static Dictionary<string, int> Count(string sequence, int k)
                {
                    var counts = new Dictionary<string, int>();
                    for (int i = 0; i + k <= sequence.Length; i++)
                    {
                        var kmer = sequence.Substring(i, k);
                        counts[kmer] = counts.TryGetValue(kmer, out var c) ? c + 1 : 1;
                    }
                    return counts;
                }

                public static List<Dictionary<string, int>> CountAll(IList<string> sequences, int k)
                {
                    var pending = new List<Task<Dictionary<string, int>>>();
                    foreach (var sequence in sequences)
                        pending.Add({|#0:Task.Factory.StartNew(() => Count(sequence, k))|});
                    var result = new List<Dictionary<string, int>>();
                    foreach (var task in pending)
                        result.Add(task.Result);
                    return result;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("several", "Task.Factory.StartNew + Task.Wait per task", "calls 'Count' (for loop)"));
    }

    [Fact]
    public async Task TaskRunChunks_WhenAllThenWait_Reports()
    {
        var source = Usings + """
            static class Checksums
            {
                public static uint[] Adler(byte[][] blocks)
                {
                    var sums = new uint[blocks.Length];
                    var work = new List<Task>();
                    for (int b = 0; b < blocks.Length; b++)
                    {
                        int index = b;
                        work.Add({|#0:Task.Run(() =>
                        {
                            uint s1 = 1, s2 = 0;
                            foreach (var value in blocks[index]) { s1 = (s1 + value) % 65521; s2 = (s2 + s1) % 65521; }
                            sums[index] = (s2 << 16) | s1;
                        })|});
                    }
                    Task.WhenAll(work).Wait();
                    return sums;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'blocks.Length'", "Task.Run + Task.WhenAll", "foreach loop"));
    }

    [Fact]
    public async Task TaskRunChunks_Awaited_NoDiagnostic()
    {
        // Asynchronous code offloading CPU work and awaiting it does not hold a thread blocked: not this shape.
        var source = Usings + """
            static class Checksums
            {
                public static async Task<uint[]> AdlerAsync(byte[][] blocks)
                {
                    var sums = new uint[blocks.Length];
                    var work = new List<Task>();
                    for (int b = 0; b < blocks.Length; b++)
                    {
                        int index = b;
                        work.Add(Task.Run(() =>
                        {
                            uint s1 = 1, s2 = 0;
                            foreach (var value in blocks[index]) { s1 = (s1 + value) % 65521; s2 = (s2 + s1) % 65521; }
                            sums[index] = (s2 << 16) | s1;
                        }));
                    }
                    await Task.WhenAll(work);
                    return sums;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AsyncLambdaTasks_WaitAll_NoDiagnostic()
    {
        var source = Usings + """
            static class Fetch
            {
                public static void All(HttpClient client, string[] urls, string[] bodies)
                {
                    var tasks = new Task[urls.Length];
                    for (int i = 0; i < urls.Length; i++)
                    {
                        int slot = i;
                        tasks[i] = Task.Run(async () => { bodies[slot] = await client.GetStringAsync(urls[slot]); });
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StartNewOnHandedFactory_NoDiagnostic()
    {
        // The tasks run where the caller's factory puts them (its scheduler may limit or dedicate threads): a choice
        // Parallel.For would not keep, so the fan-out is the code's design, not a hand-made Parallel.For.
        var source = Usings + """
            class Lanes
            {
                private readonly TaskFactory _factory;
                public Lanes(TaskFactory factory) { _factory = factory; }

                static void Fill(ulong[] lane)
                {
                    for (int i = 1; i < lane.Length; i++) lane[i] = (lane[i - 1] * 6364136223846793005UL) ^ (lane[i - 1] >> 29);
                }

                public void Run(ulong[][] lanes)
                {
                    var tasks = new Task[lanes.Length];
                    for (int l = 0; l < lanes.Length; l++)
                    {
                        var lane = lanes[l];
                        tasks[l] = _factory.StartNew(() => Fill(lane));
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TaskRunFileCopies_WaitAll_NoDiagnostic()
    {
        var source = Usings + """
            static class Backup
            {
                public static void CopyAll(string[] files, string target)
                {
                    var tasks = new List<Task>();
                    foreach (var file in files)
                        tasks.Add(Task.Run(() => File.Copy(file, Path.Combine(target, Path.GetFileName(file)), true)));
                    Task.WaitAll(tasks.ToArray());
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TasksOverSmallLiteralTable_NoDiagnostic()
    {
        // Each task does a handful of multiply-adds over a 2x3 table written out in its field: nothing worth spreading.
        var source = Usings + """
            static class Tiny
            {
                static int[,] A = { { 1, 2, 3 }, { 4, 5, 6 } };
                static int[,] B = { { 7, 8 }, { 9, 10 }, { 11, 12 } };
                static readonly int[,] C = new int[2, 2];

                static void Cell(int i, int j)
                {
                    for (int k = 0; k < A.GetLength(1); k++)
                        C[i, j] += A[i, k] * B[k, j];
                }

                public static void Multiply()
                {
                    var tasks = new List<Task>();
                    for (int i = 0; i < A.GetLength(0); i++)
                        for (int j = 0; j < B.GetLength(1); j++)
                        {
                            int r = i, c = j;
                            tasks.Add(Task.Factory.StartNew(() => Cell(r, c)));
                        }
                    Task.WaitAll(tasks.ToArray());
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TasksOverHandedInMatrices_Reports()
    {
        // The same cell tasks over matrices the caller hands in: their size is not a small constant.
        var source = Usings + """
            static class Product
            {
                static void Cell(int[,] a, int[,] b, int[,] c, int i, int j)
                {
                    for (int k = 0; k < a.GetLength(1); k++)
                        c[i, j] += a[i, k] * b[k, j];
                }

                public static void Multiply(int[,] a, int[,] b, int[,] c)
                {
                    var tasks = new List<Task>();
                    for (int i = 0; i < a.GetLength(0); i++)
                    {
                        int r = i;
                        tasks.Add({|#0:Task.Factory.StartNew(() => { for (int j = 0; j < b.GetLength(1); j++) Cell(a, b, c, r, j); })|});
                    }
                    Task.WaitAll(tasks.ToArray());
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'a.GetLength(0)'", "Task.Factory.StartNew + Task.WaitAll", "calls 'Cell' (for loop)"));
    }

    [Fact]
    public async Task TaskRunPerItemFromSelect_WaitAll_Reports()
    {
        var source = Usings + """
            static class Patterns
            {
                static int Occurrences(string text, string pattern)
                {
                    int count = 0;
                    for (int i = 0; i + pattern.Length <= text.Length; i++)
                        if (string.CompareOrdinal(text, i, pattern, 0, pattern.Length) == 0) count++;
                    return count;
                }

                public static int[] CountAll(string text, string[] patterns)
                {
                    var tasks = patterns.Select(p => {|#0:Task.Run(() => Occurrences(text, p))|}).ToArray();
                    Task.WaitAll(tasks);
                    return tasks.Select(t => t.Result).ToArray();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("several", "Task.Run + Task.WaitAll", "calls 'Occurrences' (for loop)"));
    }

    [Fact]
    public async Task TaskRunPerItemFromSelect_Awaited_NoDiagnostic()
    {
        var source = Usings + """
            static class Patterns
            {
                static int Occurrences(string text, string pattern)
                {
                    int count = 0;
                    for (int i = 0; i + pattern.Length <= text.Length; i++)
                        if (string.CompareOrdinal(text, i, pattern, 0, pattern.Length) == 0) count++;
                    return count;
                }

                public static async Task<int[]> CountAllAsync(string text, string[] patterns)
                {
                    var tasks = patterns.Select(p => Task.Run(() => Occurrences(text, p))).ToArray();
                    return await Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
