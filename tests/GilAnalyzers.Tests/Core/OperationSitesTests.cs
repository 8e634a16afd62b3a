using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GilAnalyzers.Tests.Core;

/// <summary>
/// <see cref="OperationSites"/> replaces the rules' operation actions by one operation block action per member that walks
/// the blocks itself (a speed change: far fewer timed callbacks). Pins that it meets exactly the operations — with the same
/// containing member — that the driver's operation actions of the same kinds are called for, in every place code can
/// stand: method bodies, expression bodies, lambdas and local functions, constructor initialisers, field and property
/// initialisers, accessors, operators, a static constructor, a finaliser, and code that does not bind.
/// </summary>
public class OperationSitesTests
{
    private static readonly OperationKind[] Kinds =
    {
        OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.Lock, OperationKind.Using,
        OperationKind.UsingDeclaration, OperationKind.Invalid,
    };

    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public class Base
        {
            public Base(int x) { }
        }

        public class Sample : Base
        {
            private static readonly object s_gate = new object();
            private readonly List<int> _items = new List<int>(Make());
            private int _field = Make() + Make();
            public int Property { get; } = Make();
            public int Arrow => Make();
            public event EventHandler Changed { add { Make(); } remove { lock (s_gate) { Make(); } } }

            static Sample() { Make(); }

            public Sample() : base(Make())
            {
                Parallel.For(0, 4, i => { lock (s_gate) { Make(); } });
            }

            ~Sample() { Monitor.Enter(s_gate); try { Make(); } finally { Monitor.Exit(s_gate); } }

            public static int Make() => 1;

            public static Sample operator +(Sample a, Sample b) => new Sample();

            public int this[int i] { get { return Make() + i; } set { Make(); } }

            public async Task RunAsync()
            {
                using (var stream = new MemoryStream())
                {
                    stream.WriteByte(1);
                }

                using var other = new MemoryStream();
                Func<int, int> twice = x => Make() * x;
                await Task.WhenAll(Task.Run(() => Make()), Task.Run(Local));
                int Local() { lock (this) { return twice(Make()); } }
            }

            public void Threads()
            {
                var threads = new Thread[2];
                for (var i = 0; i < threads.Length; i++)
                {
                    threads[i] = new Thread(() => Make());
                    threads[i].Start();
                }

                ThreadPool.QueueUserWorkItem(_ => Make());
            }
        }
        """;

    [Fact]
    public async Task MeetsTheOperationsThatOperationActionsAreCalledFor()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var expected = await SeenAsync(compilation, new ByOperationActions());
        var actual = await SeenAsync(compilation, new ByOperationSites());

        Assert.True(expected.Length >= 30, "the sample holds many sites: " + expected.Length);
        Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
    }

    [Fact]
    public async Task MeetsInvalidOperations_AsOperationActionsDo()
    {
        // Code that does not bind: the rules still look at the invalid operations (an unbound runner call).
        var compilation = (await TestCompilation.CreateAsync("public class C { }"))
            .AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
                "class D { void M() { Missing.Run(() => Unknown(1)); lock (Gate) { Other(); } } }",
                new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest)));
        var expected = await SeenAsync(compilation, new ByOperationActions());
        var actual = await SeenAsync(compilation, new ByOperationSites());

        Assert.Contains(expected, s => s.StartsWith("Invalid", System.StringComparison.Ordinal));
        Assert.Equal(string.Join("\n", expected), string.Join("\n", actual));
    }

    private static async Task<ImmutableArray<string>> SeenAsync(Compilation compilation, Recorder recorder)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(recorder), options).GetAnalyzerDiagnosticsAsync();
        return recorder.Seen.OrderBy(s => s, System.StringComparer.Ordinal).ToImmutableArray();
    }

    // Test-only analyzers, run in-process by CompilationWithAnalyzers: the rules for shipped analyzers do not apply.
#pragma warning disable RS1001, RS1036, RS1038, RS1041
    private abstract class Recorder : DiagnosticAnalyzer
    {
        public ConcurrentBag<string> Seen { get; } = new();

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            new DiagnosticDescriptor("TEST0001", "Seen", "Seen", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true));

        protected void Record(IOperation operation, ISymbol containing) =>
            Seen.Add(operation.Kind + " " + operation.Syntax.Span + " " + operation.Syntax + " in " + containing.ToDisplayString());
    }

    private sealed class ByOperationActions : Recorder
    {
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
                start.RegisterOperationAction(c => Record(c.Operation, c.ContainingSymbol), Kinds));
        }
    }

    private sealed class ByOperationSites : Recorder
    {
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
                OperationSites.Register(start, c => Record(c.Operation, c.ContainingSymbol), Kinds));
        }
    }
#pragma warning restore RS1001, RS1036, RS1038, RS1041
}
