using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>t.Start(new Band(row, rows, id))</c>: a state object made by a constructor that only stores its parameters (or a
/// positional record's), or a tuple of values, made right in the Start call from values that do not change. Made again
/// inside the <c>Parallel.For</c> body it holds the same values, so the partitions fix applies as it does to an object
/// initializer. Constructors that run code, chain to another constructor or compute what they store stay refused.
/// </summary>
public class ConstructedStateArgumentFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Band = """
        sealed class Band
        {
            public readonly int First;
            public readonly int Count;
            private readonly int _id;

            public Band(int first, int count, int id)
            {
                First = first;
                this.Count = count;
                _id = id;
            }

            public int Id => _id;
        }

        """;

    /// <summary>The threads' work: each relaxes its band of the grid and records the band's peak.</summary>
    private const string RelaxMethod = """
            static double[] grid = new double[1 << 16];
            static double[] peaks = new double[16];

            static void Relax(object state)
            {
                var band = (Band)state;
                double peak = 0;
                for (int k = band.First; k < band.First + band.Count; k++)
                {
                    for (int s = 0; s < 50; s++) grid[k] = 0.5 * (grid[k] + Math.Sqrt(k + s));
                    peak = Math.Max(peak, grid[k]);
                }

                peaks[band.Id] = peak;
            }
        """;

    private const string BeforeTemplate = """
        class Heat
        {
        RELAX

            static void Run(int bands)
            {
                int size = grid.Length / bands;
                var threads = new List<Thread>();
                for (int b = 0; b < bands; b++)
                {
                    var thread = {|GIL003:new Thread(Relax)|};
                    thread.Start(ARGUMENT);
                    threads.Add(thread);
                }

                while (threads.Any(t => t.IsAlive)) { Thread.Sleep(10); }
            }
        }
        """;

    private const string AfterTemplate = """
        class Heat
        {
        RELAX

            static void Run(int bands)
            {
                int size = grid.Length / bands;
                Parallel.For(0, bands, b =>
                {
                    Relax(ARGUMENT);
                });
            }
        }
        """;

    private static readonly string Before = BeforeTemplate.Replace("RELAX", RelaxMethod);

    private static readonly string After = AfterTemplate.Replace("RELAX", RelaxMethod);

    private const string Argument = "new Band(b * size, size, b)";

    [Fact]
    public async Task ConstructorThatStoresItsParameters_IsCalledInsideTheParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(
            Usings + Band + Before.Replace("ARGUMENT", Argument),
            Usings + Band + After.Replace("ARGUMENT", Argument),
            RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task PositionalRecord_IsMadeInsideTheParallelFor()
    {
        const string Record = "sealed record Band(int First, int Count, int Id);\n";
        await VerifyCS.VerifyCodeFixAsync(
            Usings + Record + Before.Replace("ARGUMENT", Argument),
            Usings + Record + After.Replace("ARGUMENT", Argument),
            RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_TwoFanOutsWithConstructedStates()
    {
        var first = Before.Replace("ARGUMENT", Argument);
        var second = first.Replace("class Heat", "class Cool");
        var firstAfter = After.Replace("ARGUMENT", Argument);
        var secondAfter = firstAfter.Replace("class Heat", "class Cool");
        await VerifyCS.VerifyCodeFixAsync(Usings + Band + first + "\n" + second, Usings + Band + firstAfter + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task TupleOfValues_IsMadeInsideTheParallelFor()
    {
        static string Tupled(string code) => code
            .Replace("var band = (Band)state;", "var (first, count, id) = ((int, int, int))state;")
            .Replace("band.First", "first").Replace("band.Count", "count").Replace("band.Id", "id");
        const string TupleArgument = "(b * size, size, b)";
        await VerifyCS.VerifyCodeFixAsync(
            Usings + Tupled(Before).Replace("ARGUMENT", TupleArgument),
            Usings + Tupled(After).Replace("ARGUMENT", TupleArgument),
            RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string> RefusedConstructors => new TheoryData<string, string>
    {
        // The constructor counts the objects it makes.
        { "    _id = id;\n", "    _id = id;\n        Made++;\n" },
        // It stores a value it computes.
        { "First = first;", "First = first * 2;" },
        // It chains to another constructor, which could run anything.
        { "public Band(int first, int count, int id)\n    {", "public Band(int first, int count, int id) : this()\n    {" },
    };

    [Theory]
    [MemberData(nameof(RefusedConstructors))]
    public async Task ConstructorsThatDoMore_ReportWithoutAction(string find, string replace)
    {
        var band = Band.Replace(find, replace).Replace("public int Id => _id;", "public int Id => _id;\n    public static int Made;\n    public Band() { }");
        Assert.NotEqual(Band.Replace("public int Id => _id;", "public int Id => _id;\n    public static int Made;\n    public Band() { }"), band);
        var source = Usings + band + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("ARGUMENT", Argument);
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("the argument passed to Start cannot be evaluated later", reason);
    }

    [Fact]
    public async Task ArgumentReadFromChangingState_ReportsWithoutAction()
    {
        var source = Usings + Band + "static class Counter { public static int Next; }\n"
                     + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("ARGUMENT", "new Band(b * size, size, Counter.Next++)");
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("the argument passed to Start cannot be evaluated later", reason);
    }
}
