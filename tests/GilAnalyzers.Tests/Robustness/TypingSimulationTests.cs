using System.Collections.Immutable;
using GilAnalyzers.Testing;
using GilAnalyzers.Testing.Typing;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GilAnalyzers.Tests.Robustness;

/// <summary>
/// What an IDE hands the analyzers and fixers while someone types: every sample under samples/ and a few realistic
/// snippets, cut at every line end and at pauses inside lines (<see cref="TypingSimulator"/>). Wherever a diagnostic
/// appears, every fixer for it is asked for code actions and their operations are computed. Zero exceptions allowed.
/// </summary>
public sealed class TypingSimulationTests
{
    private const int MaxPrefixesPerFile = 120;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(
        () => TestReferences.Net100.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));

    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n\n";

    /// <summary>Realistic code in the shapes the rules look for; the samples come and go, these stay.</summary>
    private static readonly Dictionary<string, string> Snippets = new(StringComparer.Ordinal)
    {
        ["lock around nested loop in Parallel.For"] = Usings + """
            namespace Demo;

            public static class Histogram
            {
                private static readonly object Gate = new();
                private static readonly Dictionary<int, long> Counts = new();

                public static long Run(int[] data, int width)
                {
                    long total = 0;
                    Parallel.For(0, data.Length / width, row =>
                    {
                        lock (Gate)
                        {
                            for (var x = 0; x < width; x++)
                            {
                                for (var k = 0; k < 64; k++)
                                {
                                    total += (data[row * width + x] * k) % 7;
                                }
                            }

                            Counts[row % 16] = Counts.TryGetValue(row % 16, out var c) ? c + 1 : 1;
                        }
                    });
                    return total;
                }
            }
            """,
        ["synchronized method, Monitor and System.Threading.Lock"] = Usings + """
            using System.Runtime.CompilerServices;
            using System.Security.Cryptography;

            namespace Demo;

            public sealed class Hasher
            {
                private readonly Lock sync = new();
                private readonly object monitor = new();
                private byte[] last = Array.Empty<byte>();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public byte[] HashMany(byte[][] blocks)
                {
                    var result = Array.Empty<byte>();
                    foreach (var block in blocks)
                    {
                        result = SHA256.HashData(block);
                    }

                    return result;
                }

                public void WithScope(byte[][] blocks)
                {
                    Parallel.ForEach(blocks, block =>
                    {
                        using (sync.EnterScope())
                        {
                            for (var i = 0; i < 1000; i++) { last = SHA256.HashData(block); }
                        }
                    });
                }

                public void WithMonitor(byte[][] blocks)
                {
                    Parallel.ForEach(blocks, block =>
                    {
                        var taken = false;
                        try
                        {
                            Monitor.Enter(monitor, ref taken);
                            for (var i = 0; i < 1000; i++) { last = SHA256.HashData(block); }
                        }
                        finally
                        {
                            if (taken) { Monitor.Exit(monitor); }
                        }
                    });
                }
            }
            """,
        ["raw threads, thread pool and fake-parallel async"] = Usings + """
            namespace Demo;

            public static class FanOut
            {
                private static readonly SemaphoreSlim Gate = new(1, 1);
                private static double sum;

                public static double Threads(double[] values)
                {
                    var threads = new Thread[Environment.ProcessorCount];
                    var chunk = values.Length / threads.Length;
                    for (var t = 0; t < threads.Length; t++)
                    {
                        var start = t * chunk;
                        threads[t] = new Thread(() =>
                        {
                            for (var i = start; i < start + chunk; i++) { sum += Math.Sqrt(values[i]); }
                        });
                        threads[t].Start();
                    }

                    foreach (var thread in threads) { thread.Join(); }
                    return sum;
                }

                public static void Pool(int[] items)
                {
                    using var done = new CountdownEvent(items.Length);
                    foreach (var item in items)
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            for (var i = 0; i < item; i++) { for (var j = 0; j < item; j++) { Interlocked.Increment(ref item); } }
                            done.Signal();
                        });
                    }

                    done.Wait();
                }

                public static async Task<int[]> Async(int[] inputs) =>
                    await Task.WhenAll(inputs.Select(ComputeAsync));

                private static async Task<int> ComputeAsync(int n)
                {
                    var acc = 0;
                    for (var i = 0; i < n; i++) { for (var j = 0; j < n; j++) { acc ^= i * j; } }
                    await Gate.WaitAsync();
                    try { return acc; } finally { Gate.Release(); }
                }
            }
            """,
        ["static state under a lock, called from Parallel.For"] = Usings + """
            namespace Demo;

            public static class Legacy
            {
                private static readonly object Sync = new();
                private static int[] scratch = new int[256];
                private static int seed;

                public static int[] Process(int[] items)
                {
                    var results = new int[items.Length];
                    Parallel.For(0, items.Length, i =>
                    {
                        lock (Sync)
                        {
                            results[i] = Transform(items[i]);
                        }
                    });
                    return results;
                }

                private static int Transform(int value)
                {
                    seed = value;
                    for (var i = 0; i < scratch.Length; i++)
                    {
                        for (var j = 0; j < 100; j++) { scratch[i] = (scratch[i] + seed * j) % 9973; }
                    }

                    return scratch.Sum();
                }
            }
            """,
    };

    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var name in Snippets.Keys)
        {
            data.Add("snippet: " + name);
        }

        foreach (var file in SampleFiles())
        {
            data.Add("sample: " + Path.GetRelativePath(Repository.Root, file).Replace('\\', '/'));
        }

        return data;
    }

    /// <summary>Every .cs file under samples/ (bin/obj left out), whatever samples exist when the tests run.</summary>
    private static IEnumerable<string> SampleFiles()
    {
        var samples = Path.Combine(Repository.Root, "samples");
        if (!Directory.Exists(samples))
        {
            return Array.Empty<string>();
        }

        return Directory.EnumerateFiles(samples, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    private static (string Path, string Text) Load(string input)
    {
        const string sample = "sample: ";
        if (input.StartsWith(sample, StringComparison.Ordinal))
        {
            var relative = input.Substring(sample.Length);
            return (relative, File.ReadAllText(Path.Combine(Repository.Root, relative)));
        }

        var name = input.Substring("snippet: ".Length);
        return (name + ".cs", Snippets[name]);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Analyzers_and_fixers_never_throw_while_the_file_is_typed(string input)
    {
        var (path, text) = Load(input);
        var simulator = new TypingSimulator(
            GilCatalog.CreateAnalyzers(),
            GilCatalog.CreateFixers(),
            await References.Value,
            ParseOptions,
            MaxPrefixesPerFile);

        var result = await simulator.SimulateAsync(path, text, CancellationToken.None);

        Assert.True(result.Prefixes > 1, $"{path}: only {result.Prefixes} prefix(es) simulated.");
        Assert.True(
            result.Failures.Count == 0,
            $"{result.Failures.Count} failure(s) over {result.Prefixes} prefixes of {path}:\n" + string.Join("\n\n", result.Failures));
    }

    /// <summary>The simulation really reaches diagnostics (and so the fixers): on the GIL001 snippet some prefixes report.</summary>
    [Fact]
    public async Task The_simulation_reaches_diagnostics_on_complete_code()
    {
        var simulator = new TypingSimulator(GilCatalog.CreateAnalyzers(), GilCatalog.CreateFixers(), await References.Value, ParseOptions, MaxPrefixesPerFile);

        var result = await simulator.SimulateAsync("gil001.cs", Snippets["lock around nested loop in Parallel.For"], CancellationToken.None);

        Assert.Empty(result.Failures);
        Assert.True(result.PrefixesWithDiagnostics > 0, "No prefix of the GIL001 snippet produced a diagnostic.");
    }

    /// <summary>... and it catches a throwing analyzer and a throwing fixer, naming the prefix.</summary>
    [Fact]
    public async Task The_simulation_reports_throwing_analyzers_and_fixers_with_the_prefix()
    {
        var simulator = new TypingSimulator(
            [new ThrowsOnSecondLockAnalyzer()], [new ThrowingProbeFixer()], await References.Value, ParseOptions, MaxPrefixesPerFile);
        var text = Usings + "class C\n{\n    object a = new(), b = new();\n    void M()\n    {\n        lock (a) { }\n        lock (b) { }\n    }\n}\n";

        var result = await simulator.SimulateAsync("probe.cs", text, CancellationToken.None);

        Assert.Contains(result.Failures, f => f.Stage == "analyzer" && f.Message.Contains("second lock", StringComparison.Ordinal) && f.PrefixLength > text.IndexOf("lock (b)", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Stage.Contains(nameof(ThrowingProbeFixer), StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures, f => f.Stage == "analyzer" && f.PrefixLength < text.IndexOf("lock (b)", StringComparison.Ordinal));
    }

    [Fact]
    public void Cut_points_cover_line_ends_and_pauses_inside_lines_within_the_budget()
    {
        var text = "class C\n{\n    void M(int a, int b) { var x = a; }\n}\n";

        var cuts = TypingSimulator.CutPoints(text, ParseOptions, 100);

        Assert.Equal(0, cuts[0]);
        Assert.Equal(text.Length, cuts[^1]);
        Assert.Contains(text.IndexOf('\n'), cuts);
        Assert.Contains(text.IndexOf("(int", StringComparison.Ordinal) + 1, cuts);
        Assert.Contains(text.IndexOf("= a", StringComparison.Ordinal) + 1, cuts);
        var big = string.Concat(Enumerable.Repeat("int x = 1; int y = (2);\n", 1000));
        Assert.InRange(TypingSimulator.CutPoints(big, ParseOptions, 50).Count, 2, 50);
    }

#pragma warning disable RS1001, RS1016, RS1036, RS1038, RS2008 // Test probes handed straight to the simulator, never shipped or exported.
    private sealed class ThrowsOnSecondLockAnalyzer : DiagnosticAnalyzer
    {
        public static readonly DiagnosticDescriptor Probe = new("PROBE02", "Probe", "Probe", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Probe];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                c =>
                {
                    c.ReportDiagnostic(Diagnostic.Create(Probe, c.Operation.Syntax.GetLocation()));
                    if (c.Operation.Syntax.ToString().Contains("lock (b)", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("second lock");
                    }
                },
                OperationKind.Lock);
        }
    }

    private sealed class ThrowingProbeFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => [ThrowsOnSecondLockAnalyzer.Probe.Id];

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => throw new InvalidOperationException("fixer probe");
    }
#pragma warning restore RS1001, RS1016, RS1036, RS1038, RS2008
}
