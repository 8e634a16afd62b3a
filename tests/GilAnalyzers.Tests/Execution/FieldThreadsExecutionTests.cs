using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Threads kept in a private field array, each started with a per-thread argument object: fixed with the first code
/// action, the program must compute the same.
/// </summary>
public class FieldThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Linq;
        using System.Threading;

        public class Heightmap
        {
            private Thread[] strips = new Thread[5];
            private readonly double[] _cells;
            private readonly int _rows;

            public Heightmap(int rows)
            {
                _rows = rows;
                _cells = Enumerable.Range(0, rows * 64).Select(i => (double)(i % 13)).ToArray();
            }

            public void Erode()
            {
                int step = _rows / strips.Length;
                for (int s = 0; s < strips.Length; s++)
                {
                    strips[s] = new Thread(new ParameterizedThreadStart(ErodeStrip));
                    int top = step * s;
                    int bottom = s == strips.Length - 1 ? _rows : step * (s + 1);
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
                    for (int x = 0; x < 64; x++)
                        for (int pass = 0; pass < 20; pass++)
                            _cells[y * 64 + x] = Math.Sqrt(_cells[y * 64 + x] + x * y + pass);
            }

            public static string Run(int rows)
            {
                var map = new Heightmap(rows);
                map.Erode();
                map.Erode();
                return string.Join(";", map._cells.Select(v => v.ToString("R")));
            }

            private sealed class Strip
            {
                public Strip(int top, int bottom) { Top = top; Bottom = bottom; }
                public int Top { get; }
                public int Bottom { get; }
            }
        }
        """;

    [Fact]
    public async Task FixedFieldThreadsProgramComputesTheSame()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.Contains("Parallel.For(0, strips.Length, s =>", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Heightmap.Before"), "Heightmap.Run", 103);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Heightmap.After"), "Heightmap.Run", 103);

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
