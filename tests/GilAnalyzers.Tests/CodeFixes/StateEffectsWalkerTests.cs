using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>The effect analysis the fixes rely on: what a statement reads and writes that other threads can see.</summary>
public class StateEffectsWalkerTests
{
    private static StateEffects EffectsOfMarkedStatement(string body, string members = "")
    {
        var source = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            class C
            {
                static double s_total;
                static readonly int Limit = 10;
                double _scale = 2;
                static readonly List<int> s_list = new List<int>();
                static Func<int, int> s_f = x => x;
            """ + members + """

                void M(int n, int[] data)
                {
                    Parallel.For(0, n, i =>
                    {
            """ + "\n" + body + "\n" + """
                    });
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("Effects", new[] { tree }, SampleFixPipeline.PlatformReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var model = compilation.GetSemanticModel(tree);
        var statement = tree.GetRoot().DescendantNodes().OfType<StatementSyntax>()
            .Single(s => s.GetLeadingTrivia().ToString().Contains("/*mark*/", StringComparison.Ordinal));
        var analyzer = new StateEffectsWalker(compilation, CancellationToken.None);
        return analyzer.Analyze(model.GetOperation(statement)!, analyzer.ScopeOf(statement));
    }

    private static string[] Names(IEnumerable<ISymbol> symbols) => symbols.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Fact]
    public void LoopOverOwnLocals_ReadsCapturedParameterOnly()
    {
        var effects = EffectsOfMarkedStatement("""
            double acc = 0;
            /*mark*/ for (int k = 0; k < n; k++) acc += Math.Sqrt(k * i);
            """);
        Assert.False(effects.HasSharedWrites);
        Assert.Equal(new[] { "n" }, Names(effects.SharedReads));
        Assert.Contains("acc", Names(effects.LocalWrites));
    }

    [Fact]
    public void FieldUpdate_IsASharedReadAndWrite()
    {
        var effects = EffectsOfMarkedStatement("/*mark*/ s_total += _scale * i;");
        Assert.Equal(new[] { "s_total" }, Names(effects.SharedWrites));
        Assert.Equal(new[] { "_scale", "s_total" }, Names(effects.SharedReads));
    }

    [Fact]
    public void AddToSharedList_WritesTheList()
    {
        var effects = EffectsOfMarkedStatement("/*mark*/ s_list.Add(i);");
        Assert.Equal(new[] { "s_list" }, Names(effects.SharedWrites));
    }

    [Fact]
    public void FreshArrayElementWrites_AreLocal_ButCapturedArrayWritesAreShared()
    {
        var fresh = EffectsOfMarkedStatement("""
            var row = new int[n];
            /*mark*/ for (int k = 0; k < n; k++) row[k] = k * i;
            """);
        Assert.False(fresh.HasSharedWrites);
        Assert.Contains("row", Names(fresh.LocalWrites));

        var aliased = EffectsOfMarkedStatement("/*mark*/ for (int k = 0; k < n; k++) data[k] = k * i;");
        Assert.Equal(new[] { "data" }, Names(aliased.SharedWrites));
    }

    [Fact]
    public void DelegateCall_IsUnknown()
    {
        var effects = EffectsOfMarkedStatement("/*mark*/ var x = s_f(i);");
        Assert.True(effects.Unknown);
    }

    [Fact]
    public void CalleeSummary_SeesStaticWritesInsideHelpers()
    {
        var pure = EffectsOfMarkedStatement("/*mark*/ var x = Square(i);", "static int Square(int v) => v * v;\n");
        Assert.False(pure.HasSharedWrites);

        var impure = EffectsOfMarkedStatement("/*mark*/ var x = Count(i);", "static int s_calls; static int Count(int v) { s_calls++; return v; }\n");
        Assert.Equal(new[] { "s_calls" }, Names(impure.SharedWrites));
    }

    [Fact]
    public void SelfRecursion_IsSeenThrough_MutualRecursionIsUnknown_AndReadonlyPrimitiveFieldsAreImmutable()
    {
        // A method calling itself: its summary is the fixed point of its body (pure stays pure, a static write is found).
        var recursive = EffectsOfMarkedStatement("/*mark*/ var x = Fib(i);", "static int Fib(int v) => v < 2 ? v : Fib(v - 1) + Fib(v - 2);\n");
        Assert.False(recursive.Unknown);
        Assert.False(recursive.HasSharedWrites);

        var counting = EffectsOfMarkedStatement("/*mark*/ var x = Walk(i);", "static int s_nodes; static int Walk(int v) { if (v == 0) return 0; s_nodes++; return Walk(v - 1) + 1; }\n");
        Assert.False(counting.Unknown);
        Assert.Equal(new[] { "s_nodes" }, Names(counting.SharedWrites));

        // Only the deepest of two mutually recursive methods writes the static: still found, or the whole is unknown.
        var mutual = EffectsOfMarkedStatement("/*mark*/ var x = Even(i);", "static int s_odd; static int Even(int v) => v == 0 ? 1 : Odd(v - 1);\nstatic int Odd(int v) { s_odd++; return v == 0 ? 0 : Even(v - 1); }\n");
        Assert.True(mutual.Unknown || Names(mutual.SharedWrites).Contains("s_odd"));

        var readsLimit = EffectsOfMarkedStatement("/*mark*/ var x = i * Limit;");
        var unknownWriter = new StateEffects();
        unknownWriter.MarkUnknown("test");
        Assert.False(readsLimit.ReadsAnythingWrittenBy(unknownWriter));
    }

    private const string Fill = """
            static void FillMultiples(List<int> into, int step)
            {
                for (int k = 0; k < 100; k += step) into.Add(k);
            }
        """;

    [Fact]
    public void HelperFillsAListThisFunctionMade_AThreadOwnWrite()
    {
        var effects = EffectsOfMarkedStatement("""
            var mine = new List<int>();
            /*mark*/ FillMultiples(mine, i + 1);
            """, Fill);
        Assert.False(effects.HasSharedWrites);
        Assert.Contains("mine", Names(effects.LocalWrites));
    }

    [Fact]
    public void HelperFillsASharedList_ASharedWrite()
    {
        var effects = EffectsOfMarkedStatement("""
            /*mark*/ FillMultiples(s_list, i + 1);
            """, Fill);
        Assert.True(effects.HasSharedWrites);
        Assert.Contains("s_list", Names(effects.SharedWrites));
    }

    [Fact]
    public void HelperFillsAParameterOfTheLockingMethod_Unknown()
    {
        // The data parameter's object is the caller's: whether it is shared is not in sight.
        var effects = EffectsOfMarkedStatement("""
            /*mark*/ Mark(data);
            """, """
            static void Mark(int[] values) { values[0] = 1; }
            """);
        Assert.True(effects.HasSharedWrites);
    }

    [Fact]
    public void ChainedAppendOnABuilderThisFunctionMade_AThreadOwnWrite()
    {
        var effects = EffectsOfMarkedStatement("""
            var sb = new System.Text.StringBuilder();
            /*mark*/ sb.Append(i).Append(' ').Append(Math.Sqrt(i)).Append('\n');
            """);
        Assert.False(effects.HasSharedWrites);
        Assert.Contains("sb", Names(effects.LocalWrites));
    }

    [Fact]
    public void ChainedAppendOnASharedBuilder_ASharedWrite()
    {
        var effects = EffectsOfMarkedStatement("""
            /*mark*/ s_log.Append(i).Append(' ');
            """, "static readonly System.Text.StringBuilder s_log = new System.Text.StringBuilder();");
        Assert.True(effects.HasSharedWrites);
        Assert.Contains("s_log", Names(effects.SharedWrites));
    }
}
