using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A Synchronized compute method beside other Synchronized methods of its type (or a <c>lock (this)</c>): they all take
/// one hidden lock, so the flag cannot just go, and a new private lock would stop excluding them. The fix spells the
/// hidden lock out — <c>lock (this)</c>, <c>lock (typeof(T))</c> — around the shared-state update only, and moves the work
/// that touches nothing the other methods write in front of it.
/// </summary>
public class HiddenLockNarrowingFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Runtime.CompilerServices;\n";

    private static async Task VerifyAsync(string source, string fixedSource, string driver, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowHiddenLockKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    private static readonly string RendererDriver = SynchronizedCpuMethodFixerTests.Driver("renderer.Render(i); renderer.MarkDone();", "var renderer = new Renderer();");

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task InstanceRendererBesideACounterMethod_WorkLeavesLockThisKeepsTheAdd(LanguageVersion version)
    {
        await VerifyAsync("""
            sealed class Renderer
            {
                private readonly List<int[]> _tiles = new List<int[]>();
                private int _done;

                public int Done => _done;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Render|}(int tile)
                {
                    var pixels = new int[64 * 64];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Sin((tile * 64 + x) * 0.01) * Math.Cos(y * 0.01) * 1000);
                    _tiles.Add(pixels);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone()
                {
                    _done++;
                }
            }
            """, """
            sealed class Renderer
            {
                private readonly List<int[]> _tiles = new List<int[]>();
                private int _done;

                public int Done => _done;

                public void Render(int tile)
                {
                    var pixels = new int[64 * 64];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Sin((tile * 64 + x) * 0.01) * Math.Cos(y * 0.01) * 1000);
                    lock (this)
                    {
                        _tiles.Add(pixels);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone()
                {
                    _done++;
                }
            }
            """, RendererDriver, version);
    }

    [Fact]
    public async Task StaticMethodsShareTypeofLock_WorkLeavesLockTypeofKeepsTheUpdate()
    {
        await VerifyAsync("""
            static class Stats
            {
                private static readonly List<double> s_norms = new List<double>();
                private static int s_calls;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void {|GIL002:Record|}(int seed)
                {
                    double norm = 0;
                    for (int i = 0; i < 200; i++)
                        for (int j = 0; j < 200; j++)
                            norm += Math.Sqrt(seed * i + j);
                    s_norms.Add(norm);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void Count() => s_calls++;
            }
            """, """
            static class Stats
            {
                private static readonly List<double> s_norms = new List<double>();
                private static int s_calls;

                public static void Record(int seed)
                {
                    double norm = 0;
                    for (int i = 0; i < 200; i++)
                        for (int j = 0; j < 200; j++)
                            norm += Math.Sqrt(seed * i + j);
                    lock (typeof(Stats))
                    {
                        s_norms.Add(norm);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void Count() => s_calls++;
            }
            """, SynchronizedCpuMethodFixerTests.Driver("Stats.Record(i); Stats.Count();"));
    }

    [Fact]
    public async Task WorkReadsWhatTheSiblingWrites_NotNarrowed()
    {
        // Tune writes the scale the rendering reads: moved in front of lock (this), the loop could see half a change.
        var source = Usings + """
            sealed class Renderer
            {
                private readonly List<int[]> _tiles = new List<int[]>();
                private double _scale = 1;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Render(int tile)
                {
                    var pixels = new int[64 * 64];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Sin((tile * 64 + x) * _scale) * 1000);
                    _tiles.Add(pixels);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Tune(double scale) { _scale = scale; }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("renderer.Render(i); renderer.Tune(i);", "var renderer = new Renderer();");
        var offers = await CodeFixOffers.ForAsync(source);
        var render = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.NarrowHiddenLockKey, render.Keys);
    }

    [Fact]
    public async Task FixAll_TwoRenderMethodsBesideTheCounter()
    {
        const string Before = """
            sealed class Renderer
            {
                private readonly List<int[]> _tiles = new List<int[]>();
                private int _done;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Render|}(int tile)
                {
                    var pixels = new int[4096];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Sin((tile * 64 + x) * 0.01) * 1000);
                    _tiles.Add(pixels);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:RenderMirror|}(int tile)
                {
                    var pixels = new int[4096];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Cos((tile * 64 + x) * 0.01) * 1000);
                    _tiles.Add(pixels);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """;
        const string After = """
            sealed class Renderer
            {
                private readonly List<int[]> _tiles = new List<int[]>();
                private int _done;

                public void Render(int tile)
                {
                    var pixels = new int[4096];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Sin((tile * 64 + x) * 0.01) * 1000);
                    lock (this)
                    {
                        _tiles.Add(pixels);
                    }
                }

                public void RenderMirror(int tile)
                {
                    var pixels = new int[4096];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = (int)(Math.Cos((tile * 64 + x) * 0.01) * 1000);
                    lock (this)
                    {
                        _tiles.Add(pixels);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """;
        await VerifyAsync(Before, After, SynchronizedCpuMethodFixerTests.Driver("renderer.Render(i); renderer.RenderMirror(i); renderer.MarkDone();", "var renderer = new Renderer();"));
    }

    [Fact]
    public async Task StructMethod_NotNarrowed()
    {
        // A struct's hidden lock is its boxed copy: `lock (this)` does not compile there.
        var source = Usings + """
            struct Accumulator
            {
                private List<double> _sums;
                private int _done;

                public Accumulator(int capacity) { _sums = new List<double>(capacity); _done = 0; }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Add(int seed)
                {
                    double s = 0;
                    for (int i = 0; i < 300; i++)
                        for (int j = 0; j < 300; j++)
                            s += Math.Sqrt(seed * i + j);
                    _sums.Add(s);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("acc.Add(i); acc.MarkDone();", "var acc = new Accumulator(8);");
        var offers = await CodeFixOffers.ForAsync(source);
        var add = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.NarrowHiddenLockKey, add.Keys);
    }

    // Until the seventeenth stop these two were refusals (SynchronizedCpuMethodFixerTests.Refusal_NoActionOffered): the
    // sibling takes the same hidden lock, so the flag cannot go — but the sum can leave it, and the update stays under it.
    [Theory]
    [InlineData("""
            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Reset() { _total = 0; }
        """)]
    [InlineData("""
            public long Read() { lock (this) { return _total; } }
        """)]
    public async Task SumBesideAnotherUserOfTheHiddenLock_SumLeavesTheUpdateStays(string sibling)
    {
        const string Before = """
            class C
            {
                private long _total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Add|}(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++) s += i % 7;
                    _total += s;
                }

            """;
        const string After = """
            class C
            {
                private long _total;

                public void Add(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++) s += i % 7;
                    lock (this)
                    {
                        _total += s;
                    }
                }

            """;
        var driver = SynchronizedCpuMethodFixerTests.Driver("c.Add(i);", "var c = new C();");
        await VerifyAsync(Before + sibling + "}\n", After + sibling + "}\n", driver);
    }

    [Fact]
    public async Task NothingWouldStayUnderTheHiddenLock_NotNarrowed()
    {
        // A pure estimate beside a lock (this) that logs: narrowing would drop the lock, which is the remove action's call.
        var source = Usings + """
            sealed class Table
            {
                private readonly List<string> _log = new List<string>();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double Estimate(int seed)
                {
                    double s = 0;
                    for (int i = 0; i < 300; i++)
                        for (int j = 0; j < 300; j++)
                            s += Math.Sqrt(seed * i + j);
                    return s;
                }

                public void Audit(string line) { lock (this) { _log.Add(line); } }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("t.Estimate(i);", "var t = new Table();");
        var offers = await CodeFixOffers.ForAsync(source);
        var estimate = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.Empty(estimate.Keys);
    }

    [Fact]
    public async Task ArrayParameterTheSiblingMayWrite_NotNarrowed()
    {
        var source = Usings + """
            sealed class Sums
            {
                private readonly int[] _buffer = new int[4096];
                private readonly List<long> _totals = new List<long>();

                public int[] Buffer => _buffer;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Add(int[] data)
                {
                    long s = 0;
                    for (int r = 0; r < 64; r++)
                        for (int i = 0; i < data.Length; i++) s += data[i] * r;
                    _totals.Add(s);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Fill(int value) { for (int i = 0; i < _buffer.Length; i++) _buffer[i] = value; }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("s.Fill(i); s.Add(s.Buffer);", "var s = new Sums();");
        var offers = await CodeFixOffers.ForAsync(source);
        var add = offers.First(o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.NarrowHiddenLockKey, add.Keys);
    }
}
