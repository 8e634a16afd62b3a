using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer, GilAnalyzers.CodeFixes.RawThreadsCpuLoopFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Threads kept in a private field of the type (the field sized once, e.g. by a thread-count property) and a
/// per-thread argument object built after the thread (<c>var band = new Band(min, max); bands[i].Start(band);</c>):
/// the field stays (its size may still be read), its elements are no longer set. Refused when other code can reach the
/// field, when the type uses the thread objects elsewhere, or when the argument object's constructor does more than
/// store its arguments.
/// </summary>
public class FieldThreadsFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task PrivateFieldArrayWithArgumentObject_BecomesParallelFor(LanguageVersion version)
    {
        var source = Usings + """
            class Heightmap
            {
                private Thread[] strips = new Thread[4];
                private readonly float[] _cells = new float[200 * 300];

                public int StripCount
                {
                    get { return strips.Length; }
                    set { if (value != strips.Length) strips = new Thread[value]; }
                }

                public void Erode()
                {
                    int step = 200 / strips.Length;
                    for (int s = 0; s < strips.Length; s++)
                    {
                        strips[s] = [|new Thread(new ParameterizedThreadStart(ErodeStrip))|];
                        int top = step * s;
                        int bottom = s == strips.Length - 1 ? 200 : step * (s + 1);
                        var strip = new Strip(top, bottom);
                        strips[s].Start(strip);
                    }
                    for (int s = 0; s < strips.Length; s++)
                    {
                        strips[s].Join();
                    }
                }

                private void ErodeStrip(object state)
                {
                    var strip = (Strip)state;
                    for (int y = strip.Top; y < strip.Bottom; y++)
                        for (int x = 0; x < 300; x++)
                            _cells[y * 300 + x] = (float)Math.Sqrt(_cells[y * 300 + x] + x * y);
                }

                private sealed class Strip
                {
                    public Strip(int top, int bottom)
                    {
                        Top = top;
                        this.Bottom = bottom;
                    }

                    public int Top { get; }
                    public int Bottom;
                }
            }
            """;
        var fixedSource = Usings + """
            class Heightmap
            {
                private Thread[] strips = new Thread[4];
                private readonly float[] _cells = new float[200 * 300];

                public int StripCount
                {
                    get { return strips.Length; }
                    set { if (value != strips.Length) strips = new Thread[value]; }
                }

                public void Erode()
                {
                    int step = 200 / strips.Length;
                    Parallel.For(0, strips.Length, s =>
                    {
                        int top = step * s;
                        int bottom = s == strips.Length - 1 ? 200 : step * (s + 1);
                        var strip = new Strip(top, bottom);
                        ErodeStrip(strip);
                    });
                }

                private void ErodeStrip(object state)
                {
                    var strip = (Strip)state;
                    for (int y = strip.Top; y < strip.Bottom; y++)
                        for (int x = 0; x < 300; x++)
                            _cells[y * 300 + x] = (float)Math.Sqrt(_cells[y * 300 + x] + x * y);
                }

                private sealed class Strip
                {
                    public Strip(int top, int bottom)
                    {
                        Top = top;
                        this.Bottom = bottom;
                    }

                    public int Top { get; }
                    public int Bottom;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey, version);
    }

    [Fact]
    public async Task FixAll_RewritesEveryPrivateFieldFanOut()
    {
        var source = Usings + """
            class Two
            {
                private Thread[] _first = new Thread[3];
                private Thread[] _second = new Thread[3];
                private readonly double[] _data = new double[300000];

                private void Lane(object state)
                {
                    int lane = (int)state;
                    for (int i = lane; i < _data.Length; i += 3) _data[i] = Math.Sqrt(i) * Math.Log(i + 2);
                }

                public void A()
                {
                    for (int i = 0; i < 3; i++)
                    {
                        _first[i] = [|new Thread(Lane)|];
                        _first[i].Start(i);
                    }
                    foreach (var t in _first) t.Join();
                }

                public void B()
                {
                    int first = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        int lane = first + i;
                        (_second[i] = [|new Thread(() => Lane(lane))|]).Start();
                    }
                    foreach (var t in _second) t.Join();
                }
            }
            """;
        var fixedSource = Usings + """
            class Two
            {
                private Thread[] _first = new Thread[3];
                private Thread[] _second = new Thread[3];
                private readonly double[] _data = new double[300000];

                private void Lane(object state)
                {
                    int lane = (int)state;
                    for (int i = lane; i < _data.Length; i += 3) _data[i] = Math.Sqrt(i) * Math.Log(i + 2);
                }

                public void A()
                {
                    Parallel.For(0, 3, i =>
                    {
                        Lane(i);
                    });
                }

                public void B()
                {
                    int first = 0;
                    Parallel.For(0, 3, i =>
                    {
                        int lane = first + i;
                        Lane(lane);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
    }

    private const string RefusedTemplate = """
        class C
        {
            FIELD
            private readonly double[] _data = new double[3000];

            private void Lane(object state)
            {
                var band = (Band)state;
                for (int i = band.From; i < _data.Length; i += 3) _data[i] = Math.Sqrt(i) * Math.Log(i + 2);
            }

            public void Run()
            {
                for (int i = 0; i < 3; i++)
                {
                    _lanes[i] = new Thread(Lane);
                    var band = new Band(i);
                    _lanes[i].Start(band);
                }
                foreach (var t in _lanes) t.Join();
            }

            OTHER

            private sealed class Band
            {
                public Band(int from) { BAND }
                public int From;
            }
        }
        """;

    private static string Refused(string field = "private Thread[] _lanes = new Thread[3];", string other = "", string band = "From = from;")
        => RefusedTemplate.Replace("FIELD", field).Replace("OTHER", other).Replace("BAND", band);

    public static TheoryData<string, string> RefusedShapes => new TheoryData<string, string>
    {
        { "a field other types can reach", Refused(field: "internal Thread[] _lanes = new Thread[3];") },
        { "a list field, whose count would change", Refused(field: "private List<Thread> _lanes = new List<Thread>(new Thread[3]);") },
        { "another method uses the thread objects", Refused(other: "public bool Busy() { foreach (var t in _lanes) if (t.IsAlive) return true; return false; }") },
        { "another method joins the threads", Refused(other: "public void Wait() { foreach (var t in _lanes) t.Join(); }") },
        { "a nested type names the field", Refused(band: "From = from; } public void Stop(C c) { c._lanes[0].Interrupt();") },
        { "the argument object's constructor does more than store its arguments", Refused(band: "From = from; Console.WriteLine(from);") },
    };

    [Theory]
    [MemberData(nameof(RefusedShapes))]
    public async Task ShapesTheRewriteCannotKeep_ReportWithoutAction(string shape, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + source);
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.True(gil003.Keys.Count == 0, shape + ": offered " + string.Join(", ", gil003.Keys));
    }

    [Fact]
    public async Task TheRefusalTemplateItselfIsRewritten()
    {
        // Guards the refusal cases above: each changes one thing of a shape that is fixed.
        var offers = await CodeFixOffers.ForAsync(Usings + Refused());
        var gil003 = Assert.Single(offers, o => o.Id == DiagnosticIds.RawThreadsCpuLoop);
        Assert.Equal(RawThreadsCpuLoopFixer.ParallelForPartitionsKey, gil003.Keys[0]);
    }
}
