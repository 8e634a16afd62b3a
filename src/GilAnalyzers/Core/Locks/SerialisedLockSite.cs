using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A GIL-shaped site: a shared lock held around CPU-bound work in parallel code, or a process-global lock held around
/// CPU-bound work anywhere. GIL001 reports the site; GIL006 reports it instead when the work is entangled with
/// process-global state.
/// </summary>
internal sealed class SerialisedLockSite
{
    private SerialisedLockSite(LockRegion region, LockIdentity identity, WorkCost cost, string where)
    {
        Region = region;
        Identity = identity;
        Cost = cost;
        Where = where;
    }

    public LockRegion Region { get; }

    public LockIdentity Identity { get; }

    public WorkCost Cost { get; }

    /// <summary>For messages: "a Parallel.For body" or "'Encode', a process-wide lock that every calling thread queues for".</summary>
    public string Where { get; }

    /// <summary>
    /// Registers one callback for every lock region in the compilation: <c>lock</c> statements, Monitor / one-slot
    /// semaphore / Mutex / Lock acquisitions (also through a helper method of the code's own), and <c>using (gate.EnterScope())</c>.
    /// </summary>
    public static void RegisterLockRegions(CompilationStartAnalysisContext context, KnownTypes types, Action<OperationAnalysisContext, LockRegion> onRegion)
    {
        context.RegisterOperationAction(
            c =>
            {
                if (LockRegionFinder.FromLockStatement((ILockOperation)c.Operation) is { } region)
                {
                    onRegion(c, region);
                }
            },
            OperationKind.Lock);
        context.RegisterOperationAction(
            c =>
            {
                var invocation = (IInvocationOperation)c.Operation;
                if (LockRegionFinder.IsAcquireName(invocation.TargetMethod.Name)
                    && LockRegionFinder.FromAcquireCall(invocation, types) is { } region)
                {
                    onRegion(c, region);
                }
                else if (LockRegionFinder.MayBeRunnerCall(invocation.Syntax)
                         && LockRegionFinder.FromRunnerCall(invocation, types, c.CancellationToken) is { } runnerRegion)
                {
                    onRegion(c, runnerRegion);
                }
                else if (LockRegionFinder.MayBeAcquireHelperCall(invocation)
                         && LockRegionFinder.FromAcquireHelperCall(invocation, types, c.CancellationToken) is { } helperRegion)
                {
                    onRegion(c, helperRegion);
                }
            },
            OperationKind.Invocation);
        context.RegisterOperationAction(
            c =>
            {
                if (LockRegionFinder.MayBeRunnerCall(c.Operation.Syntax)
                    && LockRegionFinder.FromUnboundRunnerCall((IInvalidOperation)c.Operation, types, c.CancellationToken) is { } runnerRegion)
                {
                    onRegion(c, runnerRegion);
                }
            },
            OperationKind.Invalid);
        // Registered whatever the references: asking whether System.Threading.Lock exists here, at compilation start,
        // would resolve a type before any code needs it (see GilAnalyzer). FromUsing looks for an EnterScope call by
        // name before it resolves the type.
        context.RegisterOperationAction(
            c =>
            {
                if (LockRegionFinder.FromUsing(c.Operation, types, c.CancellationToken) is { } region)
                {
                    onRegion(c, region);
                }
            },
            OperationKind.Using,
            OperationKind.UsingDeclaration);
    }

    /// <summary>
    /// The site of <paramref name="region"/> and its entanglement with process-global state, classified once per region
    /// and compilation: GIL001 reports the site when nothing is entangled, GIL006 when something is. Both analyzers
    /// ask for the same region; the second gets the first one's verdict (strings only: a cached operation would keep
    /// its semantic model alive).
    /// </summary>
    public static LockSiteVerdict? Classify(OperationAnalysisContext context, LockRegion region, KnownTypes types, WorkCostModel costModel)
    {
        var verdicts = Verdicts.GetValue(types.Compilation, _ => new ConcurrentDictionary<SyntaxNode, LockSiteVerdict>());
        var key = region.Anchor.Syntax;
        if (verdicts.TryGetValue(key, out var known))
        {
            return known.IsSite ? known : null;
        }

        var verdict = LockSiteVerdict.NotASite;
        if (TryCreate(context, region, types, costModel) is { } site)
        {
            var entanglement = GlobalStateModel.For(types).FindEntanglement(site.Region, context.Options, context.CancellationToken);
            verdict = new LockSiteVerdict(site.Identity.Name, site.Cost.Reason, site.Where, entanglement?.Description);
        }

        verdicts.TryAdd(key, verdict);
        return verdict.IsSite ? verdict : null;
    }

    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxNode, LockSiteVerdict>> Verdicts =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxNode, LockSiteVerdict>>();

