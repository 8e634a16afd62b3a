using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a shared planner whose lock exists only to protect its search scratch — a frontier list cleared at the start
/// of each call, best-per-sector arrays cleared at the start of each step — around a search that returns from inside its
/// loop when it reaches the goal, over nodes that are records (a record struct position and a parent node). Four facts
/// make it a fix: a clear that each pass of a loop starts with makes the buffer per call too (declared in front of the
/// loop; the clear stays, on the local); a LINQ chain over a buffer handed straight to <c>List.AddRange</c> keeps no
/// reference to it; the compiler's equality of records over numbers, arrays and such records runs no user code; and a
/// region that writes nothing shared and reads nothing the lock's regions write needs no lock even when a <c>return</c>
/// inside it keeps it from moving — the lock goes and every statement stays where it is.
/// </summary>
public class ScratchSearchFrontierFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string planner) => Usings + """
        public readonly record struct Cell(int X, int Y);

        """ + planner + """

        public static class Driver
        {
            public static int Run(int targets)
            {
                var planner = new Planner(new Cell(0, 0));
                var steps = new int[targets];
                Parallel.For(0, targets, t => steps[t] = planner.Plan(new Cell(t % 9 + 5, t % 7 + 5)).Length);
                return steps.Sum();
            }
        }
        """;

    /// <summary>The planner's fields and the start of <c>Plan</c>, down to where the locked search begins.</summary>
    private const string Head = """
        public sealed class Planner(Cell start)
        {
            private sealed record Node(Cell At, Node? Parent);

            private const int Sectors = 16;
            private readonly object _gate = new object();
            private readonly List<Node> _frontier = new();
            private readonly Node?[] _bestAt = new Node?[Sectors];
            private readonly double[] _reach = new double[Sectors];

            public Cell[] Plan(Cell goal)
            {

        """;

    /// <summary>The search, written once: FRONTIER, BEST and REACH name the buffers (the fields before the fix, locals after).</summary>
    private const string Search = """
                FRONTIER.Add(new Node(start, null));
                for (int step = 1; step <= 60; step++)
                {
                    Array.Clear(BEST);
                    Array.Clear(REACH);
                    foreach (var node in FRONTIER)
                    {
                        for (int heading = 0; heading < 360; heading += 15)
                        {
                            var next = new Node(new Cell(node.At.X + (int)Math.Round(Math.Cos(heading * Math.PI / 180)), node.At.Y + (int)Math.Round(Math.Sin(heading * Math.PI / 180))), node);
                            if (next.At == goal)
                            {
                                var path = new List<Cell>();
                                for (Node? n = next; n != null; n = n.Parent) path.Add(n.At);
                                path.Reverse();
                                return path.ToArray();
                            }

                            int sector = heading * Sectors / 360;
                            double reach = Math.Sqrt(Math.Pow(next.At.X - start.X, 2) + Math.Pow(next.At.Y - start.Y, 2)) - Math.Abs(next.At.X - goal.X) * 0.1;
                            if (reach > REACH[sector]) { REACH[sector] = reach; BEST[sector] = next; }
                        }
                    }

                    FRONTIER.Clear();
                    FRONTIER.AddRange(BEST.OfType<Node>());
                }

                return new[] { start };

        """;

    private const string Tail = """
            }
        }

        """;

    private static string Buffers(string search, string frontier, string best, string reach)
        => search.Replace("FRONTIER", frontier, StringComparison.Ordinal).Replace("BEST", best, StringComparison.Ordinal).Replace("REACH", reach, StringComparison.Ordinal);

    /// <summary>Each line four spaces further in: the search inside the lock's braces.</summary>
    private static string Indented(string text)
        => string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    private static readonly string Planner = Head
        + "        {|GIL001:lock (_gate)|}\n        {\n            _frontier.Clear();\n"
        + Indented(Buffers(Search, "_frontier", "_bestAt", "_reach")).TrimEnd('\n', ' ') + "\n        }\n"
        + Tail;

    private static readonly string PlannerFixed = Head
        + "        var frontier = new List<Node>();\n"
        + Buffers(Search, "frontier", "bestAt", "reach2")
            .Replace("        for (int step = 1;", "        var bestAt = new Node?[_bestAt.Length];\n        var reach2 = new double[_reach.Length];\n        for (int step = 1;", StringComparison.Ordinal)
            .TrimEnd('\n', ' ') + "\n"
        + Tail;

    internal static string Source => Program(Planner).Replace("{|GIL001:lock (_gate)|}", "lock (_gate)", StringComparison.Ordinal);

    private static VerifyCallee.Test Test(string planner, string fixedPlanner) => new()
    {
        TestCode = Program(planner),
        FixedCode = Program(fixedPlanner),
        CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
        CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
    };

    [Fact]
    public async Task SearchScratchClearedPerCallAndPerStep_BecomesLocals_AndTheLockGoes()
        => await Test(Planner, PlannerFixed).RunAsync(CancellationToken.None);

    [Fact]
    public async Task FixAll_RewritesEveryPlanner()
    {
        // A second planner class, used by the same loop: both locks go.
        static string Second(string planner) => planner.Replace("class Planner(", "class ReversePlanner(", StringComparison.Ordinal)
            .Replace("heading += 15", "heading += 20", StringComparison.Ordinal);
        const string Call = "planner.Plan(new Cell(t % 9 + 5, t % 7 + 5)).Length";
        const string Both = Call + " + reverse.Plan(new Cell(t % 5 + 3, 4)).Length";
        const string Make = "var planner = new Planner(new Cell(0, 0));";
        const string MakeBoth = Make + " var reverse = new ReversePlanner(new Cell(1, 1));";
        await new VerifyCallee.Test
        {
            TestCode = Program(Planner + Second(Planner)).Replace(Call, Both, StringComparison.Ordinal).Replace(Make, MakeBoth, StringComparison.Ordinal),
            FixedCode = Program(PlannerFixed + Second(PlannerFixed)).Replace(Call, Both, StringComparison.Ordinal).Replace(Make, MakeBoth, StringComparison.Ordinal),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            NumberOfFixAllIterations = 1,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ScratchToLocal_IsTheFirstAction()
    {
        var site = Assert.Single(await CodeFixOffers.ForAsync(Program(Planner).Replace("{|GIL001:lock (_gate)|}", "lock (_gate)", StringComparison.Ordinal)));
        Assert.Equal(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys.FirstOrDefault());
    }

    [Theory]
    [InlineData("another region on the lock writes what the search reads", "public Cell[] Plan(Cell goal)", "public void Move(Cell to) { lock (_gate) { _origin = to; } }\n    private Cell _origin;\n\n    public Cell[] Plan(Cell goal)", "if (next.At == goal)", "if (next.At == goal || next.At == _origin)")]
    [InlineData("the node record compares with user code", "private sealed record Node(Cell At, Node? Parent);", "private sealed record Node(Cell At, Node? Parent) { public bool Equals(Node? other) => other is not null && At.Equals(other.At); public override int GetHashCode() => At.GetHashCode(); }", "if (next.At == goal)", "if (next.At == goal && next != node)")]
    [InlineData("the per-step buffer is read before its clear", "Array.Clear(_bestAt);", "if (_bestAt[0] is { } kept) _frontier.Add(kept);\n                Array.Clear(_bestAt);", "", "")]
    public async Task WhenTheSearchStillNeedsTheLock_NoScratchAction(string _, string from, string to, string from2, string to2)
    {
        var planner = Planner.Replace(from, to, StringComparison.Ordinal);
        if (from2.Length > 0)
        {
            planner = planner.Replace(from2, to2, StringComparison.Ordinal);
        }

        Assert.NotEqual(Planner, planner);
        var site = Assert.Single(await CodeFixOffers.ForAsync(Program(planner).Replace("{|GIL001:lock (_gate)|}", "lock (_gate)", StringComparison.Ordinal)), s => s.Id == "GIL001");
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ScratchToLocalKey, site.Keys);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, site.Keys);
    }
}
