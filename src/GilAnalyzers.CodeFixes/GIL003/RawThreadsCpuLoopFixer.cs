using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;

using GilAnalyzers.CodeFixes.Refusals;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL003 fixes: Parallel.For over the same partitions; Parallel.For over the whole range when each partition is a
/// plain range split (so the scheduler balances uneven work); Parallel.Invoke for a fixed set of explicit threads.
/// No action when the threads' identity, configuration or captured loop variable could make the rewrite differ.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawThreadsCpuLoopFixer)), Shared]
public sealed class RawThreadsCpuLoopFixer : ExplainingCodeFixProvider
{
    public const string ParallelForPartitionsKey = "GIL003.ParallelForPartitions";
    public const string ParallelForRangeKey = "GIL003.ParallelForRange";
    public const string ParallelForEachItemsKey = "GIL003.ParallelForEachItems";
    public const string ParallelInvokeKey = "GIL003.ParallelInvoke";

    /// <summary>Threads kept nowhere and joined by a CountdownEvent: their work runs by Parallel.ForEach after the loop; the latch stays.</summary>
    public const string ParallelForEachKeepJoinKey = "GIL003.ParallelForEachKeepJoin";

    /// <summary>
    /// Threads kept in a local array or list whose making code does more than a partition loop keeps: the code stays, the
    /// threads become ThreadStart delegates, and Parallel.ForEach runs them where they were first joined.
    /// </summary>
    public const string ParallelForEachAtJoinKey = "GIL003.ParallelForEachAtJoin";

