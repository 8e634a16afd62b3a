using System.Collections.Generic;
using System.Linq;
using GilAnalyzers.CodeFixes.Refusals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// A locked loop split in two (<see cref="LockFixPlanner.PlanSplitLoop"/>): the loop runs in front of the lock and keeps,
/// per item, the values its shared writes use; the writes then run under the lock, item by item, in the original order.
/// </summary>
internal sealed class SplitLoopPlan
{
    public SplitLoopPlan(List<StatementSyntax> hoisted, StatementSyntax pendingDeclaration, StatementSyntax computeLoop, List<StatementSyntax> keptBefore, StatementSyntax applyLoop, List<StatementSyntax> sunk)
    {
        Hoisted = hoisted;
        PendingDeclaration = pendingDeclaration;
        ComputeLoop = computeLoop;
        KeptBefore = keptBefore;
        ApplyLoop = applyLoop;
        Sunk = sunk;
    }

    /// <summary>Light shared updates that stood before the loop under the lock: they run under it before the writes.</summary>
    public List<StatementSyntax> KeptBefore { get; }

    /// <summary>What runs under the lock, in order: the updates before the loop, then the loop's writes.</summary>
    public IEnumerable<StatementSyntax> Locked => KeptBefore.Append(ApplyLoop);

    /// <summary>Leading locked statements that run in front of the lock, as in the move-out rewrite.</summary>
    public List<StatementSyntax> Hoisted { get; }

    /// <summary><c>var pending = new List&lt;(int x, byte v)&gt;();</c></summary>
    public StatementSyntax PendingDeclaration { get; }

    /// <summary>The loop with its shared writes replaced by <c>pending.Add((x, v));</c>.</summary>
    public StatementSyntax ComputeLoop { get; }

    /// <summary><c>foreach (var (x, v) in pending) { the shared writes }</c>, run under the lock.</summary>
    public StatementSyntax ApplyLoop { get; }

    /// <summary>Trailing locked statements that run after the release, as in the move-out rewrite.</summary>
    public List<StatementSyntax> Sunk { get; }
}

