using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// A matrix product split row band by row band over threads that each get their band in a constructed state object
/// (<c>thread.Start(new RowBand(from, to, a, b, c))</c>, a constructor that only stores its parameters) and are waited
/// for by polling <c>IsAlive</c>: run before and after the partitions fix, the product must be the same cell for cell;
/// and pool items handed constructed strips, joined by a <c>CountdownEvent</c>: the same longest chains after GIL004's fix.
/// </summary>
public class ConstructedStateThreadsExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;

        sealed class RowBand
        {
            public readonly int From;
            public readonly int To;
            public readonly double[,] A;
            public readonly double[,] B;
            public readonly double[,] C;

            public RowBand(int from, int to, double[,] a, double[,] b, double[,] c)
            {
                From = from;
                To = to;
                A = a;
                B = b;
                this.C = c;
            }
        }

        public static class Product
        {
            static void MultiplyRows(object state)
            {
                var band = (RowBand)state;
                int n = band.A.GetLength(1), m = band.B.GetLength(1);
                for (int i = band.From; i < band.To; i++)
                    for (int j = 0; j < m; j++)
                    {
                        double sum = 0;
                        for (int k = 0; k < n; k++) sum += band.A[i, k] * band.B[k, j];
                        band.C[i, j] = sum;
                    }
            }

            public static string Run(int size)
            {
                var a = new double[size, size];
                var b = new double[size, size];
                for (int i = 0; i < size; i++)
                    for (int j = 0; j < size; j++) { a[i, j] = (i * 31 + j * 17) % 13 - 6; b[i, j] = (i * 7 + j * 11) % 9 - 4; }
                var c = new double[size, size];
                var threads = new List<Thread>();
                int bands = 6, rows = size / bands;
                for (int t = 0; t < bands; t++)
                {
                    int to = t == bands - 1 ? size : (t + 1) * rows;
                    var thread = new Thread(MultiplyRows);
                    thread.Start(new RowBand(t * rows, to, a, b, c));
                    threads.Add(thread);
                }
                while (threads.Any(th => th.IsAlive)) { Thread.Sleep(5); }
                double check = 0;
                for (int i = 0; i < size; i++)
                    for (int j = 0; j < size; j++) check += c[i, j] * ((i + 2 * j) % 5 + 1);
                return check.ToString("R");
            }
        }
        """;

    [Fact]
    public async Task ConstructedBandsPolledByIsAlive_SameProduct()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);
        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        Assert.DoesNotContain("IsAlive", outcome.Source, StringComparison.Ordinal);
        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Product.Before"), "Product.Run", 120);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Product.After"), "Product.Run", 120);
        Assert.NotNull(before);
        Assert.Equal(before, after);
    }

    private const string PoolProgram = """
        using System;
        using System.Threading;

        sealed class Strip
        {
            public readonly int From;
            public readonly int To;

            public Strip(int from, int to)
            {
                From = from;
                To = to;
            }
        }

        public static class Collatz
        {
            public static string Run(int limit)
            {
                var longest = new int[8];
                int parts = longest.Length, step = limit / parts;
                using (var done = new CountdownEvent(parts))
                {
                    for (int p = 0; p < parts; p++)
                    {
                        int slot = p;
                        ThreadPool.QueueUserWorkItem(state =>
                        {
                            var strip = (Strip)state;
                            int best = 0;
                            for (int n = strip.From; n < strip.To; n++)
                            {
                                long x = n; int steps = 0;
                                while (x > 1) { x = (x & 1) == 0 ? x / 2 : 3 * x + 1; steps++; }
                                best = Math.Max(best, steps);
                            }
                            longest[slot] = best;
                            done.Signal();
                        }, (object)new Strip(1 + p * step, p == parts - 1 ? limit : 1 + (p + 1) * step));
                    }
                    done.Wait();
                }
                return string.Join(",", longest);
            }
        }
        """;

    [Fact]
    public async Task PoolItemsWithConstructedStrips_SameLongestChains()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(PoolProgram);
        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == HandRolledPoolFanOutFixer.ParallelForKey);
        Assert.DoesNotContain("CountdownEvent", outcome.Source, StringComparison.Ordinal);
        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(PoolProgram, "Collatz.Before"), "Collatz.Run", 200_000);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Collatz.After"), "Collatz.Run", 200_000);
        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
