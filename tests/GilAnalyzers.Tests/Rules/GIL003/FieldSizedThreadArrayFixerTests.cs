using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>var threads = new Thread[parts]; … for (int i = 0; i &lt; parts; i++) threads[i].Join();</c> with <c>parts</c> a field:
/// the join loop waits for every slot when the field keeps its value — readonly, or private and written only by its type's
/// constructors — so the run-at-the-join rewrite (<c>GIL003.ParallelForEachAtJoin</c>) applies; a field other code can
/// change keeps the threads.
/// </summary>
public class FieldSizedThreadArrayFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Piece = """
        class Piece
        {
            readonly double from, to;
            public double Area;
            public Piece(double from, double to) { this.from = from; this.to = to; }
            public void Run() { double s = 0; for (double x = from; x < to; x += 1e-6) s += x * x; Area += s; }
        }

        """;

    private const string Before = """
        class Integrator
        {
            private int parts;
            public Integrator(int parts) { this.parts = parts; }

            public void Integrate(double lo, double hi)
            {
                double width = (hi - lo) / parts;
                Thread[] threads = new Thread[parts];
                for (int i = 0; i < this.parts; i++)
                {
                    var piece = new Piece(lo + i * width, lo + (i + 1) * width);
                    Thread thread = {|GIL003:new Thread(piece.Run)|};
                    thread.Start();
                    threads[i] = thread;
                }

                for (int i = 0; i < parts; i++)
                {
                    threads[i].Join();
                }
            }
        }
        """;

    private const string After = """
        class Integrator
        {
            private int parts;
            public Integrator(int parts) { this.parts = parts; }

            public void Integrate(double lo, double hi)
            {
                double width = (hi - lo) / parts;
                ThreadStart[] threads = new ThreadStart[parts];
                for (int i = 0; i < this.parts; i++)
                {
                    var piece = new Piece(lo + i * width, lo + (i + 1) * width);
                    ThreadStart thread = new ThreadStart(piece.Run);
                    threads[i] = thread;
                }

                Parallel.ForEach(threads, work => work());
            }
        }
        """;

    [Fact]
    public async Task ArraySizedByAFieldOnlyTheConstructorWrites_RunsTheWorkAtTheJoin()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Piece + Before, Usings + Piece + After, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFieldSizedFanOut()
    {
        var second = Before.Replace("class Integrator", "class Other").Replace("public Integrator(", "public Other(");
        var secondAfter = After.Replace("class Integrator", "class Other").Replace("public Integrator(", "public Other(");
        await VerifyCS.VerifyCodeFixAsync(Usings + Piece + Before + "\n" + second, Usings + Piece + After + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey);
    }

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        { "a method can change the field", Before.Replace("public Integrator(int parts) { this.parts = parts; }", "public Integrator(int parts) { this.parts = parts; }\n    public void Resize(int n) { parts = n; }") },
        { "other types can change the field", Before.Replace("private int parts;", "internal int parts;") },
        { "a lambda made by the constructor can change the field", Before.Replace("{ this.parts = parts; }", "{ this.parts = parts; Grow = () => this.parts++; }\n    public Action Grow;") },
        { "the constructor sets another object's field", Before.Replace("{ this.parts = parts; }", "{ this.parts = parts; }\n    public Integrator(Integrator other) { other.parts = 1; }") },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task FieldsThatMayChange_KeepTheThreads(string shape, string source)
    {
        var code = Usings + Piece + source.Replace("{|GIL003:", string.Empty).Replace(")|};", ");");
        var offers = await Verifiers.CodeFixOffers.ForAsync(code);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(code, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("no join waits for every slot of the array 'threads'", reason);
    }
}
