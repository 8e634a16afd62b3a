using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Pool work items handed a state object made by a constructor that only stores its parameters
/// (<c>QueueUserWorkItem(work, new Chunk(from, to, slot))</c>): the object is made again inside the <c>Parallel.For</c>
/// body with the same values, as a stable value would be evaluated there. With a constructor that runs code only the
/// dispatch that keeps the queuing loop (and so makes each object where it was) is offered.
/// </summary>
public class ConstructedPoolStateTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Chunk = """
        sealed class Chunk
        {
            public readonly int From;
            public readonly int To;
            public int Slot { get; }

            public Chunk(int from, int to, int slot)
            {
                From = from;
                To = to;
                Slot = slot;
            }
        }

        """;

    private const string Before = """
        class Squares
        {
            static void Run(int[] data, long[] sums, int parts)
            {
                int step = data.Length / parts;
                using var done = new CountdownEvent(parts);
                for (int p = 0; p < parts; p++)
                {
                    {|#0:ThreadPool.QueueUserWorkItem(state =>
                    {
                        var chunk = (Chunk)state;
                        long s = 0;
                        for (int k = chunk.From; k < chunk.To; k++) s += (long)data[k] * data[k] % 7;
                        sums[chunk.Slot] = s;
                        done.Signal();
                    }, new Chunk(p * step, p == parts - 1 ? data.Length : (p + 1) * step, p))|};
                }
                done.Wait();
            }
        }
        """;

    [Fact]
    public async Task ConstructedState_IsMadeInsideTheParallelFor()
    {
        const string After = """
            class Squares
            {
                static void Run(int[] data, long[] sums, int parts)
                {
                    int step = data.Length / parts;
                    Parallel.For(0, parts, p =>
                    {
                        object state = new Chunk(p * step, p == parts - 1 ? data.Length : (p + 1) * step, p);
                        var chunk = (Chunk)state;
                        long s = 0;
                        for (int k = chunk.From; k < chunk.To; k++) s += (long)data[k] * data[k] % 7;
                        sums[chunk.Slot] = s;
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = Usings + Chunk + Before, FixedCode = Usings + Chunk + After };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("'parts'", "ThreadPool.QueueUserWorkItem + CountdownEvent", "for loop"));
        await test.RunAsync();
    }

    [Fact]
    public async Task ConstructorThatCounts_OnlyTheDispatchThatKeepsTheJoin()
    {
        var chunk = Chunk.Replace("Slot = slot;", "Slot = slot;\n        Made++;").Replace("public int Slot { get; }", "public int Slot { get; }\n    public static int Made;");
        var source = Usings + chunk + Before.Replace("{|#0:", string.Empty).Replace(")|};", ");");
        // The objects must be made where they were, once per item in the queuing loop: the Parallel.For rewrite is
        // refused, and the dispatch that keeps the loop (and the join) is what remains.
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var keys = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut).Keys;
        Assert.DoesNotContain(GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer.ParallelForKey, keys);
        Assert.Equal(GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer.ParallelForEachKeepJoinKey, keys.FirstOrDefault());
    }
}
