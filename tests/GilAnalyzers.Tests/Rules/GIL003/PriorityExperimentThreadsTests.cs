using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 on explicit threads whose priorities are set. Threads each given a different priority are a scheduling experiment
/// (which one gets the processor first), not one computation split in parts, so they stay quiet; threads that all get the
/// same priority, or where only one is raised, are still a hand-made split.
/// </summary>
public class PriorityExperimentThreadsTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading;\n";

    [Fact]
    public async Task HighAndLowPriorityThreadsOnSharedList_NoDiagnostic()
    {
        var source = Usings + """
            static class Race
            {
                static readonly List<int> numbers = new List<int>();
                static readonly Random random = new Random();

                static void Fill()
                {
                    for (int i = 0; i < 200000; i++) numbers.Add(random.Next(1000));
                }

                static void Blank()
                {
                    lock (numbers)
                    {
                        for (int i = 0; i < numbers.Count; i++)
                            if (numbers[i] > 9) numbers[i] = -1;
                    }
                }

                public static void Main()
                {
                    var filler = new Thread(Fill);
                    var blanker = new Thread(Blank);
                    filler.Priority = ThreadPriority.Highest;
                    blanker.Priority = ThreadPriority.Lowest;
                    filler.Start(); blanker.Start();
                    filler.Join(); blanker.Join();
                    Console.WriteLine(numbers.Count);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PrioritiesSetInInitializersDiffer_NoDiagnostic()
    {
        var source = Usings + """
            class Contest
            {
                long fast, slow;

                void Run(int n)
                {
                    var eager = new Thread(() => { for (int i = 0; i < n; i++) fast += i % 7; }) { Priority = ThreadPriority.AboveNormal };
                    var plain = new Thread(() => { for (int i = 0; i < n; i++) slow += i % 7; }) { Priority = ThreadPriority.BelowNormal };
                    eager.Start();
                    plain.Start();
                    eager.Join();
                    plain.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task BothThreadsLoweredAlike_StillReported()
    {
        var source = Usings + """
            class Halves
            {
                static long Sum(int[] data, int from, int to) { long s = 0; for (int i = from; i < to; i++) s += data[i]; return s; }

                static long Total(int[] data)
                {
                    long low = 0, high = 0;
                    var first = {|#0:new Thread(() => low = Sum(data, 0, data.Length / 2))|};
                    var second = new Thread(() => high = Sum(data, data.Length / 2, data.Length));
                    first.Priority = ThreadPriority.BelowNormal;
                    second.Priority = ThreadPriority.BelowNormal;
                    first.Start(); second.Start();
                    first.Join(); second.Join();
                    return low + high;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Sum' (for loop)", "Parallel.Invoke"));
    }

    [Fact]
    public async Task OnlyOneThreadRaised_StillReported()
    {
        var source = Usings + """
            class Lead
            {
                long left, right;

                void Run(int n)
                {
                    var first = {|#0:new Thread(() => { for (int i = 0; i < n; i += 2) left += i; })|};
                    var second = new Thread(() => { for (int i = 1; i < n; i += 2) right += i; });
                    first.Priority = ThreadPriority.AboveNormal;
                    first.Start(); second.Start();
                    first.Join(); second.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "for loop", "Parallel.Invoke"));
    }

    [Fact]
    public async Task PriorityFromParameter_DecidesNothing_StillReported()
    {
        var source = Usings + """
            class Split
            {
                static void Work(double[] values, int from, int to) { for (int i = from; i < to; i++) values[i] = Math.Sqrt(values[i]); }

                static void Run(double[] values, ThreadPriority level)
                {
                    int mid = values.Length / 2;
                    var a = {|#0:new Thread(() => Work(values, 0, mid))|};
                    var b = new Thread(() => Work(values, mid, values.Length));
                    a.Priority = level;
                    a.Start(); b.Start();
                    a.Join(); b.Join();
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Work' (for loop)", "Parallel.Invoke"));
    }
}
