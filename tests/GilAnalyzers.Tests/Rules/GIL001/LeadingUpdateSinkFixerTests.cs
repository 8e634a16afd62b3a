using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A locked block that starts with a shared update (a lookup counter) and then computes from thread-own values and
/// read-only tables: the computation runs after the release, whatever statements it is written with — a <c>foreach</c>
/// that deconstructs its items declares variables scoped to that loop, not to the block.
/// </summary>
public class LeadingUpdateSinkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static readonly (double Upto, double Rate)[] Brackets = { (10.0, 0.0), (30.0, 0.2), (double.MaxValue, 0.4) };
            static readonly Dictionary<string, int> Weights = new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 };
            static int s_lookups;

            static double Tax(double gross, int n)
            {
        """ + "\n" + body + "\n" + """
            }

            static double Run(int n) => Enumerable.Range(0, n).AsParallel().Select(i => Tax(i * 1.5, n)).Sum();
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, string? key)
        => new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(fixedBody),
            CodeActionEquivalenceKey = key,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task DeconstructingForeachAfterTheUpdate_RunsAfterTheRelease()
    {
        await VerifyAsync("""
                    {|GIL001:lock (Gate)|}
                    {
                        s_lookups++;
                        double low = 0, high = gross;
                        for (int i = 0; i < 60; i++)
                        {
                            double mid = (low + high) / 2;
                            if (Math.Sqrt(mid * n) > mid) low = mid; else high = mid;
                        }
                        double tax = 0, floor = 0;
                        foreach (var (upto, rate) in Brackets)
                        {
                            if (low <= floor) break;
                            tax += (Math.Min(low, upto) - floor) * rate;
                            floor = upto;
                        }
                        return tax;
                    }
            """, """
                    Interlocked.Increment(ref s_lookups);
                    double low = 0, high = gross;
                    for (int i = 0; i < 60; i++)
                    {
                        double mid = (low + high) / 2;
                        if (Math.Sqrt(mid * n) > mid) low = mid; else high = mid;
                    }
                    double tax = 0, floor = 0;
                    foreach (var (upto, rate) in Brackets)
                    {
                        if (low <= floor) break;
                        tax += (Math.Min(low, upto) - floor) * rate;
                        floor = upto;
                    }
                    return tax;
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    [Fact]
    public async Task AnOutVariableAfterTheUpdate_KeepsItsStatementLocked()
    {
        // `out var w` in an expression statement belongs to the locked block's scope: that statement, and what follows it,
        // stays; the loop before it still has nothing to follow.
        await VerifyAsync("""
                    {|GIL001:lock (Gate)|}
                    {
                        s_lookups++;
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * (gross + 1.0));
                        Weights.TryGetValue("a", out var w);
                        return s * w;
                    }
            """, """
                    {|GIL001:lock (Gate)|}
                    {
                        s_lookups++;
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * (gross + 1.0));
                        Weights.TryGetValue("a", out var w);
                        return s * w;
                    }
            """, null);
    }
}