internal sealed partial class LockFixPlanner
{
    /// <summary>
    /// A CPU-bound loop that stays under the lock although each of its iterations computes first and writes shared state
    /// only at its end (<c>for (x …) { heavy per-item work; blurred[x, y] = v; histogram[v]++; }</c>, or
    /// <c>payoffSum += Payoff(path)</c> whose value is the work): the loop runs in front of the lock and records, per item,
    /// the values the writes read; under the lock the writes are applied item by item in the same order, so even a
    /// floating-point sum adds the same numbers in the same order. The loop is wrapped in <c>try</c> and the writes are
    /// applied in its <c>finally</c>: when an item's computation throws, the writes of the items before it are applied, as
    /// they were before. Null, with the reason recorded, when the loop's computing part reads what the writes (or other
    /// regions on the lock) write, writes shared state itself, or the split would not move the work.
    /// </summary>
    public SplitLoopPlan? PlanSplitLoop()
    {
        if (EffectsOfLockedStatements(Refusal.Ignored) is not { } effects)
        {
            return null;
        }

        var statements = _region.Locked;
        var prefix = MovablePrefix(effects, out var writesUnderLock, out _);
        if (prefix >= statements.Count)
        {
            return null;
        }

        // The loop is the last statement that stays; light shared updates in front of it (a document count bumped before
        // the tokens are counted) stay too, and run under the lock just before the loop's writes.
        var sinkFrom = SinkableSuffix(effects, prefix, prefix, writesUnderLock, splitDeclarations: false, out _);
        var loopIndex = sinkFrom - 1;
        if (loopIndex < prefix || SplitBody(statements[loopIndex]) is not { } body)
        {
            return null;
        }

        var loop = statements[loopIndex];
        var keptBefore = statements.Skip(prefix).Take(loopIndex - prefix).ToList();
        var keptWrites = WritesOf(effects, prefix, loopIndex);
        foreach (var statement in keptBefore)
        {
            if (!HasNoJumpsOut(statement) || statement is LocalFunctionStatementSyntax or LabeledStatementSyntax
                || _model.GetOperation(statement, _cancellationToken) is not { } operation || _costModel.Analyze(operation).IsCpuBound)
            {
                return _why.Refuse<SplitLoopPlan>(NoFixReasons.LoopDoesNotSplit, "a statement before the loop stays locked and is not a light update: " + Excerpt(statement));
            }
        }

        if (keptBefore.Count > 0 && UsesLocalDeclaredBy(loop, keptBefore))
        {
            return _why.Refuse<SplitLoopPlan>(NoFixReasons.LoopDoesNotSplit, "the loop uses a local declared by a statement that stays locked before it");
        }

        if (keptBefore.Count > 0 && _model.AnalyzeDataFlow(loop) is { Succeeded: true } loopFlow
            && keptBefore.Any(k => _model.AnalyzeDataFlow(k) is not { Succeeded: true } keptFlow
                                   || keptFlow.ReadInside.Any(r => loopFlow.WrittenInside.Contains(r, SymbolEqualityComparer.Default))))
        {
            // Once the loop runs first, such a statement would read the loop's last value instead of the one before it.
            return _why.Refuse<SplitLoopPlan>(NoFixReasons.LoopDoesNotSplit, "a statement that stays locked before the loop reads a local the loop changes");
        }

        var hoisted = statements.Take(prefix).ToList();
        var sunk = statements.Skip(sinkFrom).ToList();
        if (DeclaresConflictingNames(hoisted) || (sunk.Count > 0 && DeclaresConflictingNames(sunk)))
        {
            return _why.Refuse<SplitLoopPlan>(NoFixReasons.NameClash);
        }

        return SplitLoop(loop, body, keptWrites) is { } split
            ? new SplitLoopPlan(hoisted, split.Declaration, split.ComputeLoop, keptBefore, split.ApplyLoop, sunk)
            : null;
    }

    /// <summary>
    /// The block whose statements are the items: the loop's own block, or — for a perfect nest, <c>for (y …) for (x …) { … }</c>
    /// or an outer block that holds only the inner loop — the innermost loop's block, so that each innermost iteration is an
    /// item (a tile's pixels, a matrix's cells) and the writes are applied in the nest's order. Null for any other body.
    /// </summary>
    private static BlockSyntax? SplitBody(StatementSyntax loop) => Nest(loop).Body;

    /// <summary>The loops of the nest <see cref="SplitBody"/> walks, outermost first.</summary>
    private static IEnumerable<StatementSyntax> NestLoops(StatementSyntax loop) => Nest(loop).Loops;

    private const int MaxNestDepth = 4;

    /// <summary>The loops from <paramref name="loop"/> down to the block whose statements are the items, and that block (null when there is none).</summary>
    private static (List<StatementSyntax> Loops, BlockSyntax? Body) Nest(StatementSyntax loop)
    {
        var loops = new List<StatementSyntax> { loop };
        for (var depth = 0; depth < MaxNestDepth; depth++)
        {
            switch (InnerStatement(loops[loops.Count - 1]))
            {
                case BlockSyntax { Statements.Count: 1 } block when IsNestableLoop(block.Statements[0]):
                    loops.Add(block.Statements[0]);
                    break;
                case BlockSyntax block:
                    return (loops, block);
                case StatementSyntax inner when IsNestableLoop(inner):
                    loops.Add(inner);
                    break;
                default:
                    return (loops, null);
            }
        }

        return (loops, null);
    }

    private static StatementSyntax? InnerStatement(StatementSyntax loop) => loop switch
    {
        ForStatementSyntax f => f.Statement,
        CommonForEachStatementSyntax e => e.Statement,
        WhileStatementSyntax w => w.Statement,
        _ => null,
    };

