using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL001 for the lock that is not visibly in parallel code: an instance lock (<c>lock (_sync)</c>, <c>lock (this)</c>,
/// <c>lock (_owner.Sync)</c>) around CPU-bound work in a method that a Parallel.For body, a PLINQ delegate or threads
/// started in a loop call on one shared object; or a lock on a parameter (<c>lock (sync)</c>, <c>lock (state.Gate)</c>)
/// that parallel code passes the same object for every worker (a captured local, a field); or a process-wide lock
/// (<c>lock (s_gate)</c>, <c>lock (typeof(T))</c>) in any method parallel code calls, whatever the object. Needs the call graph of the
/// whole compilation, so it reports at compilation end.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedLockInParallelCalleeAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SharedLockAroundCpuWorkInCallee, Descriptors.ProcessGlobalStateUnderLockInCallee);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.Monitor is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        var reached = ParallelReach.For(context.Compilation);
        var candidates = new ConcurrentBag<Candidate>();

        context.RegisterOperationAction(
            c =>
            {
                // Names first: most invocations of a compilation are not parallel launches, and this resolves no type.
                if (ParallelContextFinder.MayLaunch(c.Operation) && HasRequiredTypes(types))
                {
                    reached.Collect(c.Operation, types, WorkCostModel.For(types), c.CancellationToken);
                }
            },
            OperationKind.Invocation,
            OperationKind.ObjectCreation);

        // Candidates are only collected here (cheap checks on the operation tree); their cost and global-state
        // analysis, which summarises callees and binds their bodies, waits for compilation end and runs only for the
        // few methods that parallel code turned out to reach.
        SerialisedLockSite.RegisterLockRegions(context, types, (c, region) =>
        {
            if (c.ContainingSymbol is IMethodSymbol method
                && LockRoot(region.LockedValue, method) is { } root
                && HasRequiredTypes(types))
            {
                candidates.Add(new Candidate(method.OriginalDefinition, root, c.Operation.Syntax));
            }
        });

        context.RegisterCompilationEndAction(end =>
        {
            if (reached.IsEmpty)
            {
                return;
            }

            GlobalStateModel? globalState = null;
            var costModel = WorkCostModel.For(types);
            foreach (var candidate in candidates)
            {
                if (reached.TryGet(candidate.Method, candidate.Root, out var description)
                    && FindRegion(candidate.Syntax, types, end.CancellationToken) is { } region
                    && Evaluate(region, candidate.Root, types, costModel, globalState ??= GlobalStateModel.For(types), end.Options, end.CancellationToken) is { } verdict)
                {
                    var where = MemberName(candidate.Method) + ", called from " + description;
                    var name = LockSharing.Classify(region, null).Name;
                    // A process-wide lock whose work reads and writes process-wide state: GIL006, as where it is.
                    end.ReportDiagnostic(verdict.Entanglement is { } entanglement
                        ? Diagnostic.Create(Descriptors.ProcessGlobalStateUnderLockInCallee, region.Location, name, verdict.Reason, where, entanglement)
                        : Diagnostic.Create(Descriptors.SharedLockAroundCpuWorkInCallee, region.Location, name, verdict.Reason, where));
                }
            }
        });
    }

    /// <summary>How a message names the method: <c>'Run'</c>, <c>the getter of 'Gain'</c>, <c>the indexer of 'Table'</c>.</summary>
    private static string MemberName(IMethodSymbol method)
    {
        if (method.AssociatedSymbol is IPropertySymbol property)
        {
            var accessor = method.MethodKind == MethodKind.PropertySet ? "setter" : "getter";
            return property.IsIndexer
                ? "the " + accessor + " of the indexer of '" + property.ContainingType.Name + "'"
                : "the " + accessor + " of '" + property.Name + "'";
        }

        return "'" + method.Name + "'";
    }

    /// <summary>
    /// An instance lock in an instance method, to be reported if parallel code reaches the method. Keeps the syntax of
    /// the operation that took the lock, not the operation: an operation holds its semantic model (every bound body of
    /// its file) alive until compilation end.
    /// </summary>
    private sealed class Candidate
    {
        public Candidate(IMethodSymbol method, int root, SyntaxNode syntax)
        {
            Method = method;
            Root = root;
            Syntax = syntax;
        }

        public IMethodSymbol Method { get; }

        /// <summary>What the lock hangs off: <see cref="ThisRoot"/>, or the ordinal of a parameter.</summary>
        public int Root { get; }

        /// <summary>The lock statement, the acquiring call, or the using statement/declaration around EnterScope.</summary>
        public SyntaxNode Syntax { get; }
    }

    /// <summary>The lock region of a candidate, found again from its syntax (as the lock callbacks found it).</summary>
    private static LockRegion? FindRegion(SyntaxNode syntax, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (!types.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
        {
            return null;
        }

        var model = WorkCostModel.For(types).ModelFor(syntax.SyntaxTree);
        return LockRegionFinder.FromSyntax(model, syntax, types, cancellationToken);
    }

    /// <summary>
    /// A lock on the instance (<c>this</c> or one of its fields) around CPU-bound work, outside any visible parallel
    /// delegate: the cost's reason when the method, called on a shared object from parallel code, is worth reporting.
    /// </summary>
    private static Verdict? Evaluate(LockRegion region, int root, KnownTypes types, WorkCostModel costModel, GlobalStateModel globalState, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
    {
        var processWide = root == StaticRoot;
        if (region.NeverWaits
            || ParallelContextFinder.FindEnclosing(region.Anchor, types) is not null
            || ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types)
            || SerialisedLockSite.IsLazyInitialisation(region, processWide))
        {
            return null;
        }

        // A process-wide lock heavy enough to report with no parallel caller in sight is reported where it is, by GIL001
        // or GIL006 (SerialisedLockSite); here only the lighter work that parallel callers make worth a report.
        if (processWide
            && (LockSharing.Classify(region, null).Scope != LockScope.ProcessGlobal
                || SerialisedLockSite.CostIfReportable(region, costModel, options, cancellationToken, inParallelCode: false) is not null))
        {
            return null;
        }

        // A lock on a native object around its own bulk work is reported where it is (SerialisedLockSite) too, and so is a
        // lock kept next to a native object around that object's bulk work.
        if (!processWide
            && NativeObjectLock.DrivenObject(region, costModel, cancellationToken, out var unresolvedCost) is not null
            && (unresolvedCost is not null || SerialisedLockSite.CostIfReportable(region, costModel, options, cancellationToken, inParallelCode: false) is not null))
        {
            return null;
        }

        if (!processWide
            && NativeObjectLock.GuardedCompanion(region) is not null
            && SerialisedLockSite.CostIfReportable(region, costModel, options, cancellationToken, inParallelCode: false) is not null)
        {
            return null;
        }

        if (SerialisedLockSite.CostIfReportable(region, costModel, options, cancellationToken, inCallee: true) is not { } cost)
        {
            return null;
        }

        // Entangled with process-wide state: only a process-wide lock is GIL006's (an instance lock on such work is left out).
        var entanglement = globalState.FindEntanglement(region, options, cancellationToken);
        return entanglement is null ? new Verdict(cost.Reason, null)
            : processWide ? new Verdict(cost.Reason, entanglement.Description)
            : null;
    }

    private sealed class Verdict
    {
        public Verdict(string reason, string? entanglement)
        {
            Reason = reason;
            Entanglement = entanglement;
        }

        public string Reason { get; }

        /// <summary>How the work is tied to process-wide state, for GIL006; null for GIL001.</summary>
        public string? Entanglement { get; }
    }

    private const int ThisRoot = ParallelReach.ThisRoot;

    private const int StaticRoot = ParallelReach.StaticRoot;

    /// <summary>
    /// What the lock object hangs off through instance fields and properties: the instance (<see cref="ThisRoot"/>, in an
    /// instance method) or a parameter of <paramref name="method"/> (its ordinal); null for anything else.
    /// </summary>
    private static int? LockRoot(IOperation lockedValue, IMethodSymbol method)
    {
        switch (ParallelReach.InstanceChainRoot(lockedValue))
        {
            case IFieldReferenceOperation { Field.IsStatic: true }:
            case IPropertyReferenceOperation { Property.IsStatic: true }:
            case ITypeOfOperation:
                // lock (s_gate), lock (Cache.Sync), lock (typeof(Codec)): one lock for every caller.
                return StaticRoot;
            case IInstanceReferenceOperation:
                return method.IsStatic ? null : ThisRoot;
            case IParameterReferenceOperation parameter when !method.IsStatic && OperationFacts.IsPrimaryConstructorParameter(parameter.Parameter):
                // lock (context.Sync) in class Encoder(EncoderContext context): the parameter is state of this.
                return ThisRoot;
            case IParameterReferenceOperation parameter
                when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method)
                     && parameter.Parameter.RefKind == RefKind.None && !parameter.Parameter.Type.IsValueType:
                return parameter.Parameter.Ordinal;
            default:
                return null;
        }
    }

}
