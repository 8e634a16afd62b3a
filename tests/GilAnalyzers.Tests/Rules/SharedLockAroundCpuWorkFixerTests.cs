using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

public class SharedLockAroundCpuWorkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_HoistsLocalComputationAndKeepsUpdate(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static double Heavy(int x)
                {
                    double s = 0;
                    for (int k = 0; k < x; k++) s += Math.Sqrt(k);
                    return s;
                }

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            var r = Heavy(i);
                            for (int k = 0; k < 1000; k++)
                            {
                                r = r * 0.5 + k;
                            }
                            total += r;
                        }
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static double Heavy(int x)
                {
                    double s = 0;
                    for (int k = 0; k < x; k++) s += Math.Sqrt(k);
                    return s;
                }

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        var r = Heavy(i);
                        for (int k = 0; k < 1000; k++)
                        {
                            r = r * 0.5 + k;
                        }
                        lock (Gate)
                        {
                            total += r;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Gate", "for loop", "a Parallel.For body"));
    }
}
