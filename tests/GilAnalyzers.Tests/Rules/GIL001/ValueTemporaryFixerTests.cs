using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Vector maths under a lock: <c>(p - c).Length()</c> calls a method on a copy of plain values made for the call, and
/// <c>Vector3.Normalize</c> is a pure static. Both were opaque to the effects model ("mutation through p - c").
/// </summary>
public class ValueTemporaryFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Numerics;\nusing System.Threading.Tasks;\n";

    private const string Scene = """
            static float Distance(Vector3 p, Vector3 c, float r) => (p - c).Length() - r;

            static float March(Vector3 dir)
            {
                float t = 0;
                for (int i = 0; i < 64; i++)
                {
                    var p = dir * t;
                    float d = Distance(p, new Vector3(0, 0, 5), 1);
                    if (d < 0.001f) break;
                    t += d;
                }
                return t;
            }
        """;

    [Fact]
    public async Task MarchingUnderTheLock_TheMarchMovesOut()
    {
        var source = Usings + "static class Tracer\n{\n    static readonly object Gate = new object();\n    static readonly List<float> Depths = new List<float>();\n" + Scene + """

                public static void Render(int width)
                {
                    Parallel.For(0, width, x =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            Depths.Add(March(Vector3.Normalize(new Vector3(x - width / 2f, 0, 100))));
                        }
                    });
                }
            }
            """;
        var fixedSource = Usings + "static class Tracer\n{\n    static readonly object Gate = new object();\n    static readonly List<float> Depths = new List<float>();\n" + Scene + """

                public static void Render(int width)
                {
                    Parallel.For(0, width, x =>
                    {
                        var item = March(Vector3.Normalize(new Vector3(x - width / 2f, 0, 100)));
                        lock (Gate)
                        {
                            Depths.Add(item);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }
}
