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
/// GIL004 fix: the queued work items / LongRunning chunks become one Parallel.For over the same items; the
/// CountdownEvent / task array and the wait go away. A fixed set of explicit cold tasks becomes one Parallel.Invoke.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandRolledPoolFanOutFixer)), Shared]
public sealed class HandRolledPoolFanOutFixer : ExplainingCodeFixProvider
{
    public const string ParallelForKey = "GIL004.ParallelFor";

    /// <summary>The items queued by a loop run by <c>Parallel.ForEach</c> after it; the join objects stay.</summary>
    public const string ParallelForEachKeepJoinKey = "GIL004.ParallelForEachKeepJoin";

    /// <summary>A fixed set of queued items run by <c>Parallel.Invoke</c>; their events and the wait stay.</summary>
    public const string ParallelInvokeKeepJoinKey = "GIL004.ParallelInvokeKeepJoin";

    /// <summary>
    /// Cold tasks (<c>new Task(work)</c>) kept in a local array or list whose making code does more than a partition loop
    /// keeps: the code stays, the tasks become Actions, and Parallel.ForEach runs them where they were first waited for.
    /// </summary>
    public const string ParallelForEachAtWaitKey = "GIL004.ParallelForEachAtWait";

    /// <summary>
    /// A fixed set of explicit cold tasks (<c>var a = new Task(work); … a.Start(); … Task.WaitAll(a, b);</c>) run by
    /// <c>Parallel.Invoke</c> where the first one was started; the task locals, their starts and the wait go.
    /// </summary>
    public const string ParallelInvokeKey = "GIL004.ParallelInvoke";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandRolledPoolFanOut);

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

        var launch = FanOutRewrite.OperationAt(root, model, diagnostic.Location.SourceSpan, cancellationToken);
        if (launch is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var types = KnownTypes.For(model.Compilation);
        var fanOut = FanOutLaunchedBy(launch, types);
        var plan = fanOut?.Plan;
        if (plan is null && fanOut?.Dispatch is { } dispatch)
        {
            // The join cannot be removed: it stays, and only the dispatch of the items changes.
            register(dispatch.IsSet
                ? CodeAction.Create("Run the work items with Parallel.Invoke (keeps the join)", c => PoolDispatchRewrite.ApplyAsync(document, dispatch, c), ParallelInvokeKeepJoinKey)
                : CodeAction.Create("Run the work items with Parallel.ForEach (keeps the join)", c => PoolDispatchRewrite.ApplyAsync(document, dispatch, c), ParallelForEachKeepJoinKey));
            return;
        }

        if (plan is null)
        {
            string? laterBlocker = null;
            if (fanOut?.Launch is IObjectCreationOperation task && KnownTypes.Is(task.Type, types.Task))
            {
                laterBlocker = ThreadRunLater.Plan(task, OperationFacts.FunctionRoot(task), types, WorkCostModel.For(types), out var later);
                if (laterBlocker is null)
                {
                    // The code around the tasks stays as written; only their work moves to where they were waited for.
                    register(CodeAction.Create("Run the tasks' work with Parallel.ForEach where they are waited for", c => ThreadRunLaterRewrite.ApplyAsync(document, later!, c), ParallelForEachAtWaitKey));
                    return;
                }
            }

            why.Add(NoFixReasons.PoolShape, laterBlocker is null ? fanOut?.FixBlocker : fanOut?.FixBlocker + "; the work cannot run where the tasks are waited for: " + laterBlocker);
            return;
        }

        if (FanOutRewrite.ReadsRemovedArrayLength(plan))
        {
            // The kept code reads the task array the rewrite removes (for (int c = 0; c < chunks.Length; c++)): where it
            // reads only its length, that length is the array's size; the fan-out is planned again with it written in.
            var mark = new SyntaxAnnotation();
            if (FanOutRewrite.InlineRemovedLengths(plan, root, fanOut!.Launch.Syntax, mark) is not { } inlined
                || await ReplanAsync(document.WithSyntaxRoot(inlined), mark, fanOut.Shape, cancellationToken).ConfigureAwait(false) is not { } replanned)
            {
                why.Add(NoFixReasons.RemovedTaskArrayStillRead);
                return;
            }

            (document, plan) = replanned;
        }

        if (fanOut!.Shape == FanOutShape.Explicit)
        {
            register(CodeAction.Create("Run the tasks' work with Parallel.Invoke", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Invoke, c), ParallelInvokeKey));
            return;
        }

        register(CodeAction.Create("Run the work items with Parallel.For", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Partitions, c), ParallelForKey));
    }

    /// <summary>The document and the plan of the fan-out launched at the node marked <paramref name="mark"/>, when it has one of the same shape whose kept code reads no length of an array the rewrite removes.</summary>
    private static async Task<(Document Document, FanOutPlan Plan)?> ReplanAsync(Document document, SyntaxAnnotation mark, FanOutShape shape, System.Threading.CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root?.GetAnnotatedNodes(mark).FirstOrDefault() is not { } node || model?.GetOperation(node, cancellationToken) is not { } launch)
        {
            return null;
        }

        var fanOut = FanOutLaunchedBy(launch, KnownTypes.For(model.Compilation));
        return fanOut?.Plan is { } plan && fanOut.Shape == shape && !FanOutRewrite.ReadsRemovedArrayLength(plan) ? (document, plan) : null;
    }

    /// <summary>The pool fan-out whose launch is <paramref name="launch"/>, found again by the analysis the rule runs.</summary>
    private static FanOut? FanOutLaunchedBy(IOperation launch, KnownTypes types)
        => PoolFanOut.Find(OperationFacts.FunctionRoot(launch), types, WorkCostModel.For(types))
            .FirstOrDefault(f => f.Launch.Syntax.Span == launch.Syntax.Span);
}