    /// <summary>
    /// Threads made by <c>Enumerable.Range(…).Select(i =&gt; new Thread(…)).ToList()</c>, started and joined by the next two
    /// statements: one Parallel.For over the same range runs the same work.
    /// </summary>
    public const string ParallelForQueryKey = "GIL003.ParallelForQuery";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RawThreadsCpuLoop);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    /// <inheritdoc/>
    private protected override async Task RegisterAsync(Document document, Diagnostic diagnostic, System.Action<CodeAction> register, Refusal why, System.Threading.CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var creation = FanOutRewrite.OperationAt(root, model, diagnostic.Location.SourceSpan, cancellationToken);
        if (creation is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var types = KnownTypes.For(model.Compilation);
        var fanOut = ThreadFanOut.Find(OperationFacts.FunctionRoot(creation), types, WorkCostModel.For(types))
            .FirstOrDefault(f => f.Launch.Syntax.Span == creation.Syntax.Span);
        var plan = fanOut?.Plan;
        var explicitBlocker = PlanExplicitRange(fanOut, model, types, out var explicitRange);
        var explicitRangeAction = explicitRange is null
            ? null
            : CodeAction.Create("Run the whole range with Parallel.For (balances uneven work)", c => FanOutRewrite.ApplyExplicitRangeAsync(document, explicitRange, c), ParallelForRangeKey);
        if (plan is null && explicitRangeAction is not null)
        {
            register(explicitRangeAction);
            return;
        }

        if (plan is null && fanOut?.Dispatch is { } dispatch)
        {
            // Threads kept nowhere, joined by a CountdownEvent their work signals: the latch stays, the threads go.
            register(CodeAction.Create("Run the threads' work with Parallel.ForEach (keeps the CountdownEvent)", c => PoolDispatchRewrite.ApplyAsync(document, dispatch, c), ParallelForEachKeepJoinKey));
            return;
        }

        if (plan is null)
        {
            RegisterRunLaterOrExplain(document, fanOut, types, explicitBlocker, register, why);
            return;
        }

        if (FanOutRewrite.KeepsRemovedLocal(plan))
        {
            // A plan whose kept code names a removed local would not compile.
            why.Add(NoFixReasons.RemovedLocalStillRead);
            return;
        }

        if (!FanOutRewrite.MovedWorkResolves(plan, model))
        {
            // The work of a helper or a delegate local, written where the threads are made, would name other things there.
            why.Add(NoFixReasons.ThreadShape, "the threads' work is written elsewhere (a helper, a delegate local) and would name something else where the threads are made");
            return;
        }

        if (fanOut!.Shape == FanOutShape.Explicit)
        {
            // The whole range first when an index's work can vary (it balances); Parallel.Invoke keeps the parts as written.
            var rangeFirst = explicitRangeAction is not null && WorkVariesByIndex(explicitRange!.LoopBody, types);
            if (rangeFirst)
            {
                register(explicitRangeAction!);
            }

            register(CodeAction.Create("Run the threads' work with Parallel.Invoke", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Invoke, c), ParallelInvokeKey));
            if (explicitRangeAction is not null && !rangeFirst)
            {
                register(explicitRangeAction);
            }

            return;
        }

        RegisterLoopRewrites(document, plan, model, types, register);
    }

    /// <summary>
    /// No plan for the threads' loop: the run-at-the-join rewrite when it applies (the code around the threads stays as
    /// written, only their work moves to where they were joined), else the reasons — the planner's, the run-at-the-join
    /// rewrite's, and for a calling thread that runs a part, why the parts are not one range split.
    /// </summary>
    private static void RegisterRunLaterOrExplain(Document document, FanOut? fanOut, KnownTypes types, string? explicitBlocker, System.Action<CodeAction> register, Refusal why)
    {
        string? laterBlocker = null;
        string? queryBlocker = null;
        if (fanOut?.Launch is IObjectCreationOperation made && ThreadQueryRewrite.IsQueryMade(made))
        {
            // Threads made by a LINQ query: one Parallel.For over the query's range when the three statements are one unit.
            queryBlocker = ThreadQueryRewrite.Plan(made, types, WorkCostModel.For(types), out var query);
            if (queryBlocker is null)
            {
                register(CodeAction.Create("Run the threads' work with Parallel.For over the query's range", c => ThreadQueryRewrite.ApplyAsync(document, query!, c), ParallelForQueryKey));
                return;
            }
        }

        if (fanOut?.Launch is IObjectCreationOperation thread)
        {
            laterBlocker = ThreadRunLater.Plan(thread, OperationFacts.FunctionRoot(thread), types, WorkCostModel.For(types), out var later);
            if (laterBlocker is null)
            {
                // The code around the threads stays as written; only their work moves to where they were joined.
                register(CodeAction.Create("Run the threads' work with Parallel.ForEach where they are joined", c => ThreadRunLaterRewrite.ApplyAsync(document, later!, c), ParallelForEachAtJoinKey));
                return;
            }
        }

        // No plan: a shape the rewrite cannot keep (threads in fields, made by helpers, the calling thread running a
        // partition...). The run-at-the-join rewrite's own reason follows the planner's.
        var detail = laterBlocker is null ? fanOut?.FixBlocker : fanOut?.FixBlocker + "; the work cannot run where the threads are joined: " + laterBlocker;
        if (fanOut?.Shape == FanOutShape.Explicit && fanOut.FixBlocker == RangeSplit.CallerRunsPartBlocker && explicitBlocker is not null)
        {
            detail += "; the parts are not one range split: " + explicitBlocker;
        }

        if (queryBlocker is not null)
        {
            detail += "; the query's threads cannot run as one Parallel.For: " + queryBlocker;
        }

        why.Add(NoFixReasons.ThreadShape, detail);
    }

    /// <summary>
    /// Explicit threads (and the calling thread) that each run one range of one method: the plan for one Parallel.For over
    /// the whole range, or why there is none (null when the fan-out is not of explicit threads).
    /// </summary>
    private static string? PlanExplicitRange(FanOut? fanOut, SemanticModel model, KnownTypes types, out ExplicitRangePlan? explicitRange)
    {
        explicitRange = null;
        if (fanOut is not { Shape: FanOutShape.Explicit, Launch: IObjectCreationOperation firstThread })
        {
            return null;
        }

        var blocker = RangeSplit.PlanExplicit(firstThread, OperationFacts.FunctionRoot(firstThread), types, WorkCostModel.For(types), out explicitRange);
        if (explicitRange is not null && !FanOutRewrite.ExplicitRangeNamesResolve(explicitRange, model))
        {
            explicitRange = null;
            blocker = "the method's loop would mean something else where the threads are made";
        }

        return blocker;
    }

    /// <summary>
    /// The whole-range rewrite comes first when it applies and an index's work can vary (it loops or calls): it is the
    /// one that balances uneven partitions. A flat body costs the same at every index — balancing gains nothing and a
    /// delegate call per index costs — so there the partitions (or items) rewrite comes first and the range one second.
    /// </summary>
    private static void RegisterLoopRewrites(Document document, FanOutPlan plan, SemanticModel model, KnownTypes types, System.Action<CodeAction> register)
    {
        var range = plan.Range is not null && FanOutRewrite.RangeNamesResolveAtAnchor(plan, model)
            ? CodeAction.Create("Run the whole range with Parallel.For (balances uneven work)", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Range, c), ParallelForRangeKey)
            : null;
        var rangeFirst = range is not null && WorkVariesByIndex(plan.Range!.LoopBody, types);
        if (rangeFirst)
        {
            register(range!);
        }

        if (plan.Items is not null)
        {
            register(CodeAction.Create("Run the items with Parallel.ForEach", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Partitions, c), ParallelForEachItemsKey));
        }
        else
        {
            register(CodeAction.Create("Run the partitions with Parallel.For", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Partitions, c), ParallelForPartitionsKey));
        }

        if (range is not null && !rangeFirst)
        {
            register(range);
        }
    }

    /// <summary>Whether one index's work holds a loop or a call (other than System.Math's), so its cost can differ by index.</summary>
    private static bool WorkVariesByIndex(IOperation loopBody, KnownTypes types)
        => OperationFacts.Descendants(loopBody).Any(o => o is ILoopOperation
                                                         || (o is IInvocationOperation call && !KnownTypes.Is(call.TargetMethod.ContainingType, types.MathType)));
}
