using System.Collections.Generic;
using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL001: a lock that every worker takes, held around CPU-bound work, so only one core computes.
    /// Fires when a shared lock's region is CPU-bound inside parallel code (Parallel.*, PLINQ, tasks or threads
    /// started in a loop), or when a process-global lock (static field, typeof, string literal, named Mutex) is
    /// held around CPU-bound work anywhere: every thread that calls that code queues for it.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SharedLockAroundCpuWorkAnalyzer : GilAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SharedLockAroundCpuWork);

        private protected override bool HasRequiredTypes(KnownTypes types) => types.Monitor is not null;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
        {
            var costModel = WorkCostModel.For(types);
            context.RegisterOperationAction(
                c => Analyze(c, LockRegionFinder.FromLockStatement((ILockOperation)c.Operation), types, costModel),
                OperationKind.Lock);
            context.RegisterOperationAction(
                c =>
                {
                    var invocation = (IInvocationOperation)c.Operation;
                    if (LockRegionFinder.IsAcquireName(invocation.TargetMethod.Name))
                    {
                        Analyze(c, LockRegionFinder.FromAcquireCall(invocation, types), types, costModel);
                    }
                },
                OperationKind.Invocation);
            if (types.Lock is not null)
            {
                context.RegisterOperationAction(
                    c => Analyze(c, LockRegionFinder.FromUsing(c.Operation, types), types, costModel),
                    OperationKind.Using,
                    OperationKind.UsingDeclaration);
            }
        }

        private static void Analyze(OperationAnalysisContext context, LockRegion? region, KnownTypes types, WorkCostModel costModel)
        {
            if (region is null)
            {
                return;
            }

            var parallel = ParallelContextFinder.FindEnclosing(region.Anchor, types);
            var identity = LockSharing.Classify(region, parallel?.Region);
            if (!identity.IsShared)
            {
                return;
            }

            string where;
            if (parallel is not null)
            {
                where = parallel.Description;
            }
            else if (identity.Scope == LockScope.ProcessGlobal
                     && !IsLazyInitialisation(region)
                     && !ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types))
            {
                where = "'" + context.ContainingSymbol.Name + "', a process-wide lock that every calling thread queues for";
            }
            else
            {
                return;
            }

            var cost = CostIfReportable(region, costModel, context.Options, context.CancellationToken);
            if (cost is { } work)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.SharedLockAroundCpuWork, region.Location, identity.Name, work.Reason, where));
            }
        }

        /// <summary>The region's cost when it is CPU-bound enough to report under the configured threshold.</summary>
        internal static WorkCost? CostIfReportable(LockRegion region, WorkCostModel costModel, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
        {
            var cost = costModel.Analyze(region.Body, cancellationToken);
            return cost.IsCpuBound && cost.Strength >= GilOptions.MinWorkStrength(options, region.Anchor.Syntax.SyntaxTree)
                ? cost
                : null;
        }

        /// <summary>
        /// Double-checked or guarded one-time initialisation (<c>if (s_table == null) lock (s_gate) { if (s_table == null)
        /// s_table = Build(); }</c>) runs its work once, not once per caller: not a GIL.
        /// </summary>
        internal static bool IsLazyInitialisation(LockRegion region)
        {
            var assigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in region.Body)
            {
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    switch (descendant)
                    {
                        case ICoalesceAssignmentOperation:
                            return true;
                        case IAssignmentOperation { Target: IMemberReferenceOperation member }:
                            assigned.Add(member.Member);
                            break;
                    }
                }
            }

            if (assigned.Count == 0)
            {
                return false;
            }

            // A guard inside the lock: its first statement tests state that the lock body assigns.
            foreach (var operation in region.Body)
            {
                var first = operation is IBlockOperation { Operations.Length: > 0 } block ? block.Operations[0] : operation;
                if (first is IConditionalOperation inner && ReadsAny(inner.Condition, assigned))
                {
                    return true;
                }
            }

            // A guard around the lock.
            for (var current = region.Anchor.Parent; current is not null && current is not IMethodBodyBaseOperation; current = current.Parent)
            {
                if (current is IConditionalOperation outer && ReadsAny(outer.Condition, assigned))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ReadsAny(IOperation condition, HashSet<ISymbol> symbols)
        {
            foreach (var descendant in condition.DescendantsAndSelf())
            {
                if (descendant is IMemberReferenceOperation member && symbols.Contains(member.Member))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
