using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// One thread per item of a collection — <c>foreach (var x in items) { var t = new Thread(…); t.Start(); list.Add(t); }</c>
/// then every thread joined (also <c>list.ForEach(t =&gt; t.Join())</c>) — becomes <c>Parallel.ForEach(items, x =&gt; …)</c>.
/// A thread name is dropped (pool threads carry none; a body that reads its own thread is refused); a priority, a
/// converting loop variable or items that are only enumerable by pattern are refused.
/// </summary>
public class ForEachThreadsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadPerItemJoinedWithListForEach_BecomesParallelForEach(LanguageVersion version)
    {
        var source = Usings + """
            class Curves
            {
                public static double[] Price(string[] currencies)
                {
                    var values = new double[currencies.Length];
                    var slots = new Dictionary<string, int>();
                    for (int i = 0; i < currencies.Length; i++) slots[currencies[i]] = i;
                    var pricers = new List<Thread>();
                    foreach (var ccy in currencies)
                    {
                        var thread = [|new Thread(() =>
                        {
                            double v = 0;
                            for (int k = 0; k < 200000; k++) v += Math.Cos(k) * ccy.Length;
                            values[slots[ccy]] = v;
                        })|];
                        thread.Start();
                        pricers.Add(thread);
                    }
                    pricers.ForEach(t => t.Join());
                    return values;
                }
            }
            """;
        var fixedSource = Usings + """
            class Curves
            {
                public static double[] Price(string[] currencies)
                {
                    var values = new double[currencies.Length];
                    var slots = new Dictionary<string, int>();
                    for (int i = 0; i < currencies.Length; i++) slots[currencies[i]] = i;
                    Parallel.ForEach(currencies, ccy =>
                    {
                        double v = 0;
                        for (int k = 0; k < 200000; k++) v += Math.Cos(k) * ccy.Length;
                        values[slots[ccy]] = v;
                    });
                    return values;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachItemsKey, version);
    }

    [Fact]
    public async Task NamedThreadPerItemStartedWithTheItem_BecomesParallelForEach()
    {
        var source = Usings + """
            class Desks
            {
                private readonly Dictionary<string, double> _risk = new Dictionary<string, double>();

                private void RunDesk(object state)
                {
                    var desk = (string)state;
                    double total = 0;
                    for (int s = 0; s < 100000; s++) total += Math.Sin(s * desk.Length);
                    lock (_risk) _risk[desk] = total;
                }

                public void Run(List<string> desks)
                {
                    var workers = new List<Thread>();
                    foreach (var desk in desks)
                    {
                        var worker = [|new Thread(RunDesk) { Name = "risk-" + desk }|];
                        workers.Add(worker);
                        worker.Start(desk);
                    }
                    foreach (var worker in workers)
                    {
                        worker.Join();
                    }
                }
            }
            """;
        var fixedSource = Usings + """
            class Desks
            {
                private readonly Dictionary<string, double> _risk = new Dictionary<string, double>();

                private void RunDesk(object state)
                {
                    var desk = (string)state;
                    double total = 0;
                    for (int s = 0; s < 100000; s++) total += Math.Sin(s * desk.Length);
                    lock (_risk) _risk[desk] = total;
                }

                public void Run(List<string> desks)
                {
                    Parallel.ForEach(desks, desk =>
                    {
                        RunDesk(desk);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForEachItemsKey);
    }

    [Theory]
    [InlineData("foreach (var item in items)", "new Thread(() => Work(item)) { Priority = ThreadPriority.BelowNormal }", false)] // a priority is deliberate
    [InlineData("foreach (string item in items)", "new Thread(() => Work(item))", true)] // the loop variable converts each element: the loop stays, the work runs at the join
    public async Task PriorityOrConvertingLoopVariable_NoForEachAction(string loop, string creation, bool runAtJoin)
    {
        var source = Usings + """
            class Jobs
            {
                static double Work(string item)
                {
                    double s = 0;
                    for (int k = 0; k < item.Length * 100000; k++) s += Math.Sqrt(k);
                    return s;
                }

                public static void Run(List<object> items)
                {
                    var threads = new List<Thread>();
            """ + "\n            " + loop + "\n" + """
                    {
            """ + "\n                var t = " + creation.Replace("Work(item)", "Work(item.ToString())") + ";\n" + """
                        t.Start();
                        threads.Add(t);
                    }
                    foreach (var t in threads) t.Join();
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var offer = Assert.Single(offers);
        Assert.Equal("GIL003", offer.Id);
        Assert.Equal<string?>(runAtJoin ? new[] { RawThreadsCpuLoopFixer.ParallelForEachAtJoinKey } : System.Array.Empty<string>(), offer.Keys);
    }
}
