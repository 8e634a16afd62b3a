using System.Collections.Concurrent;
using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL002: <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> on a method whose body is CPU-bound and that many threads
/// call. The attribute is a hidden lock on <c>this</c> (or on the type, for a static method) around the whole body, so
/// the body is costed as a lock body: bookkeeping of the object's own small collections and rare "new best" branches
/// are not CPU work. The hidden lock only costs when threads meet on it, so a site needs evidence of that:
/// <list type="bullet">
/// <item>a static method locks the type, a process-wide lock: reported where it is declared under the same bar as
/// GIL001's process-wide locks (nested loops, recursion or a bulk library call; not one-time initialisation);</item>
/// <item>otherwise (an instance method, a lighter static one) it is reported once the compilation shows parallel code
/// calling it on one shared object (<see cref="ParallelReach"/>) — at compilation end. Per-stream and per-connection
/// objects whose synchronized methods one thread calls stay quiet.</item>
/// </list>
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SynchronizedCpuMethodAnalyzer : GilAnalyzer
{

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SynchronizedCpuMethod, Descriptors.SynchronizedCpuMethodReached);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.MethodImplAttribute is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        var reach = ParallelReach.For(context.Compilation);
        var candidates = new ConcurrentBag<IMethodSymbol>();

        context.RegisterOperationAction(
            c =>
            {
                if (ParallelContextFinder.MayLaunch(c.Operation) && HasRequiredTypes(types))
                {
                    reach.Collect(c.Operation, types, WorkCostModel.For(types), c.CancellationToken);
                }
            },
            OperationKind.Invocation,
            OperationKind.ObjectCreation);

        context.RegisterOperationBlockAction(c =>
        {
            if (c.OwningSymbol is not IMethodSymbol method || c.OperationBlocks.IsEmpty
                || method.Locations.Length == 0 || !method.Locations[0].IsInSource || !SynchronizedMethods.IsSynchronized(method, types)
                || SerialisedLockSite.IsLazyInitialisation(c.OperationBlocks, null))
            {
                return;
            }

            var costModel = WorkCostModel.For(types);
            if (method.IsStatic)
            {
                var cost = costModel.AnalyzeLockBody(c.OperationBlocks, c.CancellationToken);
                var minimum = GilOptions.MinWorkStrength(c.Options, method.Locations[0].SourceTree!);
                if (cost.IsCpuBound && cost.Strength >= minimum && (cost.Strength >= WorkCost.NestedStrength || cost.BulkData))
                {
                    c.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.SynchronizedCpuMethod, method.Locations[0], method.Name, cost.Reason, "the type '" + method.ContainingType.Name + "'"));
                    return;
                }
            }

            candidates.Add(method.OriginalDefinition);
        });

        context.RegisterCompilationEndAction(end =>
        {
            if (reach.IsEmpty)
            {
                return;
            }

            var costModel = WorkCostModel.For(types);
            foreach (var method in candidates)
            {
                if (!reach.TryGet(method, ParallelReach.ThisRoot, out var description)
                    || costModel.GetBody(method, end.CancellationToken) is not { } body)
                {
                    continue;
                }

                var location = method.Locations[0];
                var cost = costModel.AnalyzeLockBody(ImmutableArray.Create(body), end.CancellationToken);
                if (cost.IsCpuBound && cost.Strength >= GilOptions.MinWorkStrength(end.Options, location.SourceTree!))
                {
                    var target = method.IsStatic
                        ? "the type '" + method.ContainingType.Name + "', called from " + description
                        : "the instance, shared by " + description;
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.SynchronizedCpuMethodReached, location, method.Name, cost.Reason, target));
                }
            }
        });
    }
}
