using System.Collections.Immutable;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Rules;
using GilAnalyzers.Testing.Typing;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL003 and its fixer on the real-code thread shapes while the file is typed (fields, helpers, dictionaries, LINQ
/// queries, the calling thread's partition, I/O around the work): half-typed code never makes them throw.
/// </summary>
public class RealShapesRawThreadsTypingTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;

        sealed class Farm
        {
            private static Thread[] s_crew;
            private readonly Dictionary<Thread, int> _owners = new Dictionary<Thread, int>();
            private readonly double[] _cells = new double[4096];

            public void Begin(int workers, string config)
            {
                s_crew = new Thread[workers];
                for (int w = 1; w < workers; w++)
                {
                    int me = w;
                    (s_crew[w] = new Thread(() =>
                    {
                        if (!File.Exists(config)) return;
                        for (int g = 0; g < 100; g++)
                            for (int i = me; i < _cells.Length; i += workers) _cells[i] = Math.Tanh(_cells[i] + g);
                    })).Start();
                }
                Cells(0, workers);
                var extra = Enumerable.Range(0, workers).Select(k => Spawn(() => Cells(k, workers))).ToList();
                foreach (var t in extra) _owners[t] = 0;
                foreach (var pair in _owners) pair.Key.Join();
            }

            public void End() { for (int w = 1; w < s_crew.Length; w++) s_crew[w].Join(); }

            private static Thread Spawn(ThreadStart body) { var t = new Thread(body); t.Start(); return t; }

            private void Cells(int first, int step) { for (int i = first; i < _cells.Length; i += step) _cells[i] *= 0.5; }
        }
        """;

    [Fact]
    public async Task RawThreadsAnalyzerAndFixer_NeverThrow_WhileRealShapesAreTyped()
    {
        var references = await TestReferences.Net100.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var simulator = new TypingSimulator(
            ImmutableArray.Create<DiagnosticAnalyzer>(new RawThreadsCpuLoopAnalyzer()),
            ImmutableArray.Create<CodeFixProvider>(new RawThreadsCpuLoopFixer()),
            references,
            new CSharpParseOptions(LanguageVersion.Latest),
            150);

        var result = await simulator.SimulateAsync("farm.cs", Source, CancellationToken.None);

        Assert.True(result.PrefixesWithDiagnostics > 0, "No prefix of the snippet produced a GIL003 diagnostic.");
        Assert.True(result.Failures.Count == 0, string.Join("\n\n", result.Failures));
    }
}
