using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// <c>t.Start(new Slice { From = i * size, Length = n })</c>: a state object made right in the Start call, of a plain type
/// (implicit constructor, auto-properties or fields, no member initializer but a literal) and set from values that do not
/// change. Nothing sees the object before the thread does, so making it inside the Parallel.For body gives the work the
/// same state. Objects whose creation runs code, or set from values that change, stay refused.
/// </summary>
public class FreshStateArgumentFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private const string Slice = """
        class Slice
        {
            public int From { get; set; }
            public int Length { get; set; }
            public int Tag;
        }

        """;

    private const string Before = """
        class Checksums
        {
            static long[] sums = new long[8];
            static byte[] data = new byte[1 << 16];

            static void Sum(object state)
            {
                var slice = (Slice)state;
                long total = 0;
                for (int k = slice.From; k < slice.From + slice.Length; k++)
                {
                    total += data[k] * (k % 7 + 1);
                }

                sums[slice.Tag] = total;
            }

            static void Run(int workers)
            {
                int size = data.Length / workers;
                var threads = new List<Thread>();
                for (int i = 0; i < workers; i++)
                {
                    var t = {|GIL003:new Thread(Sum)|};
                    threads.Add(t);
                    int length = i == workers - 1 ? data.Length - i * size : size;
                    t.Start(new Slice { From = i * size, Length = length, Tag = i });
                }

                foreach (var t in threads) t.Join();
            }
        }
        """;

    private const string After = """
        class Checksums
        {
            static long[] sums = new long[8];
            static byte[] data = new byte[1 << 16];

            static void Sum(object state)
            {
                var slice = (Slice)state;
                long total = 0;
                for (int k = slice.From; k < slice.From + slice.Length; k++)
                {
                    total += data[k] * (k % 7 + 1);
                }

                sums[slice.Tag] = total;
            }

            static void Run(int workers)
            {
                int size = data.Length / workers;
                Parallel.For(0, workers, i =>
                {
                    int length = i == workers - 1 ? data.Length - i * size : size;
                    Sum(new Slice { From = i * size, Length = length, Tag = i });
                });
            }
        }
        """;

    [Fact]
    public async Task FreshStateObject_IsMadeInsideTheParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + Slice + Before, Usings + Slice + After, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOutWithFreshStates()
    {
        var second = Before.Replace("class Checksums", "class Again");
        var secondAfter = After.Replace("class Checksums", "class Again");
        await VerifyCS.VerifyCodeFixAsync(Usings + Slice + Before + "\n" + second, Usings + Slice + After + "\n" + secondAfter, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    public static TheoryData<string, string, string> RefusedShapes => new TheoryData<string, string, string>
    {
        // The constructor runs code (it counts the objects made).
        { Slice.Replace("public int Tag;", "public int Tag;\n    public static int Made;\n    public Slice() { Made++; }"), "Tag = i", "the argument passed to Start cannot be evaluated later" },
        // A setter with a body.
        { Slice.Replace("public int Length { get; set; }", "int length;\n    public int Length { get => length; set { length = value; Console.WriteLine(value); } }"), "Tag = i", "the argument passed to Start cannot be evaluated later" },
        // A member initializer that calls code.
        { Slice.Replace("public int Tag;", "public int Tag;\n    public DateTime Made = DateTime.Now;"), "Tag = i", "the argument passed to Start cannot be evaluated later" },
        // A member set from a value read when the thread starts (a field the loop changes).
        { Slice + "static class Counter { public static int Next; }\n", "Tag = Counter.Next++", "the argument passed to Start cannot be evaluated later" },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task StatesTheRewriteCannotMakeLater_ReportWithoutAction(string slice, string tag, string why)
    {
        var source = Usings + slice + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("Tag = i", tag);
        var offers = await Verifiers.CodeFixOffers.ForAsync(source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, "offered " + string.Join(", ", gil003.Keys));
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains(why, reason);
    }
}
