using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 when the work item unpacks its object[] state through one temporary it reuses (<c>var slot = parts[0]; ...
/// slot = parts[2]; var done = (AutoResetEvent)slot;</c>): in straight-line code the event the item sets is the element
/// last copied into the temporary. A temporary written inside a branch is not followed.
/// </summary>
public class ReusedStateTemporaryTests
{
    private const string Usings = "using System; using System.Threading;\n";

    [Fact]
    public async Task TemporaryReassignedInStraightLine_EventFound_Reports()
    {
        var source = Usings + """
            static class Chunks
            {
                static int[] numbers = new int[1000000];
                static long total;

                static void Add(object state)
                {
                    var slot = ((object[])state)[0];
                    int from = (int)slot;
                    slot = ((object[])state)[1];
                    int to = (int)slot;
                    slot = ((object[])state)[2];
                    var done = (AutoResetEvent)slot;
                    long sum = 0;
                    for (int i = from; i < to; i++) sum += numbers[i];
                    Interlocked.Add(ref total, sum);
                    done.Set();
                }

                static long Sum(int parts)
                {
                    var finished = new WaitHandle[parts];
                    int size = numbers.Length / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        var done = new AutoResetEvent(false);
                        finished[p] = done;
                        {|#0:ThreadPool.QueueUserWorkItem(Add, new object[] { p * size, (p + 1) * size, done })|};
                    }

                    WaitHandle.WaitAll(finished);
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'parts'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "for loop"));
    }

    [Fact]
    public async Task TemporaryWrittenInABranch_NotFollowed_NoDiagnostic()
    {
        var source = Usings + """
            static class Chunks
            {
                static int[] numbers = new int[1000000];
                static long total;

                static void Add(object state)
                {
                    var slot = ((object[])state)[0];
                    int from = (int)slot;
                    if (from > 0)
                    {
                        slot = ((object[])state)[2];
                    }

                    var done = (AutoResetEvent)slot;
                    long sum = 0;
                    for (int i = from; i < numbers.Length; i++) sum += numbers[i];
                    Interlocked.Add(ref total, sum);
                    done.Set();
                }

                static long Sum(int parts)
                {
                    var finished = new WaitHandle[parts];
                    int size = numbers.Length / parts;
                    for (int p = 0; p < parts; p++)
                    {
                        var done = new AutoResetEvent(false);
                        finished[p] = done;
                        ThreadPool.QueueUserWorkItem(Add, new object[] { p * size, (p + 1) * size, done });
                    }

                    WaitHandle.WaitAll(finished);
                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
