using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil004 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A call through an interface, abstract or virtual member that the project implements itself is costed by the
/// implementations its own source declares (Core/Cost/SourceImplementations): the work behind <c>_renderer.Render(tile)</c>
/// is the loop nest of the one class that implements the interface. Implementations that wait keep the call waiting, a
/// call on a class narrows to that class's overrides, and an open extension point (more implementations than the bound)
/// stays unknown.
/// </summary>
public class SourceImplementationDispatchTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Threading; using System.Threading.Tasks;\n";

    private static string TileJob(string implementations) => Usings + """
        public interface ITileRenderer
        {
            float[] Render(int tile, int size);
        }

        """ + implementations + """

        public sealed class TileBatch
        {
            private readonly ITileRenderer _renderer;
            private readonly List<float[]> _tiles = new List<float[]>();
            private readonly object _gate = new object();

            public TileBatch(ITileRenderer renderer) => _renderer = renderer;

            public List<float[]> RenderAll(int tiles, int size)
            {
                using var countdown = new CountdownEvent(tiles);
                for (int t = 0; t < tiles; t++)
                {
                    int tile = t;
                    var task = {|#0:new Task(() =>
                    {
                        try
                        {
                            var pixels = _renderer.Render(tile, size);
                            lock (_gate) _tiles.Add(pixels);
                        }
                        finally
                        {
                            countdown.Signal();
                        }
                    })|};
                    task.Start();
                }
                countdown.Wait();
                return _tiles;
            }
        }
        """;

    private const string NoiseRenderer = """
        public sealed class NoiseRenderer : ITileRenderer
        {
            public float[] Render(int tile, int size)
            {
                var pixels = new float[size * size];
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                        pixels[y * size + x] = (float)Math.Sin(x * 0.1 + y * 0.3 + tile);
                return pixels;
            }
        }
        """;

    private const string FileRenderer = """
        public sealed class CachedTileRenderer : ITileRenderer
        {
            public float[] Render(int tile, int size)
            {
                var bytes = File.ReadAllBytes("tiles/" + tile + ".bin");
                var pixels = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, pixels, 0, pixels.Length * 4);
                return pixels;
            }
        }
        """;

    [Fact]
    public async Task TaskChunks_CallingAnInterfaceTheProjectImplementsWithLoops_Report()
    {
        await Gil004.VerifyAnalyzerAsync(TileJob(NoiseRenderer),
            Gil004.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'tiles'", "new Task + Start + CountdownEvent", "calls 'Render' (nested loop, 2 levels)"));
    }

    [Fact]
    public async Task TaskChunks_WhoseOnlyImplementationReadsFiles_StayQuiet()
    {
        await Gil004.VerifyAnalyzerAsync(TileJob(FileRenderer).Replace("{|#0:", string.Empty).Replace("})|};", "});"));
    }

    [Fact]
    public async Task AnOpenExtensionPoint_WithManyImplementations_StaysUnknown()
    {
        var many = string.Empty;
        for (int i = 0; i < 7; i++)
        {
            many += NoiseRenderer.Replace("NoiseRenderer", "NoiseRenderer" + i) + "\n";
        }

        await Gil004.VerifyAnalyzerAsync(TileJob(many).Replace("{|#0:", string.Empty).Replace("})|};", "});"));
    }

    private const string ScorerLock = Usings + """
        public abstract class Scorer
        {
            public abstract double Score(double[] features);
        }

        public sealed class KernelScorer : Scorer
        {
            private readonly double[][] _support;
            public KernelScorer(double[][] support) => _support = support;
            public override double Score(double[] features)
            {
                double s = 0;
                foreach (var v in _support)
                {
                    double d = 0;
                    for (int k = 0; k < v.Length; k++) d += (v[k] - features[k]) * (v[k] - features[k]);
                    s += Math.Exp(-d);
                }
                return s;
            }
        }

        public sealed class ConstantScorer : Scorer
        {
            public override double Score(double[] features) => 0.5;
        }

        public static class Batch
        {
            private static readonly object Gate = new object();

            public static double[] ScoreAll(SCORER scorer, double[][] rows)
            {
                var scores = new double[rows.Length];
                Parallel.For(0, rows.Length, i =>
                {
                    LOCK
                    {
                        scores[i] = scorer.Score(rows[i]);
                    }
                });
                return scores;
            }
        }
        """;

    [Fact]
    public async Task LockAroundAnAbstractCall_WithAComputingOverride_Reports()
    {
        await Gil001.VerifyAnalyzerAsync(ScorerLock.Replace("SCORER", "Scorer").Replace("LOCK", "{|#0:lock (Gate)|}"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("Gate", "calls 'Score' (nested loop, 2 levels)", "a Parallel.For body"));
    }

    [Fact]
    public async Task LockAroundACallOnTheConstantClass_NarrowsToItsOverride_StaysQuiet()
    {
        await Gil001.VerifyAnalyzerAsync(ScorerLock.Replace("SCORER", "ConstantScorer").Replace("LOCK", "lock (Gate)"));
    }
}
