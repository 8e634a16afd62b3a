using GilAnalyzers.CodeFixes;
using GilAnalyzers.Processes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

public class ProcessGlobalStateUnderLockFixerTests
{
    /// <summary>
    /// The real GilAnalyzers.Processes assembly (net8.0, like the tests' reference assemblies), as a consumer
    /// that references the package compiles against it.
    /// </summary>
    internal static readonly MetadataReference PoolAssembly = MetadataReference.CreateFromFile(typeof(ProcessPool).Assembly.Location);

    private const string Codec = """
        public static class Codec
        {
            private static readonly double[] s_window = new double[64];

            public static double Encode(double[] frame)
            {
                System.Array.Clear(s_window, 0, s_window.Length);
                double acc = 0;
                for (int i = 0; i < frame.Length; i++)
                {
                    s_window[i % 64] += frame[i];
                    acc += s_window[(i * 7) % 64];
                }
                return acc;
            }
        }

        """;

    /// <summary>A verifier run of the process-pool action (its equivalence key) with the real GilAnalyzers.Processes referenced.</summary>
    internal static VerifyCS.Test Test(string source, string? fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test { LanguageVersion = version, CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ProcessPoolKey };
        test.TestState.Sources.Add(("/0/Test0.cs", source));
        test.TestState.AdditionalReferences.Add(PoolAssembly);
        if (fixedSource is not null)
        {
            test.FixedState.Sources.Add(("/0/Test0.cs", fixedSource));
            test.FixedState.AdditionalReferences.Add(PoolAssembly);
        }

        return test;
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ParallelForOverArrays_BecomesProcessPoolMap(LanguageVersion version)
    {
        var source = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    {
                        var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(Codec.Encode, frames);
                        for (int k = 0; k < frames.Length; k++) outputs[k] = results[k];
                    }
                }
            }
            """;
        await Test(source, fixedSource, version).RunAsync();
    }

    [Fact]
    public async Task ParallelForOverASubRange_MapsTheRangeInOrder()
    {
        var source = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, int start, int end)
                {
                    Parallel.For(start, end, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, int start, int end)
                {
                    {
                        var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(Codec.Encode, System.Linq.Enumerable.Select(System.Linq.Enumerable.Range(start, end - start), k => frames[k]));
                        for (int k = start; k < end; k++) outputs[k] = results[k - start];
                    }
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    private const string Solver = """
        public static class Solver
        {
            private static readonly long[] s_scratch = new long[32];

            public static long Solve(int seed)
            {
                System.Array.Clear(s_scratch, 0, s_scratch.Length);
                long best = 0;
                for (int step = 0; step < 10000; step++)
                {
                    s_scratch[(seed + step) % 32] += step ^ seed;
                    best = System.Math.Max(best, s_scratch[(step * 5) % 32]);
                }
                return best;
            }
        }

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ParallelForWhoseItemIsTheIndex_MapsTheRange(LanguageVersion version)
    {
        var source = "using System.Threading.Tasks;\n" + Solver + """
            class Runner
            {
                static readonly object Gate = new object();

                static long[] Run(int count)
                {
                    var results = new long[count];
                    Parallel.For(0, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Solver.Solve(i);
                        }
                    });
                    return results;
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Solver + """
            class Runner
            {
                static readonly object Gate = new object();

                static long[] Run(int count)
                {
                    var results = new long[count];
                    {
                        var results1 = GilAnalyzers.Processes.ProcessPool.Shared.Map(Solver.Solve, System.Linq.Enumerable.Range(0, count));
                        for (int i = 0; i < count; i++) results[i] = results1[i];
                    }
                    return results;
                }
            }
            """;
        await Test(source, fixedSource, version).RunAsync();
    }

    [Fact]
    public async Task ParallelForWhoseItemIsALongIndex_OffersNoFix()
    {
        // Enumerable.Range counts in int: a long index is not rewritten.
        var source = "using System.Threading.Tasks;\n" + Solver.Replace("Solve(int seed)", "Solve(long seed)") + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(long count, long[] results)
                {
                    Parallel.For(0L, count, i =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results[i] = Solver.Solve(i);
                        }
                    });
                }
            }
            """;
        await Test(source, null).RunAsync();
    }

