using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL001 fixes: move the computation out of the lock, accumulate per worker (localInit/localFinally), or replace a
/// lone integer update with Interlocked. Each is offered only when the rewrite provably keeps the behaviour.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SharedLockAroundCpuWorkFixer)), Shared]
public sealed class SharedLockAroundCpuWorkFixer : ExplainingCodeFixProvider
{
    public const string MoveOutOfLockKey = "GIL001.MoveOutOfLock";
    public const string ThreadLocalKey = "GIL001.ThreadLocal";
    public const string InterlockedKey = "GIL001.Interlocked";
    public const string OneShotHashKey = "GIL001.OneShotHash";
    public const string SplitLoopKey = "GIL001.SplitLoop";
    public const string ScratchToLocalKey = "GIL001.ScratchToLocal";
    public const string MovePartOutOfLockKey = "GIL001.MovePartOutOfLock";
    public const string ReadLockKey = "GIL001.ReadLock";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SharedLockAroundCpuWork);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    /// <inheritdoc/>
    private protected override async Task RegisterAsync(Document document, Diagnostic diagnostic, System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var region = GuardedRegion.Find(root, diagnostic.Location.SourceSpan, model, cancellationToken);
        if (region is null)
        {
            // An upgradeable read lock is in no form the other rewrites take; only the read-lock rewrite applies to it.
            if (ReadLockMode.ForUpgradeable(root, diagnostic.Location.SourceSpan, model, cancellationToken) is not { } upgradeable)
            {
                why.Add(NoFixReasons.LockShape, GuardedRegion.WhyNoForm(root, diagnostic.Location.SourceSpan));
            }
            else if (upgradeable.Rewrite(root, model, why, cancellationToken) is { } readMode)
            {
                register(ReadLockAction(document, readMode, ReadLockKey));
            }

            return;
        }

        var fallbacks = new List<CodeAction>();
        foreach (var action in await LockActionsAsync(document, root, model, region, diagnostic, why, key => key, fallbacks, cancellationToken).ConfigureAwait(false))
        {
            register(action);
        }

        fallbacks.ForEach(register);
    }

    /// <summary>
    /// The thread-level rewrites of one lock region, best first: the one-shot hash, the per-worker fold, the split loop,
    /// the per-call scratch buffer, Interlocked, the move out of the lock, a collecting fold, the read lock. Each only when the planner
    /// proves it keeps behaviour (its refusals go to <paramref name="why"/>). GIL006 offers the same rewrites under its
    /// own keys (<paramref name="key"/> maps a GIL001 key to the caller's): where they apply, the state the lock guards
    /// turned out not to be shared, and threads beat worker processes. A partial narrowing (the lock kept around CPU-bound
    /// work that needs it, the rest moved out) goes to <paramref name="fallbacks"/>, for the caller to register after what
    /// it offers itself, and only when none of the others applies.
    /// </summary>
    internal static async Task<List<CodeAction>> LockActionsAsync(Document document, SyntaxNode root, SemanticModel model, GuardedRegion region, Diagnostic diagnostic, Refusal why, System.Func<string, string> key, List<CodeAction> fallbacks, CancellationToken cancellationToken)
    {
        if (!region.BodyIsInTree && region.First is LockStatementSyntax { Statement: not BlockSyntax } unbraced)
        {
            // `lock (g) statement;`: planned on the same code with the body in braces, so every rewrite sees a block. The
            // braces go in after the diagnostic's span (the lock keyword and expression), which stays where it was.
            if (await BracedAsync(document, root, unbraced, cancellationToken).ConfigureAwait(false) is not { } braced)
            {
                why.Add(NoFixReasons.LockShape, "a lock statement whose body has no braces");
                return new List<CodeAction>();
            }

            (document, root, model, region) = braced;
        }

        var actions = new List<CodeAction>();
        if (OneShotHashPlan.Create(region, model, cancellationToken) is { } oneShot)
        {
            // Removes the serialisation completely: no shared hasher, no lock. Registered first.
            actions.Add(CodeAction.Create(
                "Hash with " + oneShot.Algorithm + ".HashData (no shared hasher) and drop the lock",
                _ => Task.FromResult(document.WithSyntaxRoot(ReplaceRegion(root, region, oneShot.Rewritten))),
                key(OneShotHashKey)));
        }

        var planner = new LockFixPlanner(model, region, cancellationToken, why);
        var move = planner.PlanMoveOut();
        var threadLocal = planner.PlanThreadLocal();
        var numericFold = threadLocal is not null && !IsCollectingFold(region, model, cancellationToken);

        if (threadLocal is not null && numericFold)
        {
            actions.Add(ThreadLocalAction(document, root, threadLocal, key(ThreadLocalKey)));
        }

        // A CPU-bound loop left under the lock: its items computed in front of the lock, their writes applied under it.
        var split = move is null ? planner.PlanSplitLoop() : null;
        if (split is not null)
        {
            actions.Add(CodeAction.Create(
                "Compute the loop's items outside the lock and apply their writes under it",
                _ => Task.FromResult(document.WithSyntaxRoot(ApplySplit(root, region, split))),
                key(SplitLoopKey)));
        }

        // The lock guards a scratch buffer that every call clears first: a new buffer per call, then the work can leave.
        var scratch = move is null && split is null
            ? await ScratchToLocalAsync(document, root, model, region, diagnostic, cancellationToken).ConfigureAwait(false)
            : null;
        if (scratch is { } localised)
        {
            actions.Add(CodeAction.Create(
                localised.ReadLock
                    ? "Use a new buffer per call instead of the shared scratch field, and take the read lock (the work then writes nothing shared)"
                    : "Use a new buffer per call instead of the shared scratch field, and move the computation out of the lock",
                _ => Task.FromResult(document.WithSyntaxRoot(localised.Root)),
                key(ScratchToLocalKey)));
        }

        // A write lock around work that writes nothing shared: read mode lets the readers run together. After the rewrites
        // that take the work out of the lock (those free the writers too); where it applies, no partial narrowing is offered.
        var readMode = ReadLockMode.ForWriteLock(region, model, cancellationToken)?.Rewrite(root, model, why, cancellationToken);
        AddMoveActions(document, root, region, planner, move, threadLocal, numericFold, split is null && scratch is null && readMode is null, key, actions, fallbacks);
        if (readMode is not null)
        {
            actions.Add(ReadLockAction(document, readMode, key(ReadLockKey)));
        }

        return actions;
    }

    /// <summary>
    /// The actions that move work out of the lock, in order: Interlocked for a lone counter, the move itself, then the
    /// collecting thread-local fold; a partial move (what stays locked is still CPU-bound) only as a fallback when nothing
    /// else applies (<paramref name="noLoopRewrite"/>: no split loop and no per-call scratch buffer).
    /// </summary>
    private static void AddMoveActions(Document document, SyntaxNode root, GuardedRegion region, LockFixPlanner planner, MovePlan? move, ThreadLocalPlan? threadLocal,
        bool numericFold, bool noLoopRewrite, System.Func<string, string> key, List<CodeAction> actions, List<CodeAction> fallbacks)
    {
        if (move is null && noLoopRewrite && threadLocal is null && planner.PartialMove is { } partial)
        {
            fallbacks.Add(CodeAction.Create(
                "Move the work that needs no lock out of it (what stays locked is still CPU-bound)",
                _ => Task.FromResult(document.WithSyntaxRoot(ApplyMove(root, region, partial))),
                key(MovePartOutOfLockKey)));
        }

        if (move?.Interlocked is not null)
        {
            actions.Add(CodeAction.Create(
                "Compute outside the lock and update with Interlocked",
                _ => Task.FromResult(document.WithSyntaxRoot(ApplyInterlocked(root, region, move))),
                key(InterlockedKey)));
        }

        if (move is not null)
        {
            actions.Add(CodeAction.Create(
                move.DropLock ? "Move the computation out of the lock and drop the lock (it then guards no shared state)" : "Move the computation out of the lock",
                _ => Task.FromResult(document.WithSyntaxRoot(ApplyMove(root, region, move))),
                key(MoveOutOfLockKey)));
        }

        if (threadLocal is not null && !numericFold)
        {
            actions.Add(ThreadLocalAction(document, root, threadLocal, key(ThreadLocalKey)));
        }
    }

    /// <summary>The document with <paramref name="unbraced"/>'s body in a block, and the region found again there; null when it is not.</summary>
    private static async Task<(Document Document, SyntaxNode Root, SemanticModel Model, GuardedRegion Region)?> BracedAsync(Document document, SyntaxNode root, LockStatementSyntax unbraced, CancellationToken cancellationToken)
    {
        var keep = new SyntaxAnnotation();
        var body = SyntaxFactory.Block(unbraced.Statement.WithoutTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
        var bracedLock = unbraced.WithStatement(body).WithAdditionalAnnotations(keep, Formatter.Annotation);
        return await RegionInRewrittenAsync(document, root.ReplaceNode(unbraced, bracedLock), keep, cancellationToken).ConfigureAwait(false) is { Region.BodyIsInTree: true } braced
            ? braced
            : null;
    }

    /// <summary>The document with <paramref name="rewrittenRoot"/>, and the lock region found again at the node annotated <paramref name="keep"/>; null when there is none.</summary>
    private static async Task<(Document Document, SyntaxNode Root, SemanticModel Model, GuardedRegion Region)?> RegionInRewrittenAsync(Document document, SyntaxNode rewrittenRoot, SyntaxAnnotation keep, CancellationToken cancellationToken)
    {
        var rewritten = document.WithSyntaxRoot(rewrittenRoot);
        var newRoot = await rewritten.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var newModel = await rewritten.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (newRoot?.GetAnnotatedNodes(keep).FirstOrDefault() is not { } anchor || newModel is null
            || GuardedRegion.Find(newRoot, anchor.Span, newModel, cancellationToken) is not { } region)
        {
            return null;
        }

        return (rewritten, newRoot, newModel, region);
    }

    private static CodeAction ReadLockAction(Document document, SyntaxNode rewritten, string key)
        => CodeAction.Create(ReadLockMode.Title, _ => Task.FromResult(document.WithSyntaxRoot(rewritten)), key);

    private static CodeAction ThreadLocalAction(Document document, SyntaxNode root, ThreadLocalPlan plan, string key)
        => CodeAction.Create(
            "Accumulate per worker and merge once (localInit/localFinally)",
            _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(plan.Invocation, plan.Replacement.WithAdditionalAnnotations(Formatter.Annotation)))),
            key);

    private static bool IsCollectingFold(GuardedRegion region, SemanticModel model, CancellationToken cancellationToken)
        => region.Locked.Any(s => FoldPattern.Match(s, model, cancellationToken)?.Kind == FoldKind.Collect);

    private static SyntaxNode ApplyMove(SyntaxNode root, GuardedRegion region, MovePlan plan)
    {
        var kept = plan.DropLock ? plan.Kept.Select(Prepare) : region.Rebuild(plan.Kept.Select(Prepare));
        var replacement = plan.Hoisted.Select(Prepare)
            .Concat(kept.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)))
            .Concat(plan.Sunk.Select(Prepare));
        return ReplaceRegion(root, region, replacement);
    }

    /// <summary>
    /// The scratch fields cleared at the top of the region become new locals (<see cref="ScratchBuffers"/>); the rewritten
    /// region is planned again, and the result is returned only when the work then leaves the lock — or, under a
    /// reader/writer write lock whose work still reads what the writers write, when the work now writes nothing shared and
    /// the lock can be taken in read mode (<see cref="ReadLockMode"/>; <c>ReadLock</c> true).
    /// </summary>
    private static async Task<(SyntaxNode Root, bool ReadLock)?> ScratchToLocalAsync(Document document, SyntaxNode root, SemanticModel model, GuardedRegion region, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var keep = new SyntaxAnnotation();
        var anchor = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (ScratchBuffers.Localise(root, model, region, keep, anchor, cancellationToken) is not { } localised)
        {
            return null;
        }

        if (await RegionInRewrittenAsync(document, localised, keep, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var (_, newRoot, newModel, newRegion) = found;

        var planner = new LockFixPlanner(newModel, newRegion, cancellationToken);
        if (planner.PlanMoveOut() is { } move)
        {
            return (ApplyMove(newRoot, newRegion, move), false);
        }

        if (planner.PlanSplitLoop() is { } split)
        {
            return (ApplySplit(newRoot, newRegion, split), false);
        }

        return ReadLockMode.ForWriteLock(newRegion, newModel, cancellationToken)?.Rewrite(newRoot, newModel, Refusal.Ignored, cancellationToken) is { } readMode
            ? (readMode, true)
            : null;
    }

    private static SyntaxNode ApplySplit(SyntaxNode root, GuardedRegion region, SplitLoopPlan plan)
    {
        // try { compute } finally { lock { apply } }: when an item's computation throws, the items before it are applied.
        var tryStatement = SyntaxFactory.TryStatement(
            SyntaxFactory.Block(plan.ComputeLoop),
            default,
            SyntaxFactory.FinallyClause(SyntaxFactory.Block(region.Rebuild(plan.Locked))));
        var replacement = plan.Hoisted.Select(Prepare)
            .Concat(new[] { Prepare(plan.PendingDeclaration), Prepare(tryStatement) })
            .Concat(plan.Sunk.Select(Prepare));
        return ReplaceRegion(root, region, replacement);
    }

    private static SyntaxNode ApplyInterlocked(SyntaxNode root, GuardedRegion region, MovePlan plan)
    {
        var call = plan.Interlocked!.ToStatement();
        var replacement = plan.Hoisted.Select(Prepare).Concat(new[] { Prepare(call) }).Concat(plan.Sunk.Select(Prepare));
        return ReplaceRegion(root, region, replacement);
    }

    private static StatementSyntax Prepare(StatementSyntax statement)
        => statement.WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>Puts <paramref name="replacement"/> where the region's statements were, keeping the region's leading trivia.</summary>
    internal static SyntaxNode ReplaceRegion(SyntaxNode root, GuardedRegion region, IEnumerable<StatementSyntax> replacement)
    {
        var statements = region.Container.Statements;
        var firstIndex = statements.IndexOf(region.First);
        var lastIndex = statements.IndexOf(region.Last);
        var newStatements = replacement.ToList();
        if (newStatements.Count > 0)
        {
            newStatements[0] = newStatements[0].WithLeadingTrivia(region.First.GetLeadingTrivia());
            var lastNew = newStatements.Count - 1;
            newStatements[lastNew] = newStatements[lastNew].WithTrailingTrivia(region.Last.GetTrailingTrivia());
        }

        var list = statements.Take(firstIndex).Concat(newStatements).Concat(statements.Skip(lastIndex + 1));
        var newContainer = region.Container.WithStatements(SyntaxFactory.List(list));
        return root.ReplaceNode(region.Container, newContainer);
    }
}
