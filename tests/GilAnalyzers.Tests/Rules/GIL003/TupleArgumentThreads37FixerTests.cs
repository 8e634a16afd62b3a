using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 on threads started with a per-thread tuple of arguments (issue 16): <c>var job = Tuple.Create(rows, from, to,
/// sums, p); thread.Start(job);</c> built after the thread is made. Making a thread runs nothing and a tuple only stores
/// its arguments, so the tuple is built inside the partition like an argument object, and the partitions rewrite applies.
/// </summary>
public class TupleArgumentThreads37FixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\n";

    private const string Accumulate = """
            void Accumulate(object state)
            {
                var job = (Tuple<List<int>, int, int, long[], int>)state;
                long sum = 0;
                for (int i = job.Item2; i < job.Item3; i++) sum += (long)job.Item1[i] * job.Item1[i];
                job.Item4[job.Item5] = sum;
            }
        """;

    private static string Meter(string loopTail, string joins) => Usings + """
        class Meter
        {
            public List<int> Readings { get; set; } = new List<int>();

            public long Total(int workers)
            {
                var threads = new List<Thread>();
                var share = Readings.Count / workers;
                var sums = new long[workers];
                for (int w = 0; w < workers; w++)
                {
                    var from = w * share;
                    var to = w == workers - 1 ? Readings.Count : (w + 1) * share;

        """ + loopTail + """
                }

        """ + joins + """

                long total = 0;
                foreach (var s in sums) total += s;
                return total;
            }

        """ + Accumulate + """

        }
        """;

    private const string Fixed = Usings + """
        using System.Threading.Tasks;
        class Meter
        {
            public List<int> Readings { get; set; } = new List<int>();

            public long Total(int workers)
            {
                var share = Readings.Count / workers;
                var sums = new long[workers];
                Parallel.For(0, workers, w =>
                {
                    var from = w * share;
                    var to = w == workers - 1 ? Readings.Count : (w + 1) * share;
                    var job = Tuple.Create(Readings, from, to, sums, w);
                    Accumulate(job);
                });
                long total = 0;
                foreach (var s in sums) total += s;
                return total;
            }

        """ + Accumulate + """

        }
        """;

    private const string AddedThenStartedByIndex = """
                    threads.Add({|GIL003:new Thread(new ParameterizedThreadStart(Accumulate))|});
                    var job = Tuple.Create(Readings, from, to, sums, w);
                    threads[w].Start(job);

        """;

    private const string StartedThenAdded = """
                    Thread thread = {|GIL003:new Thread(new ParameterizedThreadStart(Accumulate))|};
                    var job = Tuple.Create(Readings, from, to, sums, w);
                    thread.Start(job);
                    threads.Add(thread);

        """;

    private const string JoinByIndex = """
                for (int w = 0; w < workers; w++)
                {
                    threads[w].Join();
                }
        """;

    private const string JoinEach = """
                foreach (var thread in threads)
                {
                    thread.Join();
                }
        """;

    [Fact]
    public async Task ThreadAddedThenStartedByIndexWithATuple_BecomesParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Meter(AddedThenStartedByIndex, JoinByIndex), Fixed, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task ThreadStartedWithATupleThenAdded_BecomesParallelFor()
    {
        await VerifyCS.VerifyCodeFixAsync(Meter(StartedThenAdded, JoinEach), Fixed, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task TupleConstructorAndValueTuple_AreArgumentObjectsToo()
    {
        var explicitTuple = StartedThenAdded.Replace("Tuple.Create(Readings, from, to, sums, w)", "new Tuple<List<int>, int, int, long[], int>(Readings, from, to, sums, w)");
        var offers = await Verifiers.CodeFixOffers.ForAsync(Meter(explicitTuple, JoinEach).Replace("{|GIL003:", string.Empty).Replace("(Accumulate))|}", "(Accumulate))"));
        Assert.Equal(RawThreadsCpuLoopFixer.ParallelForPartitionsKey, Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop).Keys.First());

        var valueTuple = StartedThenAdded.Replace("Tuple.Create(Readings, from, to, sums, w)", "ValueTuple.Create(from, to)");
        offers = await Verifiers.CodeFixOffers.ForAsync(Meter(valueTuple, JoinEach).Replace("{|GIL003:", string.Empty).Replace("(Accumulate))|}", "(Accumulate))"));
        Assert.Equal(RawThreadsCpuLoopFixer.ParallelForPartitionsKey, Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop).Keys.First());
    }

    [Fact]
    public async Task FixAll_BothLoopsInOneFile()
    {
        var first = Meter(AddedThenStartedByIndex, JoinByIndex);
        var second = Meter(StartedThenAdded, JoinEach).Replace(Usings, string.Empty).Replace("class Meter", "class Gauge");
        var fixedFirst = Fixed;
        var fixedSecond = Fixed.Replace(Usings + "using System.Threading.Tasks;\n", string.Empty).Replace("class Meter", "class Gauge");
        await VerifyCS.VerifyCodeFixAsync(first + "\n" + second, fixedFirst + "\n" + fixedSecond, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    /// <summary>A tuple whose arguments call something, or a user type named Tuple, is no plain argument object.</summary>
    [Theory]
    [InlineData("Tuple.Create(Readings, from, to, sums, Next(w))")]
    [InlineData("Local.Tuple.Create(Readings, from, to, sums, w)")]
    public async Task TupleThatRunsCode_KeepsTheThreads(string tuple)
    {
        var source = Meter(StartedThenAdded.Replace("Tuple.Create(Readings, from, to, sums, w)", tuple), JoinEach)
            .Replace("{|GIL003:", string.Empty).Replace("(Accumulate))|}", "(Accumulate))")
            .Replace("    void Accumulate", "    static int Next(int w) { System.Console.WriteLine(w); return w; }\n\n    void Accumulate")
            + "\nnamespace Local { static class Tuple { public static System.Tuple<System.Collections.Generic.List<int>, int, int, long[], int> Create(System.Collections.Generic.List<int> a, int b, int c, long[] d, int e) { System.Console.WriteLine(b); return System.Tuple.Create(a, b, c, d, e); } } }\n";
        var reasons = await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop);
        Assert.Contains("GIL003-N1", Assert.Single(reasons), StringComparison.Ordinal);
    }
}