    /// <summary>Inner loops of a nest: <c>for</c> and <c>foreach</c> (a <c>while</c> inside a loop is a search, not a grid).</summary>
    private static bool IsNestableLoop(StatementSyntax statement) => statement is ForStatementSyntax or CommonForEachStatementSyntax;

    private LoopParts? SplitLoop(StatementSyntax loop, BlockSyntax body, StateEffects keptWrites)
    {
        var items = body.Statements;
        var itemEffects = new List<StateEffects>();
        foreach (var statement in items)
        {
            var operation = _model.GetOperation(statement, _cancellationToken);
            if (operation is null || operation.HasErrors(_model.Compilation, _cancellationToken))
            {
                return null;
            }

            itemEffects.Add(_effects.Analyze(operation, _scope));
        }

        // The computing part is the longest run of leading statements that write nothing shared.
        var split = 0;
        while (split < items.Count && !itemEffects[split].HasSharedWrites)
        {
            split++;
        }

        if (split == items.Count)
        {
            // Nothing in the body writes shared state: the loop stays for another reason (its header, or the move-out found
            // a reason already).
            return null;
        }

        // Declarations without a value just before the writes (int seen; before TryGetValue(key, out seen)) belong to them.
        while (split > 0 && items[split - 1] is LocalDeclarationStatementSyntax { Declaration.Variables: var variables }
               && variables.All(v => v.Initializer is null))
        {
            split--;
        }

        var compute = items.Take(split).ToList();
        var apply = items.Skip(split).ToList();
        var writes = WritesOf(itemEffects, split, items.Count);
        writes.UnionWith(keptWrites);

        // The first write's value may be the work itself (payoffSum += Payoff(path)): computed into a local in front.
        ExpressionSyntax? extractedPayload = null;
        if (TryExtractPayload(apply[0], writes, out var extracted, out var remaining, out _, inPlace: true))
        {
            extractedPayload = AssignedOrFoldedPayload(apply[0]);
            compute.Add(extracted);
            apply[0] = remaining;
        }

        // Nothing to compute per item, but the items are the work: a foreach over a CPU-bound sequence (a LINQ pipeline over
        // a document's words, a lexing iterator) is walked in front of the lock and its items kept.
        var nothingComputed = extractedPayload is null && compute.Count == 0;
        var collectionIsTheWork = nothingComputed && HasCpuBoundCollection(loop);
        if (nothingComputed && !collectionIsTheWork)
        {
            return _why.Refuse<LoopParts>(NoFixReasons.LoopDoesNotSplit,
                "each item starts with a shared write: " + Excerpt(items[0]));
        }

        var header = HeaderEffects(loop);
        if (WhyComputeStays(loop, items, itemEffects, split, writes, header) is { } blocker)
        {
            return _why.Refuse<LoopParts>(NoFixReasons.LoopDoesNotSplit, blocker);
        }

        if (extractedPayload is null && !collectionIsTheWork && !items.Take(split).Any(IsWorthMoving))
        {
            return _why.Refuse<LoopParts>(NoFixReasons.LoopDoesNotSplit, "the items' computation is too light to be worth moving");
        }

        if (WhyWritesStay(loop, items, itemEffects, split, extractedPayload, header) is { } writesBlocker)
        {
            return _why.Refuse<LoopParts>(NoFixReasons.LoopDoesNotSplit, writesBlocker);
        }

        if (CapturedForWrites(loop, items, split, extractedPayload, extracted) is not { } captured)
        {
            return null;
        }

        return BuildSplit(loop, compute, apply, captured);
    }

    /// <summary>A statement of the items' computation that is CPU-bound, calls something or loops: worth running in front of the lock.</summary>
    private bool IsWorthMoving(StatementSyntax statement)
        => _model.GetOperation(statement, _cancellationToken) is { } operation
           && (_costModel.Analyze(operation).IsCpuBound || operation.DescendantsAndSelf().Any(d => d is IInvocationOperation or ILoopOperation));

