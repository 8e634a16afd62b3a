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

            SerialisedLockSite.RegisterLockRegions(context, types, (c, region) =>
            {
                if (HasRequiredTypes(types))
                {
                    CollectCandidate(c, region, types, costModel, GlobalStateModel.For(types), candidates);
                }
            });

            context.RegisterCompilationEndAction(end =>
            {
                foreach (var candidate in candidates)
                {
                    if (reached.TryGetValue(candidate.Method, out var description))
                    {
                        end.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.SharedLockAroundCpuWorkInCallee,
                            candidate.Location,
                            candidate.LockName,
                            candidate.Reason,
                            "'" + candidate.Method.Name + "', called from " + description));
                    }
                }
            });
        }

        private sealed class Candidate
        {
            public Candidate(IMethodSymbol method, Location location, string lockName, string reason)
            {
                Method = method;
                Location = location;
                LockName = lockName;
                Reason = reason;
            }

            public IMethodSymbol Method { get; }

            public Location Location { get; }

            public string LockName { get; }

            public string Reason { get; }
        }

        /// <summary>
        /// A lock on the instance (<c>this</c> or one of its fields) around CPU-bound work, outside any visible parallel
        /// delegate: reported if the method turns out to be called on a shared object from parallel code.
        /// </summary>
        private static void CollectCandidate(OperationAnalysisContext context, LockRegion region, KnownTypes types, WorkCostModel costModel, GlobalStateModel globalState, ConcurrentBag<Candidate> candidates)
        {
            if (context.ContainingSymbol is not IMethodSymbol { IsStatic: false } method
                || !IsInstanceLock(region.LockedValue)
                || ParallelContextFinder.FindEnclosing(region.Anchor, types) is not null
                || ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types)
                || SerialisedLockSite.IsLazyInitialisation(region))
            {
                return;
            }

            if (SerialisedLockSite.CostIfReportable(region, costModel, context.Options, context.CancellationToken) is { } cost
                && globalState.FindEntanglement(region, context.Options, context.CancellationToken) is null)
            {
                candidates.Add(new Candidate(method.OriginalDefinition, region.Location, LockSharing.Classify(region, null).Name, cost.Reason));
            }
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
