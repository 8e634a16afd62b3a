using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Worker threads labelled before they start — <c>t.IsBackground = true;</c>, <c>t.Name = "sieve " + i;</c> — and joined
/// in the same method: the labels change nothing the work can see once every thread is joined, so they go with the
/// threads and the partitions fix applies. A label whose value runs code, and work that reads its thread's name, stay
/// refused.
/// </summary>
public class ThreadLabelsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    /// <summary>The threads' work: each counts the primes of its residue class.</summary>
    private const string CountMethod = """
            static int[] counts = new int[8];

            static void Count(object state)
            {
                int part = (int)state;
                int found = 0;
                for (int n = 2 + part; n < 200_000; n += 8)
                {
                    bool prime = true;
                    for (int d = 2; d * d <= n && prime; d++) prime = n % d != 0;
                    if (prime) found++;
                }

                counts[part] = found;
            }
        """;

    private const string BeforeTemplate = """
        class Sieve
        {
        COUNT

            static void Run()
            {
                var threads = new Thread[8];
                for (int i = 0; i < threads.Length; i++)
                {
                    threads[i] = {|GIL003:new Thread(Count)|};
                    threads[i].IsBackground = true;
                    threads[i].Name = LABEL;
                    threads[i].Start(i);
                }

                foreach (var t in threads) t.Join();
            }
        }
        """;

    private const string AfterTemplate = """
        class Sieve
        {
        COUNT

            static void Run()
            {
                Parallel.For(0, 8, i =>
                {
                    Count(i);
                });
            }
        }
        """;

    private static readonly string Before = BeforeTemplate.Replace("COUNT", CountMethod);

    private static readonly string After = AfterTemplate.Replace("COUNT", CountMethod);

    [Fact]
    public async Task BackgroundAndNamedWorkers_LabelsGoWithTheThreads()
    {
        await VerifyCS.VerifyCodeFixAsync(
            Usings + Before.Replace("LABEL", "\"sieve \" + i"),
            Usings + After,
            RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task FixAll_TwoLabelledFanOuts()
    {
        var first = Before.Replace("LABEL", "$\"sieve {i}\"");
        await VerifyCS.VerifyCodeFixAsync(
            Usings + first + "\n" + first.Replace("class Sieve", "class Again"),
            Usings + After + "\n" + After.Replace("class Sieve", "class Again"),
            RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    [Fact]
    public async Task NameMadeByACall_StaysRefused()
    {
        var source = Usings + "static class Names { static int s_next; public static string Next() => \"w\" + s_next++; }\n"
                     + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("LABEL", "Names.Next()");
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("Name is set", reason);
    }

    [Fact]
    public async Task WorkThatReadsItsThreadsName_StaysRefused()
    {
        var source = Usings + Before.Replace("{|GIL003:", string.Empty).Replace(")|};", ");").Replace("LABEL", "\"sieve \" + i")
            .Replace("counts[part] = found;", "counts[part] = found + Thread.CurrentThread.Name!.Length * 0;");
        var reason = Assert.Single(await FixRefusals.ReasonsAsync(source, DiagnosticIds.RawThreadsCpuLoop));
        Assert.Contains("depends on its own thread (it uses Thread.Name)", reason);
    }
}
