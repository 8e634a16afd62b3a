using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Threads whose loops only bump one shared counter by a constant (<c>Interlocked.Increment(ref s_counter)</c>, a locked
/// <c>s_counter++</c>) measure contention; there is no work to hand to Parallel.For. A loop that folds the data into the
/// shared total (<c>Interlocked.Add(ref total, data[i])</c>) is a reduction split by hand, and still reports.
/// </summary>
public class SharedCounterHammeringTests
{
    private const string Usings = "using System; using System.Threading;\n";

    private static string Pair(string body) => Usings + """
        static class Counter
        {
            private static long s_counter;
            private static int s_rounds = 1000;
            private static readonly object Gate = new object();

            static void Hammer(int[] data, int from, int to)
            {
        """ + "\n" + body + "\n" + """
            }

            public static long Run(int[] data)
            {
                int half = data.Length / 2;
                var first = {|#0:new Thread(() => Hammer(data, 0, half))|};
                var second = new Thread(() => Hammer(data, half, data.Length));
                first.Start(); second.Start();
                first.Join(); second.Join();
                return s_counter;
            }
        }
        """;

    [Theory]
    [InlineData("for (int i = from; i < to; i++) Interlocked.Increment(ref s_counter);")]
    [InlineData("for (int i = from; i < to; i++) { Interlocked.Add(ref s_counter, 2); Interlocked.Decrement(ref s_counter); }")]
    [InlineData("for (int i = from; i < to; i++) lock (Gate) { s_counter++; }")]
    [InlineData("for (int i = from; i < to; i++) s_counter += 1;")]
    [InlineData("for (int i = 0; i < s_rounds * (to - from); i++) Interlocked.Increment(ref s_counter);")]
    public async Task ThreadsOnlyBumpingOneSharedCounter_StayQuiet(string body)
    {
        await VerifyCS.VerifyAnalyzerAsync(Pair(body).Replace("{|#0:", string.Empty).Replace("half))|}", "half))"));
    }

    [Fact]
    public async Task ThreadsFoldingTheirDataIntoTheSharedTotal_Report()
    {
        await VerifyCS.VerifyAnalyzerAsync(Pair("for (int i = from; i < to; i++) Interlocked.Add(ref s_counter, data[i]);"),
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("2", "calls 'Hammer' (for loop)", "Parallel.Invoke"));
    }
}
