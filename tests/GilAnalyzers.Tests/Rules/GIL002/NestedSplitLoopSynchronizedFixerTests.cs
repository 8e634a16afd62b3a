using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyGil002 = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: GIL002's narrowing beside other users of the hidden lock, with the CPU-bound work a perfect loop nest over a
/// tile's pixels: the pixels are computed unlocked and written under <c>lock (this)</c> in the nest's order.
/// </summary>
public class NestedSplitLoopSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private const string HeatMapBefore = """
        sealed class HeatMap
        {
            private readonly int[] _colours = new int[64];
            private readonly int[] _pixels;
            private readonly int _stride;
            private int _blocks;

            public HeatMap(int width, int height)
            {
                _stride = width;
                _pixels = new int[width * height];
                for (int i = 0; i < _colours.Length; i++) _colours[i] = i * 0x040404;
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void {|GIL002:DrawBlock|}(int x0, int y0, int size, double phase)
            {
                for (int y = y0; y < y0 + size; y++)
                {
                    for (int x = x0; x < x0 + size; x++)
                    {
                        double field = Math.Cos(x * 0.05 + phase) * Math.Sin(y * 0.07 - phase) + Math.Sqrt(x * x + y * y) * 0.01;
                        int shade = (int)(Math.Abs(field) * 40) % 64;
                        _pixels[y * _stride + x] = _colours[shade];
                    }
                }
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void BlockDone() => _blocks++;
        }
        """;

    private const string HeatMapAfter = """
        sealed class HeatMap
        {
            private readonly int[] _colours = new int[64];
            private readonly int[] _pixels;
            private readonly int _stride;
            private int _blocks;

            public HeatMap(int width, int height)
            {
                _stride = width;
                _pixels = new int[width * height];
                for (int i = 0; i < _colours.Length; i++) _colours[i] = i * 0x040404;
            }

            public void DrawBlock(int x0, int y0, int size, double phase)
            {
                var pending = new List<(int y, int x, int shade)>();
                try
                {
                    for (int y = y0; y < y0 + size; y++)
                    {
                        for (int x = x0; x < x0 + size; x++)
                        {
                            double field = Math.Cos(x * 0.05 + phase) * Math.Sin(y * 0.07 - phase) + Math.Sqrt(x * x + y * y) * 0.01;
                            int shade = (int)(Math.Abs(field) * 40) % 64;
                            pending.Add((y, x, shade));
                        }
                    }
                }
                finally
                {
                    lock (this)
                    {
                        foreach (var (y, x, shade) in pending)
                        {
                            _pixels[y * _stride + x] = _colours[shade];
                        }
                    }
                }
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void BlockDone() => _blocks++;
        }
        """;

    [Fact]
    public async Task SynchronizedTileRenderer_PixelsComputedOutside_WrittenUnderTheHiddenLockInOrder()
    {
        var driver = SynchronizedCpuMethodFixerTests.Driver("map.DrawBlock(i * 16, 0, 16, 0.5); map.BlockDone();", "var map = new HeatMap(128, 16);");
        var test = new VerifyGil002.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + HeatMapBefore,
            FixedCode = Usings + HeatMapAfter,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowHiddenLockKey,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }
}
