namespace GilAnalyzers.Harness.Tests;

/// <summary>The user programs the tests feed to gil-bench.</summary>
internal static class Programs
{
    /// <summary>GIL001's canonical shape: a static lock around a CPU-bound loop in a Parallel.For body. `--entry Work.Run`.</summary>
    public const string SerialisedSum = """
        using System.Threading.Tasks;

        Console.WriteLine(Work.Run());

        static class Work
        {
            static readonly object Gate = new object();

            public static double Run()
            {
                var results = new double[4];
                Parallel.For(0, 4, i =>
                {
                    lock (Gate)
                    {
                        double s = 0;
                        for (int k = 0; k < 2_000_000; k++)
                        {
                            s += Math.Sqrt(k + i);
                        }

                        results[i] = s;
                    }
                });
                return results.Sum();
            }
        }

        """;

    /// <summary>Nothing for GilAnalyzers to report.</summary>
    public const string Clean = """
        Console.WriteLine(6 * 7);

        """;

    /// <summary>Misbehaves as told by its first argument: throw, exit 7, or hang (after starting a `sleep` child).</summary>
    public const string Misbehaving = """
        using System.Diagnostics;

        switch (args.Length > 0 ? args[0] : "")
        {
            case "throw":
                throw new InvalidOperationException("boom-42");
            case "exit":
                return 7;
            case "hang":
                var child = Process.Start("sleep", "600")!;
                File.WriteAllText(args[1], Environment.ProcessId + " " + child.Id);
                Thread.Sleep(Timeout.Infinite);
                break;
        }

        Console.WriteLine("fine");
        return 0;

        """;

    public const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <AssemblyName>Totals</AssemblyName>
          </PropertyGroup>
        </Project>

        """;

    public static string ProjectProgram(string expression) => $$"""
        namespace Totals
        {
            internal static class Program
            {
                private static void Main()
                {
                    long s = 0;
                    for (int i = 0; i < 100000; i++)
                    {
                        s += i % 7;
                    }

                    System.Console.WriteLine("total " + ({{expression}}));
                }
            }
        }

        """;

    /// <summary>
    /// GIL006's shape (the locked work mutates static state), with an in-process stand-in for
    /// GilAnalyzers.Processes.ProcessPool so the real GIL006 code fix applies and AFTER builds. `--entry Runner.Run`.
    /// </summary>
    public const string EntangledCodec = """
        using System.Threading.Tasks;

        Console.WriteLine(Runner.Run());

        public static class Codec
        {
            // Internal: other code could reach the window, so only worker processes (each with its own copy) are proven safe.
            internal static readonly double[] s_window = new double[64];

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

        static class Runner
        {
            static readonly object Gate = new object();

            public static double Run()
            {
                var frames = new double[16][];
                for (int f = 0; f < frames.Length; f++)
                {
                    frames[f] = new double[200_000];
                    for (int i = 0; i < frames[f].Length; i++) frames[f][i] = (i * 31 + f) % 97;
                }

                var outputs = new double[frames.Length];
                Parallel.For(0, frames.Length, k =>
                {
                    lock (Gate)
                    {
                        outputs[k] = Codec.Encode(frames[k]);
                    }
                });
                return outputs.Sum();
            }
        }

        namespace GilAnalyzers.Processes
        {
            // Stand-in for the package: same surface, runs the items in this process.
            public sealed class ProcessPool
            {
                public static ProcessPool Shared { get; } = new ProcessPool();
                public TOut[] Map<TIn, TOut>(System.Func<TIn, TOut> work, System.Collections.Generic.IEnumerable<TIn> items, int chunkSize = 1, System.TimeSpan? itemTimeout = null, System.Threading.CancellationToken cancellationToken = default)
                    => items.Select(work).ToArray();
            }
        }

        """;
}
