using GilAnalyzers.CodeFixes;
using System.Threading;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A locked block that ends with <c>return</c> of a thread-own value: the return runs after the release (it is still the
/// last statement, and its value is the same), so the update is all that stays locked.
/// </summary>
public class FinalReturnSinkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Wrap(string body) => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static long s_done;

            static double Score(int item, int n)
            {
        """ + "\n" + body + "\n" + """
            }

            static double Run(int n) => Enumerable.Range(0, n).AsParallel().Select(i => Score(i, n)).Sum();
        }
        """;

    // The lock sits in a method PLINQ calls: a compilation-end (non-local) diagnostic; the fix is local to the lock.
    private static Task VerifyAsync(string body, string fixedBody, string key)
        => new VerifyCS.Test
        {
            TestCode = Wrap(body),
            FixedCode = Wrap(fixedBody),
            CodeActionEquivalenceKey = key,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Fact]
    public async Task ReturnOfAThreadOwnValue_RunsAfterTheRelease()
    {
        await VerifyAsync("""
                    {|GIL001:lock (Gate)|}
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * (item + 1.0));
                        s_done++;
                        return s / n;
                    }
            """, """
                    double s = 0;
                    for (int k = 0; k < n; k++) s += Math.Sqrt(k * (item + 1.0));
                    Interlocked.Increment(ref s_done);
                    return s / n;
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }
}
