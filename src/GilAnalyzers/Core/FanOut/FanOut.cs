using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>How a hand-made fan-out is laid out in the source.</summary>
internal enum FanOutShape
{
    /// <summary>One launch inside a loop: an array or list of threads / work items.</summary>
    Loop,

    /// <summary>A fixed set of explicitly declared threads (<c>var t1 = new Thread(...); var t2 = ...</c>).</summary>
    Explicit,
}

/// <summary>
/// A hand-made fan-out of CPU-bound work found by <see cref="ThreadFanOut"/> or <see cref="PoolFanOut"/>:
/// what to report, and, when the rewrite to <c>Parallel.*</c> keeps behaviour, how to do it.
/// </summary>
internal sealed class FanOut
{
    public FanOut(FanOutShape shape, IOperation launch, string count, WorkCost cost, string mechanism, FanOutPlan? plan, string? fixBlocker, PoolDispatchPlan? dispatch = null)
    {
        Dispatch = plan is null ? dispatch : null;
        Shape = shape;
        Launch = launch;
        Count = count;
        Cost = cost;
        Mechanism = mechanism;
        Plan = plan;
        FixBlocker = fixBlocker;
    }

    public FanOutShape Shape { get; }

    /// <summary>The first <c>new Thread(...)</c> / <c>QueueUserWorkItem(...)</c> / <c>StartNew(...)</c>: where the diagnostic goes.</summary>
    public IOperation Launch { get; }

    /// <summary>How many threads or items, as written: "4", "'threadCount'".</summary>
    public string Count { get; }

    public WorkCost Cost { get; }

    /// <summary>For messages: "ThreadPool.QueueUserWorkItem + CountdownEvent".</summary>
    public string Mechanism { get; }

    /// <summary>The rewrite, or null when none keeps behaviour (see <see cref="FixBlocker"/>).</summary>
    public FanOutPlan? Plan { get; }

    public string? FixBlocker { get; }

    /// <summary>
    /// When <see cref="Plan"/> is null for a thread-pool fan-out: the rewrite that keeps the join objects and only runs the
    /// queued items with <c>Parallel.ForEach</c> / <c>Parallel.Invoke</c>; null when that cannot keep behaviour either.
    /// </summary>
    public PoolDispatchPlan? Dispatch { get; }
}

/// <summary>One unit of work of a fan-out, as the rewrite will run it.</summary>
internal sealed class FanOutBody
{
    public FanOutBody(ImmutableArray<IOperation> statements, IMethodReferenceOperation? methodGroup, IParameterSymbol? parameter, IOperation? argument, IOperation @delegate)
    {
        Statements = statements;
        MethodGroup = methodGroup;
        Parameter = parameter;
        Argument = argument;
        Delegate = @delegate;
    }

    /// <summary>The statements the thread / item runs (a lambda's body, less any completion signal).</summary>
    public ImmutableArray<IOperation> Statements { get; }

    /// <summary>When the delegate is a method group: call it (with <see cref="Argument"/> when it takes one).</summary>
    public IMethodReferenceOperation? MethodGroup { get; }

    /// <summary>The lambda's parameter (ParameterizedThreadStart / WaitCallback), declared as a local set to <see cref="Argument"/>.</summary>
    public IParameterSymbol? Parameter { get; }

    /// <summary>What <c>Start(arg)</c> passed; null means none (the parameter gets null).</summary>
    public IOperation? Argument { get; }

    /// <summary>The original lambda or method group.</summary>
    public IOperation Delegate { get; }

    /// <summary>
    /// Work made by a helper (<c>Thread Spawn(int from) { var t = new Thread(() =&gt; Work(from)); ... }</c>): each helper
    /// parameter the work reads, and the caller's argument the rewrite writes in its place. Empty otherwise.
    /// </summary>
    public ImmutableDictionary<IParameterSymbol, IOperation> Bindings { get; private set; } = ImmutableDictionary<IParameterSymbol, IOperation>.Empty;

    /// <summary>The work is written in a helper that makes the thread: it is rewritten where the helper is called.</summary>
    public bool MadeByHelper { get; private set; }

    /// <summary>The same body, made by a helper, with its parameters bound to the caller's arguments (see <see cref="Bindings"/>).</summary>
    public FanOutBody BoundTo(ImmutableDictionary<IParameterSymbol, IOperation> bindings)
        => new FanOutBody(Statements, MethodGroup, Parameter, Argument, Delegate) { Bindings = bindings, MadeByHelper = true };
}

/// <summary>The rewrite of a fan-out to <c>Parallel.For</c> (loop shape) or <c>Parallel.Invoke</c> (explicit shape).</summary>
internal sealed class FanOutPlan
{
    public FanOutPlan(
        IOperation anchor,
        ImmutableArray<IOperation> removed,
        ILocalSymbol? index,
        IOperation? bound,
        ImmutableArray<IOperation> preStatements,
        ImmutableArray<FanOutBody> bodies,
        RangeSplitPlan? range,
        IUsingOperation? unwrapUsing,
        IOperation? items = null,
        bool callerRunsOneMore = false)
    {
        CallerRunsOneMore = callerRunsOneMore;
        Items = items;
        Anchor = anchor;
        Removed = removed;
        Index = index;
        Bound = bound;
        PreStatements = preStatements;
        Bodies = bodies;
        Range = range;
        UnwrapUsing = unwrapUsing;
    }

    /// <summary>The statement the new <c>Parallel.*</c> call replaces (the creation loop, or the first thread's declaration).</summary>
    public IOperation Anchor { get; }

    /// <summary>Statements that go away: collection declarations, start and join statements, completion events.</summary>
    public ImmutableArray<IOperation> Removed { get; }

    /// <summary>Loop shape: the partition index and the partition count.</summary>
    public ILocalSymbol? Index { get; }

    public IOperation? Bound { get; }

    /// <summary>
    /// Loop shape: the calling thread runs the threads' own work once more between starting and joining them
    /// (<c>workerThread();</c>), so the loop runs <see cref="Bound"/> + 1 times.
    /// </summary>
    public bool CallerRunsOneMore { get; }

    /// <summary>Loop shape: the creation loop's statements before the launch (per-iteration copies, bounds).</summary>
    public ImmutableArray<IOperation> PreStatements { get; }

    /// <summary>One body for the loop shape; one per thread for the explicit shape.</summary>
    public ImmutableArray<FanOutBody> Bodies { get; }

    /// <summary>Present when each partition is a plain range split of one index loop.</summary>
    public RangeSplitPlan? Range { get; }

    /// <summary>A <c>using (var done = new CountdownEvent(n)) { ... }</c> whose block replaces it.</summary>
    public IUsingOperation? UnwrapUsing { get; }

    /// <summary>
    /// The foreach shape: the items one thread was started for each (<see cref="Index"/> is then the loop variable and
    /// <see cref="Bound"/> null), rewritten as <c>Parallel.ForEach(items, x =&gt; …)</c>.
    /// </summary>
    public IOperation? Items { get; }
}
