using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Static cost model over IOperation: answers "is this code CPU-bound?" with a reason a message can quote.
/// <list type="bullet">
/// <item>Loops whose trip count is not a small constant, LINQ pipelines, recursion and known CPU-heavy framework
/// calls (hashing, compression, regex, sorting, serialisation) make code CPU-bound; nesting adds strength.</item>
/// <item>I/O and waiting (await, Console, streams, files, sockets, Thread.Sleep, Task.Delay) make it I/O-bound:
/// a lock around I/O guards a shared resource and is fine.</item>
/// <item>Calls into methods of the same compilation are summarised once per compilation (memoised, depth-bounded;
/// a cycle counts as recursion). An interface, abstract or virtual call is costed by the implementations the compilation's
/// own source declares (see <see cref="SourceImplementations"/>); calls the model cannot see (other assemblies) are unknown.</item>
/// </list>
/// One instance per compilation, shared by every analyzer: see <see cref="For"/>.
/// </summary>
internal sealed class WorkCostModel
{
    /// <summary>A loop over at most this many iterations (a compile-time constant) counts as light.</summary>
    public const int SmallLoopLimit = 16;

    /// <summary>How many callee summaries may be in progress at once along one call chain.</summary>
    public const int MaxCalleeDepth = 6;

    private const string RecursionReason = "recursion";

    private static readonly ConditionalWeakTable<Compilation, WorkCostModel> Cache = new ConditionalWeakTable<Compilation, WorkCostModel>();

    private readonly KnownTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, WorkCost> _summaries =
        new ConcurrentDictionary<IMethodSymbol, WorkCost>(SymbolEqualityComparer.Default);

    /// <summary>Summaries of methods called on the same object (or type) from code that holds a lock: see <see cref="AnalyzeLockBody"/>.</summary>
    private readonly ConcurrentDictionary<IMethodSymbol, WorkCost> _lockBodySummaries =
        new ConcurrentDictionary<IMethodSymbol, WorkCost>(SymbolEqualityComparer.Default);

    private readonly SourceImplementations _implementations;

    private WorkCostModel(KnownTypes types)
    {
        _types = types;
        _implementations = new SourceImplementations(types.Compilation);
    }

    /// <summary>The compilation's model; the rules ask for it inside their callbacks, so the lookup allocates nothing.</summary>
    public static WorkCostModel For(KnownTypes types)
        => Cache.GetValue(types.Compilation, CreateForCompilation);

    /// <summary>The compilation's one index of the source bodies interface, abstract and virtual calls can run.</summary>
    internal SourceImplementations Implementations => _implementations;

    private static readonly ConditionalWeakTable<Compilation, WorkCostModel>.CreateValueCallback CreateForCompilation =
        compilation => new WorkCostModel(KnownTypes.For(compilation));

    public WorkCost Analyze(IOperation? root, CancellationToken cancellationToken = default)
        => root is null ? WorkCost.Light : Analyze(ImmutableArray.Create(root), cancellationToken);

    /// <summary>The cost of running <paramref name="operations"/> once, in order.</summary>
    public WorkCost Analyze(IEnumerable<IOperation> operations, CancellationToken cancellationToken = default)
        => AnalyzeCore(operations, new CallChain(), cancellationToken);

    /// <summary>
    /// The cost of <paramref name="operations"/> under a process-wide lock, leaving out loops driven by static state — a
    /// <c>foreach</c> over a static field, a <c>for</c>/<c>while</c> whose condition reads one — together with their
    /// bodies. Under a process-wide lock with no parallel code in sight such a loop is maintenance of the state the lock
    /// guards (prune a list, drain a queue, notify subscribers), not computation that threads queue for. A loop over one
    /// instance's own state counts (see <see cref="IsDrivenByProcessWideState"/>). Callees are summarised as usual.
    /// </summary>
    public WorkCost AnalyzeComputation(IEnumerable<IOperation> operations, CancellationToken cancellationToken = default)
        => AnalyzeCore(operations, new CallChain(), cancellationToken, skipStateDrivenLoops: true, lockBody: true, cacheFillIsRare: true);

    /// <summary>
    /// The cost of code that runs while a lock is held (a lock body, a <c>[MethodImpl(Synchronized)]</c> method): as
    /// <see cref="Analyze(IEnumerable{IOperation}, CancellationToken)"/>, but bookkeeping of the state the lock guards
    /// is not computation — see <see cref="IsGuardedCollectionLoop"/> and <see cref="IsRareUpdateBranch"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="cacheFillIsRare"/> (a lock in a method whose callers are not in sight), a per-key cache fill's
    /// miss branch (see <see cref="CacheMissBranch"/>) is left out like a rare update: it runs once per key. A lock written
    /// inside the parallel body itself keeps it, since the key there is often the item and every call misses.
    /// </remarks>
    public WorkCost AnalyzeLockBody(IEnumerable<IOperation> operations, CancellationToken cancellationToken = default, bool cacheFillIsRare = false)
        => AnalyzeCore(operations, new CallChain(), cancellationToken, lockBody: true, cacheFillIsRare: cacheFillIsRare);

    /// <summary>The memoised summary of a method of this compilation (Unknown when its body is not in source).</summary>
    public WorkCost AnalyzeMethod(IMethodSymbol method, CancellationToken cancellationToken = default)
    {
        var cost = Summarise(method, new CallChain(), cancellationToken);
        if (cost.Kind == WorkKind.CpuBound || !_implementations.Dispatches(method.OriginalDefinition))
        {
            return cost;
        }

        // new Thread(ProcessBlocks) on an abstract or virtual method: the thread runs whichever override its object has,
        // costed as a dispatched call is — by the most CPU-bound of the source bodies.
        foreach (var implementation in _implementations.For(method.OriginalDefinition, receiverType: null, cancellationToken))
        {
            if (SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, method.OriginalDefinition))
            {
                continue;
            }

            var overriding = Summarise(implementation, new CallChain(), cancellationToken);
            if (overriding.Kind == WorkKind.CpuBound && (cost.Kind != WorkKind.CpuBound || overriding.Strength > cost.Strength))
            {
                cost = overriding;
            }
        }

        return cost;
    }

    private WorkCost Summarise(IMethodSymbol method, CallChain callers, CancellationToken cancellationToken, bool lockBody = false, bool forwarded = false)
    {
        method = method.OriginalDefinition;
        var summaries = lockBody ? _lockBodySummaries : _summaries;
        if (summaries.TryGetValue(method, out var known))
        {
            return known;
        }

        if (callers.Contains(method))
        {
            // Back to a method on the chain: recursion — unless the way back went through a forwarding hop (see
            // StrongestImplementation), where the cycle is adapters handing one call to each other.
            return callers.ForwardedSince(method) ? WorkCost.Light : new WorkCost(WorkKind.CpuBound, RecursionReason, WorkCost.NestedStrength);
        }

        if (callers.Count >= MaxCalleeDepth)
        {
            return WorkCost.Unknown("call chain too deep");
        }

        var body = GetBody(method, cancellationToken);
        if (body is null)
        {
            return WorkCost.Unknown("no source for '" + method.Name + "'");
        }

        callers.Push(method, forwarded);
        var summary = AnalyzeCore(ImmutableArray.Create(body), callers, cancellationToken, lockBody: lockBody);
        callers.Pop();
        return summaries.GetOrAdd(method, summary);
    }

    /// <summary>
    /// One semantic model per syntax tree for this compilation: a model keeps what it has bound, so the many readers of
    /// a callee's body (the cost model in both modes, the global-state model, parallel reach, the fan-out shapes) bind
    /// it once instead of once each. The models live as long as the compilation, like this cost model.
    /// </summary>
    public SemanticModel ModelFor(SyntaxTree tree)
