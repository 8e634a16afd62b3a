using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL002's buffers per call when a Synchronized method resets them with <c>Array.Fill</c> and a value of the call (a
/// level the caller passes): run from a Parallel.For before and after the first (FixAll) action, the results must be the
/// same and the hidden lock gone.
/// </summary>
public class ScratchFilledWithValueExecutionTests
{
    private const string Program = """
        using System;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Threading.Tasks;

        public sealed class BinBuilder
        {
            private readonly double[] _sums;
            private readonly double[] _levels;

            public BinBuilder(int bins)
            {
                _sums = new double[bins];
                _levels = new double[bins];
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double Build(double[] values, int shift, double level)
            {
                Array.Fill(_sums, 0.0);
                Array.Fill(_levels, level * shift);
                double signal = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    int b = (i * 31 + shift) % _sums.Length;
                    _sums[b] += Math.Sqrt(i + values[i] * values[i]) + _levels[b];
                    _levels[b] *= 0.5;
                    signal += _sums[b] * 1e-3;
                }

                return signal;
            }
        }

        public static class Driver
        {
            public static string Run(int cells)
            {
                var builder = new BinBuilder(16);
                var data = Enumerable.Range(0, 20000).Select(i => Math.Sin(i * 0.01)).ToArray();
                var signals = new double[cells];
                Parallel.For(0, cells, i => signals[i] = builder.Build(data, i + 1, 0.25 * (i % 5)));
                return string.Join(",", signals);
            }
        }
        """;


    [Fact]
    public async Task SignalsWithoutTheHiddenLock_SameAfterTheFirstAction()
    {
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(Program, "FilledWithValue", "Driver.Run", 24);

        Assert.Equal(1, outcome.Applied.Count(fix => fix.EquivalenceKey == SynchronizedCpuMethodFixer.ScratchToLocalKey));
        Assert.DoesNotContain("Synchronized", outcome.Source, StringComparison.Ordinal);
        Assert.Contains("Enumerable.Repeat", outcome.Source, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