    /// <summary>The site when <paramref name="region"/> serialises CPU-bound work, else null.</summary>
    public static SerialisedLockSite? TryCreate(OperationAnalysisContext context, LockRegion region, KnownTypes types, WorkCostModel costModel)
    {
        if (region.NeverWaits)
        {
            // if (Monitor.TryEnter(gate)) { … }: a thread that finds the lock taken skips the work instead of queueing.
            return null;
        }

        var parallel = ParallelContextFinder.FindEnclosing(region.Anchor, types);
        var identity = LockSharing.Classify(region, parallel?.Region);
        if (!identity.IsShared)
        {
            return null;
        }

        string where;
        var inParallelCode = parallel is not null;
        if (parallel is not null)
        {
            if (IsOncePerWorkerMerge(region, parallel) || CheckThenLock.IsInitialisation(region.Body, region.Anchor, keyedCounts: true))
            {
                return null;
            }

            where = parallel.Description;
        }
        else if (identity.Scope == LockScope.ProcessGlobal
                 && !IsLazyInitialisation(region, processWideLock: true)
                 && !IsTeardown(context.ContainingSymbol)
                 && !ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types))
        {
            where = "'" + context.ContainingSymbol.Name + "', a process-wide lock that every calling thread queues for";
        }
        else if (identity.Scope == LockScope.Shared
                 && !IsLazyInitialisation(region)
                 && !IsTeardown(context.ContainingSymbol)
                 && !ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types)
                 && NativeObjectLock.DrivenObject(region, costModel, context.CancellationToken, out var unresolvedCost) is { } driven)
        {
            // lock (_predictor) { _predictor.Run(); }: the lock exists because threads share the native object.
            where = "'" + context.ContainingSymbol.Name + "', a lock on the " + (OperationFacts.StripConversions(region.LockedValue).Type is { } lockedType && NativeObjectLock.IsUnsafeProcessor(lockedType) ? "non-thread-safe " + lockedType.Name : "native object") + " '" + driven + "' that every thread sharing it queues for";
            if (unresolvedCost is { } engineRun
                && CostIfReportable(region, costModel, context.Options, context.CancellationToken, inParallelCode: false) is null)
            {
                // The engine's type does not resolve: its run is all the cost model can know of the work.
                return engineRun.Strength >= GilOptions.MinWorkStrength(context.Options, region.Anchor.Syntax.SyntaxTree)
                    ? new SerialisedLockSite(region, identity, engineRun, where)
                    : null;
            }
        }
        else if (identity.Scope == LockScope.Shared
                 && !IsLazyInitialisation(region)
                 && !IsTeardown(context.ContainingSymbol)
                 && !ParallelContextFinder.IsInOncePerWorkerDelegate(region.Anchor, types)
                 && NativeObjectLock.GuardedCompanion(region) is { } guarded)
        {
            // lock (provider.Lock) { g.DrawImage(provider.Bitmap, …); }: the owner keeps the lock for the native object.
            where = "'" + context.ContainingSymbol.Name + "', a lock kept with the native object '" + guarded + "' that every thread sharing it queues for";
        }
        else
        {
            return null;
        }

        if (CostIfReportable(region, costModel, context.Options, context.CancellationToken, inParallelCode) is { } cost)
        {
            return new SerialisedLockSite(region, identity, cost, where);
        }

        return parallel is null && identity.Scope == LockScope.ProcessGlobal && NativeLibraryCallRunner(region) is { } handedIn
               && handedIn.Strength >= GilOptions.MinWorkStrength(context.Options, region.Anchor.Syntax.SyntaxTree)
            ? new SerialisedLockSite(region, identity, handedIn, where)
            : null;
    }

    /// <summary>
    /// <c>T Invoke&lt;T&gt;(Func&lt;T&gt; func) { lock (s_library) return func(); }</c> with the lock named for a native
    /// library (<see cref="NativeWork.NativeLockName"/>): the wrapper of a library that is not thread-safe runs every call
    /// of it — page renders included — as a delegate handed to one process-wide lock. The work is the callers', out of
    /// sight here, but the helper exists to serialise the library's work. The cost, or null when the region does not
    /// invoke a delegate parameter of its method, or the lock is not named for a native library.
    /// </summary>
    private static WorkCost? NativeLibraryCallRunner(LockRegion region)
    {
        if (NativeWork.NativeLockName(region.LockedValue) is not { } library)
        {
            return null;
        }

        foreach (var operation in region.Body)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: IParameterReferenceOperation handed }
                    && !OperationFacts.HasAttributeNamed(handed.Parameter.Type, "UnmanagedFunctionPointerAttribute"))
                {
                    return new WorkCost(WorkKind.CpuBound, "'" + handed.Parameter.Name + "' (every call of the native library '" + library + "' its callers hand in)",
                        WorkCost.NestedStrength, bulkData: true);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A hand-written localFinally: <c>Parallel.For(0, Environment.ProcessorCount, w => { …loop over the worker's share into
    /// locals…; lock (g) { …merge the locals into the shared result… } })</c>. The loop runs once per worker, not once per
    /// item, so the lock outside the body's loops is taken once by each worker to merge what it computed — the place
    /// where per-worker results are meant to be merged, as in a real localFinally. The iteration count is a worker count
    /// when the bound reads <c>Environment.ProcessorCount</c>, directly or through the local it initialises
    /// (<c>var workers = Math.Min(Environment.ProcessorCount, n)</c>). A body whose only loop is the one under the lock
    /// still serialises all of its work and stays reported.
    /// </summary>
    private static bool IsOncePerWorkerMerge(LockRegion region, ParallelContext parallel)
    {
        if (parallel.Launcher is not { TargetMethod: { Name: "For", ContainingType.Name: "Parallel" } } call
            || call.Arguments.Length < 3
            || !IsWorkerCount(call.Arguments[1].Value))
        {
            return false;
        }

        for (var current = region.Anchor.Parent; current is not null && current != parallel.Region; current = current.Parent)
        {
            if (current is ILoopOperation)
            {
                return false;
            }
        }

        foreach (var descendant in parallel.Region.Descendants())
        {
            if (descendant is ILoopOperation && !OperationFacts.IsWithin(descendant, region.Anchor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>Environment.ProcessorCount</c>, or a local initialised from an expression that reads it.</summary>
    private static bool IsWorkerCount(IOperation bound)
    {
        var value = OperationFacts.StripConversions(bound);
        if (ReadsProcessorCount(value.Syntax))
        {
            return true;
        }

        return value is ILocalReferenceOperation local
               && local.Local.DeclaringSyntaxReferences.Length == 1
               && local.Local.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: { } initializer }
               && ReadsProcessorCount(initializer);
    }

    private static bool ReadsProcessorCount(SyntaxNode syntax)
    {
        foreach (var node in syntax.DescendantNodesAndSelf())
        {
            if (node is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ProcessorCount", Expression: Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "Environment" } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>Dispose()</c>, <c>Dispose(bool)</c>, <c>DisposeAsync()</c> or a finalizer: teardown runs once per object, so with no
    /// parallel code in sight a process-wide lock there is not one that calling threads keep queueing for.
    /// </summary>
    private static bool IsTeardown(ISymbol? member)
        => member is IMethodSymbol method
           && (method.MethodKind == MethodKind.Destructor
               || (method.Name is "Dispose" or "DisposeAsync" && method.Parameters.Length <= 1 && !method.IsStatic));

    /// <summary>
    /// The region's cost when it is CPU-bound enough to report under the configured threshold. With no parallel code in
    /// sight (a process-wide lock in a library method) the bar is higher, for precision: the work must be nested loops,
    /// recursion, a bulk library call (hashing, compression, serialisation, native bulk work) or heavier, and loops that walk the state the lock guards do not count (see
    /// <see cref="WorkCostModel.AnalyzeComputation"/>). Real-code runs (docs/real-world.md) showed that such locks
    /// mostly guard one pass over a shared collection. In parallel code the bookkeeping of the lock's own small collections
    /// (a job queue drained, a top-N list, subscribers) and the rare "new best found" branch do not count either (see
    /// <see cref="WorkCostModel.AnalyzeLockBody"/>); a loop over a numeric data field does. With no parallel code in sight,
    /// or with <paramref name="inCallee"/> (a lock in a method parallel code calls), a per-key cache fill's miss branch
    /// (<c>if (!s_maps.TryGetValue(k, out m)) { m = Build(k); s_maps.Add(k, m); }</c>) runs once per key and does not count.
    /// </summary>
    public static WorkCost? CostIfReportable(LockRegion region, WorkCostModel costModel, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken, bool inParallelCode = true, bool inCallee = false)
    {
        var minimum = GilOptions.MinWorkStrength(options, region.Anchor.Syntax.SyntaxTree);
        var cost = inParallelCode
            ? costModel.AnalyzeLockBody(region.Body, cancellationToken, cacheFillIsRare: inCallee)
            : costModel.AnalyzeComputation(region.Body, cancellationToken);
        // A hash, a compression or a native codec call processes the caller's data, not the state the lock guards: one
        // such call is heavy enough to queue every calling thread.
        if (!inParallelCode && minimum < WorkCost.NestedStrength && !cost.BulkData)
        {
            minimum = WorkCost.NestedStrength;
        }

        return cost.IsCpuBound && cost.Strength >= minimum ? cost : null;
    }

    /// <summary>
    /// Double-checked or guarded one-time initialisation (<c>if (s_table == null) lock (s_gate) { if (s_table == null)
    /// s_table = Build(); }</c>) runs its work once, not once per caller: not a GIL.
    /// </summary>
    /// <remarks>
    /// With <paramref name="processWideLock"/> (a static lock), initialising a member of the instance
    /// (<c>lock (s_gate) { return _image ??= Decode(_bytes); }</c>) runs once per instance, and every instance's first
    /// caller queues on the one lock: that is not one-time initialisation. Check-then-lock initialisation
    /// (<see cref="CheckThenLock"/>: the lock is taken only when the location it fills is found empty) is, whoever owns
    /// the location: callers whose location is filled never take the lock.
    /// </remarks>
    public static bool IsLazyInitialisation(LockRegion region, bool processWideLock = false) => IsLazyInitialisation(region.Body, region.Anchor, processWideLock);

    /// <summary>
    /// As <see cref="IsLazyInitialisation(LockRegion, bool)"/> for code that runs under a lock: <paramref name="body"/>, taken
    /// at <paramref name="anchor"/> (null for a whole <c>[MethodImpl(Synchronized)]</c> method, guarded by its first statement).
    /// </summary>
    public static bool IsLazyInitialisation(IEnumerable<IOperation> body, IOperation? anchor, bool processWideLock = false)
    {
        // if (Tables[hi] == null) lock (s_gate) { Tables[hi] = Build(hi); }: callers whose location is filled never take the
        // lock, whoever owns the location.
        if (CheckThenLock.IsInitialisation(body, anchor, keyedCounts: false))
        {
            return true;
        }

        var assigned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var coalesces = false;
        var perInstance = true;
        foreach (var operation in body)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                switch (descendant)
                {
                    case ICoalesceAssignmentOperation coalesce:
                        coalesces = true;
                        perInstance &= IsInstanceMemberOfThis(coalesce.Target);
                        break;
                    case IAssignmentOperation { Target: IMemberReferenceOperation member }:
                        assigned.Add(member.Member);
                        perInstance &= IsInstanceMemberOfThis(member);
                        break;
                }
            }
        }

        if (processWideLock && perInstance && (coalesces || assigned.Count > 0))
        {
            return false;
        }

        if (coalesces)
        {
            return true;
        }

        if (assigned.Count == 0)
        {
            return false;
        }

        // A guard inside the lock: its first statement tests state that the lock body assigns, and unless it is an early
        // exit (if (_done) return;), no loop follows it. A loop after a guard that falls through runs on every entry (if
        // (_buf.Length < n) _buf = new int[n * 2]; then the pass that uses the buffer): the guard only resizes a scratch
        // buffer, and the work is costed as usual, the guard's own branch as a rare update (WorkCostModel).
        var statements = Flatten(body);
        if (statements.Count > 0 && statements[0] is IConditionalOperation inner && ReadsAny(inner.Condition, assigned)
            && (inner.WhenFalse is null && CheckThenLock.Leaves(inner.WhenTrue) || !statements.Skip(1).Any(LoopsAnywhere)))
        {
            return true;
        }

        // A guard around the lock.
        for (var current = anchor?.Parent; current is not null && current is not IMethodBodyBaseOperation; current = current.Parent)
        {
            if (current is IConditionalOperation outer && ReadsAny(outer.Condition, assigned))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LoopsAnywhere(IOperation operation) => operation.DescendantsAndSelf().Any(d => d is ILoopOperation);

    /// <summary>The statements of a locked body, a block's statements in place of the block.</summary>
    private static List<IOperation> Flatten(IEnumerable<IOperation> body)
    {
        var statements = new List<IOperation>();
        foreach (var operation in body)
        {
            if (operation is IBlockOperation block)
            {
                statements.AddRange(block.Operations);
            }
            else
            {
                statements.Add(operation);
            }
        }

        return statements;
    }

    /// <summary>A field or property of <c>this</c> instance (<c>_image</c>, <c>this.Cache</c>).</summary>
    private static bool IsInstanceMemberOfThis(IOperation target)
        => OperationFacts.StripConversions(target) is IMemberReferenceOperation { Member.IsStatic: false, Instance: IInstanceReferenceOperation };

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

/// <summary>What GIL001 and GIL006 report about one lock region: the message's arguments, and the entanglement with
/// process-global state that makes it GIL006's (null: GIL001's).</summary>
internal sealed class LockSiteVerdict
{
    public static readonly LockSiteVerdict NotASite = new LockSiteVerdict(string.Empty, string.Empty, string.Empty, null, isSite: false);

    public LockSiteVerdict(string lockName, string reason, string where, string? entanglement, bool isSite = true)
    {
        LockName = lockName;
        Reason = reason;
        Where = where;
        Entanglement = entanglement;
        IsSite = isSite;
    }

    public bool IsSite { get; }

    public string LockName { get; }

    public string Reason { get; }

    public string Where { get; }

    /// <summary>Why only processes help (GIL006), or null (GIL001).</summary>
    public string? Entanglement { get; }
}