    /// <summary>A <c>foreach</c> of the nest whose collection expression (with the lambdas of a LINQ chain and the iterators it calls) is CPU-bound work.</summary>
    private bool HasCpuBoundCollection(StatementSyntax loop)
        => NestLoops(loop).OfType<CommonForEachStatementSyntax>().Any(e =>
            _model.GetOperation(e.Expression, _cancellationToken) is { } collection && _costModel.Analyze(collection).IsCpuBound);

    private ExpressionSyntax? AssignedOrFoldedPayload(StatementSyntax statement)
        => FoldPattern.Match(statement, _model, _cancellationToken)?.Payload ?? AssignedValue(statement).Payload;

    /// <summary>Why the computing part of each item (and the loop's header) cannot run in front of the lock; null when it can.</summary>
    private string? WhyComputeStays(StatementSyntax loop, SyntaxList<StatementSyntax> items, List<StateEffects> itemEffects, int split, StateEffects writes,
        List<(SyntaxNode Part, StateEffects? Effects)> header)
    {
        for (var i = 0; i < split; i++)
        {
            var statement = items[i];
            if (itemEffects[i].ReadsAnythingWrittenBy(writes))
            {
                return "the computation reads what is written under the lock: " + ConflictDetail(itemEffects[i], writes);
            }

            if (statement is LocalFunctionStatementSyntax or UsingStatementSyntax or FixedStatementSyntax or LockStatementSyntax or LabeledStatementSyntax
                || (statement is LocalDeclarationStatementSyntax declaration && declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword))
                || statement.DescendantNodesAndSelf().Any(n => n is YieldStatementSyntax or AwaitExpressionSyntax or GotoStatementSyntax))
            {
                return "the computation declares or jumps where it cannot move: " + Excerpt(statement);
            }

            foreach (var written in itemEffects[i].LocalWrites)
            {
                if (written is ILocalSymbol { Type.IsValueType: false } local && !loop.Span.Contains(local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? default)
                    && EscapesBefore(local, _region.First.SpanStart))
                {
                    return "the computation writes into '" + local.Name + "', which other threads may see";
                }
            }
        }

        // The header runs with the computation: its condition, steps and collection must not read what the writes change.
        foreach (var (part, partEffects) in header)
        {
            if (partEffects is null)
            {
                return "a loop header part that does not bind: " + Excerpt(part);
            }

            if (partEffects.HasSharedWrites || partEffects.ReadsAnythingWrittenBy(writes))
            {
                return "the loop header reads or writes shared state the writes change: " + Excerpt(part);
            }
        }

        foreach (var forEach in NestLoops(loop).OfType<CommonForEachStatementSyntax>())
        {
            if (_model.GetForEachStatementInfo(forEach) is var info
                && info.GetEnumeratorMethod is { } getEnumerator && getEnumerator.Locations.Any(l => l.IsInSource))
            {
                return "the loop walks a collection of the project's own, whose enumerator the analysis does not follow";
            }
        }