#pragma warning disable RS1030 // Callee bodies need the semantic model of another tree; one per tree and compilation.
        => _models.GetOrAdd(tree, t => _types.Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new ConcurrentDictionary<SyntaxTree, SemanticModel>();

    /// <summary>The operation tree of a source method's body (block or expression), or null.</summary>
    public IOperation? GetBody(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.Length == 0)
        {
            return null;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(cancellationToken);
            if (!_types.Compilation.ContainsSyntaxTree(node.SyntaxTree))
            {
                continue;
            }

            var operation = ModelFor(node.SyntaxTree).GetOperation(node, cancellationToken);
            switch (operation)
            {
                case IMethodBodyBaseOperation { BlockBody: { } block }:
                    return block;
                case IMethodBodyBaseOperation { ExpressionBody: { } expression }:
                    return expression;
                case ILocalFunctionOperation { Body: { } localBody }:
                    return localBody;
                case IAnonymousFunctionOperation { Body: { } lambdaBody }:
                    return lambdaBody;
            }
        }

        return null;
    }

    private WorkCost AnalyzeCore(IEnumerable<IOperation> operations, CallChain callers, CancellationToken cancellationToken, bool skipStateDrivenLoops = false, bool lockBody = false, bool cacheFillIsRare = false)
    {
        var walk = new Walk(callers, cancellationToken) { SkipStateDrivenLoops = skipStateDrivenLoops, LockBody = lockBody, CacheFillIsRare = cacheFillIsRare };
        foreach (var operation in operations)
        {
            Visit(operation, Nest.None, walk);
        }

        return walk.Result();
    }

    private sealed class Walk
    {
        private bool _loopReasonIsNest;

        public Walk(CallChain callers, CancellationToken cancellationToken)
        {
            Callers = callers;
            CancellationToken = cancellationToken;
        }

        public CallChain Callers { get; }

        public CancellationToken CancellationToken { get; }

        public bool SkipStateDrivenLoops { get; set; }

        /// <summary>The code runs under a lock: guarded-collection loops and rare update branches are bookkeeping.</summary>
        public bool LockBody { get; set; }

        /// <summary>A per-key cache fill's miss path runs once per key: not what callers queue for (see <see cref="AnalyzeLockBody"/>).</summary>
        public bool CacheFillIsRare { get; set; }

        public int MaxLoopDepth { get; private set; }

        public string? LoopReason { get; private set; }

        /// <summary>The reason for the deepest nest when it is made of constant-bound loops ("nested loops, 4,096 iterations").</summary>
        public string? DeepNestReason { get; private set; }

        public int HeavyStrength { get; private set; }

        public string? HeavyReason { get; private set; }

        public string? IoReason { get; set; }

        /// <summary>
        /// A blocking or I/O call made once, outside every loop (a config read up front, a result handed to a writer
        /// queue at the end): the body is I/O-bound only when its CPU part is lighter than a loop nest.
        /// </summary>
        public string? ShallowIoReason { get; set; }

        public bool SawUnknown { get; set; }

        /// <summary>Locals of the lock body that hold the whole text of a file read there (see <see cref="WalksLinesOfFileReadHere"/>).</summary>
        public Dictionary<ILocalSymbol, FileTextKind>? FileTexts { get; set; }

        /// <summary>
        /// Inside the condition of a loop that reads one byte or character per trip and parses it (see
        /// <see cref="ParsesElementsItReads"/>): those reads come out of the stream's buffer.
        /// </summary>
        public int BufferedReads { get; set; }

        /// <summary>
        /// Open-ended loops (<c>while</c>, <c>do</c>, <c>for</c> without a condition) around the operation being visited: a
        /// <c>Thread.SpinWait</c> inside one backs off while waiting for a condition; outside every such loop it only burns
        /// the CPU for its count (demos and benchmarks stand it in for work).
        /// </summary>
        public int OpenLoops { get; set; }

        private long _maxIterations;
        private bool _iterationsUnknown;

        /// <summary>
        /// The iterations of the largest loop nest or callee when every trip count met is a constant and nothing unseen is
        /// called; -1 otherwise (see <see cref="WorkCost.Iterations"/>).
        /// </summary>
        public long KnownIterations => _iterationsUnknown || SawUnknown ? -1 : _maxIterations;

        private void CountIterations(long iterations)
        {
            if (iterations < 0)
            {
                _iterationsUnknown = true;
            }
            else if (iterations > _maxIterations)
            {
                _maxIterations = iterations;
            }
        }

        public void Loop(int depth, string reason, string? nestReason = null, long iterations = -1)
        {
            CountIterations(iterations);
            if (depth > MaxLoopDepth)
            {
                MaxLoopDepth = depth;
                if (LoopReason is null)
                {
                    LoopReason = reason;
                    _loopReasonIsNest = nestReason is not null;
                }

                DeepNestReason = nestReason;
            }
        }

        /// <summary>
        /// A further constant loop inside the deepest constant nest adds iterations but no level: the message gives the
        /// whole nest's count (three loops of 8: "nested loops, 512 iterations").
        /// </summary>
        public void RefineNest(int depth, string nestReason, long iterations)
        {
            if (depth != MaxLoopDepth || depth == 0)
            {
                return;
            }

            CountIterations(iterations);

            if (depth >= 2 && DeepNestReason is not null)
            {
                DeepNestReason = nestReason;
            }
            else if (depth == 1 && _loopReasonIsNest)
            {
                LoopReason = nestReason;
            }
        }


        /// <summary>The strongest heavy call processes data handed to a library: see <see cref="WorkCost.BulkData"/>.</summary>
        public bool HeavyIsBulk { get; private set; }

        public void Heavy(int strength, string reason, bool bulkData = false, long iterations = -1)
        {
            CountIterations(iterations);
            if (strength > HeavyStrength)
            {
                HeavyStrength = strength;
                HeavyReason = reason;
                HeavyIsBulk = bulkData;
            }
        }

        public WorkCost Result()
        {
            if (IoReason is not null)
            {
                return new WorkCost(WorkKind.IoBound, IoReason);
            }

            // Where the time goes: one call outside the loops against a nest of loops (or bulk work nested as deep).
            if (ShallowIoReason is not null && MaxLoopDepth < WorkCost.NestedStrength && HeavyStrength < WorkCost.NestedStrength)
            {
                return new WorkCost(WorkKind.IoBound, ShallowIoReason, shallowIo: true);
            }

            if (MaxLoopDepth == 0 && HeavyStrength == 0)
            {
                return SawUnknown ? WorkCost.Unknown("calls code the model cannot see") : WorkCost.Light;
            }

            if (HeavyStrength > MaxLoopDepth)
            {
                return new WorkCost(WorkKind.CpuBound, HeavyReason!, HeavyStrength, HeavyIsBulk, KnownIterations);
            }

            var reason = MaxLoopDepth >= 2 ? DeepNestReason ?? "nested loop, " + MaxLoopDepth + " levels" : LoopReason ?? "loop";
            return new WorkCost(WorkKind.CpuBound, reason, MaxLoopDepth, iterations: KnownIterations);
        }
    }

    // Long: one switch over operation kinds whose arms each hand over to a named step; split,
    // the order of the arms (which decides what a loop or a conditional counts as) would be spread over several methods.
    private void Visit(IOperation operation, Nest nest, Walk walk)
    {
        if (walk.IoReason is not null)
        {
            return;
        }

        walk.CancellationToken.ThrowIfCancellationRequested();
        switch (operation)
        {
            case IAwaitOperation:
                walk.IoReason = "await";
                return;
            case ILocalFunctionOperation:
                // A declaration runs nothing; calls to it are summarised where they happen.
                return;
            case IAnonymousFunctionOperation lambda when !MayRunWhereCreated(lambda):
                // Creating a delegate runs nothing: a lambda stored in a field or local, or handed to a
                // constructor (new Timer(_ => Work(), ...), new Thread(...)) runs later, elsewhere.
                return;
            case IInvocationOperation or IInvalidOperation or IObjectCreationOperation when NativeWork.BulkNativeCall(operation) is { } native:
                // Bulk work in a native library (a codec conversion, a model load, a GDI+/Cairo draw): as heavy as a
                // loop nest over the data handed over, which the model cannot see.
                walk.Heavy(nest.Depth + WorkCost.NestedStrength, "'" + native + "' (bulk work in a native library)", bulkData: true);
                VisitChildren(operation, nest, walk);
                return;
            case IInvocationOperation or IInvalidOperation when ImageCodecs.DecodeCall(operation) is { } decode:
                // Image.Load(bytes): every pixel of the image handed over is decoded — bulk work, like a hash.
                walk.Heavy(nest.Depth + WorkCost.NestedStrength, "'" + decode + "' (image decoding)", bulkData: true);
                VisitChildren(operation, nest, walk);
                return;
            case IInvocationOperation invocation:
                VisitInvocation(invocation, nest, walk);
                return;
            case IObjectCreationOperation { Constructor: { IsImplicitlyDeclared: false, DeclaringSyntaxReferences.Length: > 0 } constructor }:
                // new Comparison(a, b) runs its constructor here: a source constructor counts like a call to a source method.
                VisitSourceCall(constructor, constructor.ContainingType.Name, nest, walk, onSameState: false);
                VisitChildren(operation, nest, walk);
                return;
            case ILoopOperation loop when walk.SkipStateDrivenLoops && IsDrivenByProcessWideState(loop):
                return;
            case ILoopOperation loop when IsSpinWait(loop):
                walk.IoReason = "spin-wait loop";
                return;
            case ILoopOperation loop when IsContentionOnly(loop) && !(walk.LockBody && BumpsOnlyWhatTheLockGuards(loop) && !IsShortBumpLoop(loop)):
                // for (…) Interlocked.Increment(ref s_counter): every trip fights over one shared location; splitting it
                // over cores only moves the cache line around. That is contention, not work a fan-out can share. Under
                // a lock that is held around the whole loop (lock (g) { for (…) s_count++; }) the trips are plain
                // arithmetic that every thread queues for: the loop is the work the lock serialises — unless it is
                // short (see IsShortBumpLoop).
                return;
            case ILoopOperation loop when walk.LockBody && IsGuardedCollectionLoop(loop, walk):
                return;
            case IVariableDeclaratorOperation { Initializer.Value: { } text } declarator when walk.CacheFillIsRare && walk.LockBody && FileText(text, walk) is var kind and not FileTextKind.None:
                // var lines = File.ReadAllLines(path); under the lock: a loop over these lines loads the file (see
                // WalksLinesOfFileReadHere).
                (walk.FileTexts ??= new Dictionary<ILocalSymbol, FileTextKind>(SymbolEqualityComparer.Default))[declarator.Symbol] = kind;
                VisitChildren(operation, nest, walk);
                return;
            case ILoopOperation loop when walk.CacheFillIsRare && walk.LockBody && WalksLinesOfFileReadHere(loop, walk):
                // foreach (var line in File.ReadAllLines(path)) { parse; store; }: loading a file into the state the lock
                // guards, which callers do once per file (a dictionary, a config), paced by the read.
                walk.ShallowIoReason ??= "loads the lines of a file it reads";
                if (loop is IForEachLoopOperation { Collection: { } lines })
                {
                    Visit(lines, nest, walk);
                }

                return;
            case ILoopOperation loop when walk.LockBody && IsElementwiseMerge(loop):
                // Adding a vector computed outside the lock into the shared one: one cheap pass per merge.
                return;
            case IForEachLoopOperation loop when walk.LockBody && WalksSmallDataCallersPass(loop, walk):
                // foreach (var b in digest) under the lock of a helper every caller hands a digest: a few dozen light steps.
                return;
            case ILoopOperation loop when walk.LockBody && IsCopyOnlyLoop(loop):
                // Moving values computed before the lock into the shared array, element by element: Array.Copy by hand.
                return;
            case ILoopOperation loop when walk.LockBody && IsPendingMerge(loop, walk):
                // Applying results computed outside the lock, item by item: one cheap pass per merge.
                return;
            case ILoopOperation loop when Bisection.IsBinarySearch(loop):
                // while (lo <= hi) { mid = (lo + hi) >> 1; … }: a lookup in a sorted array makes a few dozen passes at most,
                // so its body counts at the depth around it (a search per item of a loop is that loop's work).
                VisitChildren(operation, nest, walk);
                return;
            case ILoopOperation loop:
                var outer = nest;
                var open = OperationFacts.IsOpenEndedLoop(loop);
                var bufferedReads = ParsesElementsItReads(loop, walk) ? ((IWhileLoopOperation)loop).Condition : null;
                walk.OpenLoops += open ? 1 : 0;
                nest = EnterLoop(loop, nest, walk);
                // What a loop evaluates once, before its first iteration — a foreach's collection, a for loop's
                // initialisers — runs at the depth around it: foreach (var k in _keys.Where(p).ToArray()) is one pass
                // for the query and one for the body, not a nest.
                foreach (var child in loop.ChildOperations)
                {
                    var once = (loop is IForEachLoopOperation forEach && child == forEach.Collection)
                               || (loop is IForLoopOperation forLoop && forLoop.Before.Contains(child));
                    walk.BufferedReads += child == bufferedReads ? 1 : 0;
                    Visit(child, once ? outer : nest, walk);
                    walk.BufferedReads -= child == bufferedReads ? 1 : 0;
                }

                walk.OpenLoops -= open ? 1 : 0;
                return;
            case IConditionalOperation conditional when walk.CacheFillIsRare && CacheMissBranch(conditional, out var cache) is { } miss:
                // lock (s_maps) { if (!s_maps.TryGetValue(k, out m)) { m = Build(k); s_maps[k] = m; } }: the build runs once per
                // key; what every caller queues for is the look-up (and whatever else runs on every call).
                Visit(conditional.Condition, nest, walk);
                if ((miss == conditional.WhenTrue ? conditional.WhenFalse : conditional.WhenTrue) is { } hit)
                {
                    VisitCacheHit(hit, cache!, nest, walk);
                }

                return;
            case IBlockOperation block when walk.CacheFillIsRare && CacheHitReturnIndex(block) is var hitIndex and >= 0:
                // if (s_maps.TryGetValue(k, out var m)) return m; m = Build(k); s_maps[k] = m; return m; — the statements
                // after the early return are the once-per-key miss path.
                for (var i = 0; i <= hitIndex; i++)
                {
                    Visit(block.Operations[i], nest, walk);
                }

                return;
            case IConditionalOperation conditional when walk.LockBody && (IsRareUpdateBranch(conditional) || CheckThenLock.FillsOnlyWhenEmpty(conditional)):
                // A new best found, or a member filled the first time through: the branch runs rarely, the test always.
                Visit(conditional.Condition, nest, walk);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    Visit(whenFalse, nest, walk);
                }

                return;
        }

        VisitChildren(operation, nest, walk);
    }

    /// <summary>
    /// The nest inside <paramref name="loop"/>. Loops with constant bounds multiply: they are free while the product of
    /// their trip counts (since the last counted level) stays within <see cref="SmallLoopLimit"/> — <c>for (i &lt; 3)
    /// for (j &lt; 3)</c> is light — and each time the product passes it, one loop level counts: two nested loops of 8
    /// (64 iterations) are one level like any non-trivial loop, four of 8 (4,096 iterations) are two, like nested
    /// loops. A loop whose trip count is not a compile-time constant always counts one level. So the strength, and the
    /// <see cref="GilOptions.MinWorkKey"/> threshold compared with it, means the same for constant and variable bounds:
    /// 1 = more than <see cref="SmallLoopLimit"/> iterations, 2 = a loop of such loops.
    /// </summary>
    private static Nest EnterLoop(ILoopOperation loop, Nest nest, Walk walk)
    {
        var trips = ConstantTripCount(loop);
        if (trips < 0)
        {
            var deeper = new Nest(nest.Depth + 1, 1, -1, nest.ConstantLoops);
            walk.Loop(deeper.Depth, DescribeLoop(loop), iterations: -1);
            return deeper;
        }

        var pending = Multiply(nest.Pending, trips);
        var iterations = nest.Iterations < 0 ? -1 : Multiply(nest.Iterations, trips);
        var loops = nest.ConstantLoops + 1;
        if (pending <= SmallLoopLimit)
        {
            if (nest.Depth > 0 && iterations >= 0)
            {
                walk.RefineNest(nest.Depth, NestReason(iterations), iterations);
            }

            return new Nest(nest.Depth, pending, iterations, loops);
        }

        var depth = nest.Depth + 1;
        var nestReason = iterations >= 0 && loops >= 2 ? NestReason(iterations) : null;
        walk.Loop(depth, nestReason ?? DescribeLoop(loop), nestReason, iterations);
        return new Nest(depth, 1, iterations, loops);
    }

    private static string NestReason(long iterations)
        => "nested loops, " + iterations.ToString("N0", CultureInfo.InvariantCulture) + " iterations";

    private static long Multiply(long a, long b) => a > 0 && b > long.MaxValue / 4 / a ? long.MaxValue / 4 : a * b;

    /// <summary>Where a walk is in its loop nest.</summary>
    private readonly struct Nest
    {
        public Nest(int depth, long pending, long iterations, int constantLoops)
        {
            Depth = depth;
            Pending = pending;
            Iterations = iterations;
            ConstantLoops = constantLoops;
        }

        public static Nest None => new Nest(0, 1, 1, 0);

        /// <summary>Loop levels counted so far: the strength of work done here.</summary>
        public int Depth { get; }

        /// <summary>Product of the trip counts of enclosing constant-bound loops not yet counted as a level.</summary>
        public long Pending { get; }

        /// <summary>Product of the trip counts of all enclosing loops when every one is constant-bound, else -1.</summary>
        public long Iterations { get; }

        /// <summary>How many enclosing loops are constant-bound.</summary>
        public int ConstantLoops { get; }

        /// <summary>One more level of variable trip count (a LINQ operator's pass, a variable-bound loop).</summary>
        public Nest Deeper() => new Nest(Depth + 1, 1, -1, ConstantLoops);
    }

    /// <summary>
    /// Whether a lambda may run where it is written: only when it is an argument of a method call (LINQ operators,
    /// List.ForEach, Array.Sort comparisons and the like call it before returning).
    /// </summary>
    private static bool MayRunWhereCreated(IAnonymousFunctionOperation lambda)
    {
        var parent = lambda.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation };
    }

    private static bool IsThreadSpinWait(IMethodSymbol method)
        => method.Name == "SpinWait" && method.ContainingType is { Name: "Thread" } type && IsSystemThreading(type.ContainingNamespace);

    /// <summary>
    /// <c>Thread.SpinWait(n)</c> outside a waiting loop keeps the core busy for n spins, like a constant loop of n trips: it
    /// counts a level once the trips of the constant loops around it pass <see cref="SmallLoopLimit"/>; a count that is not a
    /// constant counts a level.
    /// </summary>
    private static void SpinFor(IInvocationOperation invocation, Nest nest, Walk walk)
    {
        var spins = invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int count }
            ? count
            : -1;
        if (spins >= 0 && Multiply(nest.Pending, spins) <= SmallLoopLimit)
        {
            return;
        }

        var what = spins >= 0 ? "Thread.SpinWait(" + spins.ToString(CultureInfo.InvariantCulture) + ")" : "Thread.SpinWait";
        walk.Heavy(nest.Depth + WorkCost.LoopStrength, what + " spinning the CPU");
    }

    private void VisitChildren(IOperation operation, Nest nest, Walk walk)
    {
        foreach (var child in operation.ChildOperations)
        {
            Visit(child, nest, walk);
        }
    }

    /// <summary>
    /// Calls costed by what they do with their arguments rather than by their method: a parallel loop (its delegates run
    /// on the framework's workers) and a write into a compressing stream. True when the call was handled here.
    /// </summary>
    private bool VisitSpreadOrCompressingCall(IInvocationOperation invocation, Nest nest, Walk walk)
    {
        if (IsParallelLoopCall(invocation.TargetMethod) && !TakesLockInside(invocation))
        {
            // Parallel.For / ForEach / Invoke, PLINQ: the work is spread over the cores by the framework's own workers, so
            // it does not queue callers onto one core, wherever it runs (a lock around a render that itself runs a
            // Parallel.For keeps the cores busy). Its arguments other than the work are still evaluated here.
            foreach (var argument in invocation.Arguments)
            {
                if (OperationFacts.StripConversions(argument.Value) is not (IAnonymousFunctionOperation or IDelegateCreationOperation))
                {
                    Visit(argument.Value, nest, walk);
                }
            }

            return true;
        }

        if (CompressingStreamWrite(invocation) is { } compressed)
        {
            // entry.Open().Write(bytes), data.CopyTo(new GZipStream(output, CompressionLevel.Optimal)): the stream
            // compresses what it is given — CPU work proportional to the data, not I/O.
            walk.Heavy(nest.Depth + WorkCost.LoopStrength, compressed + " (compression)", bulkData: true);
            VisitChildren(invocation, nest, walk);
            return true;
        }

        return false;
    }

    private void VisitInvocation(IInvocationOperation invocation, Nest nest, Walk walk)
    {
        var method = invocation.TargetMethod;
        if (walk.OpenLoops == 0 && IsThreadSpinWait(method))
        {
            SpinFor(invocation, nest, walk);
            VisitChildren(invocation, nest, walk);
            return;
        }

        if (walk.BufferedReads > 0 && IsOneElementRead(invocation))
        {
            // while ((c = input.ReadByte()) != -1) parser.Feed(c): the bytes come out of the stream's buffer; the time goes
            // to the parsing of each one.
            VisitChildren(invocation, nest, walk);
            return;
        }

        // Taking a lock (Monitor.Enter, a one-slot semaphore's Wait, Mutex.WaitOne) is not waiting for I/O or a signal:
        // the time goes to the work done under it, which the walk goes on to count.
        // Joining a thread this method forked waits for work it split off, not for a signal (OperationFacts.JoinsOwnFork).
        if (VisitSpreadOrCompressingCall(invocation, nest, walk))
        {
            return;
        }

        if (ReturnsDatabaseConnection(method))
        {
            // db.OpenConnection(), a repository's CreateConnection(): the code around it talks to a database server, and its
            // loops walk rows as the server sends them — where the time goes is the database, wherever the helper lives.
            walk.IoReason = Display(method) + " (database connection)";
            return;
        }

        var classification = IsLockAcquire(invocation) || OperationFacts.JoinsOwnFork(invocation)
            ? CallKind.Light
            : Classify(method, invocation.Instance?.Type);
        if (VisitClassifiedCall(invocation, classification, nest, walk))
        {
            VisitChildren(invocation, nest, walk);
        }
    }

    /// <summary>
    /// Counts a call by its kind (I/O, light, heavy framework work, LINQ, a source method, a dispatched one); false when
    /// the call's arguments need no further walk (the walk stopped at I/O, or the call's own step walked them).
    /// </summary>
    private bool VisitClassifiedCall(IInvocationOperation invocation, CallKind classification, Nest nest, Walk walk)
    {
        var method = invocation.TargetMethod;
        switch (classification)
        {
            case CallKind.Io when nest.Depth == 0 && IsConsoleWrite(method):
                // A progress line printed once, before or after the work, is not where the time goes: the work is. A
                // console write inside a loop is (and stays I/O).
                break;
            case CallKind.Io when nest.Depth == 0:
                walk.ShallowIoReason ??= Display(method);
                break;
            case CallKind.Io:
                walk.IoReason = Display(method);
                return false;
            case CallKind.Light:
                break;
            case CallKind.Heavy when HashesAString(invocation) || HashesSmallData(invocation) || HashesWhatCallersPassAsString(invocation, walk.CancellationToken):
                // md5.ComputeHash(Encoding.UTF8.GetBytes(url)): a key, a path, a name — microseconds, not bulk work; so is
                // sha.TryComputeHash(block, …) over a stackalloc byte[24] or a digest hashed again.
                break;
            case CallKind.Heavy when walk.LockBody && SortsBoundedList(invocation):
                // _best.Add(c); _best.Sort(byScore); if (_best.Count > 10) _best.RemoveAt(10);: a top-N list kept at a
                // constant size is sorted in a few compares, bookkeeping like a loop over it.
                break;
            case CallKind.Heavy:
                var category = HeavyCategory(method);
                walk.Heavy(nest.Depth + WorkCost.LoopStrength, Display(method) + " (" + category + ")", IsBulkCategory(category));
                break;
            case CallKind.Linq:
                VisitLinq(invocation, nest, walk);
                return false;
            case CallKind.Source:
                // A helper of the same object or type called while the lock is held walks the same guarded state
                // (lock (_gate) { Prune(); }): it is costed as lock body too.
                if (!VisitSourceCall(method, method.Name, nest, walk, walk.LockBody && IsCallOnSameState(invocation)))
                {
                    return false;
                }

                break;
            case CallKind.Dispatch when StrongestImplementation(method, invocation, nest, walk, out var forwarding) is { } implementation:
                if (!VisitSourceCall(implementation, method.Name, nest, walk, walk.LockBody && IsCallOnSameState(invocation), forwarding))
                {
                    return false;
                }

                break;
            default:
                walk.SawUnknown = true;
                break;
        }

        return true;
    }

    /// <summary>
    /// Of the source bodies a dispatched call can run (<see cref="SourceImplementations"/>), the one that decides its cost:
    /// the most CPU-bound; else one that waits when they all wait; else a light one when none is unknown. Null when a body
    /// is unknown and none computes, or when there is no source body to look at.
    /// </summary>
    /// <remarks>
    /// A body already on the call chain closes a cycle through dispatch: recursion when the call is a branching one, left
    /// out when it is forwarding (see <see cref="IsForwardingCall"/>).
    /// </remarks>
    private IMethodSymbol? StrongestImplementation(IMethodSymbol method, IInvocationOperation invocation, Nest nest, Walk walk, out bool forwarding)
    {
        IMethodSymbol? strongest = null, waiting = null, light = null;
        var strength = -1;
        var sawOther = false;
        forwarding = false;
        var implementations = _implementations.For(method, invocation.Instance?.Type, walk.CancellationToken);
        if (!implementations.IsEmpty)
        {
            // Once per call: it looks through the calling body for a second call of the method.
            forwarding = IsForwardingCall(invocation, method, nest);
        }

        foreach (var implementation in implementations)
        {
            if (walk.Callers.Contains(implementation))
            {
                if (!forwarding)
                {
                    return implementation;
                }

                continue;
            }

            var summary = Summarise(implementation, walk.Callers, walk.CancellationToken, forwarded: forwarding);
            switch (summary.Kind)
            {
                case WorkKind.CpuBound when summary.Strength > strength:
                    strongest = implementation;
                    strength = summary.Strength;
                    break;
                case WorkKind.CpuBound:
                    break;
                case WorkKind.IoBound:
                    waiting ??= implementation;
                    break;
                case WorkKind.Light:
                    light ??= implementation;
                    break;
                default:
                    sawOther = true;
                    break;
            }
        }

        return strongest ?? (sawOther ? null : light is null ? waiting : waiting is null ? light : null);
    }

    /// <summary>
    /// A dispatched call made once, outside any loop, of a body: an adapter or decorator handing the call to another object
    /// (a logger bridging two logging interfaces, a cache wrapping a repository). A cycle back through such a hop is not
    /// recursion — it does not make the work CPU-bound. Called in a loop or more than once from one body (the children of a
    /// tree node, both halves of a split), a dispatched call that comes back is recursion.
    /// </summary>
    private static bool IsForwardingCall(IInvocationOperation invocation, IMethodSymbol method, Nest nest)
        => nest.Depth == 0 && !CalledAgainInSameBody(invocation, method);

    /// <summary>Whether the body holding <paramref name="invocation"/> calls <paramref name="method"/> somewhere else too.</summary>
    private static bool CalledAgainInSameBody(IInvocationOperation invocation, IMethodSymbol method)
    {
        foreach (var other in OperationFacts.TreeRoot(invocation).Descendants())
        {
            if (other is IInvocationOperation call && call != invocation
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Adds the summary of a source method (or constructor) called here; false when it waits (the walk is over).</summary>
    private bool VisitSourceCall(IMethodSymbol method, string name, Nest nest, Walk walk, bool onSameState, bool forwarded = false)
    {
        var summary = Summarise(method, walk.Callers, walk.CancellationToken, onSameState, forwarded);
        switch (summary.Kind)
        {
            case WorkKind.IoBound when summary.ShallowIo && nest.Depth == 0 && walk.LockBody && walk.Callers.Count == 0:
                // Under a lock, a helper called once that only does a one-off I/O step (TryGetExistingPath: one
                // File.Exists) is that step, as if written here: where the time goes is decided by the rest of the
                // locked work, as for a direct one-off call (ShallowIoReason).
                walk.ShallowIoReason ??= "calls '" + name + "' (" + summary.Reason + ")";
                break;
            case WorkKind.IoBound:
                walk.IoReason = "calls '" + name + "' (" + summary.Reason + ")";
                return false;
            case WorkKind.CpuBound:
                // A callee of known iterations, called from constant loops only: its iterations times theirs.
                var iterations = summary.Iterations >= 0 && nest.Iterations >= 0 ? Multiply(summary.Iterations, nest.Iterations) : -1;
                walk.Heavy(nest.Depth + summary.Strength, DescribeCall(name, summary.Reason), summary.BulkData, iterations);
                break;
            case WorkKind.Unknown:
                walk.SawUnknown = true;
                break;
        }

        return true;
    }

    private bool IsConsoleWrite(IMethodSymbol method)
        => method.ContainingType is { Name: "Console" } type && KnownTypes.Is(type, _types.Console)
           && method.Name.StartsWith("Write", StringComparison.Ordinal);

    /// <summary>A call on this object (<c>Prune()</c>, <c>this.Prune()</c>), a static helper or a local function.</summary>
    private static bool IsCallOnSameState(IInvocationOperation invocation)
        => invocation.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>
    /// A LINQ operator iterates its source: one loop level for the whole chain (a.Where().Select().Sum() is one
    /// pass), one more for work inside its lambdas.
    /// </summary>
    private void VisitLinq(IInvocationOperation invocation, Nest nest, Walk walk)
    {
        if (walk.LockBody && IsGuardedCollectionPipeline(invocation, walk))
        {
            // lock (_gate) return _seen.Any(s => s.Id == id): a look through the collection the lock guards, like a
            // guarded-collection loop (see IsGuardedCollectionLoop).
            return;
        }

        // A copy or a look at one element (list.ToList(), items.ToArray(), queue.First()) is not a pass of computation:
        // its source chain and its lambdas count, the operator itself does not.
        var deeper = nest.Deeper();
        if (!IsCopyOrPeek(invocation) && !(walk.LockBody && IsElementProjection(invocation)))
        {
            walk.Loop(deeper.Depth, "LINQ pipeline");
        }

        var isFirst = true;
        foreach (var argument in invocation.Arguments)
        {
            // The source of an extension call is the chain before it: same pass, same depth.
            Visit(argument.Value, isFirst && invocation.TargetMethod.IsExtensionMethod ? nest : deeper, walk);
            isFirst = false;
        }

        if (invocation.Instance is not null)
        {
            Visit(invocation.Instance, nest, walk);
        }
    }

    /// <summary>
    /// LINQ operators that copy a sequence or read one element rather than compute over it: <c>ToArray</c>,
    /// <c>ToList</c>, <c>ToHashSet</c>, <c>ToDictionary</c>, <c>AsEnumerable</c>, <c>Cast</c>, <c>Concat</c>,
    /// <c>Skip</c>/<c>Take</c>, <c>Reverse</c>, and <c>First</c>/<c>Last</c>/<c>Any</c>/<c>Count</c>/<c>ElementAt</c>
    /// without a predicate. Select / Where / OrderBy / GroupBy / Aggregate / Sum and the like are computation.
    /// </summary>
    private static bool IsCopyOrPeek(IInvocationOperation invocation)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "ToArray":
            case "ToList":
            case "ToHashSet":
            case "ToDictionary":
            case "AsEnumerable":
            case "Cast":
            case "OfType":
            case "Concat":
            case "Append":
            case "Prepend":
            case "Skip":
            case "Take":
            case "SkipLast":
            case "TakeLast":
            case "Reverse":
            case "DefaultIfEmpty":
            case "ElementAt":
            case "ElementAtOrDefault":
                return true;
            case "Any":
            case "Count":
            case "LongCount":
            case "First":
            case "FirstOrDefault":
            case "Last":
            case "LastOrDefault":
            case "Single":
            case "SingleOrDefault":
                // Without a predicate: the source alone (plus, at most, a default value).
                foreach (var argument in invocation.Arguments)
                {
                    if (OperationFacts.StripConversions(argument.Value) is IAnonymousFunctionOperation or IDelegateCreationOperation
                        || argument.Value.Type?.TypeKind == TypeKind.Delegate)
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>Select</c> whose selector only rebuilds each element from what it already holds (<c>p =&gt; new Path(p.Nodes)</c>,
    /// <c>r =&gt; r.Id</c>, <c>r =&gt; (r.Key, r.Count)</c>): under a lock this copies or wraps the elements, like
    /// <c>ToList</c>, to hand them to the state the lock guards. The selector is still walked, one level deeper, so a
    /// constructor or getter that computes counts as it would in any loop; a selector that calls a method, does
    /// arithmetic or indexes is computation and keeps the pipeline a pass.
    /// </summary>
    private static bool IsElementProjection(IInvocationOperation invocation)
    {
        return invocation.TargetMethod is { Name: "Select", IsExtensionMethod: true } && invocation.Arguments.Length == 2
               && OneParameterLambdaResult(invocation.Arguments[1].Value, out var element) is { } returned
               && IsRebuiltFrom(returned, element, depth: 0);
    }

    /// <summary>
    /// The value a one-parameter lambda returns when its body is only that return (<c>e =&gt; …</c>), with its parameter;
    /// null for any other delegate.
    /// </summary>
    private static IOperation? OneParameterLambdaResult(IOperation value, out IParameterSymbol element)
    {
        element = null!;
        if (OperationFacts.UnwrapDelegate(value) is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 1, Body.Operations: { Length: 1 } operations } lambda
            || operations[0] is not IReturnOperation { ReturnedValue: { } returned })
        {
            return null;
        }

        element = lambda.Symbol.Parameters[0];
        return returned;
    }

    /// <summary>The element itself, a constant, a field or property read off the element, or an object, tuple or anonymous
    /// object made only of those (nesting at most three deep).</summary>
    private static bool IsRebuiltFrom(IOperation value, IParameterSymbol element, int depth)
    {
        if (depth > 3)
        {
            return false;
        }

        value = OperationFacts.StripConversions(value);
        if (value.ConstantValue.HasValue)
        {
            return true;
        }

        switch (value)
        {
            case IParameterReferenceOperation parameter:
                return SymbolEqualityComparer.Default.Equals(parameter.Parameter, element);
            case IFieldReferenceOperation { Instance: { } instance }:
                return IsRebuiltFrom(instance, element, depth + 1);
            case IPropertyReferenceOperation { Instance: { } instance, Arguments.Length: 0 }:
                return IsRebuiltFrom(instance, element, depth + 1);
            case IObjectCreationOperation { Initializer: null } creation:
                return creation.Arguments.All(a => IsRebuiltFrom(a.Value, element, depth + 1));
            case ITupleOperation tuple:
                return tuple.Elements.All(e => IsRebuiltFrom(e, element, depth + 1));
            case IAnonymousObjectCreationOperation anonymous:
                return anonymous.Initializers.All(i => i is ISimpleAssignmentOperation assignment && IsRebuiltFrom(assignment.Value, element, depth + 1));
            default:
                return false;
        }
    }

    private enum CallKind
    {
        Unknown,
        Light,
        Io,
        Heavy,
        Linq,
        Source,

        /// <summary>An interface, abstract or virtual member of this compilation: costed by its source implementations.</summary>
        Dispatch,
    }

    private CallKind Classify(IMethodSymbol method, ITypeSymbol? receiverType)
    {
        var type = method.ContainingType;
        if (type is null)
        {
            return CallKind.Unknown;
        }

        if (receiverType is INamedTypeSymbol receiver && IsInMemoryIo(receiver))
        {
            return CallKind.Light;
        }

        // Every type test here checks the simple name first: it is necessary for KnownTypes.Is, and it keeps the model
        // from resolving framework types (a walk over every referenced assembly each) for code that never uses them.
        var typeName = type.Name;
        if ((typeName == "Console" && KnownTypes.Is(type, _types.Console))
            || (typeName == "Task" && (method.Name == "Delay" || method.Name == "Wait" || method.Name == "WaitAll" || method.Name == "WaitAny")
                && KnownTypes.Is(type, _types.Task))
            || IsWaitingCall(method, type))
        {
            return CallKind.Io;
        }

        if (IsHeavyFramework(method))
        {
            return CallKind.Heavy;
        }

        if ((typeName == "Enumerable" && KnownTypes.Is(type, _types.Enumerable))
            || (typeName == "ParallelEnumerable" && KnownTypes.Is(type, _types.ParallelEnumerable)))
        {
            return CallKind.Linq;
        }

        if (IsStreamLike(type) || (IsIoNamespace(type) && !IsPathArithmetic(type) && !IsNetTextOrAddressArithmetic(type)))
        {
            return CallKind.Io;
        }

        if (method.MethodKind == MethodKind.LocalFunction
            || (!method.IsVirtual && !method.IsAbstract && !method.IsOverride && type.TypeKind != TypeKind.Interface
                && method.DeclaringSyntaxReferences.Length > 0))
        {
            return method.IsExtern ? CallKind.Unknown : CallKind.Source;
        }

        if (_implementations.Dispatches(method))
        {
            return CallKind.Dispatch;
        }

        return type.ContainingNamespace?.ToDisplayString() is { } ns && ns.StartsWith("System", StringComparison.Ordinal)
            ? CallKind.Light
            : CallKind.Unknown;
    }

    /// <summary>The largest constant a top-N list may be trimmed to and still be sorted as bookkeeping.</summary>
    private const int MaxBoundedListSize = 1000;

    /// <summary>
    /// <c>list.Sort(…)</c> on a list held in a field or a local that the same function trims to a constant size — a top-N
    /// list: <c>if (_best.Count &gt; 10) _best.RemoveAt(10);</c>, <c>while (top.Count &gt; K) top.RemoveAt(top.Count - 1);</c>,
    /// <c>top.RemoveRange(K, top.Count - K);</c> with <c>K</c> a constant of at most <see cref="MaxBoundedListSize"/>. The
    /// list never holds more than a handful of items when it is sorted. A list that is only ever added to is data.
    /// </summary>
    private static bool SortsBoundedList(IInvocationOperation sort)
    {
        if (sort.TargetMethod.Name != "Sort" || sort.Instance is not { } instance
            || sort.TargetMethod.ContainingType is not { Name: "List" }
            || OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance)) is not { } list)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(OperationFacts.FunctionRoot(sort)))
        {
            switch (operation)
            {
                // if (list.Count > K) list.RemoveAt(…) / while (list.Count > K) list.RemoveAt(…)
                case IConditionalOperation { Type: null } conditional when IsCountAbove(conditional.Condition, list) && RemovesFrom(conditional.WhenTrue, list):
                case IWhileLoopOperation loop when loop.Condition is { } condition && IsCountAbove(condition, list) && RemovesFrom(loop.Body, list):
                    return true;
                // list.RemoveRange(K, list.Count - K)
                case IInvocationOperation { TargetMethod.Name: "RemoveRange", Instance: { } receiver, Arguments.Length: 2 } range
                    when OperationFacts.IsReferenceTo(OperationFacts.StripConversions(receiver), list) && SmallConstant(range.Arguments[0].Value):
                    return true;
            }
        }

        return false;
    }

    /// <summary><c>list.Count &gt; K</c> or <c>list.Count &gt;= K</c> (either side) with <c>K</c> a small constant.</summary>
    private static bool IsCountAbove(IOperation condition, ISymbol list)
    {
        if (OperationFacts.StripConversions(condition) is not IBinaryOperation binary)
        {
            return false;
        }

        var (count, bound) = binary.OperatorKind switch
        {
            BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual => (binary.LeftOperand, binary.RightOperand),
            BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual => (binary.RightOperand, binary.LeftOperand),
            _ => (null, null),
        };
        return count is not null && bound is not null
               && OperationFacts.StripConversions(count) is IPropertyReferenceOperation { Property.Name: "Count", Instance: { } owner }
               && OperationFacts.IsReferenceTo(OperationFacts.StripConversions(owner), list)
               && SmallConstant(bound);
    }

    private static bool RemovesFrom(IOperation? body, ISymbol list)
        => body is not null && OperationFacts.Descendants(body).Any(o => o is IInvocationOperation { TargetMethod.Name: "RemoveAt" or "RemoveRange", Instance: { } receiver }
                                                                         && OperationFacts.IsReferenceTo(OperationFacts.StripConversions(receiver), list));

    private static bool SmallConstant(IOperation value)
        => OperationFacts.StripConversions(value).ConstantValue is { HasValue: true, Value: int k } && k >= 0 && k <= MaxBoundedListSize;

    private bool IsHeavyFramework(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var typeName = type.Name;
        if (method.Name == "Sort"
            && ((typeName == "Array" && KnownTypes.Is(type, _types.Array)) || (typeName == "List" && KnownTypes.Is(type, _types.List))))
        {
            return true;
        }

        if (typeName == "Regex" && KnownTypes.Is(type, _types.Regex))
        {
            return method.Name != "Escape" && method.Name != "Unescape" && method.MethodKind == MethodKind.Ordinary;
        }

        if (typeName == "BigInteger" && KnownTypes.Is(type, _types.BigInteger))
        {
            return method.Name == "Pow" || method.Name == "ModPow";
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns == "System.Security.Cryptography")
        {
            // A random-number generator fills the few bytes asked for (a nonce, an int): not bulk work.
            return method.MethodKind == MethodKind.Ordinary && !method.Name.StartsWith("Create", StringComparison.Ordinal)
                && !IsRandomNumberGenerator(type);
        }

        if (ns == "System.IO.Compression")
        {
            return method.MethodKind == MethodKind.Ordinary && (method.Name.StartsWith("Write", StringComparison.Ordinal)
                || method.Name.StartsWith("Read", StringComparison.Ordinal) || method.Name.StartsWith("Copy", StringComparison.Ordinal)
                || method.Name.StartsWith("Compress", StringComparison.Ordinal) || method.Name.StartsWith("Decompress", StringComparison.Ordinal)
                || method.Name.StartsWith("TryCompress", StringComparison.Ordinal) || method.Name.StartsWith("TryDecompress", StringComparison.Ordinal));
        }

        if (ns == "System.Text.Json" && type.Name == "JsonSerializer")
        {
            return true;
        }

        return false;
    }

    /// <summary>A hash or cipher call whose data is the bytes of one string (<c>Encoding.UTF8.GetBytes(s)</c>).</summary>
    private static bool HashesAString(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (IsBytesOfAString(argument.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A hash of a parameter of a private helper (<c>static byte[] Hash(byte[] b) { lock (s_md5) return s_md5.ComputeHash(b); }</c>)
    /// whose every call in its type passes the bytes of one string (<c>Hash(Encoding.UTF8.GetBytes(name))</c>): as short as
    /// <see cref="HashesAString"/>, one call away. A helper nothing in its type calls, or one other code can call, is left as it is.
    /// </summary>
    private bool HashesWhatCallersPassAsString(IInvocationOperation invocation, CancellationToken cancellationToken)
    {
        var parameter = invocation.Arguments
            .Select(a => OperationFacts.StripConversions(a.Value))
            .OfType<IParameterReferenceOperation>()
            .FirstOrDefault()?.Parameter;
        return parameter is not null && EveryCallInTypePasses(parameter, IsBytesOfAString, cancellationToken);
    }

    /// <summary>
    /// A <c>foreach</c> under a lock over a parameter of a private helper whose every call in its type passes small data
    /// fixed in size (a digest, a constant-length buffer of at most <see cref="SmallBuffers.MaxBytes"/>: see
    /// <see cref="SmallBuffers"/>), with light work per element: <c>foreach (var b in digest) text.Append(b.ToString("x2"))</c>
    /// formats a few dozen bytes, whatever the loop looks like. A helper other code can call, or a loop with a loop, a
    /// pipeline or a heavy call in its body, still counts.
    /// </summary>
    private bool WalksSmallDataCallersPass(IForEachLoopOperation loop, Walk walk)
    {
        if (OperationFacts.StripConversions(loop.Collection) is not IParameterReferenceOperation { Parameter: { } parameter }
            || !EveryCallInTypePasses(parameter, SmallBuffers.IsSmall, walk.CancellationToken))
        {
            return false;
        }

        var body = new Walk(walk.Callers, walk.CancellationToken);
        Visit(loop.Body, Nest.None, body);
        return body.Result().Kind is WorkKind.Light or WorkKind.Unknown;
    }

    /// <summary>
    /// Whether <paramref name="parameter"/> belongs to a private, ordinary, non-virtual method that its type calls at least
    /// once, and every such call passes an argument for it that <paramref name="passes"/> accepts. A helper nothing in its
    /// type calls, or one other code can call, is not known.
    /// </summary>
    private bool EveryCallInTypePasses(IParameterSymbol parameter, Func<IOperation, bool> passes, CancellationToken cancellationToken)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol { DeclaredAccessibility: Accessibility.Private, MethodKind: MethodKind.Ordinary } helper
            || helper.IsVirtual || helper.ContainingType is not { } type)
        {
            return false;
        }

        var calls = 0;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            var model = ModelFor(declaration.SyntaxTree);
            foreach (var node in declaration.DescendantNodes())
            {
                if (node is not Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call
                    || CalledName(call.Expression) != helper.Name
                    || model.GetOperation(call, cancellationToken) is not IInvocationOperation bound
                    || !SymbolEqualityComparer.Default.Equals(bound.TargetMethod.OriginalDefinition, helper.OriginalDefinition))
                {
                    continue;
                }

                var argument = bound.Arguments.FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.Parameter, parameter) || a.Parameter?.Ordinal == parameter.Ordinal);
                if (argument is null || !passes(argument.Value))
                {
                    return false;
                }

                calls++;
            }
        }

        return calls > 0;
    }

    /// <summary>The simple name an invocation's expression calls (<c>Hash</c> of <c>Hash(..)</c>, <c>Util.Hash(..)</c>, <c>this.Hash(..)</c>).</summary>
    private static string? CalledName(Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax expression)
        => expression switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax name => name.Identifier.ValueText,
            Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            _ => null,
        };

    /// <summary>
    /// A hash or cipher call whose data (its first argument) is small and fixed in size: a constant-length buffer of at
    /// most <see cref="SmallBuffers.MaxBytes"/>, a digest, or a local that only holds such data (see <see cref="SmallBuffers"/>).
    /// </summary>
    private static bool HashesSmallData(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.ContainingType?.ContainingNamespace?.ToDisplayString() != "System.Security.Cryptography")
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return SmallBuffers.IsSmall(argument.Value);
            }
        }

        return false;
    }

    /// <summary><c>Encoding.UTF8.GetBytes(s)</c> with <c>s</c> a string.</summary>
    private static bool IsBytesOfAString(IOperation value)
        => OperationFacts.StripConversions(value) is IInvocationOperation { TargetMethod: { Name: "GetBytes" } getBytes } call
           && getBytes.ContainingType?.Name.EndsWith("Encoding", StringComparison.Ordinal) == true
           && call.Arguments.Length == 1
           && call.Arguments[0].Value.Type?.SpecialType == SpecialType.System_String;

    private static bool IsRandomNumberGenerator(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == "RandomNumberGenerator" || t.Name == "RNGCryptoServiceProvider")
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBulkCategory(string category)
        => category == "hashing/cryptography" || category == "compression" || category == "serialisation";

    private string HeavyCategory(IMethodSymbol method)
    {
        var type = method.ContainingType;
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        if (ns == "System.Security.Cryptography")
        {
            return "hashing/cryptography";
        }

        if (ns == "System.IO.Compression")
        {
            return "compression";
        }

        if (type.Name == "Regex" && KnownTypes.Is(type, _types.Regex))
        {
            return "regex";
        }

        if (method.Name == "Sort")
        {
            return "sorting";
        }

        if (type.Name == "BigInteger" && KnownTypes.Is(type, _types.BigInteger))
        {
            return "big-number arithmetic";
        }

        return "serialisation";
    }

    /// <summary>
    /// A method that hands back a database connection: its return type is, or implements, <c>System.Data.IDbConnection</c>
    /// (<c>DbConnection</c>, a provider's connection). Tested by names, so it resolves no type.
    /// </summary>
    private static bool ReturnsDatabaseConnection(IMethodSymbol method)
    {
        if (method.ReturnsVoid || method.ReturnType is not INamedTypeSymbol { TypeKind: TypeKind.Interface or TypeKind.Class } type)
        {
            return false;
        }

        if (IsDbConnectionInterface(type))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (IsDbConnectionInterface(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDbConnectionInterface(INamedTypeSymbol type)
        => type.Name == "IDbConnection"
           && type.ContainingNamespace is { Name: "Data", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>
    /// A <c>while</c> loop that reads one byte or character per trip in its condition (<c>while ((c = input.ReadByte()) != -1)</c>,
    /// <c>reader.Read()</c>) and does CPU-bound work on each one in its body — a tokenizer or a parser's state machine fed
    /// element by element. A stream or reader hands single elements out of its buffer, so such a loop is parsing, not
    /// waiting: the reads in its condition count as light. A body that only stores or copies what it reads stays I/O.
    /// </summary>
    private bool ParsesElementsItReads(ILoopOperation loop, Walk walk)
    {
        if (loop is not IWhileLoopOperation { Condition: { } condition, Body: { } body })
        {
            return false;
        }

        var reads = false;
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation call && IsOneElementRead(call))
            {
                reads = true;
                break;
            }
        }

        if (!reads)
        {
            return false;
        }

        var perElement = AnalyzeCore(new[] { body }, walk.Callers, walk.CancellationToken, walk.SkipStateDrivenLoops, walk.LockBody, walk.CacheFillIsRare);
        return perElement.Kind == WorkKind.CpuBound && perElement.Strength >= WorkCost.LoopStrength;
    }

    /// <summary>
    /// A <c>foreach</c> over the lines of a file read in the same lock body: <c>File.ReadAllLines(p)</c> / <c>File.ReadLines(p)</c>,
    /// <c>File.ReadAllText(p).Split(…)</c>, or a local that the lock body initialised with one of those (and never assigns
    /// again). Only where a per-key cache fill is rare (<see cref="Walk.CacheFillIsRare"/>: no parallel body in sight):
    /// loading a dictionary or a configuration file into the shared state is done once per file, and the loop walks what
    /// the read returned. Written inside a parallel body, where each item is usually a file of its own, it still counts.
    /// </summary>
    private static bool WalksLinesOfFileReadHere(ILoopOperation loop, Walk walk)
        => loop is IForEachLoopOperation { Collection: { } collection } && FileText(collection, walk) == FileTextKind.Lines;

    private enum FileTextKind
    {
        None,

        /// <summary><c>File.ReadAllText(p)</c>.</summary>
        Text,

        /// <summary><c>File.ReadAllLines(p)</c>, <c>File.ReadLines(p)</c>, <c>File.ReadAllText(p).Split(…)</c>.</summary>
        Lines,
    }

    /// <summary>
    /// What a value holds of a file read as text: a direct read, that text split, or a local of the lock body initialised
    /// so (<see cref="Walk.FileTexts"/>, never assigned again).
    /// </summary>
    private static FileTextKind FileText(IOperation value, Walk? walk)
    {
        switch (OperationFacts.StripConversions(value))
        {
            case ILocalReferenceOperation local:
                return walk?.FileTexts is { } texts && texts.TryGetValue(local.Local, out var kind)
                       && !OperationFacts.IsWrittenAfterDeclaration(local.Local, OperationFacts.FunctionRoot(value))
                    ? kind
                    : FileTextKind.None;
            case IInvocationOperation { TargetMethod.Name: "Split", Instance: { } text }:
                return FileText(text, walk) == FileTextKind.Text ? FileTextKind.Lines : FileTextKind.None;
            case IInvocationOperation { TargetMethod: { Name: "ReadAllLines" or "ReadLines" or "ReadAllText" } method }
                when method.ContainingType is { Name: "File", ContainingNamespace: { Name: "IO", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } }:
                return method.Name == "ReadAllText" ? FileTextKind.Text : FileTextKind.Lines;
            default:
                return FileTextKind.None;
        }
    }

    /// <summary><c>ReadByte()</c> or <c>ReadChar()</c>, or a <c>Read()</c> without arguments, on a type of System.IO.</summary>
    private static bool IsOneElementRead(IInvocationOperation call)
        => call.TargetMethod is { Parameters.Length: 0, Name: "ReadByte" or "ReadChar" or "Read" } method
           && (call.Instance?.Type ?? method.ContainingType) is INamedTypeSymbol { ContainingNamespace: { Name: "IO", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary>MemoryStream, StringWriter, StringReader (and types derived from them) do no I/O.</summary>
    private bool IsInMemoryIo(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            var name = t.Name;
            if ((name == "MemoryStream" && KnownTypes.Is(t, _types.MemoryStream))
                || ((name == "StringWriter" || name == "StringReader") && t.ContainingNamespace?.ToDisplayString() == "System.IO"))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsStreamLike(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            var name = t.Name;
            if ((name == "Stream" && KnownTypes.Is(t, _types.Stream))
                || (name == "TextWriter" && KnownTypes.Is(t, _types.TextWriter))
                || (name == "TextReader" && KnownTypes.Is(t, _types.TextReader)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>System.IO.Path only computes strings (GetFullPath, Combine, GetExtension): no I/O.</summary>
    private static bool IsPathArithmetic(INamedTypeSymbol type)
        => type.Name == "Path" && type.ContainingNamespace?.ToDisplayString() == "System.IO";

    /// <summary>
    /// System.Net types that only compute on strings and bytes, with no socket or request behind them:
    /// <c>WebUtility.HtmlEncode/UrlEncode</c> (and decode), <c>IPAddress</c>/<c>IPEndPoint</c>/<c>IPNetwork</c> parsing and
    /// formatting, MIME content types. A page rendered with <c>WebUtility.HtmlEncode</c> is string work, not network I/O.
    /// </summary>
    private static bool IsNetTextOrAddressArithmetic(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns == "System.Net.Mime"
               || (ns == "System.Net" && type.Name is "WebUtility" or "IPAddress" or "IPEndPoint" or "IPNetwork");
    }

    private static bool IsIoNamespace(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns == "System.IO" || ns == "System.IO.Pipes" || ns == "System.IO.MemoryMappedFiles"
            || ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal)
            || ns == "System.Data" || ns.StartsWith("System.Data.", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.Data.", StringComparison.Ordinal);
    }

    /// <summary>"calls 'A' (for loop)", "calls 'A' → 'B' (nested loop, 2 levels)", "recursion in 'Fib'".</summary>
    private static string DescribeCall(string name, string calleeReason)
    {
        var recursion = "recursion in '" + name + "'";
        if (calleeReason == RecursionReason || calleeReason == recursion)
        {
            return recursion;
        }

        return calleeReason.StartsWith("calls '", StringComparison.Ordinal)
            ? "calls '" + name + "' → " + calleeReason.Substring("calls ".Length)
            : "calls '" + name + "' (" + calleeReason + ")";
    }

    private static string Display(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;

    private static string DescribeLoop(ILoopOperation loop) => loop.LoopKind switch
    {
        LoopKind.For => "for loop",
        LoopKind.ForEach => "foreach loop",
        LoopKind.While => "while loop",
        _ => "loop",
    };

    /// <summary>
    /// A loop whose trip count comes from static state: <c>foreach (var x in s_items)</c>, <c>while (Pending.Count &gt; 0)</c>
    /// with <c>static Queue&lt;Job&gt; Pending</c>. Under a process-wide lock with no parallel code in sight that is the state
    /// the lock guards. A loop driven by one instance's own state (<c>for (c = 0; c &lt; _columnCount; c++)</c> under a static
    /// lock) is not: the instance is not what the lock is shared for, so every instance's walk queues behind the others
    /// (as in <see cref="SerialisedLockSite.IsLazyInitialisation(LockRegion, bool)"/>, where a static lock around an
    /// instance's lazy member is not one-time initialisation).
    /// </summary>
    private static bool IsDrivenByProcessWideState(ILoopOperation loop)
    {
        IOperation? driver = loop switch
        {
            IForEachLoopOperation forEach => forEach.Collection,
            IForLoopOperation forLoop => forLoop.Condition,
            IWhileLoopOperation whileLoop => whileLoop.Condition,
            _ => null,
        };
        if (driver is null)
        {
            return false;
        }

        foreach (var operation in driver.DescendantsAndSelf())
        {
            // A named constant (for (int s = 0; s < Sweeps; s++) with const int Sweeps = 4) is a number, not state.
            if (operation is IFieldReferenceOperation { Field: { IsConst: false, IsStatic: true } }
                || operation is IPropertyReferenceOperation { Property.IsStatic: true })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Waiting, not computing: <c>Thread.Sleep/Join/SpinWait/Yield</c>, <c>Monitor.Wait</c>, <c>SpinWait.SpinOnce/SpinUntil</c>,
    /// <c>WaitOne/WaitAll/WaitAny/SignalAndWait</c> on wait handles, and <c>Wait</c> on the slim events, semaphores,
    /// countdowns and barriers of System.Threading. A loop around such a call (<c>while (!done) Monitor.Wait(gate)</c>)
    /// waits; so does a method whose body does, and its callers — they summarise as I/O-bound like a Sleep. Matched by
    /// name in System.Threading, so it holds however the types resolve.
    /// </summary>
    private static bool IsWaitingCall(IMethodSymbol method, INamedTypeSymbol type)
    {
        var name = method.Name;
        switch (type.Name)
        {
            case "Thread":
                if (name != "Sleep" && name != "Join" && name != "SpinWait" && name != "Yield")
                {
                    return false;
                }

                break;
            case "Monitor":
                if (name != "Wait")
                {
                    return false;
                }

                break;
            case "SpinWait":
                if (name != "SpinOnce" && name != "SpinUntil")
                {
                    return false;
                }

                break;
            default:
                if (name != "Wait" && name != "WaitOne" && name != "WaitAll" && name != "WaitAny" && name != "SignalAndWait")
                {
                    return false;
                }

                break;
        }

        return IsSystemThreading(type.ContainingNamespace);
    }

    private static bool IsSystemThreading(INamespaceSymbol? ns)
        => ns is { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>
    /// A loop whose every statement bumps a shared field by a constant: <c>Interlocked.Increment(ref s_count)</c>,
    /// <c>Interlocked.Add(ref _total, 2)</c>, <c>lock (gate) { s_count++; }</c> or a bare <c>s_count++</c>. An update that reads the data
    /// (<c>Interlocked.Add(ref total, data[i])</c>) is a reduction, and stays work.
    /// </summary>
    private static bool IsContentionOnly(ILoopOperation loop)
    {
        // A counting loop: for (i = 0; i < n; i++) or foreach; a while loop whose condition reads what it bumps is a
        // scan (while (_buffer[_cursor] == ' ') _cursor++;).
        if (loop is not (IForLoopOperation or IForEachLoopOperation))
        {
            return false;
        }

        var statements = loop.Body is IBlockOperation block ? block.Operations : ImmutableArray.Create(loop.Body);
        if (statements.IsEmpty || (loop is IForLoopOperation { Condition: { } condition } && ReadsWhatItBumps(condition, loop.Body)))
        {
            return false;
        }

        foreach (var statement in statements)
        {
            if (!IsConstantSharedBump(statement, allowLock: true))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A contention-only loop (see <see cref="IsContentionOnly"/>) whose bumps are plain field updates: no Interlocked call, no lock of its own.</summary>
    private static bool BumpsOnlyWhatTheLockGuards(ILoopOperation loop)
        => !loop.Body.DescendantsAndSelf().Any(o => o is ILockOperation || (o is IInvocationOperation { TargetMethod.ContainingType.Name: "Interlocked" }));

    /// <summary>
    /// Plain increments cost about a nanosecond a trip: a bump loop of fewer than this many constant trips holds the lock
    /// for microseconds, less than a thread's wake-up; the hand-off, not the loop, is then what the threads queue for.
    /// </summary>
    private const long ShortBumpLoopTrips = 10_000;

    private static bool IsShortBumpLoop(ILoopOperation loop) => ConstantTripCount(loop) is >= 0 and < ShortBumpLoopTrips;

    /// <summary>Whether <paramref name="condition"/> reads an array element or a field that <paramref name="body"/> mentions.</summary>
    private static bool ReadsWhatItBumps(IOperation condition, IOperation body)
    {
        foreach (var part in condition.DescendantsAndSelf())
        {
            if (part is IArrayElementReferenceOperation
                || (part is IFieldReferenceOperation read
                    && body.DescendantsAndSelf().Any(b => b is IFieldReferenceOperation bumped && SymbolEqualityComparer.Default.Equals(bumped.Field, read.Field))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConstantSharedBump(IOperation statement, bool allowLock)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.ContainingType: { Name: "Interlocked" } type } call }
                when IsSystemThreading(type.ContainingNamespace) && call.Arguments.Length > 0:
                for (var i = 0; i < call.Arguments.Length; i++)
                {
                    var value = OperationFacts.StripConversions(call.Arguments[i].Value);
                    if (!(i == 0 ? value is IFieldReferenceOperation : value.ConstantValue.HasValue))
                    {
                        return false;
                    }
                }

                return true;
            case IExpressionStatementOperation { Operation: IIncrementOrDecrementOperation { Target: IFieldReferenceOperation } }:
            case IExpressionStatementOperation { Operation: ICompoundAssignmentOperation { Target: IFieldReferenceOperation, Value.ConstantValue.HasValue: true } }:
                return true;
            case ILockOperation { Body: var body } when allowLock:
                var locked = body is IBlockOperation lockedBlock ? lockedBlock.Operations : ImmutableArray.Create(body);
                return !locked.IsEmpty && locked.All(s => IsConstantSharedBump(s, allowLock: false));
            default:
                return false;
        }
    }

    /// <summary>
    /// A spin-wait: a <c>while</c>/<c>do</c> loop with an empty body whose condition only reads shared state — a field,
    /// Volatile / Interlocked — without advancing anything (<c>while (!_ready) { }</c>, <c>while (Volatile.Read(ref _flag) == 0) ;</c>,
    /// <c>while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) { }</c>).
    /// </summary>
    private static bool IsSpinWait(ILoopOperation loop)
    {
        if (loop is not IWhileLoopOperation { Condition: { } condition } || !IsEmpty(loop.Body))
        {
            return false;
        }

        var readsSharedState = false;
        foreach (var operation in condition.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    if (!((invocation.TargetMethod.ContainingType?.Name is "Volatile" or "Interlocked")
                          && IsSystemThreading(invocation.TargetMethod.ContainingType.ContainingNamespace)))
                    {
                        return false;
                    }

                    readsSharedState = true;
                    break;
                case IIncrementOrDecrementOperation:
                case IAssignmentOperation:
                case IArrayElementReferenceOperation:
                    // A scan (while (text[pos++] != ' ') ;) advances through data: that is work.
                    return false;
                case IFieldReferenceOperation:
                    readsSharedState = true;
                    break;
            }
        }

        return readsSharedState;
    }

    private static bool IsEmpty(IOperation? body) => body switch
    {
        null => true,
        IEmptyOperation => true,
        IBlockOperation block => block.Operations.All(IsEmpty),
        _ => false,
    };

    /// <summary>
    /// A loop over a small collection that the lock guards — bookkeeping, not computation (see
    /// <see cref="AnalyzeLockBody"/>): a scheduler queue drained (<c>while (_queue.Count &gt; 0)</c>,
    /// <c>while (_pending.TryDequeue(out var job))</c>), a top-N list searched for an insertion point
    /// (<c>for (i = 0; i &lt; _best.Count; i++)</c>), subscribers notified or a registry scanned
    /// (<c>foreach (var s in _subscribers)</c>). The rule, chosen for what tells them apart in real code:
    /// <list type="number">
    /// <item>the loop is driven by a field (or a property of this object): it is the foreach collection, or the
    /// <c>Count</c>/<c>Length</c> read or the <c>TryDequeue</c>/<c>TryPop</c>/<c>TryTake</c>/<c>Any</c> call in the
    /// loop condition (or a for loop's initialiser, for a backwards walk);</item>
    /// <item>the collection holds objects, not numbers: its element type is not a numeric primitive, <c>bool</c>,
    /// <c>char</c>, a System.Numerics value, or an array of those. A <c>double[] _pixels</c>, a <c>List&lt;float&gt;</c>,
    /// a <c>float[,]</c> or a <c>double[][]</c> of rows is data, and a loop over it is work, however light each
    /// step. Queues, stacks, sets and linked lists are bookkeeping whatever they hold (see
    /// <see cref="IsBookkeepingShape"/>);</item>
    /// <item>the work per element is light: the body, walked alone, has no non-trivial loop, no LINQ pipeline, no heavy
    /// framework call and no CPU-bound callee. A loop over a queue of jobs that runs each job's computation is work.</item>
    /// </list>
    /// Helpers called on the same object from the lock body (<c>lock (_gate) { Prune(); }</c>) are costed by the same
    /// rule: they walk the same guarded state.
    /// Unresolved element types count as objects (the rule never needs a resolved symbol to stay quiet).
    /// </summary>
    private bool IsGuardedCollectionLoop(ILoopOperation loop, Walk walk)
    {
        var collection = loop switch
        {
            IForEachLoopOperation forEach => AsStateCollection(forEach.Collection),
            // A backwards walk reads the size in its initialiser: for (i = _items.Count - 1; i >= 0; i--).
            IForLoopOperation forLoop => StateCollectionIn(forLoop.Condition) ?? forLoop.Before.Select(StateCollectionIn).FirstOrDefault(c => c is not null),
            IWhileLoopOperation whileLoop => StateCollectionIn(whileLoop.Condition),
            _ => null,
        };
        if (collection?.Type is not { } collectionType || HoldsNumbers(collectionType))
        {
            return false;
        }

        var body = new Walk(walk.Callers, walk.CancellationToken);
        Visit(loop.Body, Nest.None, body);
        if (loop is IForLoopOperation { AtLoopBottom: var bottom })
        {
            foreach (var step in bottom)
            {
                Visit(step, Nest.None, body);
            }
        }

        var cost = body.Result();
        return cost.Kind is WorkKind.Light or WorkKind.Unknown;
    }

    /// <summary>
    /// A LINQ chain under a lock over the state the lock guards (see <see cref="IsGuardedCollectionLoop"/>): the chain's
    /// source is a field, a this-property, a captured local or a concurrent collection that holds objects, and every
    /// lambda of the chain is light (<c>_results.Any(r =&gt; Equals(r.Key, key))</c>, <c>_queue.Where(j =&gt; j.Done).ToList()</c>).
    /// </summary>
    private bool IsGuardedCollectionPipeline(IInvocationOperation invocation, Walk walk)
    {
        var lambdas = new List<IOperation>();
        IOperation? source = invocation;
        while (OperationFacts.StripConversions(source) is IInvocationOperation { TargetMethod: { IsExtensionMethod: true } method } call
               && call.Arguments.Length > 0
               && method.ContainingType is { Name: "Enumerable" } type && KnownTypes.Is(type, _types.Enumerable))
        {
            for (var i = 1; i < call.Arguments.Length; i++)
            {
                lambdas.Add(call.Arguments[i].Value);
            }

            source = call.Arguments[0].Value;
        }

        if (source == invocation || source is null)
        {
            return false;
        }

        var collection = AsStateCollection(source) ?? (IsConcurrentCollection(OperationFacts.StripConversions(source).Type) ? source : null);
        if (collection?.Type is not { } collectionType || HoldsNumbers(collectionType))
        {
            return false;
        }

        foreach (var lambda in lambdas)
        {
            var body = new Walk(walk.Callers, walk.CancellationToken);
            Visit(lambda, Nest.None, body);
            var cost = body.Result();
            if (cost.Kind is not (WorkKind.Light or WorkKind.Unknown)
                && !(cost.Strength <= WorkCost.LoopStrength && !cost.BulkData && IsKeyEqualityTest(lambda)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A predicate that tests the element against a key for equality (<c>e =&gt; VectorsEqual(e.Values, key)</c>,
    /// <c>e =&gt; e.Bytes.SequenceEqual(key)</c>, <c>e =&gt; !AreEqual(key, e)</c>): the step of a lookup through the
    /// guarded collection, as <c>Contains</c> makes it, however the equality is written. The test is a bool-returning call
    /// named for equality (<c>Equals</c>, <c>SequenceEqual</c>, <c>…Equal</c>) whose receiver and arguments are only
    /// the element (or what it holds) and values from outside the lambda, nothing computed; the caller accepts it only
    /// when its cost is at most one loop (an element-by-element comparison), not nested work.
    /// </summary>
    private static bool IsKeyEqualityTest(IOperation predicate)
    {
        if (OneParameterLambdaResult(predicate, out var element) is not { } returned)
        {
            return false;
        }

        returned = OperationFacts.StripConversions(returned);
        if (returned is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: { } negated })
        {
            returned = OperationFacts.StripConversions(negated);
        }

        if (returned is not IInvocationOperation { TargetMethod: { ReturnType.SpecialType: SpecialType.System_Boolean } method } call
            || !(method.Name.EndsWith("Equal", StringComparison.Ordinal) || method.Name.EndsWith("Equals", StringComparison.Ordinal)))
        {
            return false;
        }

        var operands = call.Arguments.Select(a => a.Value).ToList();
        if (call.Instance is { } instance and not IInstanceReferenceOperation)
        {
            operands.Add(instance);
        }

        return operands.Count == 2
               && operands.Any(o => IsRebuiltFrom(o, element, depth: 1) && !OperationFacts.StripConversions(o).ConstantValue.HasValue)
               && operands.All(o => IsRebuiltFrom(o, element, depth: 1) || IsKeyFromOutside(o));
    }

    /// <summary>A local, a parameter of the enclosing method, or a field of this object: a key the lambda captured, not computed in it.</summary>
    private static bool IsKeyFromOutside(IOperation value)
        => OperationFacts.StripConversions(value) switch
        {
            ILocalReferenceOperation => true,
            IParameterReferenceOperation => true,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } => true,
            _ => false,
        };

    /// <summary>A System.Collections.Concurrent collection (or BlockingCollection): shared state by construction.</summary>
    private static bool IsConcurrentCollection(ITypeSymbol? type)
        => type is INamedTypeSymbol named
           && named.ContainingNamespace?.ToDisplayString() == "System.Collections.Concurrent"
           && (named.Name.StartsWith("Concurrent", StringComparison.Ordinal) || named.Name == "BlockingCollection");

    /// <summary>
    /// A lock statement or an acquire call (Monitor.Enter, a one-slot semaphore's Wait, …) in the delegates handed to
    /// <paramref name="invocation"/>: a parallel loop whose body queues on a gate does not keep the cores busy.
    /// </summary>
    private bool TakesLockInside(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            foreach (var operation in argument.Value.DescendantsAndSelf())
            {
                if (operation is ILockOperation || (operation is IInvocationOperation call && IsLockAcquire(call)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The branch of a per-key cache fill that runs on a miss: the condition looks the key up in a member
    /// (<c>s_maps.TryGetValue(k, out m)</c>, <c>_cache.ContainsKey(k)</c>, negated or not) and that branch stores into the
    /// same member (<c>s_maps[k] = m</c>, <c>s_maps.Add(k, m)</c>), that member being <paramref name="cache"/>. Null when the
    /// conditional is not that shape.
    /// </summary>
    private static IOperation? CacheMissBranch(IConditionalOperation conditional, out ISymbol? cache)
    {
        if ((cache = CacheLookup(conditional.Condition, out var negated)) is null)
        {
            return null;
        }

        var miss = negated ? conditional.WhenTrue : conditional.WhenFalse;
        return miss is not null && StoresInto(miss, cache) ? miss : null;
    }

    /// <summary>
    /// The hit branch of a per-key cache fill: a guarded refresh of the entry found (<c>if (stale) { m = Build(k);
    /// s_maps[k] = m; }</c>) runs once per change, like the miss branch; its test is what every call pays.
    /// </summary>
    private void VisitCacheHit(IOperation hit, ISymbol cache, Nest nest, Walk walk)
    {
        foreach (var statement in hit is IBlockOperation block ? block.Operations : ImmutableArray.Create(hit))
        {
            if (statement is IConditionalOperation { WhenFalse: null } refresh && StoresInto(refresh.WhenTrue, cache))
            {
                Visit(refresh.Condition, nest, walk);
                continue;
            }

            Visit(statement, nest, walk);
        }
    }

    /// <summary>
    /// In a block, the index of <c>if (cache.TryGetValue(k, out v)) return v;</c> (a positive look-up whose branch leaves,
    /// with no else) when a later statement of the block stores into the same cache; else -1.
    /// </summary>
    private static int CacheHitReturnIndex(IBlockOperation block)
    {
        for (var i = 0; i < block.Operations.Length - 1; i++)
        {
            if (block.Operations[i] is IConditionalOperation { WhenFalse: null } conditional
                && CacheLookup(conditional.Condition, out var negated) is { } cache && !negated
                && (conditional.WhenTrue is IBlockOperation branch ? branch.Operations.LastOrDefault() : conditional.WhenTrue) is IReturnOperation or IThrowOperation
                && block.Operations.Skip(i + 1).Any(o => StoresInto(o, cache)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The member a condition looks a key up in (<c>TryGetValue</c>, <c>ContainsKey</c>, <c>Contains</c> on a field or property), or null.</summary>
    internal static ISymbol? CacheLookup(IOperation condition, out bool negated)
    {
        negated = false;
        var test = OperationFacts.StripConversions(condition);
        if (test is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = true;
            test = OperationFacts.StripConversions(not.Operand);
        }

        return test is IInvocationOperation { TargetMethod.Name: "TryGetValue" or "ContainsKey" or "Contains", Instance: { } instance }
            ? OperationFacts.StripConversions(instance) switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property,
                _ => null,
            }
            : null;
    }

    /// <summary>Whether <paramref name="operation"/> stores into <paramref name="cache"/>: an indexer assignment or an Add/TryAdd/set call on it.</summary>
    internal static bool StoresInto(IOperation operation, ISymbol cache)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            var instance = descendant switch
            {
                IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true } indexer } => indexer.Instance,
                IInvocationOperation { TargetMethod.Name: "Add" or "TryAdd" or "GetOrAdd" or "AddOrUpdate" } call => call.Instance,
                _ => null,
            };
            if (instance is not null
                && OperationFacts.StripConversions(instance) is IMemberReferenceOperation member
                && SymbolEqualityComparer.Default.Equals(member.Member, cache))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A call that takes a lock the analyzers recognise (Monitor.Enter, a one-slot semaphore's Wait, Mutex.WaitOne, …).</summary>
    private bool IsLockAcquire(IInvocationOperation call)
        => LockRegionFinder.IsAcquireName(call.TargetMethod.Name) && LockRegionFinder.FromAcquireCall(call, _types) is not null;

    /// <summary>Parallel.For / ForEach / Invoke / ForAsync / ForEachAsync, or a PLINQ operator.</summary>
    private bool IsParallelLoopCall(IMethodSymbol method)
    {
        var type = method.ContainingType;
        return type is not null
               && ((type.Name == "Parallel" && KnownTypes.Is(type, _types.Parallel))
                   || (type.Name == "ParallelEnumerable" && KnownTypes.Is(type, _types.ParallelEnumerable)));
    }

    /// <summary>
    /// The described call when <paramref name="invocation"/> writes into a compressing stream: <c>s.Write(..)</c> /
    /// <c>WriteAsync</c> on, or <c>data.CopyTo(s)</c> into, a stream that <c>ZipArchiveEntry.Open()</c> returned or that
    /// is a GZip/Deflate/Brotli/ZLib stream made to compress — directly or through a local initialised so.
    /// </summary>
    private string? CompressingStreamWrite(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        IOperation? target;
        if (method.Name.StartsWith("Write", StringComparison.Ordinal))
        {
            target = invocation.Instance;
        }
        else if (method.Name.StartsWith("CopyTo", StringComparison.Ordinal) && invocation.Arguments.Length > 0)
        {
            target = invocation.Arguments[0].Value;
        }
        else
        {
            return null;
        }

        if (target is null || method.ContainingType is not { } type || !IsStreamLike(type))
        {
            return null;
        }

        var value = OperationFacts.StripConversions(target);
        if (value is ILocalReferenceOperation local && OperationFacts.InitializerOf(local.Local, OperationFacts.FunctionRoot(invocation)) is { } init)
        {
            value = OperationFacts.StripConversions(init);
        }

        var compresses = value switch
        {
            IInvocationOperation { TargetMethod: { Name: "Open", ContainingType: { Name: "ZipArchiveEntry" } entry } } => IsCompressionNamespace(entry),
            IObjectCreationOperation { Type: INamedTypeSymbol created } creation => IsCompressionNamespace(created) && CreatedToCompress(creation),
            _ => false,
        };
        return compresses ? Display(method) : null;
    }

    private static bool IsCompressionNamespace(INamedTypeSymbol type) => type.ContainingNamespace?.ToDisplayString() == "System.IO.Compression";

    /// <summary><c>new GZipStream(s, CompressionLevel.Fastest)</c> or <c>new DeflateStream(s, CompressionMode.Compress)</c>.</summary>
    private static bool CreatedToCompress(IObjectCreationOperation creation)
    {
        foreach (var argument in creation.Arguments)
        {
            var argumentValue = OperationFacts.StripConversions(argument.Value);
            switch (argumentValue.Type?.Name)
            {
                case "CompressionLevel":
                case "ZLibCompressionOptions":
                case "BrotliCompressionOptions":
                    return true;
                case "CompressionMode":
                    return argumentValue.ConstantValue is { HasValue: true, Value: int mode } && mode == 1;
            }
        }

        return false;
    }

    /// <summary>
    /// A merge of a local vector into a shared one, the whole body one element-wise update indexed by the loop's
    /// counter: <c>for (j = 0; j &lt; estimate.Length; j++) gradient[j] += estimate[j];</c> (also <c>a[j] = a[j] + b[j]</c>,
    /// <c>Math.Max</c>). The added vector is a local that a call computed (<c>double[] estimate = calc.Gradient();</c>):
    /// that computation ran outside this loop and is costed where it ran, and the merge is a fraction of it. A vector
    /// that is the item itself (a layer blended into a frame) is not computed anywhere else: its pass is the work.
    /// </summary>
    private static bool IsElementwiseMerge(ILoopOperation loop)
    {
        if (!OperationFacts.IsZeroBasedCountingLoop(loop, out var index, out _))
        {
            return false;
        }

        var body = loop.Body is IBlockOperation { Operations.Length: 1 } block ? block.Operations[0] : loop.Body;
        if (body is not IExpressionStatementOperation { Operation: IAssignmentOperation assignment }
            || OperationFacts.StripConversions(assignment.Target) is not IArrayElementReferenceOperation target
            || !IsIndexedBy(target, index))
        {
            return false;
        }

        var targetArray = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(target.ArrayReference));
        var root = OperationFacts.FunctionRoot(loop);
        var sourceRead = false;
        foreach (var operation in assignment.Value.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IArrayElementReferenceOperation element when IsIndexedBy(element, index):
                    sourceRead |= OperationFacts.StripConversions(element.ArrayReference) is ILocalReferenceOperation source
                                  && !SymbolEqualityComparer.Default.Equals(source.Local, targetArray)
                                  && OperationFacts.InitializerOf(source.Local, root) is { } init
                                  && OperationFacts.StripConversions(init) is IInvocationOperation;
                    break;
                case IInvocationOperation { TargetMethod: { Name: "Max" or "Min" or "Abs", ContainingType.Name: "Math" } }:
                    break;
                case IInvocationOperation or IObjectCreationOperation or ILoopOperation:
                    return false;
            }
        }

        return sourceRead;
    }

    /// <summary>
    /// A loop (or a loop nest) that only moves the elements of an array the caller handed over (a local or a parameter)
    /// into an array of the shared state (a field or property of this instance, or a static one) —
    /// <c>_atlas[d++] = tile[s++];</c>, with the index bookkeeping around it (<c>d += stride;</c>) and bounds checks that
    /// throw — the hand-written form of <c>Array.Copy</c>, which is not counted as work either. Under a lock it is the
    /// store the lock guards: the values were computed before, and a copy is bound by memory, not by a core. A copy out
    /// of the shared state, or between two other objects' arrays, is not this shape. A loop that computes on the values
    /// (<c>dst[i] = src[i] * k</c>, <c>sum += src[i]</c>), reads an element anywhere else (a condition, a look-up table
    /// index), or calls anything is not a copy.
    /// </summary>
    private static bool IsCopyOnlyLoop(ILoopOperation loop)
    {
        var copies = 0;
        return CopiesOnly(loop.Body, ref copies) && copies > 0;
    }

    private static bool CopiesOnly(IOperation operation, ref int copies)
    {
        switch (operation)
        {
            case IThrowOperation:
                // A bounds check's exception (throw new Exception("out of range: " + i)) runs at most once.
                return true;
            case ISimpleAssignmentOperation assignment
                when OperationFacts.StripConversions(assignment.Target) is IArrayElementReferenceOperation target:
                if (OperationFacts.StripConversions(assignment.Value) is not IArrayElementReferenceOperation source
                    || !IsSharedArray(target.ArrayReference) || !IsCallersArray(source.ArrayReference)
                    || !AddressesOnly(target) || !AddressesOnly(source))
                {
                    return false;
                }

                copies++;
                return true;
            case IArrayElementReferenceOperation:
            case IPropertyReferenceOperation { Property.IsIndexer: true }:
            case IInvocationOperation or IObjectCreationOperation or IInvalidOperation or IAnonymousFunctionOperation
                or IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IAwaitOperation:
                return false;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (!CopiesOnly(child, ref copies))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An array the lock guards: a field or property of this instance, or a static one (<c>_pixels</c>, <c>RawData</c>).</summary>
    private static bool IsSharedArray(IOperation array)
        => OperationFacts.StripConversions(array) switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } => true,
            IPropertyReferenceOperation { Property.IsIndexer: false, Instance: null or IInstanceReferenceOperation } => true,
            _ => false,
        };

    /// <summary>An array the caller computed and handed over: a local or a parameter (<c>tile</c>, <c>imageData</c>).</summary>
    private static bool IsCallersArray(IOperation array)
        => OperationFacts.StripConversions(array) is ILocalReferenceOperation or IParameterReferenceOperation;

    /// <summary>An element's array and indices: locals, fields, constants and arithmetic on them — no element read, no call.</summary>
    private static bool AddressesOnly(IArrayElementReferenceOperation element)
    {
        foreach (var child in element.ChildOperations)
        {
            foreach (var part in child.DescendantsAndSelf())
            {
                if (part is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }
                    or IInvocationOperation or IObjectCreationOperation or IInvalidOperation)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Results computed outside the lock applied under it item by item: a <c>foreach</c> over a <c>List&lt;T&gt;</c> that a
    /// local of this function made (<c>var pending = new List&lt;(int x, byte v)&gt;();</c>, filled by the computation), or a
    /// counting loop over the elements of a results array this function made (<c>for (int i = 0; i &lt; n; i++)
    /// _ratings[ids[i]] = r[i];</c> after <c>var r = new double[n];</c> was computed), whose body, walked alone, is light
    /// (<c>payoffSum += value;</c>, <c>histogram[v]++;</c>). The values were computed where the list or array was filled,
    /// and that is costed where it ran. A body that computes per item is work, and so is a list or array that comes from
    /// anywhere else (a field, a parameter, a call).
    /// </summary>
    private bool IsPendingMerge(ILoopOperation loop, Walk walk)
    {
        if (!IsOverLocalList(loop, walk) && !IsOverLocalResults(loop))
        {
            return false;
        }

        var body = new Walk(walk.Callers, walk.CancellationToken);
        Visit(loop.Body, Nest.None, body);
        return body.Result().Kind == WorkKind.Light;
    }

    /// <summary>
    /// <c>foreach (var p in pending)</c> over a collection that a local of this function holds and that this function
    /// made or had computed: a <c>List&lt;T&gt;</c> it created and filled, or the value of a call or a creation that the
    /// local is never reassigned from and that cost work to make (<c>var xg = model.PlayerXg(match);</c>, a dictionary a
    /// loop filled; see <see cref="IsProducedByWork"/>). A local that only aliases shared state (<c>var items = _items;</c>)
    /// or a parameter is not this function's results.
    /// </summary>
    private bool IsOverLocalList(ILoopOperation loop, Walk walk)
    {
        if (loop is not IForEachLoopOperation forEach
            || OperationFacts.StripConversions(forEach.Collection) is not ILocalReferenceOperation source)
        {
            return false;
        }

        var root = OperationFacts.FunctionRoot(loop);
        if (OperationFacts.InitializerOf(source.Local, root) is not { } initializer)
        {
            return false;
        }

        initializer = OperationFacts.StripConversions(initializer);
        if (initializer is IObjectCreationOperation { Type: INamedTypeSymbol { Name: "List", Arity: 1 } listType }
            && KnownTypes.Is(listType.OriginalDefinition, _types.List))
        {
            return true;
        }

        return IsComputedHere(initializer) && !OperationFacts.IsWrittenAfterDeclaration(source.Local, root)
               && IsProducedByWork(source.Local, initializer, loop, walk);
    }

    /// <summary>
    /// Whether making the local <paramref name="local"/> cost real work outside <paramref name="merge"/>: its initial
    /// value is CPU-bound (<c>model.PlayerXg(match)</c>, a query over the item), or a loop elsewhere in the function works
    /// on it — fills it, as in <c>foreach (var b in image) local[b]++;</c> (any use in another loop counts: the test is by
    /// reference, not by write). Then the merge is a fraction of what ran unlocked. A batch that
    /// costs nothing to make (<c>line.Split(' ')</c>) leaves the locked pass as the work itself: counting the words of a
    /// line under the lock is the word count.
    /// </summary>
    private bool IsProducedByWork(ILocalSymbol local, IOperation initializer, ILoopOperation merge, Walk walk)
    {
        var made = new Walk(walk.Callers, walk.CancellationToken);
        Visit(initializer, Nest.None, made);
        if (made.Result().Kind == WorkKind.CpuBound)
        {
            return true;
        }

        foreach (var operation in OperationFacts.Descendants(OperationFacts.FunctionRoot(merge)))
        {
            if (operation is ILoopOperation filler && filler != merge
                && !filler.Syntax.Span.Contains(merge.Syntax.Span) && !merge.Syntax.Span.Contains(filler.Syntax.Span)
                && OperationFacts.Descendants(filler.Body).Any(o => o is ILocalReferenceOperation reference
                                                                     && SymbolEqualityComparer.Default.Equals(reference.Local, local)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A local's initial value that this function computed rather than borrowed: the result of a call
    /// (<c>calc.Gradient()</c>, <c>src.ToList()</c>) or a fresh array or object it fills itself (<c>new int[256]</c>).
    /// </summary>
    private static bool IsComputedHere(IOperation initializer)
        => OperationFacts.StripConversions(initializer) is IInvocationOperation or IArrayCreationOperation or IObjectCreationOperation;

    /// <summary>
    /// <c>for (int i = 0; i &lt; r.Length; i++) { … r[i] … }</c> over the results array <c>r</c> that this function made
    /// (<c>var r = new double[n];</c>) and filled before: the loop counts exactly its elements — the bound is
    /// <c>r.Length</c>, or the one never-reassigned local or parameter <c>n</c> it was made with — and the body reads
    /// <c>r[i]</c> and writes no element of <c>r</c> (a loop that fills the array is the computation, not its merge). An
    /// array from anywhere else (a field, a parameter, a call) is not this function's results.
    /// </summary>
    private static bool IsOverLocalResults(ILoopOperation loop)
    {
        if (!OperationFacts.IsZeroBasedCountingLoop(loop, out var index, out var bound))
        {
            return false;
        }

        var root = OperationFacts.FunctionRoot(loop);
        foreach (var operation in loop.Body.DescendantsAndSelf())
        {
            if (operation is IArrayElementReferenceOperation element && IsIndexedBy(element, index) && !OperationFacts.IsWrite(element)
                && OperationFacts.StripConversions(element.ArrayReference) is ILocalReferenceOperation results
                && !OperationFacts.IsWrittenAfterDeclaration(results.Local, root)
                && !WritesElementOf(loop.Body, results.Local)
                && OperationFacts.InitializerOf(results.Local, root) is { } initializer
                && OperationFacts.StripConversions(initializer) is IArrayCreationOperation { DimensionSizes.Length: 1 } creation
                && CountsElementsOf(bound, results.Local, creation.DimensionSizes[0], root))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="body"/> writes an element of the local array <paramref name="array"/> (the loop fills it: it is not done yet).</summary>
    private static bool WritesElementOf(IOperation body, ILocalSymbol array)
        => OperationFacts.Descendants(body).Any(o => o is IArrayElementReferenceOperation element && OperationFacts.IsWrite(element)
                                                     && OperationFacts.StripConversions(element.ArrayReference) is ILocalReferenceOperation written
                                                     && SymbolEqualityComparer.Default.Equals(written.Local, array));

    /// <summary><c>r.Length</c>, or the same never-reassigned local or parameter that sized <c>r</c>.</summary>
    private static bool CountsElementsOf(IOperation bound, ILocalSymbol array, IOperation size, IOperation root)
    {
        bound = OperationFacts.StripConversions(bound);
        if (bound is IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance }
            && OperationFacts.StripConversions(instance) is ILocalReferenceOperation lengthOf
            && SymbolEqualityComparer.Default.Equals(lengthOf.Local, array))
        {
            return true;
        }

        size = OperationFacts.StripConversions(size);
        return (bound, size) switch
        {
            (ILocalReferenceOperation a, ILocalReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Local, b.Local)
                                                                         && !OperationFacts.IsWrittenAfterDeclaration(a.Local, root),
            (IParameterReferenceOperation a, IParameterReferenceOperation b) => SymbolEqualityComparer.Default.Equals(a.Parameter, b.Parameter)
                                                                                 && !OperationFacts.IsWrittenIn(a.Parameter, root),
            _ => false,
        };
    }

    private static bool IsIndexedBy(IArrayElementReferenceOperation element, ILocalSymbol index)
        => element.Indices.Length == 1
           && OperationFacts.StripConversions(element.Indices[0]) is ILocalReferenceOperation local
           && SymbolEqualityComparer.Default.Equals(local.Local, index);

    /// <summary>The field, this-property or captured local that <paramref name="operation"/> reads as a whole collection, or null.</summary>
    private static IOperation? AsStateCollection(IOperation? operation)
    {
        if (operation is null)
        {
            return null;
        }

        return OperationFacts.StripConversions(operation) switch
        {
            IFieldReferenceOperation field => field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation or IFieldReferenceOperation, Arguments.Length: 0 } property => property,
            ILocalReferenceOperation local when IsCapturedBy(local) => local,
            _ => null,
        };
    }

    /// <summary>
    /// A local of an enclosing method read inside a lambda or local function (<c>input</c> in <c>Pull() { lock (gate) {
    /// while (input.MoveNext()) … } }</c>): state that every caller of the function shares, as a field would be.
    /// </summary>
    private static bool IsCapturedBy(ILocalReferenceOperation reference)
    {
        var function = OperationFacts.FunctionRoot(reference);
        if (function is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            return false;
        }

        var declaration = reference.Local.DeclaringSyntaxReferences;
        return declaration.Length > 0 && !function.Syntax.Span.Contains(declaration[0].Span)
               && function.Syntax.SyntaxTree == declaration[0].SyntaxTree;
    }

    /// <summary>
    /// In a loop condition: the collection of <c>_c.Count</c>, <c>_c.Length</c>, <c>_c.TryDequeue(out x)</c> and the like,
    /// or the shared enumerator of <c>_input.MoveNext()</c> (a batch pulled from one source that workers take turns on).
    /// </summary>
    private static IOperation? StateCollectionIn(IOperation? condition)
    {
        if (condition is null)
        {
            return null;
        }

        foreach (var operation in condition.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "LongLength" } count
                    when AsStateCollection(count.Instance) is { } owner:
                    return owner;
                case IInvocationOperation { TargetMethod.Name: "TryDequeue" or "TryPop" or "TryTake" or "TryPeek" or "Any" or "Count" or "MoveNext" } call:
                    var source = call.Instance ?? (call.Arguments.Length > 0 && call.TargetMethod.IsExtensionMethod ? call.Arguments[0].Value : null);
                    if (AsStateCollection(source) is { } queue)
                    {
                        return queue;
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>Whether a collection type holds numbers (an array, list, span… of numeric, bool or char elements, or rows of them).</summary>
    private static bool HoldsNumbers(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return IsNumericData(array.ElementType) || (array.ElementType is IArrayTypeSymbol inner && IsNumericData(inner.ElementType));
            case INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named when !IsBookkeepingShape(named.Name):
                var element = named.TypeArguments[0];
                return IsNumericData(element) || (element is IArrayTypeSymbol rows && IsNumericData(rows.ElementType));
            case INamedTypeSymbol { SpecialType: SpecialType.System_String }:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Queues, stacks, sets and linked lists hold pending work, membership or order — bookkeeping, whatever their element
    /// type (a <c>HashSet&lt;int&gt;</c> of seen ids, a <c>Queue&lt;long&gt;</c> of ticket numbers). Numeric data lives in
    /// arrays and lists.
    /// </summary>
    private static bool IsBookkeepingShape(string typeName)
    {
        switch (typeName)
        {
            case "Queue":
            case "Stack":
            case "HashSet":
            case "SortedSet":
            case "ISet":
            case "IReadOnlySet":
            case "LinkedList":
            case "ConcurrentQueue":
            case "ConcurrentStack":
            case "ConcurrentBag":
            case "IProducerConsumerCollection":
            case "BlockingCollection":
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A number, or a struct made of numbers (<c>struct Particle { Vector2 Position; float Mass; }</c>, a pixel, a
    /// complex sample): an array of them is numeric data like an array of doubles, not the lock's bookkeeping.
    /// </summary>
    private static bool IsNumericData(ITypeSymbol type) => IsNumber(type) || IsNumericStruct(type, depth: 0);

    private static bool IsNumericStruct(ITypeSymbol type, int depth)
    {
        if (type.TypeKind != TypeKind.Struct || depth > 2 || type.SpecialType != SpecialType.None)
        {
            return false;
        }

        var fields = 0;
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
            {
                continue;
            }

            if (!IsNumber(field.Type) && !IsNumericStruct(field.Type, depth + 1))
            {
                return false;
            }

            fields++;
        }

        return fields > 0;
    }

    private static bool IsNumber(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return true;
        }

        return type.ContainingNamespace is { Name: "Numerics", ContainingNamespace.Name: "System" } && type.IsValueType;
    }

    /// <summary>
    /// The members along a compared value's access chain rooted in this object or a static (<c>_bestScore</c>;
    /// <c>_best.Score</c>; <c>_top[^1].Score</c>), unless the value is a size (<c>_queue.Count &gt;= BatchSize</c> is a batch flush, not a new best).
    /// </summary>
    private static void AddComparedMembers(IOperation side, ref HashSet<ISymbol>? compared)
    {
        List<ISymbol>? chain = null;
        for (var current = (IOperation?)OperationFacts.StripConversions(side); current is not null;)
        {
            switch (current)
            {
                case IMemberReferenceOperation member:
                    if (member.Member.Name is "Count" or "Length" or "LongLength")
                    {
                        return;
                    }

                    (chain ??= new List<ISymbol>()).Add(member.Member);
                    current = member.Instance;
                    break;
                case IArrayElementReferenceOperation element:
                    current = element.ArrayReference;
                    break;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IInstanceReferenceOperation:
                    current = null;
                    break;
                default:
                    // Rooted in a local, a parameter or a call: not the state the lock guards.
                    return;
            }
        }

        if (chain is not null)
        {
            compared ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            compared.UnionWith(chain);
        }
    }

    /// <summary>
    /// A branch taken only when a new best (or a new record) is found: <c>if (score &gt; _bestScore) { _bestScore = score;
    /// _bestBoard = board.Clone(); … }</c>, <c>if (candidate.Cost &lt; _best.Cost) _best = candidate.Copy();</c>. Its
    /// condition compares (&lt;, &gt;, &lt;=, &gt;=) against a member that the branch itself updates (assigns, or calls
    /// a method on, such as <c>_top.Insert</c>), so it runs a handful of times over a whole search while the cheap compare
    /// runs every time: under a lock its work is not what the threads queue for. Only the branch is left out; the
    /// condition and the else branch count.
    /// </summary>
    private static bool IsRareUpdateBranch(IConditionalOperation conditional)
    {
        HashSet<ISymbol>? compared = null;
        foreach (var operation in conditional.Condition.DescendantsAndSelf())
        {
            if (operation is IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                        or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual,
                } comparison)
            {
                AddComparedMembers(comparison.LeftOperand, ref compared);
                AddComparedMembers(comparison.RightOperand, ref compared);
            }
        }

        if (compared is null)
        {
            return false;
        }

        foreach (var operation in conditional.WhenTrue.DescendantsAndSelf())
        {
            var updated = operation switch
            {
                IAssignmentOperation { Target: IMemberReferenceOperation target } => target.Member,
                IInvocationOperation { Instance: IMemberReferenceOperation receiver } => receiver.Member,
                _ => null,
            };
            if (updated is not null && compared.Contains(updated))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Largest trip count taken as a constant; beyond it the loop is simply not constant-bound.</summary>
    private const long MaxConstantTrips = 1_000_000;

    /// <summary>
    /// The trip count of a loop whose bounds are compile-time constants — <c>for (int k = 0; k &lt; 8; k++)</c>,
    /// <c>for (r = 1; r &lt;= Size; r++)</c> with a <c>const</c> or a field that is constant in practice (see
    /// <see cref="ConstantFields"/>), <c>foreach (var d in new[] { 1, 2, 3 })</c> — or -1.
    /// The step is taken as 1 (an over-estimate for larger steps).
    /// </summary>
    private static long ConstantTripCount(ILoopOperation loop)
    {
        switch (loop)
        {
            case IForLoopOperation { Condition: IBinaryOperation condition } forLoop when forLoop.Before.Length > 0:
                IOperation variableSide;
                long bound;
                if (TryConstant(condition.RightOperand, out bound))
                {
                    variableSide = condition.LeftOperand;
                }
                else if (TryConstant(condition.LeftOperand, out bound))
                {
                    variableSide = condition.RightOperand;
                }
                else
                {
                    // for (i = 0; i < args.Length; i++) over an argument list; for (j = 0; j < a.Length; j++) over a local
                    // array written out element by element (int[] a = { 3, 8, 1 }): at most that many trips.
                    if (IsArgumentListLength(condition.RightOperand) || IsArgumentListLength(condition.LeftOperand))
                    {
                        return ArgumentListTrips;
                    }

                    var written = WrittenOutLength(condition.RightOperand, loop);
                    return written >= 0 ? written : WrittenOutLength(condition.LeftOperand, loop);
                }

                if (OperationFacts.StripConversions(variableSide) is not ILocalReferenceOperation local
                    || !TryInitialValue(forLoop.Before, local.Local, out var start))
                {
                    return -1;
                }

                var inclusive = condition.OperatorKind is BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThanOrEqual;
                var trips = Math.Abs(bound - start) + (inclusive ? 1 : 0);
                // for (i = 0; i < 20; i += 4) steps over the range: 5 trips, not 20.
                var step = ConstantStep(forLoop.AtLoopBottom, local.Local);
                if (step > 1)
                {
                    trips = (trips + step - 1) / step;
                }

                return trips <= MaxConstantTrips ? trips : -1;
            case IForEachLoopOperation forEach:
                return OperationFacts.StripConversions(forEach.Collection) switch
                {
                    IArrayCreationOperation { Initializer: { } init } => init.ElementValues.Length,
                    var collection when IsArgumentList(collection) => ArgumentListTrips,
                    ILocalReferenceOperation array => WrittenOutElements(array.Local, loop),
                    _ => -1,
                };
            default:
                // while / do-while: the trip count is not visible.
                return -1;
        }
    }

    /// <summary>
    /// The trip count taken for a walk over an argument list: a <c>params</c> parameter (<c>new Candidates(key, match)</c>
    /// passes one) or an <c>object[]</c> parameter (format arguments, the cells of one row). Callers pass a handful; a
    /// loop over one is as light as a loop of this many, and only counts when nested in others.
    /// </summary>
    private const long ArgumentListTrips = 4;

    /// <summary>
    /// <c>a.Length</c> of a local array written out in its declaration (<c>int[] a = { … }</c>, <c>new[] { … }</c>,
    /// <c>new int[] { … }</c>) and never written again in the function around <paramref name="loop"/>: its element count,
    /// else -1.
    /// </summary>
    private static long WrittenOutLength(IOperation bound, ILoopOperation loop)
        => OperationFacts.StripConversions(bound) is IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance }
           && OperationFacts.StripConversions(instance) is ILocalReferenceOperation local
            ? WrittenOutElements(local.Local, loop)
            : -1;

    private static long WrittenOutElements(ILocalSymbol local, ILoopOperation loop)
    {
        // The declaration's syntax first: only a local written out as an array initializer is looked up in the operations.
        if (local.DeclaringSyntaxReferences.Length != 1
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax
            {
                Initializer.Value: Microsoft.CodeAnalysis.CSharp.Syntax.InitializerExpressionSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.ArrayCreationExpressionSyntax { Initializer: not null }
                    or Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitArrayCreationExpressionSyntax
            })
        {
            return -1;
        }

        var root = OperationFacts.TreeRoot(loop);
        return OperationFacts.InitializerOf(local, root) is { } initializer
               && OperationFacts.StripConversions(initializer) is IArrayCreationOperation { Initializer: { } elements }
               && !OperationFacts.IsWrittenAfterDeclaration(local, root)
            ? elements.ElementValues.Length
            : -1;
    }

    private static bool IsArgumentList(IOperation collection)
        => collection is IParameterReferenceOperation { Parameter: { } parameter }
           && (parameter.IsParams || parameter.Type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Object });

    /// <summary><c>args.Length</c> of an argument list (see <see cref="IsArgumentList"/>).</summary>
    private static bool IsArgumentListLength(IOperation bound)
        => OperationFacts.StripConversions(bound) is IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } instance }
           && IsArgumentList(OperationFacts.StripConversions(instance));

    /// <summary>
    /// The constant stride of a for loop's only update, when it is <c>i += k</c> or <c>i -= k</c> on the loop variable
    /// (k a positive constant); 1 for anything else (<c>i++</c>, several updates, a variable step).
    /// </summary>
    private static long ConstantStep(ImmutableArray<IOperation> atLoopBottom, ILocalSymbol local)
    {
        if (atLoopBottom.Length != 1)
        {
            return 1;
        }

        var update = atLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : atLoopBottom[0];
        return update is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, Target: ILocalReferenceOperation target } compound
               && SymbolEqualityComparer.Default.Equals(target.Local, local)
               && TryConstant(compound.Value, out var step) && step > 1
            ? step
            : 1;
    }

    private static bool TryInitialValue(ImmutableArray<IOperation> before, ILocalSymbol local, out long value)
    {
        value = 0;
        foreach (var operation in before)
        {
            switch (operation)
            {
                case IVariableDeclarationGroupOperation group:
                    foreach (var declaration in group.Declarations)
                    {
                        foreach (var declarator in declaration.Declarators)
                        {
                            if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                            {
                                var init = declarator.Initializer ?? declaration.Initializer;
                                return init is not null && TryConstant(init.Value, out value);
                            }
                        }
                    }

                    break;
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment }
                    when SymbolEqualityComparer.Default.Equals(target.Local, local):
                    return TryConstant(assignment.Value, out value);
            }
        }

        return false;
    }

    private static bool TryConstant(IOperation operand, out long value)
    {
        value = 0;
        var constant = operand.ConstantValue;
        var known = constant.HasValue ? constant.Value
            : OperationFacts.StripConversions(operand) is IFieldReferenceOperation field ? ConstantFields.ValueOf(field)
            : null;
        if (known is null)
        {
            return false;
        }

        switch (known)
        {
            case int i: value = i; return true;
            case long l: value = l; return l > -MaxConstantTrips * 4 && l < MaxConstantTrips * 4;
            case short s: value = s; return true;
            case byte b: value = b; return true;
            case sbyte sb: value = sb; return true;
            case uint ui: value = ui; return true;
            case ulong ul: value = (long)Math.Min(ul, (ulong)MaxConstantTrips * 4); return true;
            case ushort us: value = us; return true;
            case char c: value = c; return true;
            default: return false;
        }
    }
}
