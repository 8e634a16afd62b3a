using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A cycle closed through interface or virtual dispatch: adapters forwarding one call to another object are not
/// recursion (two logging interfaces bridged both ways, seen in a real ORM's session-factory registry), while a tree
/// evaluated through a virtual method on its children is.
/// </summary>
public class RealCostDispatchCycleTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Runtime.CompilerServices;\n";

    private const string BridgedLoggers = """
        interface ILog { void Write(int level, string text); }
        interface ILegacyLog { void Info(string text); void Debug(string text); }

        static class LogExtensions
        {
            public static void Info(this ILog log, string text) => log.Write(2, text);
            public static void Debug(this ILog log, string text) => log.Write(1, text);
        }

        sealed class LegacyBridge : ILog
        {
            private readonly ILegacyLog _inner;
            public LegacyBridge(ILegacyLog inner) { _inner = inner; }
            public void Write(int level, string text)
            {
                if (level >= 2) _inner.Info(text); else _inner.Debug(text);
            }
        }

        sealed class ModernBridge : ILegacyLog
        {
            private readonly ILog _inner;
            public ModernBridge(ILog inner) { _inner = inner; }
            public void Info(string text) => _inner.Info(text);
            public void Debug(string text) => _inner.Debug(text);
        }

        sealed class Silent : ILog { public void Write(int level, string text) { } }
        """;

    [Fact]
    public async Task SynchronizedRegistryLoggingThroughBridgedLoggers_DoesNotReport()
    {
        var source = Usings + BridgedLoggers + """

            static class FactoryRegistry
            {
                private static readonly ILog Log = new LegacyBridge(new ModernBridge(new Silent()));
                private static readonly Dictionary<string, object> Named = new Dictionary<string, object>();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void Remove(string name)
                {
                    Log.Info("removing " + name);
                    Named.Remove(name);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static object Find(string name)
                {
                    Log.Debug("looking up " + name);
                    return Named.TryGetValue(name, out var value) ? value : null;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SynchronizedEvaluationOfATreeThroughVirtualCalls_StillReports()
    {
        var source = Usings + """
            abstract class Node { public abstract double Eval(double x); }
            sealed class Constant : Node { private readonly double _v; public Constant(double v) { _v = v; } public override double Eval(double x) => _v; }
            sealed class Variable : Node { public override double Eval(double x) => x; }
            sealed class Add : Node
            {
                private readonly Node _l, _r;
                public Add(Node l, Node r) { _l = l; _r = r; }
                public override double Eval(double x) => _l.Eval(x) + _r.Eval(x);
            }

            static class Fitness
            {
                private static double s_best;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static double {|#0:Score|}(Node program, double x)
                {
                    var y = program.Eval(x);
                    if (y > s_best) s_best = y;
                    return y;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0)
                .WithArguments("Score", "recursion in 'Eval'", "the type 'Fitness'"));
    }
}