    [Fact]
    public async Task ParallelForEachAddingToAList_BecomesAddRangeOfMap()
    {
        var source = "using System.Collections.Generic; using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static List<double> Run(List<double[]> frames)
                {
                    var results = new List<double>();
                    Parallel.ForEach(frames, frame =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            results.Add(Codec.Encode(frame));
                        }
                    });
                    return results;
                }
            }
            """;
        var fixedSource = "using System.Collections.Generic; using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static List<double> Run(List<double[]> frames)
                {
                    var results = new List<double>();
                    results.AddRange(GilAnalyzers.Processes.ProcessPool.Shared.Map(Codec.Encode, frames));
                    return results;
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task FixAll_RewritesEveryFanOut()
    {
        const string body = """
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
            """;
        const string fixedBody = """
                    {
                        var results = GilAnalyzers.Processes.ProcessPool.Shared.Map(Codec.Encode, frames);
                        for (int k = 0; k < frames.Length; k++) outputs[k] = results[k];
                    }
            """;
        var source = "using System.Threading.Tasks;\n" + Codec + "class Runner\n{\n    static readonly object Gate = new object();\n"
            + "    static void A(double[][] frames, double[] outputs)\n    {\n" + body + "\n    }\n"
            + "    static void B(double[][] frames, double[] outputs)\n    {\n" + body + "\n    }\n}\n";
        var fixedSource = "using System.Threading.Tasks;\n" + Codec + "class Runner\n{\n    static readonly object Gate = new object();\n"
            + "    static void A(double[][] frames, double[] outputs)\n    {\n" + fixedBody + "\n    }\n"
            + "    static void B(double[][] frames, double[] outputs)\n    {\n" + fixedBody + "\n    }\n}\n";
        var test = Test(source, fixedSource);
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Theory]
    [InlineData("no reset: the window carries over from item to item", "")]
    [InlineData("read before the reset", "double first = s_window[0]; System.Array.Clear(s_window, 0, s_window.Length);")]
    public async Task StateCarriedBetweenItems_OffersNoFix(string _, string start)
    {
        var codec = Codec.Replace("System.Array.Clear(s_window, 0, s_window.Length);", start);
        var source = "using System.Threading.Tasks;\n" + codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        await Test(source, source).RunAsync();
    }

    [Fact]
    public async Task WithoutTheProcessesPackage_ScratchStateGetsTheThreadLevelFixFirst()
    {
        // The codec clears its static window at every call: a new window per call makes the state per call, and the
        // work leaves the lock — no worker process needed, and none available (the package is not referenced).
        var source = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Codec.Replace("System.Array.Clear(s_window, 0, s_window.Length);", "var window = new double[s_window.Length];").Replace("s_window[i % 64]", "window[i % 64]").Replace("s_window[(i * 7) % 64]", "window[(i * 7) % 64]") + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        var value = Codec.Encode(frames[k]);
                        lock (Gate)
                        {
                            outputs[k] = value;
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, FixedCode = fixedSource, CodeActionIndex = 0, CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ScratchToLocalKey };
        await test.RunAsync();
    }

    [Fact]
    public async Task WithoutTheProcessesPackage_FixAllRewritesEveryFanOutOverTheSameCodec()
    {
        var source = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, double[] previews)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            previews[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        var fixedSource = "using System.Threading.Tasks;\n" + Codec.Replace("System.Array.Clear(s_window, 0, s_window.Length);", "var window = new double[s_window.Length];").Replace("s_window[i % 64]", "window[i % 64]").Replace("s_window[(i * 7) % 64]", "window[(i * 7) % 64]") + """
            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] frames, double[] outputs, double[] previews)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        var value = Codec.Encode(frames[k]);
                        lock (Gate)
                        {
                            outputs[k] = value;
                        }
                    });
                    Parallel.For(0, frames.Length, k =>
                    {
                        var value = Codec.Encode(frames[k]);
                        lock (Gate)
                        {
                            previews[k] = value;
                        }
                    });
                }
            }
            """;
        // One site at a time, the first fix already makes the codec's state per call: the second lock then guards no
        // process-wide state (GIL006 is gone there; GIL001 reports it, and its own fix moves the call out).
        var oneAtATime = fixedSource.Replace("""
                    Parallel.For(0, frames.Length, k =>
                    {
                        var value = Codec.Encode(frames[k]);
                        lock (Gate)
                        {
                            previews[k] = value;
                        }
                    });
            """, """
                    Parallel.For(0, frames.Length, k =>
                    {
                        lock (Gate)
                        {
                            previews[k] = Codec.Encode(frames[k]);
                        }
                    });
            """);
        Assert.NotEqual(fixedSource, oneAtATime);
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = oneAtATime,
            BatchFixedCode = fixedSource,
            CodeActionEquivalenceKey = ProcessGlobalStateUnderLockFixer.ScratchToLocalKey,
            NumberOfIncrementalIterations = 1,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task WithoutTheProcessesPackage_StateKeptBetweenCallsOffersNoFix()
    {
        // The model's weights carry over from call to call: neither threads nor (without the package) processes.
        var source = "using System.Threading.Tasks;\n" + """
            public static class Model
            {
                private static readonly double[] s_weights = new double[64];

                public static double Train(double[] sample)
                {
                    double loss = 0;
                    for (int i = 0; i < sample.Length; i++)
                    {
                        double error = sample[i] - s_weights[i % 64];
                        s_weights[i % 64] += 0.01 * error;
                        loss += error * error;
                    }
                    return loss;
                }
            }

            class Runner
            {
                static readonly object Gate = new object();

                static void Run(double[][] samples, double[] losses)
                {
                    Parallel.For(0, samples.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            losses[k] = Model.Train(samples[k]);
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, FixedCode = source };
        await test.RunAsync();
    }

    [Fact]
    public async Task MoreThanOneCallOrExtraStatements_OffersNoFix()
    {
        var source = "using System.Threading.Tasks;\n" + Codec + """
            class Runner
            {
                static readonly object Gate = new object();
                static int s_done;

                static void Run(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k =>
                    {
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]) + Codec.Encode(frames[0]);
                        }
                    });
                    Parallel.For(0, frames.Length, k =>
                    {
                        s_done++;
                        {|GIL006:lock (Gate)|}
                        {
                            outputs[k] = Codec.Encode(frames[k]);
                        }
                    });
                }
            }
            """;
        await Test(source, source).RunAsync();
    }
}
