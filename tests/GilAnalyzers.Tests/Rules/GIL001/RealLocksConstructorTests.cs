using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>results.Add(new Comparison(a, b))</c> under the lock runs the constructor there: a constructor of the same
/// compilation is costed like a method call, so statistics computed in it are CPU work under the lock, a record-like
/// constructor that stores its arguments is not.
/// </summary>
public class RealLocksConstructorTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;\n";

    [Fact]
    public async Task HeavyConstructorUnderTheLock_InParallelForEach_Reports_PlainConstructorDoesNot()
    {
        var source = Usings + """
            sealed class Comparison
            {
                public Comparison(double[] baseline, double[] comparand)
                {
                    for (int i = 0; i < baseline.Length; i++)
                        for (int j = 0; j < comparand.Length; j++)
                            Distance += Math.Abs(baseline[i] - comparand[j]);
                }

                public double Distance { get; }
            }

            sealed class Pair
            {
                public Pair(double[] left, double[] right) { Left = left; Right = right; }
                public double[] Left { get; }
                public double[] Right { get; }
            }

            static class Report
            {
                private static readonly object Gate = new object();

                public static List<Comparison> Compare(IEnumerable<(double[] Baseline, double[] Run)> groups)
                {
                    var results = new List<Comparison>();
                    Parallel.ForEach(groups, g =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            results.Add(new Comparison(g.Baseline, g.Run));
                        }
                    });
                    return results;
                }

                public static List<Pair> Collect(IEnumerable<(double[] Baseline, double[] Run)> groups)
                {
                    var pairs = new List<Pair>();
                    Parallel.ForEach(groups, g =>
                    {
                        lock (Gate)
                        {
                            pairs.Add(new Pair(g.Baseline, g.Run));
                        }
                    });
                    return pairs;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("Gate", "calls 'Comparison' (nested loop, 2 levels)", "a Parallel.ForEach body"));
    }
}

/// <summary>Where the time goes: a progress line printed once under the lock does not make a CPU loop I/O-bound.</summary>
public class RealLocksProgressLineTests
{
    [Fact]
    public async Task ProgressLinesAroundALoopUnderTheLock_Report_ConsoleWritesInTheLoopDoNot()
    {
        var source = """
            using System;
            using System.Threading;

            sealed class Work
            {
                private readonly object _gate = new object();
                public long Amount = 50_000;

                public long DoSomeWork()
                {
                    long result = 0;
                    {|#0:lock (_gate)|}
                    {
                        Console.WriteLine($"Thread {Thread.CurrentThread.ManagedThreadId} will do {Amount} units of work.");
                        for (long l = 0; l < Amount; l++)
                            result += l % 7;
                        Console.WriteLine($"Result: {result}");
                    }
                    return result;
                }

                public void Print(string[] lines)
                {
                    lock (_gate)
                    {
                        foreach (var line in lines) Console.WriteLine(line.Trim());
                    }
                }

                public static void Run(int threads)
                {
                    var work = new Work();
                    var started = new Thread[threads];
                    for (int i = 0; i < threads; i++)
                    {
                        started[i] = new Thread(() => { work.DoSomeWork(); work.Print(new[] { "a" }); });
                        started[i].Start();
                    }

                    foreach (var t in started) t.Join();
                }
            }
            """;
        await GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>.VerifyAnalyzerAsync(
            source,
            GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>
                .Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_gate", "for loop", "'DoSomeWork', called from a Thread started in a loop"));
    }
}
