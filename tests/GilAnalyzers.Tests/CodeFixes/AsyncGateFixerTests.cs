using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// GIL001's move-out on an awaited one-slot gate, <c>await gate.WaitAsync(); try { … } finally { gate.Release(); }</c>, as
/// async services write it around rendering or hashing fanned out with <c>Task.Run</c>: the CPU part moves in front of
/// the await and only the shared update stays gated; a gate that then guards nothing goes with its try/finally.
/// </summary>
public class AsyncGateFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>The gate sits in a method that Task.Run fans out: the compilation-end (non-local) form of GIL001.</summary>
    private static async Task VerifyAsync(string source, string fixedSource)
        => await new VerifyCallee.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    private static string Tiles(string body) => Usings + """
        public sealed class TileCache
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private int _rendered;

            private static int Shade(int x, int y) { double h = 0; for (int o = 1; o < 64; o++) h += Math.Sin(x * 0.01 * o) * Math.Cos(y * 0.01 * o) / o; return (int)(h * 100); }

            public async Task<int[]> RenderAsync(int tile)
            {
        """ + "\n" + body + "\n" + """
            }

            public static async Task<int> WarmAsync(TileCache cache, int count)
            {
                var jobs = new List<Task<int[]>>();
                for (int t = 0; t < count; t++)
                {
                    int tile = t;
                    jobs.Add(Task.Run(() => cache.RenderAsync(tile)));
                }
                var all = await Task.WhenAll(jobs);
                return all.Length;
            }
        }
        """;

    [Fact]
    public async Task RenderingUnderAnAwaitedGate_MovesInFrontOfTheAwait()
    {
        await VerifyAsync(Tiles("""
                    int[] pixels;
                    await {|GIL001:_gate.WaitAsync()|};
                    try
                    {
                        pixels = new int[64 * 64];
                        for (int y = 0; y < 64; y++)
                            for (int x = 0; x < 64; x++)
                                pixels[y * 64 + x] = Shade(tile * 64 + x, y);
                        _rendered++;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    return pixels;
            """), Tiles("""
                    int[] pixels;
                    pixels = new int[64 * 64];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = Shade(tile * 64 + x, y);
                    await _gate.WaitAsync();
                    try
                    {
                        _rendered++;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    return pixels;
            """));
    }

    [Fact]
    public async Task AwaitedGateAroundOwnWorkOnly_IsDroppedWithItsTryFinally()
    {
        await VerifyAsync(Tiles("""
                    int[] pixels;
                    await {|GIL001:_gate.WaitAsync()|};
                    try
                    {
                        pixels = new int[64 * 64];
                        for (int y = 0; y < 64; y++)
                            for (int x = 0; x < 64; x++)
                                pixels[y * 64 + x] = Shade(tile * 64 + x, y);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    return pixels;
            """), Tiles("""
                    int[] pixels;
                    pixels = new int[64 * 64];
                    for (int y = 0; y < 64; y++)
                        for (int x = 0; x < 64; x++)
                            pixels[y * 64 + x] = Shade(tile * 64 + x, y);
                    return pixels;
            """));
    }

    [Fact]
    public async Task AwaitedGateWithATimeout_IsNotRewritten()
    {
        var offers = await CodeFixOffers.ForAsync(Tiles("""
                    int[] pixels;
                    await _gate.WaitAsync(TimeSpan.FromSeconds(5));
                    try
                    {
                        pixels = new int[64 * 64];
                        for (int y = 0; y < 64; y++)
                            for (int x = 0; x < 64; x++)
                                pixels[y * 64 + x] = Shade(tile * 64 + x, y);
                        _rendered++;
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    return pixels;
            """));

        Assert.NotEmpty(offers);
        Assert.All(offers, o => Assert.Empty(o.Keys));
    }
}
