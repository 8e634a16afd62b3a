using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Cold tasks kept in an array sized by a private field that only the constructor writes, waited for by
/// <c>for (int i = 0; i &lt; parts; i++) tasks[i].Wait();</c>: the wait loop covers every slot, so the run-at-the-wait
/// rewrite (<c>GIL004.ParallelForEachAtWait</c>) applies; a field a method can change keeps the tasks.
/// </summary>
public class FieldSizedTaskArrayFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Piece = """
        class Strip
        {
            readonly double from, to;
            public double Area;
            public Strip(double from, double to) { this.from = from; this.to = to; }
            public void Run() { double s = 0; for (double x = from; x < to; x += 1e-6) s += x * x; Area += s; }
        }

        """;

    private const string Before = """
        class Summation
        {
            private int pieces;
            public Summation(int pieces) { this.pieces = pieces; }

            public void Integrate(double lo, double hi)
            {
                double width = (hi - lo) / pieces;
                Task[] tasks = new Task[pieces];
                for (int i = 0; i < pieces; i++)
                {
                    var strip = new Strip(lo + i * width, lo + (i + 1) * width);
                    Task task = {|GIL004:new Task(strip.Run)|};
                    task.Start();
                    tasks[i] = task;
                }

                for (int i = 0; i < this.pieces; i++)
                {
                    tasks[i].Wait();
                }
            }
        }
        """;

    [Fact]
    public async Task TaskArraySizedByAConstructorSetField_RunsTheWorkAtTheWait()
    {
        var fixedSource = Usings + Piece + """
            class Summation
            {
                private int pieces;
                public Summation(int pieces) { this.pieces = pieces; }

                public void Integrate(double lo, double hi)
                {
                    double width = (hi - lo) / pieces;
                    Action[] tasks = new Action[pieces];
                    for (int i = 0; i < pieces; i++)
                    {
                        var strip = new Strip(lo + i * width, lo + (i + 1) * width);
                        Action task = new Action(strip.Run);
                        tasks[i] = task;
                    }

                    Parallel.ForEach(tasks, work => work());
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(Usings + Piece + Before, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachAtWaitKey);
    }

    [Fact]
    public async Task FieldAMethodChanges_KeepsTheTasks()
    {
        var code = Usings + Piece + Before.Replace("{|GIL004:", string.Empty).Replace(")|};", ");")
            .Replace("public Summation(int pieces) { this.pieces = pieces; }", "public Summation(int pieces) { this.pieces = pieces; }\n    public void More() { pieces++; }");
        var offers = await Verifiers.CodeFixOffers.ForAsync(code);
        var gil004 = Assert.Single(offers, o => o.Id == DiagnosticIds.HandRolledPoolFanOut);
        Assert.True(gil004.Keys.Count == 0, "offered " + string.Join(", ", gil004.Keys));
    }
}
