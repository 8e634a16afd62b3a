using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock in parallel code that only copies a block computed before it into a shared array, element by element
/// (a tile into an atlas): the copy is the store the lock guards, Array.Copy written by hand, bound by memory rather
/// than by a core. A loop that computes on the values under the lock (a blend) is still work and stays reported.
/// </summary>
public class Locks46CopyLoopTests
{
    private const string Atlas = """
        using System;
        using System.Threading.Tasks;

        public sealed class TileAtlas
        {
            private readonly object _gate = new object();
            private readonly int[] _pixels;
            private readonly int _tileSide;
            private readonly int _tilesPerRow;

            public TileAtlas(int tileSide, int tilesPerRow)
            {
                _tileSide = tileSide;
                _tilesPerRow = tilesPerRow;
                _pixels = new int[tileSide * tileSide * tilesPerRow * tilesPerRow];
            }

            private int[] Shade(int tile)
            {
                var result = new int[_tileSide * _tileSide];
                for (var y = 0; y < _tileSide; y++)
                {
                    for (var x = 0; x < _tileSide; x++)
                    {
                        result[y * _tileSide + x] = (x * 31 + y * 17 + tile) & 0xFF;
                    }
                }

                return result;
            }

        """;

    [Fact]
    public async Task TileCopiedIntoSharedAtlasUnderLock_NoDiagnostic()
    {
        var source = Atlas + """
                public void Build(int tileCount)
                {
                    Parallel.For(0, tileCount, t =>
                    {
                        var tile = Shade(t);
                        lock (_gate)
                        {
                            var rowWidth = _tileSide * _tilesPerRow;
                            var start = (t % _tilesPerRow) * _tileSide + (t / _tilesPerRow) * _tileSide * rowWidth;
                            var target = start;
                            var from = 0;
                            for (var y = 0; y < _tileSide; y++)
                            {
                                for (var x = 0; x < _tileSide; x++)
                                {
                                    if (target >= _pixels.Length || from >= tile.Length)
                                    {
                                        throw new InvalidOperationException("tile " + t + " does not fit at " + target);
                                    }

                                    _pixels[target++] = tile[from++];
                                }

                                start += rowWidth;
                                target = start;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TileBlendedIntoSharedAtlasUnderLock_IsReported()
    {
        // The same walk, but every element is mixed with what the atlas holds: arithmetic on each value, not a copy.
        var source = Atlas + """
                public void Build(int tileCount)
                {
                    Parallel.For(0, tileCount, t =>
                    {
                        var tile = Shade(t);
                        {|#0:lock (_gate)|}
                        {
                            var rowWidth = _tileSide * _tilesPerRow;
                            var start = (t % _tilesPerRow) * _tileSide + (t / _tilesPerRow) * _tileSide * rowWidth;
                            var target = start;
                            var from = 0;
                            for (var y = 0; y < _tileSide; y++)
                            {
                                for (var x = 0; x < _tileSide; x++)
                                {
                                    _pixels[target] = (_pixels[target] * 3 + tile[from++]) / 4;
                                    target++;
                                }

                                start += rowWidth;
                                target = start;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_gate", "nested loop, 2 levels", "a Parallel.For body"));
    }

    [Fact]
    public async Task TileShadedInsideTheLock_IsReported()
    {
        // The copy's source is computed under the lock: the shading is the work the lock serialises.
        var source = Atlas + """
                public void Build(int tileCount)
                {
                    Parallel.For(0, tileCount, t =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            var tile = Shade(t);
                            var start = t * _tileSide * _tileSide;
                            for (var i = 0; i < tile.Length; i++)
                            {
                                _pixels[start + i] = tile[i];
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_gate", "calls 'Shade' (nested loop, 2 levels)", "a Parallel.For body"));
    }
}
