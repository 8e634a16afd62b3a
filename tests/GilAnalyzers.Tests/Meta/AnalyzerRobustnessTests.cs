using System.Collections.Concurrent;
using System.Collections.Immutable;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GilAnalyzers.Tests.Meta;

/// <summary>
/// Every analyzer in the GilAnalyzers assembly runs without throwing (no AD0001) on empty and half-typed
/// source, the code an IDE hands it on every keystroke.
/// </summary>
public sealed class AnalyzerRobustnessTests
{
    private const string Header = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";
    private const string Fields = "static readonly object Gate = new object(); static double total;";

    private static readonly Dictionary<string, string> Sources = new()
    {
        ["empty"] = "",
        ["whitespace and comments"] = "  \n// nothing here\n/* still nothing */\n",
        ["usings only"] = Header,
        ["lock header cut off"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (",
        ["loop condition cut off under lock"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) { for (int k = 0; k <",
        ["lock without body"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) }); } }",
        ["empty lock expression"] = Header + "class C { void M(int n) { Parallel.For(0, n, i => { lock () { for (;;) { } } }); } }",
        ["lock on an undefined name"] = Header + "class C { void M(int n) { Parallel.ForEach(items, x => { lock (missing) { while (true) { } } }); } }",
        ["method without a body"] = Header + "class C { void M(int n); abstract void N(); extern void P(); }",
        ["unbalanced braces, too many"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) { } } } } } }); }",
        ["unbalanced braces, too few"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) { for (int k = 0; k < n; k++) { total += k; ",
        ["Parallel.For with missing arguments"] = Header + "class C { " + Fields + " void M() { Parallel.For(0, , ); Parallel.ForEach(); Parallel.For( } }",
        ["body is an undefined method group"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, Body); } }",
        ["foreach over an undefined collection"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) { foreach (var x in nope) { total += x; } } }); } }",
        ["top-level statements"] = Header + "var gate = new object(); Parallel.For(0, 10, i => { lock (gate) { for (int k = 0; k < i; k++) { } } });",
        ["lock in a local function"] = Header + "class C { " + Fields + " void M(int n) { Parallel.For(0, n, i => { void Work() { lock (Gate) { for (var k = 0; k < n; k++) total++; } } Work(); }); } }",
        ["Parallel without System.Threading.Tasks"] = "class C { void M() { Parallel.For(0, 10, i => { lock (this) { for (int k = 0; k < i; k++) { } } }); } }",
    };

    public static TheoryData<string> SourceNames => new(Sources.Keys);

    [Fact]
    public void The_assembly_has_analyzers_and_each_is_sealed_and_exported_for_CSharp()
    {
        Assert.NotEmpty(RuleCatalog.AnalyzerTypes);
        Assert.All(RuleCatalog.AnalyzerTypes, type =>
        {
            Assert.True(type.IsSealed, $"{type.Name} should be sealed.");
            var attribute = type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false)
                .Cast<DiagnosticAnalyzerAttribute>()
                .SingleOrDefault();
            Assert.True(attribute is not null, $"{type.Name} has no [DiagnosticAnalyzer] attribute.");
            Assert.Contains(LanguageNames.CSharp, attribute!.Languages);
        });
    }

    [Theory]
    [MemberData(nameof(SourceNames))]
    public async Task Analyzers_run_without_exceptions(string sourceName)
    {
        var run = await RunAnalyzersAsync(RuleCatalog.CreateAnalyzers(), Sources[sourceName]);

        Assert.True(run.Exceptions.IsEmpty, $"On '{sourceName}':\n" + string.Join("\n", run.Exceptions));
        var failures = run.Diagnostics.Where(d => d.Id == "AD0001").ToList();
        Assert.True(failures.Count == 0, $"On '{sourceName}':\n" + string.Join("\n", failures));
    }

    /// <summary>The harness above really runs the analyzers: on complete code it sees GIL001.</summary>
    [Fact]
    public async Task Harness_sees_GIL001_on_complete_code()
    {
        var run = await RunAnalyzersAsync(RuleCatalog.CreateAnalyzers(), Header + "class C { " + Fields
            + " void M(int n) { Parallel.For(0, n, i => { lock (Gate) { for (int k = 0; k < n; k++) { total += k; } } }); } }");

        Assert.Empty(run.Exceptions);
        Assert.Contains(run.Diagnostics, d => d.Id == DiagnosticIds.SharedLockAroundCpuWork);
    }

    /// <summary>
    /// GIL001 and GIL006 share one classification of each lock region (one verdict per region and compilation): run
    /// together, each region is reported once, by the rule it belongs to, exactly as each analyzer reports it alone.
    /// </summary>
    [Fact]
    public async Task Gil001_and_Gil006_run_together_report_each_region_once_as_each_alone()
    {
        const string source = Header + """
            static class Codec
            {
                static readonly double[] s_window = new double[256];
                public static double Encode(double[] frame)
                {
                    double acc = 0;
                    for (int i = 0; i < frame.Length; i++) { s_window[i % 256] = frame[i] + s_window[(i + 1) % 256]; acc += s_window[i % 256]; }
                    return acc;
                }
            }
            class C
            {
                static readonly object Gate = new object();
                static readonly object Other = new object();
                static double total;
                void M(double[][] frames, double[] outputs)
                {
                    Parallel.For(0, frames.Length, k => { lock (Gate) { outputs[k] = Codec.Encode(frames[k]); } });
                    Parallel.For(0, frames.Length, k => { lock (Other) { for (int j = 0; j < frames[k].Length; j++) total += Math.Sqrt(frames[k][j]); } });
                }
            }
            """;
        static string Where(Diagnostic d) => d.Id + "@" + d.Location.GetLineSpan().StartLinePosition;

        var together = await RunAnalyzersAsync(RuleCatalog.CreateAnalyzers(), source);
        var gil001 = await RunAnalyzersAsync([new GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer()], source);
        var gil006 = await RunAnalyzersAsync([new GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer()], source);

        Assert.Empty(together.Exceptions);
        var lockSites = together.Diagnostics
            .Where(d => d.Id is DiagnosticIds.SharedLockAroundCpuWork or DiagnosticIds.ProcessGlobalStateUnderLock)
            .Select(Where).OrderBy(x => x).ToList();
        Assert.Equal(2, lockSites.Count);
        Assert.Single(gil001.Diagnostics);
        Assert.Single(gil006.Diagnostics);
        Assert.NotEqual(gil001.Diagnostics[0].Location.SourceSpan, gil006.Diagnostics[0].Location.SourceSpan);
        Assert.Equal(new[] { Where(gil001.Diagnostics[0]), Where(gil006.Diagnostics[0]) }.OrderBy(x => x), lockSites);
    }

    /// <summary>... and it really catches a throwing analyzer.</summary>
    [Fact]
    public async Task Harness_catches_an_analyzer_that_throws()
    {
        var run = await RunAnalyzersAsync([new ThrowingProbeAnalyzer()], Header + "class C { }");

        Assert.True(!run.Exceptions.IsEmpty || run.Diagnostics.Any(d => d.Id == "AD0001"), "The throwing probe went unnoticed.");
    }

    private static async Task<AnalyzerRun> RunAnalyzersAsync(ImmutableArray<DiagnosticAnalyzer> analyzers, string source)
    {
        var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Test.cs");
        var compilation = CSharpCompilation.Create(
            "HalfTyped",
            [tree],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {exception}"),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(analyzers, options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return new AnalyzerRun(diagnostics, exceptions.ToImmutableArray());
    }

#pragma warning disable RS1001, RS1036, RS1038, RS2008 // A test probe handed straight to CompilationWithAnalyzers, never shipped or exported.
    private sealed class ThrowingProbeAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Probe = new("PROBE01", "Probe", "Probe", "Test", DiagnosticSeverity.Warning, true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Probe];

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxTreeAction(_ => throw new InvalidOperationException("probe"));
        }
    }
#pragma warning restore RS1001, RS1036, RS1038, RS2008

    private sealed record AnalyzerRun(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Exceptions);
}