        return null;
    }

    /// <summary>Why the writes cannot be applied later, item by item, under the lock; null when they can.</summary>
    private string? WhyWritesStay(StatementSyntax loop, SyntaxList<StatementSyntax> items, List<StateEffects> itemEffects, int split, ExpressionSyntax? extractedPayload,
        List<(SyntaxNode Part, StateEffects? Effects)> header)
    {
        // Objects the computation changes through a local: the writes would see them as the last item left them.
        var changedByCompute = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = 0; i < split; i++)
        {
            changedByCompute.UnionWith(itemEffects[i].LocalWrites);
        }

        // The header runs with the computation: an iterator that advances an object of the worker's (a lexer's position)
        // changes it before the writes of the first item run.
        foreach (var (_, partEffects) in header)
        {
            if (partEffects is not null)
            {
                changedByCompute.UnionWith(partEffects.LocalWrites);
            }
        }

        // Thread-own locals the computation (its statements, the value moved in front, the loop header) reads: a write to
        // one of them would reach later items too late once the writes run after all the items.
        var readByCompute = LocalsReadByCompute(loop, itemEffects, split, extractedPayload);
        var disjoint = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);

        for (var i = split; i < items.Count; i++)
        {
            var statement = items[i];
            if (!HasNoJumpsOut(statement) || statement is LocalFunctionStatementSyntax or LabeledStatementSyntax)
            {
                return "a write jumps out of the item (break, continue, return, throw): " + Excerpt(statement);
            }

            var operation = _model.GetOperation(statement, _cancellationToken)!;
            var withoutPayload = operation.DescendantsAndSelf()
                .Where(o => extractedPayload is null || i != split || !extractedPayload.Span.Contains(o.Syntax.Span));
            if (withoutPayload.Any(o => o is ILoopOperation) || (i != split || extractedPayload is null) && _costModel.Analyze(operation).IsCpuBound)
            {
                return "the writes are themselves CPU-bound: " + Excerpt(statement);
            }

            // A write into a local declared outside the writes would be read by the computation of later items.
            foreach (var reference in withoutPayload)
            {
                if (reference is ILocalReferenceOperation { Local: { Type: { IsValueType: false, SpecialType: not SpecialType.System_String } } readLocal }
                    && changedByCompute.Contains(readLocal) && !IsFreshPerItem(readLocal, loop)
                    && !(extractedPayload is null && DisjointMembers(readLocal, items, split, header, disjoint)))
                {
                    return "the writes read '" + readLocal.Name + "', an object the computation of later items changes: " + Excerpt(statement);
                }

                if (reference.Parent is IAssignmentOperation assignment && assignment.Target == reference
                    || reference.Parent is IIncrementOrDecrementOperation
                    || reference.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref })
                {
                    // A captured local of the enclosing method is shared state: the conflict checks cover it.
                    if ((reference is ILocalReferenceOperation local && _scope.IsOwn(local.Local)
                            && !items.Skip(split).Any(w => w.Span.Contains(local.Local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? default))
                            && readByCompute.Contains(local.Local))
                        || (reference is IParameterReferenceOperation parameter && _scope.IsOwn(parameter.Parameter) && readByCompute.Contains(parameter.Parameter)))
                    {
                        return "a write changes a local the computation of later items may read: " + Excerpt(statement);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the writes use <paramref name="local"/>'s object only through members the computation (the items' computing
    /// statements and the loop's header, where an iterator of the object may run) does not write, and write none of its
    /// members themselves: a lexer whose <c>Tokens()</c> advances its position, asked by the writes for a token's text from
    /// its read-only source. Applied after every item is computed, the writes then see what they saw item by item.
    /// </summary>
    private bool DisjointMembers(ILocalSymbol local, SyntaxList<StatementSyntax> items, int split, List<(SyntaxNode Part, StateEffects? Effects)> header, Dictionary<ILocalSymbol, bool> known)
    {
        if (known.TryGetValue(local, out var answer))
        {
            return answer;
        }

        var compute = items.Take(split).Cast<SyntaxNode>().Concat(header.Select(h => h.Part)).Select(n => _model.GetOperation(n, _cancellationToken)).ToList();
        var writes = items.Skip(split).Select(n => _model.GetOperation(n, _cancellationToken)).ToList();
        answer = compute.All(o => o is not null) && writes.All(o => o is not null)
                 && _effects.MemberEffectsThrough(compute!, local, iteratorsIn: true, out _, out var changed)
                 && _effects.MemberEffectsThrough(writes!, local, iteratorsIn: false, out var read, out var written)
                 && written.Count == 0 && !read.Overlaps(changed);
        known[local] = answer;
        return answer;
    }

    /// <summary>Why a local the writes change cannot be left to the applying loop (the computation changes it too); null when it can.</summary>
    private static string? IsTallyOfTheWrites(ISymbol symbol, DataFlowAnalysis? computeFlow)
        => computeFlow is not null && computeFlow.WrittenInside.Contains(symbol, SymbolEqualityComparer.Default)
            ? "'" + symbol.Name + "' is changed both by the items' computation and by their writes"
            : null;

    /// <summary>
    /// The effects of each part of the loop's header (<see cref="HeaderParts"/>), which runs with the computation: read by
    /// both the computation's and the writes' checks. Null for a part that does not bind.
    /// </summary>
    private List<(SyntaxNode Part, StateEffects? Effects)> HeaderEffects(StatementSyntax loop)
        => HeaderParts(loop)
            .Select(part => (part, _model.GetOperation(part, _cancellationToken) is { } operation ? _effects.Analyze(operation, _scope) : null))
            .ToList();

    /// <summary>What a loop's header evaluates: a <c>for</c>'s declaration, initialisers, condition and steps, a <c>foreach</c>'s collection, a <c>while</c>'s condition.</summary>
    private static IEnumerable<SyntaxNode> HeaderParts(StatementSyntax loop) => NestLoops(loop).SelectMany(OwnHeaderParts);

    private static IEnumerable<SyntaxNode> OwnHeaderParts(StatementSyntax loop) => loop switch
    {
        ForStatementSyntax f => f.Initializers.Cast<SyntaxNode>().Concat(f.Incrementors).Concat(new SyntaxNode?[] { f.Declaration, f.Condition }.OfType<SyntaxNode>()),
        CommonForEachStatementSyntax e => new SyntaxNode[] { e.Expression },
        WhileStatementSyntax w => new SyntaxNode[] { w.Condition },
        _ => Enumerable.Empty<SyntaxNode>(),
    };

    /// <summary>The locals and parameters read by the items' computation, the value moved in front of the writes, and the loop's header.</summary>
    private HashSet<ISymbol> LocalsReadByCompute(StatementSyntax loop, List<StateEffects> itemEffects, int split, ExpressionSyntax? extractedPayload)
    {
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = 0; i < split; i++)
        {
            read.UnionWith(itemEffects[i].LocalReads);
        }

        var parts = HeaderParts(loop);
        if (extractedPayload is not null)
        {
            parts = parts.Append(extractedPayload);
        }

        foreach (var part in parts)
        {
            foreach (var node in part.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (_model.GetSymbolInfo(node, _cancellationToken).Symbol is { } symbol and (ILocalSymbol or IParameterSymbol))
                {
                    read.Add(symbol);
                }
            }
        }

        return read;
    }

    /// <summary>A local declared in the loop's body from a new object or array and never assigned again: a new object per item.</summary>
    private bool IsFreshPerItem(ILocalSymbol local, StatementSyntax loop)
    {
        if (local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax declarator
            || !loop.Span.Contains(declarator.Span)
            || declarator.Initializer?.Value is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax))
        {
            return false;
        }

        var flow = _model.AnalyzeDataFlow(SplitBody(loop)!);
        return flow is not null && flow.Succeeded
            && !loop.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(a.Left, _cancellationToken).Symbol, local));
    }

    /// <summary>
    /// The locals and parameters the writes read whose value is made per item (declared in the loop, or written by it):
    /// kept per item in the pending list. Null when one cannot be kept in a list (a ref local, a ref struct, an anonymous
    /// type) or nothing would be kept.
    /// </summary>
    private List<ILocalSymbol>? CapturedForWrites(StatementSyntax loop, SyntaxList<StatementSyntax> items, int split, ExpressionSyntax? extractedPayload, StatementSyntax? extracted)
    {
        var writtenInLoop = _model.AnalyzeDataFlow(loop);
        if (writtenInLoop is null || !writtenInLoop.Succeeded)
        {
            return null;
        }

        // Tallies of the worker's own that only the writes change (rowSteps += steps) are updated in place by the applying
        // loop, in the same order: they are not kept per item (WhyWritesStay made sure no computation reads them).
        var writesFlow = _model.AnalyzeDataFlow(items[split], items[items.Count - 1]);
        var computeFlow = split > 0 ? _model.AnalyzeDataFlow(items[0], items[split - 1]) : null;
        if (writesFlow is not { Succeeded: true } || computeFlow is { Succeeded: false })
        {
            return null;
        }

        var captured = new List<ILocalSymbol>();
        for (var i = split; i < items.Count; i++)
        {
            var statement = items[i];
            var operation = _model.GetOperation(statement, _cancellationToken)!;
            foreach (var reference in operation.DescendantsAndSelf())
            {
                if (extractedPayload is not null && i == split && extractedPayload.Span.Contains(reference.Syntax.Span))
                {
                    continue;
                }

                ISymbol? symbol = reference switch
                {
                    ILocalReferenceOperation localReference => localReference.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                // Shared state (a captured local of the enclosing method, a field) is read under the lock as before.
                if (symbol is null || !_scope.IsOwn(symbol) || captured.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    continue;
                }

                // An out variable of the value moved in front (if (HitsAt(a, b, out var depth))) is declared by the computation now.
                var declaredInWrites = symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == statement.SyntaxTree && items.Skip(split).Any(s => s.Span.Contains(r.Span))
                                                                                 && !(extractedPayload is not null && extractedPayload.Span.Contains(r.Span)));
                var declaredInLoop = symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == loop.SyntaxTree && loop.Span.Contains(r.Span));
                if (declaredInWrites || (!declaredInLoop && !writtenInLoop.WrittenInside.Contains(symbol, SymbolEqualityComparer.Default)))
                {
                    continue;
                }

                if (!declaredInLoop && writesFlow.WrittenInside.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    if (IsTallyOfTheWrites(symbol, computeFlow) is { } both)
                    {
                        return _why.Refuse<List<ILocalSymbol>>(NoFixReasons.LoopDoesNotSplit, both);
                    }

                    continue;
                }

                if (symbol is not ILocalSymbol local || local.RefKind != RefKind.None || local.Type.IsRefLikeType || local.Type.IsAnonymousType
                    || local.Type.TypeKind is TypeKind.Error or TypeKind.Pointer or TypeKind.FunctionPointer)
                {
                    return _why.Refuse<List<ILocalSymbol>>(NoFixReasons.LoopDoesNotSplit, "'" + symbol.Name + "' cannot be kept per item in a list");
                }

                captured.Add(local);
            }
        }

        if (!RecordExtractedLocal(extractedPayload, extracted))
        {
            return null;
        }

        if (captured.Count + (_extractedLocal is null ? 0 : 1) == 0)
        {
            return _why.Refuse<List<ILocalSymbol>>(NoFixReasons.LoopDoesNotSplit, "the writes use nothing the items compute");
        }

        return captured;
    }

    private (string Name, ITypeSymbol Type)? _extractedLocal;

    /// <summary>
    /// The new local that holds the value moved in front of the first write (found by name in the rewritten write, typed
    /// like the payload), or none; false when that value cannot be kept in a list.
    /// </summary>
    private bool RecordExtractedLocal(ExpressionSyntax? extractedPayload, StatementSyntax? extracted)
    {
        _extractedLocal = null;
        if (extracted is null || extractedPayload is null)
        {
            return true;
        }

        if (_model.GetTypeInfo(extractedPayload, _cancellationToken).Type is not { } payloadType || payloadType.IsRefLikeType || payloadType.IsAnonymousType)
        {
            return false;
        }

        _extractedLocal = (((LocalDeclarationStatementSyntax)extracted).Declaration.Variables[0].Identifier.ValueText, payloadType);
        return true;
    }

    private sealed class LoopParts
    {
        public LoopParts(StatementSyntax declaration, StatementSyntax computeLoop, StatementSyntax applyLoop)
        {
            Declaration = declaration;
            ComputeLoop = computeLoop;
            ApplyLoop = applyLoop;
        }

        public StatementSyntax Declaration { get; }

        public StatementSyntax ComputeLoop { get; }

        public StatementSyntax ApplyLoop { get; }
    }

    private LoopParts? BuildSplit(StatementSyntax loop, List<StatementSyntax> compute, List<StatementSyntax> apply, List<ILocalSymbol> captured)
    {
        var elements = captured.Select(l => (l.Name, Type: (ITypeSymbol)l.Type)).ToList();
        if (_extractedLocal is { } extractedLocal)
        {
            elements.Add(extractedLocal);
        }

        if (elements.Count > 1 && !PoolDispatchRewrite.HasValueTuple(_model.Compilation, _model))
        {
            return _why.Refuse<LoopParts>(NoFixReasons.LoopDoesNotSplit, "the items keep several values and the project has no ValueTuple");
        }

        var position = _region.First.SpanStart;
        TypeSyntax TypeOf(ITypeSymbol type)
            => SyntaxFactory.ParseTypeName(type.ToMinimalDisplayString(_model, position)).WithAdditionalAnnotations(Simplifier.Annotation);

        TypeSyntax elementType = elements.Count == 1
            ? TypeOf(elements[0].Type)
            : SyntaxFactory.TupleType(SyntaxFactory.SeparatedList(elements.Select(e => SyntaxFactory.TupleElement(TypeOf(e.Type), SyntaxFactory.Identifier(e.Name)))));
        var pendingName = FreshName("pending");
        var pending = SyntaxFactory.IdentifierName(pendingName);
        var listType = SyntaxFactory.QualifiedName(
                SyntaxFactory.ParseName("global::System.Collections.Generic"),
                SyntaxFactory.GenericName(SyntaxFactory.Identifier("List"), SyntaxFactory.TypeArgumentList(SyntaxFactory.SingletonSeparatedList(elementType))))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var declaration = SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(pendingName))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(
                            SyntaxFactory.ObjectCreationExpression(listType).WithArgumentList(SyntaxFactory.ArgumentList()))))));

        ExpressionSyntax added = elements.Count == 1
            ? SyntaxFactory.IdentifierName(elements[0].Name)
            : SyntaxFactory.TupleExpression(SyntaxFactory.SeparatedList(elements.Select(e => SyntaxFactory.Argument(SyntaxFactory.IdentifierName(e.Name)))));
        var add = SyntaxFactory.ExpressionStatement(
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, pending, SyntaxFactory.IdentifierName("Add")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(added)))));
        var body = SplitBody(loop)!;
        var computeBody = body.WithStatements(SyntaxFactory.List(compute.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).Append(add)));
        var computeLoop = loop.ReplaceNode(body, computeBody);

        var applyBody = SyntaxFactory.Block(apply.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
        StatementSyntax applyLoop = elements.Count == 1
            ? SyntaxFactory.ForEachStatement(SyntaxFactory.IdentifierName("var"), SyntaxFactory.Identifier(elements[0].Name), pending, applyBody)
            : SyntaxFactory.ForEachVariableStatement(
                SyntaxFactory.DeclarationExpression(
                    SyntaxFactory.IdentifierName("var"),
                    SyntaxFactory.ParenthesizedVariableDesignation(SyntaxFactory.SeparatedList<VariableDesignationSyntax>(
                        elements.Select(e => SyntaxFactory.SingleVariableDesignation(SyntaxFactory.Identifier(e.Name)))))),
                pending,
                applyBody);
        return new LoopParts(declaration, computeLoop.WithoutLeadingTrivia(), applyLoop);
    }
}
