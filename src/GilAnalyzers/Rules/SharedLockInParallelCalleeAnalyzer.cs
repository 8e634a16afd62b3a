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
    /// GIL001 for the lock that is not visibly in parallel code: an instance lock (<c>lock (_sync)</c>, <c>lock (this)</c>,
    /// <c>lock (_owner.Sync)</c>) around CPU-bound work in a method that a Parallel.For body, a PLINQ delegate or threads
    /// started in a loop call on one shared object; or a lock on a parameter (<c>lock (sync)</c>, <c>lock (state.Gate)</c>)
    /// that parallel code passes the same object for every worker (a captured local, a field). Needs the call graph of the
    /// whole compilation, so it reports at compilation end.
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
            var reached = new Reached();
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
                foreach (var candidate in candidates)
                {
                    if (reached.TryGet(candidate.Method, candidate.Root, out var description)
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

        /// <summary>A lock rooted in the instance (<c>this</c>, <c>_sync</c>, <c>_owner.Sync</c>).</summary>
        private const int ThisRoot = -1;

        /// <summary>
        /// What the lock object hangs off through instance fields and properties: the instance (<see cref="ThisRoot"/>, in an
        /// instance method) or a parameter of <paramref name="method"/> (its ordinal); null for anything else.
        /// </summary>
        private static int? LockRoot(IOperation lockedValue, IMethodSymbol method)
        {
            var value = FanOutFacts.StripConversions(lockedValue);
            while (true)
            {
                switch (value)
                {
                    case IInstanceReferenceOperation:
                        return method.IsStatic ? null : ThisRoot;
                    case IParameterReferenceOperation parameter
                        when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, method)
                             && parameter.Parameter.RefKind == RefKind.None && !parameter.Parameter.Type.IsValueType:
                        return parameter.Parameter.Ordinal;
                    case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance }:
                        value = FanOutFacts.StripConversions(instance);
                        break;
                    case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: { } instance }:
                        value = FanOutFacts.StripConversions(instance);
                        break;
                    default:
                        return null;
                }
            }
        }

        /// <summary>
        /// The methods parallel code reaches, and on what: the instance shared by every worker, or parameters every worker
        /// passes the same object for. Written from many operation callbacks, read at compilation end.
        /// </summary>
        private sealed class Reached
        {
            private readonly ConcurrentDictionary<IMethodSymbol, string> _onSharedInstance = new ConcurrentDictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default);
            private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), string> _withSharedArgument = new ConcurrentDictionary<(IMethodSymbol, int), string>(new MethodOrdinalComparer());

            public bool IsEmpty => _onSharedInstance.IsEmpty && _withSharedArgument.IsEmpty;

            public void Add(IMethodSymbol method, int root, string description)
            {
                if (root == ThisRoot)
                {
                    _onSharedInstance.TryAdd(method, description);
                }
                else
                {
                    _withSharedArgument.TryAdd((method, root), description);
                }
            }

            public bool TryGet(IMethodSymbol method, int root, out string description)
                => root == ThisRoot
                    ? _onSharedInstance.TryGetValue(method, out description!)
                    : _withSharedArgument.TryGetValue((method, root), out description!);

            private sealed class MethodOrdinalComparer : IEqualityComparer<(IMethodSymbol Method, int Ordinal)>
            {
                public bool Equals((IMethodSymbol Method, int Ordinal) x, (IMethodSymbol Method, int Ordinal) y)
                    => x.Ordinal == y.Ordinal && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

                public int GetHashCode((IMethodSymbol Method, int Ordinal) obj)
                    => (SymbolEqualityComparer.Default.GetHashCode(obj.Method) * 31) + obj.Ordinal;
            }
        }

        /// <summary>A method reached from parallel code: whether its instance is shared, and which of its parameters are.</summary>
        private readonly struct Reach
        {
            public Reach(IMethodSymbol method, int depth, bool sharedInstance, ImmutableArray<int> sharedParameters)
            {
                Method = method;
                Depth = depth;
                SharedInstance = sharedInstance;
                SharedParameters = sharedParameters;
            }

            public IMethodSymbol Method { get; }

            public int Depth { get; }

            public bool SharedInstance { get; }

            public ImmutableArray<int> SharedParameters { get; }

            /// <summary>What is shared, for telling apart two reaches of one method.</summary>
            public string Sharing => (SharedInstance ? "this" : "") + ":" + string.Join(",", SharedParameters);
        }

        /// <summary>
        /// From a parallel launch, the methods its hot delegates call on one shared object or with a shared object as an
        /// argument, and (up to <see cref="MaxCallDepth"/>) the methods those call on <c>this</c> or pass the shared
        /// objects on to.
        /// </summary>
        private static void CollectReachedMethods(IOperation launch, KnownTypes types, WorkCostModel costModel, Reached reached, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var (target, description) in ParallelContextFinder.HotDelegates(launch, types))
            {
                var work = new Queue<Reach>();
                switch (target)
                {
                    case IMethodReferenceOperation reference when IsSharedReceiver(reference.Instance, null):
                        work.Enqueue(new Reach(reference.Method.OriginalDefinition, 1, true, ImmutableArray<int>.Empty));
                        break;
                    case IAnonymousFunctionOperation lambda:
                        foreach (var reach in SharedCalls(lambda.Body, 1, operand => IsSharedReceiver(operand, lambda)))
                        {
                            work.Enqueue(reach);
                        }

                        break;
                }

                var seen = new Dictionary<IMethodSymbol, HashSet<string>>(SymbolEqualityComparer.Default);
                while (work.Count > 0)
                {
                    var reach = work.Dequeue();
                    if (!seen.TryGetValue(reach.Method, out var sharings))
                    {
                        seen[reach.Method] = sharings = new HashSet<string>(System.StringComparer.Ordinal);
                    }

                    if (!sharings.Add(reach.Sharing))
                    {
                        continue;
                    }

                    if (reach.SharedInstance)
                    {
                        reached.Add(reach.Method, ThisRoot, description);
                    }

                    foreach (var ordinal in reach.SharedParameters)
                    {
                        reached.Add(reach.Method, ordinal, description);
                    }

                    if (reach.Depth >= MaxCallDepth || costModel.GetBody(reach.Method, cancellationToken) is not { } body)
                    {
                        continue;
                    }

                    var caller = reach;
                    foreach (var next in SharedCalls(body, reach.Depth + 1, operand => IsRootedInShared(operand, caller)))
                    {
                        work.Enqueue(next);
                    }
                }
            }
        }

        /// <summary>
        /// The calls in <paramref name="body"/> to source methods whose receiver or some reference-typed argument
        /// <paramref name="isShared"/> says is the same object for every worker.
        /// </summary>
        private static IEnumerable<Reach> SharedCalls(IOperation body, int depth, System.Func<IOperation, bool> isShared)
        {
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is not IInvocationOperation { TargetMethod: { } method } call
                    || method.DeclaringSyntaxReferences.Length == 0
                    || method.MethodKind == MethodKind.LocalFunction)
                {
                    continue;
                }

                var sharedInstance = !method.IsStatic && call.Instance is not null && isShared(call.Instance);
                var parameters = ImmutableArray.CreateBuilder<int>();
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter is { RefKind: RefKind.None } parameter && !parameter.Type.IsValueType
                        && argument.ArgumentKind == ArgumentKind.Explicit && isShared(argument.Value))
                    {
                        parameters.Add(parameter.Ordinal);
                    }
                }

                if (sharedInstance || parameters.Count > 0)
                {
                    yield return new Reach(method.OriginalDefinition, depth, sharedInstance, parameters.ToImmutable());
                }
            }
        }

        /// <summary>In a reached method: <c>this</c> (or what hangs off it) when its instance is shared, or a shared parameter.</summary>
        private static bool IsRootedInShared(IOperation operand, Reach caller)
        {
            var value = FanOutFacts.StripConversions(operand);
            while (true)
            {
                switch (value)
                {
                    case IInstanceReferenceOperation:
                        return caller.SharedInstance;
                    case IParameterReferenceOperation parameter:
                        return caller.SharedParameters.Contains(parameter.Parameter.Ordinal)
                               && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol.OriginalDefinition, caller.Method);
                    case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance }:
                        value = FanOutFacts.StripConversions(instance);
                        break;
                    case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: { } instance }:
                        value = FanOutFacts.StripConversions(instance);
                        break;
                    default:
                        return false;
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
