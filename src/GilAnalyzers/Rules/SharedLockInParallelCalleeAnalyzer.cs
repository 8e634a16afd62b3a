using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL001 for the lock that is not visibly in parallel code: an instance lock (<c>lock (_sync)</c>, <c>lock (this)</c>)
    /// around CPU-bound work in a method that a Parallel.For body, a PLINQ delegate or threads started in a loop call on
    /// one shared object. Needs the call graph of the whole compilation, so it reports at compilation end.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SharedLockInParallelCalleeAnalyzer : GilAnalyzer
    {
        /// <summary>How many calls deep from the parallel delegate a lock is still found.</summary>
        public const int MaxCallDepth = 3;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SharedLockAroundCpuWorkInCallee);

        private protected override bool HasRequiredTypes(KnownTypes types) => types.Monitor is not null;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
        {
            var costModel = WorkCostModel.For(types);
            var reached = new ConcurrentDictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
            var candidates = new ConcurrentBag<Candidate>();

            context.RegisterOperationAction(
                c =>
                {
                    // Names first: most invocations of a compilation are not parallel launches, and this resolves no type.
                    if (ParallelContextFinder.MayLaunch(c.Operation) && HasRequiredTypes(types))
                    {
                        CollectReachedMethods(c.Operation, types, costModel, reached, c.CancellationToken);
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);

            // Candidates are only collected here (cheap checks on the operation tree); their cost and global-state
            // analysis, which summarises callees and binds their bodies, waits for compilation end and runs only for the
            // few methods that parallel code turned out to reach.
            SerialisedLockSite.RegisterLockRegions(context, types, (c, region) =>
            {
                if (c.ContainingSymbol is IMethodSymbol { IsStatic: false } method
                    && IsInstanceLock(region.LockedValue)
                    && HasRequiredTypes(types))
                {
                    candidates.Add(new Candidate(method.OriginalDefinition, c.Operation.Syntax));
                }
            });

            context.RegisterCompilationEndAction(end =>
            {
                if (reached.IsEmpty)
                {
                    return;
                }

                GlobalStateModel? globalState = null;
                foreach (var candidate in candidates)
                {
                    if (reached.TryGetValue(candidate.Method, out var description)
                        && FindRegion(candidate.Syntax, types, end.CancellationToken) is { } region
                        && Evaluate(region, types, costModel, globalState ??= GlobalStateModel.For(types), end.Options, end.CancellationToken) is { } reason)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.SharedLockAroundCpuWorkInCallee,
                            region.Location,
                            LockSharing.Classify(region, null).Name,
                            reason,
                            "'" + candidate.Method.Name + "', called from " + description));
                    }
                }
            });
        }

        /// <summary>
        /// An instance lock in an instance method, to be reported if parallel code reaches the method. Keeps the syntax of
        /// the operation that took the lock, not the operation: an operation holds its semantic model (every bound body of
        /// its file) alive until compilation end.
        /// </summary>
        private sealed class Candidate
        {
            public Candidate(IMethodSymbol method, SyntaxNode syntax)
            {
                Method = method;
                Syntax = syntax;
            }

            public IMethodSymbol Method { get; }

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

#pragma warning disable RS1030 // Only for the few candidates that parallel code reaches, once, at compilation end.
            var model = types.Compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            return model.GetOperation(syntax, cancellationToken) switch
            {
                ILockOperation lockOperation => LockRegionFinder.FromLockStatement(lockOperation),
                IInvocationOperation invocation => LockRegionFinder.FromAcquireCall(invocation, types),
                { Kind: OperationKind.Using or OperationKind.UsingDeclaration } usingOperation => LockRegionFinder.FromUsing(usingOperation, types),
                _ => null,
            };
        }

        /// <summary>
        /// A lock on the instance (<c>this</c> or one of its fields) around CPU-bound work, outside any visible parallel
        /// delegate: the cost's reason when the method, called on a shared object from parallel code, is worth reporting.
        /// </summary>
        private static string? Evaluate(LockRegion region, KnownTypes types, WorkCostModel costModel, GlobalStateModel globalState, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
        {
            if (ParallelContextFinder.FindEnclosing(region.Anchor, types) is not null
                || ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types)
                || SerialisedLockSite.IsLazyInitialisation(region))
            {
                return null;
            }

            return SerialisedLockSite.CostIfReportable(region, costModel, options, cancellationToken) is { } cost
                   && globalState.FindEntanglement(region, options, cancellationToken) is null
                ? cost.Reason
                : null;
        }

        private static bool IsInstanceLock(IOperation lockedValue)
        {
            return FanOutFacts.StripConversions(lockedValue) switch
            {
                IInstanceReferenceOperation => true,
                IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } => true,
                IPropertyReferenceOperation { Property.IsStatic: false, Instance: IInstanceReferenceOperation, Arguments.Length: 0 } => true,
                _ => false,
            };
        }

        /// <summary>
        /// From a parallel launch, the instance methods its hot delegates call on one shared object, and (up to
        /// <see cref="MaxCallDepth"/>) the instance methods those call on <c>this</c>.
        /// </summary>
        private static void CollectReachedMethods(IOperation launch, KnownTypes types, WorkCostModel costModel, ConcurrentDictionary<IMethodSymbol, string> reached, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var (target, description) in ParallelContextFinder.HotDelegates(launch, types))
            {
                var work = new Queue<(IMethodSymbol Method, int Depth)>();
                switch (target)
                {
                    case IMethodReferenceOperation reference when IsSharedReceiver(reference.Instance, null):
                        work.Enqueue((reference.Method, 1));
                        break;
                    case IAnonymousFunctionOperation lambda:
                        foreach (var callee in InstanceCallsOn(lambda.Body, lambda, sharedOnly: true))
                        {
                            work.Enqueue((callee, 1));
                        }

                        break;
                }

                var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                while (work.Count > 0)
                {
                    var (method, depth) = work.Dequeue();
                    method = method.OriginalDefinition;
                    if (!seen.Add(method))
                    {
                        continue;
                    }

                    reached.TryAdd(method, description);
                    if (depth >= MaxCallDepth || costModel.GetBody(method, cancellationToken) is not { } body)
                    {
                        continue;
                    }

                    foreach (var callee in InstanceCallsOn(body, null, sharedOnly: false))
                    {
                        work.Enqueue((callee, depth + 1));
                    }
                }
            }
        }

        /// <summary>
        /// Source instance methods called in <paramref name="body"/>. With <paramref name="sharedOnly"/>, only calls whose
        /// receiver is the same object for every worker; otherwise only calls on <c>this</c> (the chain stays on the
        /// shared object).
        /// </summary>
        private static IEnumerable<IMethodSymbol> InstanceCallsOn(IOperation body, IOperation? region, bool sharedOnly)
        {
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is not IInvocationOperation { TargetMethod: { IsStatic: false } method } call
                    || method.DeclaringSyntaxReferences.Length == 0)
                {
                    continue;
                }

                var receiver = call.Instance;
                var keep = sharedOnly ? IsSharedReceiver(receiver, region) : receiver is IInstanceReferenceOperation;
                if (keep)
                {
                    yield return method;
                }
            }
        }

        private static bool IsSharedReceiver(IOperation? receiver, IOperation? region)
        {
            if (receiver is null)
            {
                return false;
            }

            var scope = LockSharing.Classify(receiver, region).Scope;
            return scope == LockScope.Shared || scope == LockScope.ProcessGlobal;
        }
    }
}
