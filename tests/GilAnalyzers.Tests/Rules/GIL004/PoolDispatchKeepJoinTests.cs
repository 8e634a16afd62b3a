using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's keep-the-join rewrites: pool fan-outs whose join the planner cannot remove (the join object in the item's
/// state or signalled in a method the item calls, a field join, a fixed set of items) keep their callbacks, states and
/// join objects; only the dispatch changes to Parallel.ForEach after the queuing loop, or Parallel.Invoke for a set.
/// </summary>
public class PoolDispatchKeepJoinTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task LatchInObjectArrayState_MethodGroup_ParallelForEachAfterTheLoop()
    {
        var source = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(List<int> primes)
                {
                    var remaining = new CountdownEvent(primes.Count);
                    for (int i = 0; i < primes.Count; i++)
                    {
                        {|GIL004:ThreadPool.QueueUserWorkItem(Cross, new object[] { primes[i], remaining })|};
                    }
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        var fixedSource = Usings + """
            class Sieve
            {
                static readonly byte[] marks = new byte[200000];

                public static void Strike(List<int> primes)
                {
                    var remaining = new CountdownEvent(primes.Count);
                    var workItems = new List<(WaitCallback Callback, object State)>();
                    for (int i = 0; i < primes.Count; i++)
                    {
                        workItems.Add((Cross, new object[] { primes[i], remaining }));
                    }
                    Parallel.ForEach(workItems, item => item.Callback(item.State));
                    remaining.Wait();
                }

                static void Cross(object payload)
                {
                    var parts = (object[])payload;
                    int p = (int)parts[0];
                    for (int m = p * p; m < marks.Length; m += p) marks[m] = 1;
                    ((CountdownEvent)parts[1]).Signal();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey);
    }
}
