using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>The statements of a rewritten region: what runs before the lock, what stays inside it, and what runs after it.</summary>
internal sealed class MovePlan
{
    public MovePlan(List<StatementSyntax> hoisted, List<StatementSyntax> kept, InterlockedUpdate? interlocked, bool dropLock = false, List<StatementSyntax>? sunk = null, bool keptTouchesNothingShared = false)
    {
        Hoisted = hoisted;
        Kept = kept;
        Sunk = sunk ?? new List<StatementSyntax>();
        Interlocked = interlocked;
        DropLock = dropLock;
        KeptTouchesNothingShared = keptTouchesNothingShared;
    }

    /// <summary>
    /// What stays writes nothing shared and reads only state fixed at construction — as <see cref="DropLock"/> says for a
    /// lock statement, also for a method-wide hidden lock, where dropping it is left to the caller (GIL002's fixer).
    /// </summary>
    public bool KeptTouchesNothingShared { get; }

    /// <summary>
    /// What stays touches no shared state at all (<c>return outage / years;</c> once the simulation moved out): the lock
    /// guards nothing, so the rewrite leaves it out.
    /// </summary>
    public bool DropLock { get; }

    public List<StatementSyntax> Hoisted { get; }

    public List<StatementSyntax> Kept { get; }

    /// <summary>Trailing locked statements that run after the release: they touch only thread-own state (see <c>PlanMoveOut</c>).</summary>
    public List<StatementSyntax> Sunk { get; }

    /// <summary>Set when what stays inside is one integer update that <c>Interlocked</c> can do without the lock.</summary>
    public InterlockedUpdate? Interlocked { get; }
}

/// <summary><c>target += delta</c> (or ++/--) on an int or long, ready to become an Interlocked call.</summary>
internal sealed class InterlockedUpdate
{
    public InterlockedUpdate(ExpressionSyntax target, ExpressionSyntax? delta, bool negate)
    {
        Target = target;
        Delta = delta;
        Negate = negate;
    }

    public ExpressionSyntax Target { get; }

    public ExpressionSyntax? Delta { get; }

    public bool Negate { get; }

    /// <summary><c>Interlocked.Increment(ref x);</c>, <c>Decrement</c>, or <c>Add(ref x, delta)</c> (a negated delta for <c>-=</c>).</summary>
    public ExpressionStatementSyntax ToStatement()
    {
        var interlocked = SyntaxFactory.ParseExpression("global::System.Threading.Interlocked")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        string method;
        var arguments = new List<ArgumentSyntax>
        {
            SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), Target),
        };
        if (Delta is null)
        {
            method = Negate ? "Decrement" : "Increment";
        }
        else
        {
            method = "Add";
            var delta = Negate
                ? SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, SyntaxFactory.ParenthesizedExpression(Delta).WithAdditionalAnnotations(Simplifier.Annotation))
                : Delta;
            arguments.Add(SyntaxFactory.Argument(delta));
        }

        return SyntaxFactory.ExpressionStatement(
            SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, interlocked, SyntaxFactory.IdentifierName(method)),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments))));
    }
}

/// <summary>Parallel.For/ForEach rewritten to the localInit/body/localFinally overload.</summary>
internal sealed class ThreadLocalPlan
{
    public ThreadLocalPlan(InvocationExpressionSyntax invocation, InvocationExpressionSyntax replacement)
    {
        Invocation = invocation;
        Replacement = replacement;
    }

    public InvocationExpressionSyntax Invocation { get; }

    public InvocationExpressionSyntax Replacement { get; }
}

/// <summary>
/// A <c>Parallel.For</c>/<c>ForEach</c> call whose body lambda holds the region: the call, its overload, the lambda, the
/// lambda's block and its item parameter.
/// </summary>
internal sealed class ParallelLoop
{
    public ParallelLoop(InvocationExpressionSyntax invocation, IMethodSymbol method, AnonymousFunctionExpressionSyntax lambda, BlockSyntax body, ParameterSyntax item)
    {
        Invocation = invocation;
        Method = method;
        Lambda = lambda;
        Body = body;
        Item = item;
    }

    public InvocationExpressionSyntax Invocation { get; }

    public IMethodSymbol Method { get; }

    public AnonymousFunctionExpressionSyntax Lambda { get; }

    public BlockSyntax Body { get; }

    public ParameterSyntax Item { get; }

    /// <summary><c>Parallel.For</c> or <c>Parallel.ForEach</c>, for reasons' details.</summary>
    public string Name => "Parallel." + Method.Name;
}

/// <summary>
/// Decides, for one guarded region, which rewrites keep the program's behaviour, and builds them.
/// Every check that fails makes the corresponding plan null: no code action is offered for it.
/// </summary>
internal sealed partial class LockFixPlanner
{
    private readonly SemanticModel _model;
    private readonly GuardedRegion _region;
    private readonly StateEffectsWalker _effects;
    private readonly ThreadScope _scope;
    private readonly WorkCostModel _costModel;
    private readonly CancellationToken _cancellationToken;
    private readonly StateEffects _otherRegionsWrites;
    private readonly HashSet<string> _usedNames;
    private readonly List<SameLockRegions.OtherRegion> _otherRegions;
    private readonly Refusal _why;
    private (NoFixReason Reason, string? Detail)? _extractBlocker;

    public LockFixPlanner(SemanticModel model, GuardedRegion region, CancellationToken cancellationToken, Refusal? why = null)
    {
        _why = why ?? Refusal.Ignored;
        _model = model;
        _region = region;
        _cancellationToken = cancellationToken;
        _effects = new StateEffectsWalker(model.Compilation, cancellationToken);
        _scope = _effects.ScopeOf(region.First);
        _costModel = WorkCostModel.For(KnownTypes.For(model.Compilation));
        // A whole-body region gets a new private lock: nothing else takes it — unless it keeps the hidden lock it had.
        _otherRegions = region.IsWholeBody && !region.KeepsHiddenLock ? new List<SameLockRegions.OtherRegion>() : SameLockRegions.Find(model, region, cancellationToken);
        _otherRegionsWrites = new StateEffects();
        if (SameLockRegions.WhyIncomplete(model, region, cancellationToken) is { } incomplete)
        {
            // Other code may take the same lock under another name: what it writes is unknown.
            _otherRegionsWrites.MarkUnknown(incomplete);
        }

        foreach (var other in _otherRegions)
        {
            if (!model.Compilation.ContainsSyntaxTree(other.Taken.SyntaxTree))
            {
                // A region in a referenced project (a [MethodImpl(Synchronized)] method of its type): not analysable here.
                _otherRegionsWrites.MarkUnknown("a region on the same lock in another project");
                continue;
            }

            var otherModel = other.Taken.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(other.Taken.SyntaxTree);
            var otherScope = _effects.ScopeOf(other.Taken);
            foreach (var statement in other.Statements)
            {
                if (otherModel.GetOperation(statement, cancellationToken) is { } operation)
                {
                    _otherRegionsWrites.UnionWith(_effects.Analyze(operation, otherScope));
                }
                else
                {
                    _otherRegionsWrites.MarkUnknown("unbound statement");
                }
            }
        }

        _usedNames = NamesInScope(model, region, cancellationToken);
    }

    public ThreadScope Scope => _scope;

    // ---------------------------------------------------------------- move out of the lock

    /// <summary>
    /// Set by <see cref="PlanMoveOut"/> when it refuses because what stays locked is itself CPU-bound, yet CPU-bound work
    /// that touches no shared state can still leave (in front of the lock or after its release): the lock narrowed to the
    /// statements that need it. It shortens the serialised part without removing it, so it is offered only where no
    /// rewrite that removes more applies.
    /// </summary>
    public MovePlan? PartialMove { get; private set; }

    public MovePlan? PlanMoveOut()
    {
        if (EffectsOfLockedStatements(_why) is not { } effects)
        {
            return null;
        }

        var statements = _region.Locked;
        var prefix = MovablePrefix(effects, out var writesUnderLock, out var stop);
        var hoisted = statements.Take(prefix).ToList();
        if (DeclaresConflictingNames(hoisted))
        {
            return _why.Refuse<MovePlan>(NoFixReasons.NameClash);
        }

        var kept = new List<StatementSyntax>();
        var rest = SplitFirstKeptStatement(effects, prefix, writesUnderLock, hoisted, kept, out var interlocked);
        var sinkFrom = SinkableSuffix(effects, prefix, rest, writesUnderLock, splitDeclarations: true, out var split);
        var sunk = statements.Skip(sinkFrom).ToList();
        if (hoisted.Count == 0 && sunk.Count == 0)
        {
            RecordWhyNothingMoves(stop);
            return null;
        }

        if (sunk.Count > 0 && DeclaresConflictingNames(sunk))
        {
            return _why.Refuse<MovePlan>(NoFixReasons.NameClash);
        }

        var keptOperations = CollectKept(rest, sinkFrom, split, hoisted, kept);

        if (rest == prefix && sinkFrom == prefix + 1 && interlocked is null)
        {
            // A lone integer update left once the trailing thread-own work has gone after the lock.
            interlocked = AsInterlocked(statements[prefix], null);
        }

        if (kept.Count == 0)
        {
            // Nothing shared is written: every statement moves out and the lock guards nothing. A method-wide hidden lock
            // (GIL002) is the removal fix's business.
            if (_region.IsWholeBody)
            {
                return _why.Refuse<MovePlan>(NoFixReasons.NothingToMove, "nothing shared is written under the lock");
            }

            return WithoutTheLock(hoisted, kept, null, null);
        }

        // What stays is judged as the analyzer judges a lock body: the update the lock guards (publishing results computed
        // before it, a merge, a copy into the shared array) is not work left serialised.
        if (keptOperations.FirstOrDefault(operation => _costModel.AnalyzeLockBody(new[] { operation }, _cancellationToken).IsCpuBound) is { } heavy)
        {
            // What stays could not leave (it returns from inside a loop, say), yet it writes nothing shared and reads only
            // state fixed at construction — a route search once its scratch fields are locals of the call: the lock guards
            // nothing, so it goes and every statement stays where it is, jumps included.
            if (!_region.IsWholeBody && rest == prefix && OnlyJumpsKeepItLocked(effects, prefix, writesUnderLock)
                && !kept.Any(ContainsAwaitOrYield) && !DeclaresConflictingNames(kept)
                && WithoutTheLock(hoisted, kept, null, sunk) is { } unlocked)
            {
                return unlocked;
            }

            // Say first why the heavy statement could not leave with the rest.
            if (stop is { } heavyBlocker && heavyBlocker.Reason != NoFixReasons.NothingToMove)
            {
                _why.Add(heavyBlocker.Reason, heavyBlocker.Detail);
            }

            if (!GuardsNothing(effects, prefix, rest, sinkFrom)
                && statements.Take(prefix).Concat(sunk).Any(s => _model.GetOperation(s, _cancellationToken) is { } moved && _costModel.Analyze(moved).IsCpuBound))
            {
                // The rest still holds CPU-bound work of its own, but what leaves is CPU-bound too: a partial narrowing.
                PartialMove = new MovePlan(hoisted, kept, null, dropLock: false, sunk);
            }

            return _why.Refuse<MovePlan>(NoFixReasons.NothingToMove, "what stays locked is CPU-bound: " + Excerpt(heavy.Syntax));
        }

        var touchesNothingShared = KeptTouchesNothingShared(effects, prefix, rest, sinkFrom);
        return touchesNothingShared && !_region.IsWholeBody
            ? WithoutTheLock(hoisted, kept, kept.Count == 1 ? interlocked : null, sunk)
            : new MovePlan(hoisted, kept, kept.Count == 1 ? interlocked : null, dropLock: false, sunk, touchesNothingShared);
    }

    /// <summary>
    /// Adds the statements from <paramref name="from"/> to before <paramref name="to"/> to what stays locked — a declaration
    /// the statements after the release use is split: declared in front of the lock, given its value under it — and
    /// returns their operations.
    /// </summary>
    private List<IOperation> CollectKept(int from, int to, ICollection<LocalDeclarationStatementSyntax> split, List<StatementSyntax> hoisted, List<StatementSyntax> kept)
    {
        var statements = _region.Locked;
        var keptOperations = new List<IOperation>();
        for (var i = from; i < to; i++)
        {
            if (statements[i] is LocalDeclarationStatementSyntax declaration && split.Contains(declaration))
            {
                var (outside, assignment) = SplitDeclaration(declaration);
                hoisted.Add(outside);
                kept.Add(assignment);
            }
            else
            {
                kept.Add(statements[i]);
            }

            keptOperations.Add(_model.GetOperation(statements[i], _cancellationToken)!);
        }

        return keptOperations;
    }

    /// <summary>The plan that leaves the lock out, with what its acquiring statement also did (see <see cref="WhatTheAcquireAlsoDoes"/>); null when refused.</summary>
    private MovePlan? WithoutTheLock(List<StatementSyntax> hoisted, List<StatementSyntax> kept, InterlockedUpdate? interlocked, List<StatementSyntax>? sunk)
        => WhatTheAcquireAlsoDoes() is { } first
            ? new MovePlan(first.Concat(hoisted).ToList(), kept, interlocked, dropLock: true, sunk)
            : null;

    /// <summary>
    /// Dropping the lock drops its acquiring statement, and with it what that statement does besides locking: a
    /// <c>CancellationToken</c> it is handed throws when the token is cancelled — kept as
    /// <c>token.ThrowIfCancellationRequested();</c> in its place (a token read by anything but a name or a member path is
    /// refused; <c>default</c> and <c>CancellationToken.None</c> never cancel). An awaited acquire that was its function's only
    /// <c>await</c> goes too: an uncontended gate's await already continued synchronously, and the compiler's CS1998 then
    /// says the function no longer awaits. The statements to put first; null when refused.
    /// </summary>
    private List<StatementSyntax>? WhatTheAcquireAlsoDoes()
    {
        var acquire = _region.Acquire ?? (_region.First is IfStatementSyntax guard ? guard : null);
        var result = new List<StatementSyntax>();
        if (acquire is null)
        {
            return result;
        }

        var types = KnownTypes.For(_model.Compilation);
        foreach (var argument in acquire.DescendantNodes().OfType<ArgumentSyntax>())
        {
            if (_model.GetTypeInfo(argument.Expression, _cancellationToken).Type is not { } type || !KnownTypes.Is(type, types.CancellationToken)
                || argument.Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.DefaultLiteralExpression } or DefaultExpressionSyntax
                || _model.GetSymbolInfo(argument.Expression, _cancellationToken).Symbol is IPropertySymbol { Name: "None", IsStatic: true })
            {
                continue;
            }

            if (!IsNamePath(argument.Expression))
            {
                return _why.Refuse<List<StatementSyntax>>(NoFixReasons.NothingToMove,
                    "the gate's acquire takes a cancellation token that is not a plain name: " + Excerpt(argument.Expression));
            }

            result.Add(SyntaxFactory.ParseStatement(argument.Expression.WithoutTrivia() + ".ThrowIfCancellationRequested();")
                .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return result;

        static bool IsNamePath(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax or ThisExpressionSyntax
               || (expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access && IsNamePath(access.Expression));
    }

    /// <summary>
    /// Where the trailing statements that can run after the release begin (<c>x += i; Thread.SpinWait(50);</c> → the spin):
    /// each writes only thread-own locals (an object it writes into not published by then), has no jumps out, reads nothing
    /// that stays under the lock or that other regions on the lock write, and uses no local declared by a statement that
    /// stays (that statement's scope is the locked block) — with <paramref name="splitDeclarations"/>, unless that statement
    /// is a plain declaration that can be split (<paramref name="split"/>: declared in front of the lock, assigned under it).
    /// At least one statement stays. Their order with what stays is kept; they run after the update instead of before the
    /// release, which no other thread can tell apart: they touch nothing it could see.
    /// </summary>
    private int SinkableSuffix(List<StateEffects> effects, int prefix, int rest, StateEffects writesUnderLock, bool splitDeclarations, out HashSet<LocalDeclarationStatementSyntax> split)
    {
        var statements = _region.Locked;
        var from = statements.Count;
        split = new HashSet<LocalDeclarationStatementSyntax>();
        if (_region.HeldToEndOfBlock)
        {
            // using var scope = gate.EnterScope(); holds the lock to the end of the block: there is no "after the release" in it.
            return from;
        }

        var firstStaying = System.Math.Max(rest, prefix + 1);
        while (from - 1 >= firstStaying
               && (IsSinkable(statements[from - 1], effects[from - 1], writesUnderLock) || IsSinkableSlotStore(from - 1, effects, writesUnderLock)))
        {
            from--;
        }

        // A statement that uses a local declared by one that stays must stay too, and so must all before it — unless that
        // declaration can be split (declared in front of the lock, assigned under it). What then stays may declare what a
        // later one uses, so look again until nothing changes.
        var splittable = splitDeclarations
            ? new HashSet<StatementSyntax>(statements.Skip(rest).OfType<LocalDeclarationStatementSyntax>().Where(CanSplitDeclaration))
            : new HashSet<StatementSyntax>();
        var changed = true;
        while (changed)
        {
            changed = false;
            var fixedScope = statements.Skip(prefix).Take(from - prefix).Where(stay => !splittable.Contains(stay)).ToList();
            for (var i = from; i < statements.Count; i++)
            {
                if (UsesLocalDeclaredBy(statements[i], fixedScope))
                {
                    from = i + 1;
                    changed = true;
                    break;
                }
            }
        }

        if (from < statements.Count)
        {
            foreach (var stay in statements.Skip(rest).Take(from - rest))
            {
                if (splittable.Contains(stay) && statements.Skip(from).Any(sunk => UsesLocalDeclaredBy(sunk, new[] { stay })))
                {
                    split.Add((LocalDeclarationStatementSyntax)stay);
                }
            }
        }

        return from;
    }

    /// <summary>
    /// <c>var x = value;</c> (one variable, not const, using or ref) whose type can be written out and whose name clashes
    /// with nothing in the block the lock is in: it can become <c>T x;</c> in front of the lock and <c>x = value;</c> under it.
    /// The lock's body always runs to its end before the release, so x is definitely assigned after it.
    /// </summary>
    private bool CanSplitDeclaration(LocalDeclarationStatementSyntax declaration)
    {
        if (declaration.IsConst || declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.Modifiers.Count > 0
            || declaration.Declaration.Variables.Count != 1 || declaration.Declaration.Variables[0].Initializer is null
            || declaration.Declaration.Type is RefTypeSyntax
            || _model.GetDeclaredSymbol(declaration.Declaration.Variables[0], _cancellationToken) is not ILocalSymbol local
            || local.Type is null || local.Type.TypeKind == TypeKind.Error || local.Type.IsAnonymousType || local.Type.IsRefLikeType
            || local.RefKind != RefKind.None)
        {
            return false;
        }

        return !DeclaresConflictingNames(new List<StatementSyntax> { declaration });
    }

    /// <summary><c>var x = value;</c> → <c>T x;</c> (in front of the lock) and <c>x = value;</c> (under it).</summary>
    private (StatementSyntax Outside, StatementSyntax Assignment) SplitDeclaration(LocalDeclarationStatementSyntax declaration)
    {
        var variable = declaration.Declaration.Variables[0];
        var local = (ILocalSymbol)_model.GetDeclaredSymbol(variable, _cancellationToken)!;
        var type = declaration.Declaration.Type.IsVar
            ? SyntaxFactory.ParseTypeName(local.Type.ToMinimalDisplayString(_model, declaration.SpanStart))
            : declaration.Declaration.Type.WithoutTrivia();
        var outside = SyntaxFactory.LocalDeclarationStatement(
                SyntaxFactory.VariableDeclaration(type, SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(variable.Identifier.WithoutTrivia()))))
            .WithAdditionalAnnotations(Simplifier.Annotation);
        var assignment = SyntaxFactory.ExpressionStatement(
                SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()), variable.Initializer!.Value.WithoutTrivia()))
            .WithTriviaFrom(declaration);
        return (outside, assignment);
    }

    private bool IsSinkable(StatementSyntax statement, StateEffects effects, StateEffects writesUnderLock)
    {
        if (effects.Unknown || effects.HasSharedWrites || !(HasNoJumpsOut(statement) || IsFinalReturn(statement)) || effects.ReadsAnythingWrittenBy(writesUnderLock)
            || statement is LocalFunctionStatementSyntax || statement is UsingStatementSyntax || statement is FixedStatementSyntax
            || statement is LockStatementSyntax || statement is LabeledStatementSyntax
            || (statement is LocalDeclarationStatementSyntax declaration && (declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.IsConst))
            || DeclaresIntoEnclosingBlock(statement))
        {
            return false;
        }

        foreach (var written in effects.LocalWrites)
        {
            // The object may have been handed to other threads by anything before it, the statements that stay included.
            if (written is ILocalSymbol { Type.IsValueType: false } local && EscapesBefore(local, statement.SpanStart))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>results[i] = value;</c> — a plain store into a slot of a shared array — can also run after the release when no
    /// other code on the lock touches that array (no other statement of this region, no other region on the lock reads
    /// or writes it) and the value and index read nothing the code that stays under the lock writes: the lock then orders
    /// nothing about the array, and a reference or value store into one slot is not torn. Two threads that store into the
    /// same slot still leave one of their values, as they did in lock order.
    /// </summary>
    private bool IsSinkableSlotStore(int index, List<StateEffects> effects, StateEffects writesUnderLock)
    {
        var statement = _region.Locked[index];
        var own = effects[index];
        if (own.Unknown || own.MutatedThroughByRef.Count > 0 || own.SharedWrites.Count != 1 || _otherRegionsWrites.Unknown
            || statement is not ExpressionStatementSyntax || !HasNoJumpsOut(statement) || DeclaresIntoEnclosingBlock(statement)
            || _model.GetOperation(statement, _cancellationToken) is not IExpressionStatementOperation
            {
                Operation: ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: var arrayReference } }
            })
        {
            return false;
        }

        var array = OperationFacts.StripConversions(arrayReference) switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => (ISymbol)field.Field,
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };
        if (array is null || !own.SharedWrites.Contains(array)
            || _otherRegionsWrites.SharedReads.Contains(array) || _otherRegionsWrites.SharedWrites.Contains(array))
        {
            return false;
        }

        for (var i = 0; i < effects.Count; i++)
        {
            if (i != index && (effects[i].Unknown || effects[i].SharedReads.Contains(array) || effects[i].SharedWrites.Contains(array)))
            {
                return false;
            }
        }

        var reads = new StateEffects();
        reads.SharedReads.UnionWith(own.SharedReads.Where(read => !SymbolEqualityComparer.Default.Equals(read, array)));
        return !reads.ReadsAnythingWrittenBy(writesUnderLock);
    }

    /// <summary>
    /// <c>out var v</c> or <c>is T v</c> directly in an expression statement, a declaration, a return or an <c>if</c> condition:
    /// v belongs to the enclosing block's scope, so moving the statement out of the locked block would change what it
    /// is visible to. A loop, <c>using</c>, <c>lock</c> or <c>fixed</c> statement scopes what it declares (a deconstructing
    /// <c>foreach (var (k, v) in …)</c> included) to itself.
    /// </summary>
    private static bool DeclaresIntoEnclosingBlock(StatementSyntax statement)
        => statement is not (ForEachStatementSyntax or ForEachVariableStatementSyntax or ForStatementSyntax or WhileStatementSyntax
               or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax)
           && statement.DescendantNodes().OfType<SingleVariableDesignationSyntax>().Any(d => d.FirstAncestorOrSelf<StatementSyntax>() == statement);

    /// <summary>
    /// <c>return value;</c> as the last locked statement, its value computed from thread-own state: after the release it
    /// returns the same value, and it is still the region's last statement (nothing after it ran before either).
    /// </summary>
    private bool IsFinalReturn(StatementSyntax statement)
        => statement is ReturnStatementSyntax
           && _region.Locked.Count > 0 && _region.Locked[_region.Locked.Count - 1] == statement
           && !statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax or YieldStatementSyntax);

    private bool UsesLocalDeclaredBy(StatementSyntax statement, IEnumerable<StatementSyntax> staying)
    {
        var declaredByStaying = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var stay in staying)
        {
            foreach (var node in stay.DescendantNodesAndSelf())
            {
                if (node is VariableDeclaratorSyntax or SingleVariableDesignationSyntax && _model.GetDeclaredSymbol(node, _cancellationToken) is ILocalSymbol declared)
                {
                    declaredByStaying.Add(declared);
                }
            }
        }

        if (declaredByStaying.Count == 0)
        {
            return false;
        }

        var flow = _model.AnalyzeDataFlow(statement);
        return flow is null || !flow.Succeeded || flow.ReadInside.Concat(flow.WrittenInside).Any(declaredByStaying.Contains);
    }

    /// <summary>
    /// The effects of each locked statement, in order; null (the refusal recorded) when the body is not a braced, non-empty
    /// block whose every statement binds without errors.
    /// </summary>
    private List<StateEffects>? EffectsOfLockedStatements(Refusal why)
    {
        if (!_region.BodyIsInTree)
        {
            // `lock (g) statement;` without braces: rewritten by hand, not by this fix.
            return why.Refuse<List<StateEffects>>(NoFixReasons.LockShape, "a lock statement whose body has no braces");
        }

        if (_region.Locked.Count == 0)
        {
            return why.Refuse<List<StateEffects>>(NoFixReasons.NothingToMove, "the locked block is empty");
        }

        var effects = new List<StateEffects>();
        foreach (var statement in _region.Locked)
        {
            var operation = _model.GetOperation(statement, _cancellationToken);
            if (operation is null || operation.HasErrors(_model.Compilation, _cancellationToken))
            {
                return why.Refuse<List<StateEffects>>(NoFixReasons.DoesNotCompile, Excerpt(statement));
            }

            effects.Add(_effects.Analyze(operation, _scope));
        }

        return effects;
    }

    /// <summary>
    /// How many leading locked statements can run in front of the lock: they write only thread-own locals and read nothing
    /// that what stays under the lock (<paramref name="writesUnderLock"/>, with the other regions on the same lock) writes.
    /// <paramref name="stop"/> says why the prefix ends where it does.
    /// </summary>
    private int MovablePrefix(List<StateEffects> effects, out StateEffects writesUnderLock, out (NoFixReason Reason, string? Detail)? stop)
    {
        var statements = _region.Locked;
        var prefix = 0;
        while (prefix < statements.Count && IsHoistable(statements[prefix], effects[prefix]))
        {
            prefix++;
        }

        if (!_region.IsWholeBody && prefix == statements.Count - 1 && IsFinalReturn(statements[prefix]) && EffectsBlocker(statements[prefix], effects[prefix]) is null)
        {
            prefix++;
        }

        // Why the prefix stops where it does, reported only if nothing at all can move.
        stop = prefix < statements.Count ? HoistBlocker(statements[prefix], effects[prefix]) : null;

        // Whatever stays under the lock, plus the other regions on the same lock, is what the hoisted code must not read.
        writesUnderLock = WritesOf(effects, prefix, statements.Count);
        var safe = 0;
        while (safe < prefix && !effects[safe].ReadsAnythingWrittenBy(writesUnderLock))
        {
            safe++;
        }

        if (safe < prefix)
        {
            stop = (NoFixReasons.ReadsLockedState, ConflictDetail(effects[safe], writesUnderLock));
        }

        return safe;
    }

    /// <summary>
    /// The first statement that stays under the lock, rewritten when it can be: a summing loop becomes a local sum before
    /// the lock and one add inside, a heavy payload is computed into a local before the lock. Adds to
    /// <paramref name="hoisted"/> and <paramref name="kept"/> and returns the index of the first statement left as it is.
    /// </summary>
    private int SplitFirstKeptStatement(List<StateEffects> effects, int prefix, StateEffects writesUnderLock, List<StatementSyntax> hoisted, List<StatementSyntax> kept,
        out InterlockedUpdate? interlocked)
    {
        var statements = _region.Locked;
        interlocked = null;
        if (prefix >= statements.Count)
        {
            return prefix;
        }

        var first = statements[prefix];
        var writesOfOthers = WritesOf(effects, prefix + 1, statements.Count);
        if (TryAccumulateLoop(first, writesOfOthers, out var declaration, out var loop, out var merge, out var mergeUpdate))
        {
            hoisted.Add(declaration);
            hoisted.Add(loop);
            kept.Add(merge);
            interlocked = mergeUpdate;
            return prefix + 1;
        }

        if (TryExtractPayload(first, writesUnderLock, out var extracted, out var remaining, out var update))
        {
            hoisted.Add(extracted);
            kept.Add(remaining);
            interlocked = update;
            return prefix + 1;
        }

        if (prefix == statements.Count - 1)
        {
            // A lone integer update left as it was can still become Interlocked.
            interlocked = AsInterlocked(first, null);
        }

        return prefix;
    }

    /// <summary>The reason the first statement had to stay, then why its value could not be computed in front of the lock.</summary>
    private void RecordWhyNothingMoves((NoFixReason Reason, string? Detail)? stop)
    {
        if (stop is { } blocker)
        {
            _why.Add(blocker.Reason, blocker.Detail);
        }

        if (_extractBlocker is { } extractBlocker && (stop is null || extractBlocker.Reason != NoFixReasons.NothingToMove))
        {
            _why.Add(extractBlocker.Reason, extractBlocker.Detail);
        }

        if (stop is null && _extractBlocker is null)
        {
            _why.Add(NoFixReasons.NothingToMove);
        }
    }

    /// <summary>
    /// Nothing was rewritten into the kept part (<paramref name="rest"/> is <paramref name="prefix"/>) and it reads and
    /// writes only thread-own state: no lock is needed.
    /// </summary>
    /// <summary>
    /// Every statement from <paramref name="prefix"/> on could run in front of the lock but for a jump it holds (a
    /// <c>return</c> from inside the search loop): it writes nothing shared, calls nothing the analysis cannot see
    /// through, writes no object shared before the lock, and reads nothing the lock's regions write. Then the lock
    /// protects nothing, and dropping it keeps every statement, and every jump, where it is.
    /// </summary>
    private bool OnlyJumpsKeepItLocked(List<StateEffects> effects, int prefix, StateEffects writesUnderLock)
    {
        var statements = _region.Locked;
        for (var i = prefix; i < statements.Count; i++)
        {
            if (EffectsBlocker(statements[i], effects[i]) is not null || effects[i].ReadsAnythingWrittenBy(writesUnderLock)
                || statements[i] is LocalFunctionStatementSyntax or LabeledStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsAwaitOrYield(StatementSyntax statement)
        => statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(n => n is AwaitExpressionSyntax or YieldStatementSyntax);

    private bool GuardsNothing(List<StateEffects> effects, int prefix, int rest, int sinkFrom)
        => !_region.IsWholeBody && KeptTouchesNothingShared(effects, prefix, rest, sinkFrom);

    /// <summary>The statements that stay (none split off the first of them) write nothing shared and read only state fixed at construction.</summary>
    private static bool KeptTouchesNothingShared(List<StateEffects> effects, int prefix, int rest, int sinkFrom)
    {
        if (rest != prefix)
        {
            return false;
        }

        for (var i = rest; i < sinkFrom; i++)
        {
            if (effects[i].HasSharedWrites || !effects[i].SharedReads.All(StateEffects.IsImmutableAfterConstruction))
            {
                return false;
            }
        }

        return true;
    }

    private StateEffects WritesOf(List<StateEffects> effects, int from, int to)
    {
        var writes = new StateEffects();
        writes.UnionWith(_otherRegionsWrites);
        for (var i = from; i < to; i++)
        {
            writes.UnionWith(effects[i]);
        }

        return writes;
    }

    private bool IsHoistable(StatementSyntax statement, StateEffects effects) => HoistBlocker(statement, effects) is null;

    /// <summary>Why <paramref name="statement"/> cannot run in front of the lock; null when it can.</summary>
    private (NoFixReason Reason, string? Detail)? HoistBlocker(StatementSyntax statement, StateEffects effects)
    {
        if (EffectsBlocker(statement, effects) is { } blocker)
        {
            return blocker;
        }

        if (statement is LocalDeclarationStatementSyntax declaration
            && (declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.IsConst))
        {
            return declaration.IsConst || (HasNoJumpsOut(statement) && DisposesOnlyCryptography(declaration))
                ? null
                : (NoFixReasons.JumpsOut, Excerpt(statement));
        }

        if (statement is LocalFunctionStatementSyntax || statement is UsingStatementSyntax || statement is FixedStatementSyntax
            || statement is LockStatementSyntax || statement is LabeledStatementSyntax)
        {
            return (NoFixReasons.JumpsOut, Excerpt(statement));
        }

        return HasNoJumpsOut(statement) ? null : (NoFixReasons.JumpsOut, Excerpt(statement));
    }

    /// <summary>Why code with <paramref name="effects"/> cannot run outside the lock: it is opaque, writes shared state, or writes an object shared before the lock.</summary>
    private (NoFixReason Reason, string? Detail)? EffectsBlocker(StatementSyntax statement, StateEffects effects)
    {
        if (effects.Unknown)
        {
            return (NoFixReasons.OpaqueCall, effects.UnknownReason);
        }

        if (effects.HasSharedWrites)
        {
            return (NoFixReasons.NothingToMove, "the locked block starts with a write to shared state ('" + effects.SharedWrites.First().Name + "'): " + Excerpt(statement));
        }

        // An object the code writes into must not have been shared before the lock: others could see the writes.
        foreach (var written in effects.LocalWrites)
        {
            if (written is ILocalSymbol { Type.IsValueType: false } local && EscapesBefore(local, _region.First.SpanStart))
            {
                return (NoFixReasons.SharedBeforeLock, "'" + local.Name + "'");
            }
        }

        return null;
    }

    /// <summary>The first shared symbol <paramref name="reader"/> reads that <paramref name="writers"/> may write.</summary>
    private static string ConflictDetail(StateEffects reader, StateEffects writers)
    {
        foreach (var read in reader.SharedReads)
        {
            if (writers.SharedWrites.Contains(read) || (writers.Unknown && !StateEffects.IsImmutableAfterConstruction(read)))
            {
                return "'" + read.Name + "'" + (writers.Unknown && !writers.SharedWrites.Contains(read) ? " (" + writers.UnknownReason + " under the lock)" : string.Empty);
            }
        }

        return string.Empty;
    }

    /// <summary>The first line of a node's text, at most 60 characters, for a reason's detail.</summary>
    internal static string Excerpt(SyntaxNode node)
    {
        var text = node.ToString();
        var end = text.IndexOfAny(new[] { '\r', '\n' });
        if (end >= 0)
        {
            text = text.Substring(0, end).TrimEnd() + " …";
        }

        return text.Length > 60 ? text.Substring(0, 57) + "…" : text;
    }

    /// <summary>
    /// <c>using var sha = SHA256.Create();</c>: hoisted out of the lock, the hasher is disposed at the end of the enclosing
    /// block instead of the locked one — later, but disposing a cryptography object only frees its own buffers and
    /// handles, nothing any other statement observes. Other disposables (a writer that flushes on dispose) stay refused.
    /// </summary>
    private bool DisposesOnlyCryptography(LocalDeclarationStatementSyntax declaration)
    {
        foreach (var variable in declaration.Declaration.Variables)
        {
            if (_model.GetDeclaredSymbol(variable, _cancellationToken) is not ILocalSymbol { Type: { } type }
                || type.ContainingNamespace?.ToDisplayString() != "System.Security.Cryptography")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the object in <paramref name="local"/> may be reachable from other threads before <paramref name="position"/>:
    /// the local is used there other than to index it, access a member or call a method on it, or be assigned.
    /// </summary>
    private bool EscapesBefore(ILocalSymbol local, int position)
    {
        var function = _model.GetOperation(_scope.Function, _cancellationToken);
        if (function is null)
        {
            return true;
        }

        foreach (var reference in function.Descendants().OfType<ILocalReferenceOperation>())
        {
            if (reference.Syntax.SpanStart >= position || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var parent = reference.Parent;
            var contained = parent switch
            {
                IArrayElementReferenceOperation element => element.ArrayReference == reference,
                IMemberReferenceOperation member => member.Instance == reference,
                IInvocationOperation call => call.Instance == reference,
                ISimpleAssignmentOperation assignment => assignment.Target == reference,
                _ => false,
            };
            if (!contained)
            {
                return true;
            }
        }

        return false;
    }

    private bool HasNoJumpsOut(StatementSyntax statement)
    {
        if (statement.DescendantNodesAndSelf().Any(n => n is YieldStatementSyntax || n is AwaitExpressionSyntax || n is GotoStatementSyntax))
        {
            return false;
        }

        var flow = _model.AnalyzeControlFlow(statement);
        return flow is not null && flow.Succeeded && flow.EndPointIsReachable && flow.ExitPoints.IsEmpty && flow.ReturnStatements.IsEmpty;
    }

    private bool DeclaresConflictingNames(List<StatementSyntax> hoisted)
    {
        var declared = new HashSet<string>();
        foreach (var statement in hoisted)
        {
            if (statement is LocalDeclarationStatementSyntax declaration)
            {
                foreach (var variable in declaration.Declaration.Variables)
                {
                    declared.Add(variable.Identifier.ValueText);
                }
            }
        }

        if (declared.Count == 0)
        {
            return false;
        }

        // Names declared elsewhere in the block the statements move to would clash once they share a scope.
        foreach (var node in _region.Container.DescendantNodes())
        {
            if (_region.Statements.Any(s => s.FullSpan.Contains(node.Span)))
            {
                continue;
            }

            var name = node switch
            {
                VariableDeclaratorSyntax v => v.Identifier.ValueText,
                ParameterSyntax p => p.Identifier.ValueText,
                SingleVariableDesignationSyntax d => d.Identifier.ValueText,
                ForEachStatementSyntax f => f.Identifier.ValueText,
                CatchDeclarationSyntax c => c.Identifier.ValueText,
                LocalFunctionStatementSyntax l => l.Identifier.ValueText,
                _ => null,
            };
            if (name is not null && declared.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>acc op= Heavy(x)</c>, <c>acc = Math.Max(acc, Heavy(x))</c>, <c>list.Add(Heavy(x))</c>: compute the payload
    /// into a new local before the lock and keep only the update inside.
    /// </summary>
    private bool TryExtractPayload(StatementSyntax statement, StateEffects writesUnderLock, out StatementSyntax extracted, out StatementSyntax remaining, out InterlockedUpdate? update, bool inPlace = false)
    {
        extracted = null!;
        remaining = null!;
        update = null;
        var fold = FoldPattern.Match(statement, _model, _cancellationToken);
        var (payload, payloadOperation) = fold is null ? AssignedValue(statement) : (fold.Payload, fold.PayloadOperation);
        if (payload is null || payloadOperation is null || payloadOperation.Type is null
            || payloadOperation.Type.IsAnonymousType || payloadOperation.Type.TypeKind == TypeKind.Error)
        {
            _extractBlocker = (NoFixReasons.NothingToMove, null);
            return false;
        }

        if (WhyPayloadStays(payload, payloadOperation, writesUnderLock, inPlace) is { } blocker)
        {
            _extractBlocker = blocker;
            return false;
        }

        // A test whose branches are the heavy part: moving the test alone would leave the work under the lock.
        if (statement is IfStatementSyntax tested
            && new[] { tested.Statement, tested.Else?.Statement }.OfType<StatementSyntax>()
                .Any(branch => _model.GetOperation(branch, _cancellationToken) is { } branchOperation && _costModel.Analyze(branchOperation).IsCpuBound))
        {
            _extractBlocker = (NoFixReasons.NothingToMove, "what the test decides is itself CPU-bound: " + Excerpt(tested));
            return false;
        }

        var name = FreshName(fold?.Kind == FoldKind.Collect ? "item" : statement is IfStatementSyntax ? "test" : "value");
        extracted = SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(payload.WithoutTrivia())))));
        var reference = SyntaxFactory.IdentifierName(name);
        remaining = statement.ReplaceNode(payload, reference.WithTriviaFrom(payload));
        if (fold is not null && fold.Kind == FoldKind.Sum)
        {
            update = InterlockedFor(fold, reference);
        }

        return true;
    }

    /// <summary>
    /// The value of any assignment statement <c>x = E</c> / <c>x op= E</c> (no user-defined operator), or the condition of an
    /// <c>if</c> statement; nulls otherwise.
    /// </summary>
    private (ExpressionSyntax? Payload, IOperation? Operation) AssignedValue(StatementSyntax statement)
    {
        if (statement is ExpressionStatementSyntax expressionStatement
            && _model.GetOperation(expressionStatement.Expression, _cancellationToken) is IAssignmentOperation assignment
            && expressionStatement.Expression is AssignmentExpressionSyntax syntax
            && assignment is not IDeconstructionAssignmentOperation
            // x ??= Build(): the value is computed only while x is null; in front of the lock it would run every time.
            && assignment is not ICoalesceAssignmentOperation
            && (assignment is not ICompoundAssignmentOperation compound || compound.OperatorMethod is null))
        {
            return (syntax.Right, assignment.Value);
        }

        // if (Overlaps(a, b)) { shared writes }: the test is the value the writes depend on. Computed into a bool in front,
        // it is evaluated once, as the if did, and the writes run (or not) on the same result.
        if (statement is IfStatementSyntax { Condition: var condition }
            && _model.GetOperation(condition, _cancellationToken) is { Type.SpecialType: SpecialType.System_Boolean, ConstantValue.HasValue: false } test)
        {
            return (condition, test);
        }

        return (null, null);
    }

    /// <summary>Why a payload cannot be computed into a new local in front of the lock; null when it can.</summary>
    private (NoFixReason Reason, string? Detail)? WhyPayloadStays(ExpressionSyntax payload, IOperation payloadOperation, StateEffects writesUnderLock, bool inPlace)
    {
        // Only a payload that calls something is worth a new local; building a pair or a tuple is not.
        if (!payloadOperation.DescendantsAndSelf().Any(o => o is IInvocationOperation))
        {
            return (NoFixReasons.NothingToMove, "the value stored calls nothing: " + Excerpt(payload));
        }

        // A payload whose natural type differs from what it converts to (a lambda, null, a target-typed new) cannot move into `var`.
        var natural = _model.GetTypeInfo(payload, _cancellationToken).Type;
        if (natural is null || natural.TypeKind == TypeKind.Error)
        {
            return (NoFixReasons.NothingToMove, "the value stored has no type of its own: " + Excerpt(payload));
        }

        var payloadEffects = _effects.Analyze(payloadOperation, _scope);
        if (payloadEffects.Unknown)
        {
            return (NoFixReasons.OpaqueCall, payloadEffects.UnknownReason);
        }

        if (payloadEffects.HasSharedWrites)
        {
            return (NoFixReasons.NothingToMove, "computing the value stored writes shared state: " + Excerpt(payload));
        }

        if (payloadEffects.ReadsAnythingWrittenBy(writesUnderLock))
        {
            return (NoFixReasons.ReadsLockedState, ConflictDetail(payloadEffects, writesUnderLock));
        }

        if (payload.DescendantNodesAndSelf().Any(n => n is AwaitExpressionSyntax || n is ThrowExpressionSyntax
                                                        || (n is DeclarationExpressionSyntax && !(inPlace && IsUnconditionalOutInCondition(payload)))
                                                        || (n is VariableDesignationSyntax && n.Parent is not DeclarationExpressionSyntax && payload.Parent is IfStatementSyntax)))
        {
            return (NoFixReasons.JumpsOut, Excerpt(payload));
        }

        return null;
    }

    /// <summary>
    /// An <c>if</c> condition whose <c>out var</c> declarations are all assigned whenever it is evaluated (no <c>&amp;&amp;</c>,
    /// <c>||</c>, <c>?:</c>, <c>??</c> or <c>?.</c> that could skip them), in a block: an <c>if</c> condition's variables belong
    /// to the enclosing block, so <c>var test = F(out var n); if (test) …</c> just before it declares them in the same scope,
    /// definitely assigned as before.
    /// </summary>
    private static bool IsUnconditionalOutInCondition(ExpressionSyntax payload)
        => payload.Parent is IfStatementSyntax { Parent: BlockSyntax } statement && statement.Condition == payload
           && !payload.DescendantNodesAndSelf().Any(n => n.IsKind(SyntaxKind.LogicalAndExpression) || n.IsKind(SyntaxKind.LogicalOrExpression)
                                                         || n.IsKind(SyntaxKind.CoalesceExpression) || n is ConditionalExpressionSyntax or ConditionalAccessExpressionSyntax
                                                         || n is SwitchExpressionSyntax or IsPatternExpressionSyntax)
           && payload.DescendantNodes().OfType<DeclarationExpressionSyntax>().All(d => d.Parent is ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.OutKeyword }
                                                                                       && d.Designation is SingleVariableDesignationSyntax or DiscardDesignationSyntax);

    /// <summary>
    /// A loop under the lock that only adds into one shared integer: sum into a new local before the lock and add
    /// the total once inside. Unchecked integer addition wraps, so the grouping does not change the result.
    /// Floating-point sums are refused: regrouping changes the rounding.
    /// </summary>
    private bool TryAccumulateLoop(StatementSyntax statement, StateEffects writesOfOthers, out StatementSyntax declaration, out StatementSyntax loop, out StatementSyntax merge, out InterlockedUpdate? update)
    {
        declaration = null!;
        loop = null!;
        merge = null!;
        update = null;
        if (SumFoldsOfLoop(statement, writesOfOthers) is not { } sum)
        {
            return false;
        }

        var (folds, accumulator) = sum;
        var type = folds[0].Type;
        var typeSyntax = SyntaxFactory.ParseTypeName(type.ToMinimalDisplayString(_model, _region.First.SpanStart));
        var name = FreshName(BaseName(accumulator.Name) + "Sum");
        var local = SyntaxFactory.IdentifierName(name);
        declaration = SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(typeSyntax,
                SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(
                            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0)))))));
        loop = statement.ReplaceNodes(folds.Select(f => f.Target), (original, _) => local.WithTriviaFrom(original));
        var target = folds[0].Target.WithoutTrivia();
        merge = SyntaxFactory.ExpressionStatement(
            SyntaxFactory.AssignmentExpression(SyntaxKind.AddAssignmentExpression, target, local));
        if (type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 && !MentionedInOtherRegions(accumulator))
        {
            update = new InterlockedUpdate(target, local, false);
        }

        return true;
    }

    /// <summary>
    /// For a loop statement with no jumps out whose one shared write is a sum: the sums (<c>acc += e</c>, <c>acc++</c>) and
    /// the accumulator, when the accumulator appears nowhere else in the loop, no sum sits in a lambda or local function,
    /// and nothing the loop reads is written by <paramref name="writesOfOthers"/>; null otherwise.
    /// </summary>
    private (List<FoldPattern> Folds, ISymbol Accumulator)? SumFoldsOfLoop(StatementSyntax statement, StateEffects writesOfOthers)
    {
        if (statement is not (ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax))
        {
            return null;
        }

        var operation = _model.GetOperation(statement, _cancellationToken);
        if (operation is null || !HasNoJumpsOut(statement))
        {
            return null;
        }

        var effects = _effects.Analyze(operation, _scope);
        if (effects.Unknown || effects.SharedWrites.Count != 1)
        {
            return null;
        }

        var accumulator = effects.SharedWrites.First();
        var folds = new List<FoldPattern>();
        foreach (var candidate in statement.DescendantNodes().OfType<ExpressionStatementSyntax>())
        {
            var fold = FoldPattern.Match(candidate, _model, _cancellationToken);
            if (fold is not null && fold.Kind == FoldKind.Sum && SymbolEqualityComparer.Default.Equals(fold.Accumulator, accumulator))
            {
                folds.Add(fold);
            }
        }

        // The accumulator may appear only as the target of those folds.
        if (folds.Count == 0 || operation.Descendants().Count(o => IsReferenceTo(o, accumulator)) != folds.Count)
        {
            return null;
        }

        if (folds.Any(fold => fold.Statement.Ancestors().TakeWhile(a => a != statement).Any(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax)))
        {
            return null;
        }

        var reads = new StateEffects();
        reads.SharedReads.UnionWith(effects.SharedReads);
        reads.SharedReads.Remove(accumulator);
        return reads.ReadsAnythingWrittenBy(writesOfOthers) ? null : (folds, accumulator);
    }

    private static bool IsReferenceTo(IOperation operation, ISymbol symbol)
    {
        ISymbol? referenced = operation switch
        {
            IFieldReferenceOperation field => field.Field,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };
        return referenced is not null && SymbolEqualityComparer.Default.Equals(referenced, symbol);
    }

    // ---------------------------------------------------------------- Interlocked

    private InterlockedUpdate? AsInterlocked(StatementSyntax statement, ExpressionSyntax? replacedPayload)
    {
        var fold = FoldPattern.Match(statement, _model, _cancellationToken);
        if (fold is null || fold.Kind != FoldKind.Sum)
        {
            return null;
        }

        if (fold.PayloadOperation is not null)
        {
            var effects = _effects.Analyze(fold.PayloadOperation, _scope);
            var writes = new StateEffects();
            writes.UnionWith(_otherRegionsWrites);
            writes.SharedWrites.Add(fold.Accumulator);
            if (effects.HasSharedWrites || effects.ReadsAnythingWrittenBy(writes))
            {
                return null;
            }
        }

        return InterlockedFor(fold, replacedPayload ?? fold.Payload);
    }

    private InterlockedUpdate? InterlockedFor(FoldPattern fold, ExpressionSyntax? payload)
    {
        if (fold.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)
            || MentionedInOtherRegions(fold.Accumulator))
        {
            return null;
        }

        // Interlocked needs a variable it can take by ref: a field of this object or the type, or a local.
        if (fold.Accumulator is IFieldSymbol { IsReadOnly: true })
        {
            return null;
        }

        return new InterlockedUpdate(fold.Target.WithoutTrivia(), payload?.WithoutTrivia(), fold.Negate);
    }

    /// <summary>
    /// Another region on the same lock reads or writes the accumulator: it relies on seeing the accumulator and its
    /// other state change together, which Interlocked outside the lock would no longer guarantee.
    /// </summary>
    private bool MentionedInOtherRegions(ISymbol accumulator)
    {
        foreach (var other in _otherRegions)
        {
            if (!_model.Compilation.ContainsSyntaxTree(other.Taken.SyntaxTree))
            {
                return true;
            }

            var otherModel = other.Taken.SyntaxTree == _model.SyntaxTree ? _model : _model.Compilation.GetSemanticModel(other.Taken.SyntaxTree);
            foreach (var identifier in other.Statements.SelectMany(s => s.DescendantNodesAndSelf()).OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == accumulator.Name
                    && SymbolEqualityComparer.Default.Equals(otherModel.GetSymbolInfo(identifier, _cancellationToken).Symbol, accumulator))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- thread-local accumulation

    /// <summary>
    /// Parallel.For/ForEach (simple overloads) whose locked part folds into one shared accumulator: the
    /// localInit/body/localFinally overload folds into a per-worker local and merges it under the lock once per worker.
    /// </summary>
    public ThreadLocalPlan? PlanThreadLocal()
    {
        if (EnclosingParallelLoop() is not { } loop || !LockIsReachableFromMerge(loop, out var striped))
        {
            return null;
        }

        // Every locked statement is either a fold into the one accumulator or thread-own computation.
        var folds = new List<FoldPattern>();
        var computations = new List<StateEffects>();
        if (!TryCollectFolds(folds, computations))
        {
            return null;
        }

        if (folds.Count == 0)
        {
            return _why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "no locked statement folds into an accumulator");
        }

        var accumulator = folds[0].Accumulator;
        if (!FoldsAreOneMergeableAccumulator(loop, folds, striped)
            || !IsOnlyFoldedInBody(loop, folds, accumulator)
            || !ComputationsAreIndependent(computations, accumulator))
        {
            return null;
        }

        if (loop.Body.DescendantNodes().Any(n => n is ReturnStatementSyntax { Expression: not null } r && EnclosingFunction(r) == loop.Lambda))
        {
            return _why.Refuse<ThreadLocalPlan>(NoFixReasons.JumpsOut, "the loop body returns a value");
        }

        return BuildThreadLocal(loop, folds, striped);
    }

    /// <summary>
    /// The Parallel.For/ForEach call (a simple overload) whose last, positional argument is the non-async block lambda
    /// around the region, with one untyped item parameter; null otherwise (no reason recorded: not this fix's shape).
    /// </summary>
    private ParallelLoop? EnclosingParallelLoop()
    {
        if (!_region.BodyIsInTree
            || _scope.Function is not AnonymousFunctionExpressionSyntax lambda
            || lambda.Body is not BlockSyntax lambdaBody
            || lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
        {
            return null;
        }

        ParameterSyntax? itemParameter = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
            _ => null,
        };
        if (itemParameter is null || itemParameter.Type is not null || itemParameter.Modifiers.Count > 0)
        {
            return null;
        }

        if (lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } argumentList } bodyArgument
            || argumentList.Arguments.Last() != bodyArgument
            || bodyArgument.NameColon is not null
            || _model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method
            || method.ContainingType?.ToDisplayString() != "System.Threading.Tasks.Parallel"
            || !IsSimpleLoopOverload(method))
        {
            return null;
        }

        return new ParallelLoop(invocation, method, lambda, lambdaBody, itemParameter);
    }

    /// <summary>
    /// Whether localFinally can take the region's lock: the lock is directly in the loop body (not inside another lock, using
    /// or try), the body compiles, and the lock object is not made in the body. A striped lock (<c>lock (locks[c]) { sums[c]
    /// += … }</c>, <paramref name="striped"/>) is taken per element by the merge, so only its array must be reachable.
    /// False with the refusal recorded otherwise.
    /// </summary>
    private bool LockIsReachableFromMerge(ParallelLoop loop, out ElementAccessExpressionSyntax? striped)
    {
        striped = null;

        // Inside another lock in the body, the fold is also guarded by that lock, which the merge would not take.
        if (_region.First.Ancestors().TakeWhile(a => a != loop.Lambda).Any(a => a is LockStatementSyntax || a is UsingStatementSyntax || a is TryStatementSyntax))
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "the lock is inside another lock, using or try in the " + loop.Name + " body"));
        }

        var lambdaOperation = _model.GetOperation(loop.Lambda, _cancellationToken);
        if (lambdaOperation is null || lambdaOperation.HasErrors(_model.Compilation, _cancellationToken))
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.DoesNotCompile, "the " + loop.Name + " body"));
        }

        striped = StripedLock();
        var lockObjectParts = striped is null ? _region.LockExpression : striped.Expression;
        foreach (var identifier in lockObjectParts.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
            if (symbol is ILocalSymbol or IParameterSymbol && _scope.IsOwn(symbol!))
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "the lock object '" + symbol!.Name + "' is made in the loop body"));
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the folds are all of one kind into one accumulator that a per-worker copy can stand for: not one slot per item,
    /// not used by another region on the lock (array buckets), indexed like a striped lock, and not a local of the loop body.
    /// False with the refusal recorded otherwise.
    /// </summary>
    private bool FoldsAreOneMergeableAccumulator(ParallelLoop loop, List<FoldPattern> folds, ElementAccessExpressionSyntax? striped)
    {
        var accumulator = folds[0].Accumulator;
        var kind = folds[0].Kind;
        if (folds.Any(f => f.Kind != kind || !SymbolEqualityComparer.Default.Equals(f.Accumulator, accumulator)))
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.Regrouping, "more than one accumulator or kind of fold"));
        }

        if (kind == FoldKind.ArraySum
            && folds.Any(f => StateEffectsWalker.Unwrap(f.Index!) is IParameterReferenceOperation p && p.Parameter.Name == loop.Item.Identifier.ValueText))
        {
            // results[i] += …: one slot per item, not buckets; a per-worker copy of the whole array would only cost memory.
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "each item updates its own slot of '" + accumulator.Name + "'"));
        }

        if (kind == FoldKind.ArraySum && MentionedInOtherRegions(accumulator))
        {
            // Other code under the lock reads the buckets while the loop runs: it would see them fill only per worker.
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "another region on the same lock uses '" + accumulator.Name + "'"));
        }

        if (striped is not null
            && (kind != FoldKind.ArraySum || folds.Any(f => f.Index is null || !SyntaxFactory.AreEquivalent(f.Index.Syntax, striped.ArgumentList.Arguments[0].Expression))))
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "the lock is chosen per item but the folds do not use the same index"));
        }

        if (accumulator is ILocalSymbol && _scope.IsOwn(accumulator))
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "the accumulator '" + accumulator.Name + "' is declared in the loop body"));
        }

        return true;
    }

    /// <summary>
    /// Whether the accumulator appears nowhere in the loop body except as the folds' target (and, for Max/Min, the
    /// accumulator argument). False with the refusal recorded otherwise.
    /// </summary>
    private bool IsOnlyFoldedInBody(ParallelLoop loop, List<FoldPattern> folds, ISymbol accumulator)
    {
        var bodyOperation = _model.GetOperation(loop.Body, _cancellationToken);
        if (bodyOperation is null)
        {
            return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.DoesNotCompile, "the " + loop.Name + " body"));
        }

        var mentions = bodyOperation.Descendants().Count(o => IsReferenceTo(o, accumulator));
        return mentions == folds.Sum(f => f.AccumulatorMentions?.Count ?? (f.AccumulatorArgument is null ? 1 : 2))
               || Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.Regrouping, "the accumulator '" + accumulator.Name + "' is read elsewhere in the loop body"));
    }

    /// <summary>
    /// Sorts the locked statements into <paramref name="folds"/> (into the one accumulator, also inside a loop of folds) and
    /// the thread-own <paramref name="computations"/> that produce their values; false (the refusal recorded) when a
    /// statement is neither.
    /// </summary>
    private bool TryCollectFolds(List<FoldPattern> folds, List<StateEffects> computations)
    {
        var locked = _region.Locked;
        for (var index = 0; index < locked.Count; index++)
        {
            var statement = locked[index];
            if (FoldsAt(locked, index) is { } found)
            {
                foreach (var fold in found)
                {
                    AddFold(fold, folds, computations);
                }

                index += found.Count - 1;
                continue;
            }

            // foreach (var w in words) counts[w] = …: a loop over the worker's own data whose statements fold, or compute
            // thread-own values first (var word = token.ToLowerInvariant(); if (word.Length < 3) continue;).
            if (LoopOfFolds(statement) is { } loop)
            {
                if (_model.GetOperation(loop.Loop.Expression, _cancellationToken) is not { } collection)
                {
                    return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.DoesNotCompile, Excerpt(loop.Loop.Expression)));
                }

                computations.Add(_effects.Analyze(collection, _scope));
                foreach (var inner in loop.Computing)
                {
                    if (InnerComputation(inner) is not { } innerEffects)
                    {
                        return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "a statement of the folding loop neither folds nor only computes: " + Excerpt(inner)));
                    }

                    computations.Add(innerEffects);
                }

                foreach (var inner in loop.Folds)
                {
                    AddFold(inner, folds, computations);
                }

                continue;
            }

            var operation = _model.GetOperation(statement, _cancellationToken);
            if (operation is null)
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.DoesNotCompile, Excerpt(statement)));
            }

            if (NonIntegerSum(operation) is { } regrouped)
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.Regrouping, regrouped));
            }

            var effects = _effects.Analyze(operation, _scope);
            if (HoistBlocker(statement, effects) is { } blocker)
            {
                return Refused(blocker.Reason == NoFixReasons.NothingToMove
                    ? _why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "a locked statement neither folds nor only computes: " + Excerpt(statement))
                    : _why.Refuse<ThreadLocalPlan>(blocker.Reason, blocker.Detail));
            }

            computations.Add(effects);
        }

        return true;
    }

    /// <summary>
    /// The folds the statement at <paramref name="index"/> starts — one per statement, or two for a per-key count written
    /// as a pair of statements (the second is consumed with it) — or null when it does not fold (an integer sum only when
    /// it wraps).
    /// </summary>
    private IReadOnlyList<FoldPattern>? FoldsAt(IReadOnlyList<StatementSyntax> statements, int index)
    {
        if (index + 1 < statements.Count && FoldPattern.MatchCountingPair(statements[index], statements[index + 1], _model, _cancellationToken) is { } pair)
        {
            return new[] { pair.First, pair.Second };
        }

        var fold = FoldPattern.Match(statements[index], _model, _cancellationToken, countingIf: true);
        return fold is not null && (fold.Kind != FoldKind.Sum || FoldPattern.IsIntegerSumType(fold.Type)) ? new[] { fold } : null;
    }

    /// <summary>A fold, and the thread-own computations of its payload and its index.</summary>
    private void AddFold(FoldPattern fold, List<FoldPattern> folds, List<StateEffects> computations)
    {
        folds.Add(fold);
        if (fold.PayloadOperation is not null)
        {
            computations.Add(_effects.Analyze(fold.PayloadOperation, _scope));
        }

        if (fold.Index is not null)
        {
            computations.Add(_effects.Analyze(fold.Index, _scope));
        }

        if (fold.Key is not null)
        {
            computations.Add(_effects.Analyze(fold.Key, _scope));
        }
    }

    /// <summary>
    /// Whether the values folded per worker can be computed outside the lock: no opaque calls, no shared writes, nothing
    /// read that the lock's other regions (or the fold itself) write. False with the refusal recorded otherwise.
    /// </summary>
    private bool ComputationsAreIndependent(List<StateEffects> computations, ISymbol accumulator)
    {
        var writes = new StateEffects();
        writes.UnionWith(_otherRegionsWrites);
        writes.SharedWrites.Add(accumulator);
        foreach (var computation in computations)
        {
            if (computation.Unknown)
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.OpaqueCall, computation.UnknownReason));
            }

            if (computation.HasSharedWrites)
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.NotAParallelLoopFold, "the folded values are computed by code that writes shared state"));
            }

            if (computation.ReadsAnythingWrittenBy(writes))
            {
                return Refused(_why.Refuse<ThreadLocalPlan>(NoFixReasons.ReadsLockedState, ConflictDetail(computation, writes)));
            }
        }

        return true;
    }

    /// <summary>For the steps of a plan that answer true or false: a refusal (already recorded by <c>_why</c>) is false.</summary>
    private static bool Refused(ThreadLocalPlan? refusal) => false;

    /// <summary><c>lock (locks[c])</c>: a lock statement on one element of an array picked by one index; null otherwise.</summary>
    private ElementAccessExpressionSyntax? StripedLock()
        => _region.IsLockStatement
           && _region.LockExpression is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element
           && _model.GetTypeInfo(element.Expression, _cancellationToken).Type is IArrayTypeSymbol { Rank: 1 }
            ? element
            : null;

    /// <summary><c>acc += e</c> on a floating-point or decimal accumulator, or in checked code: a regrouped sum could differ.</summary>
    private static string? NonIntegerSum(IOperation operation)
    {
        if (operation is IExpressionStatementOperation statement)
        {
            operation = statement.Operation;
        }

        ITypeSymbol? type = operation switch
        {
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound => compound.Target.Type,
            IIncrementOrDecrementOperation increment => increment.Target.Type,
            _ => null,
        };
        if (type is null)
        {
            return null;
        }

        var isChecked = operation is ICompoundAssignmentOperation { IsChecked: true } or IIncrementOrDecrementOperation { IsChecked: true };
        if (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Decimal)
        {
            return "a " + type.ToDisplayString() + " sum: " + Excerpt(operation.Syntax);
        }

        return isChecked ? "a checked sum: " + Excerpt(operation.Syntax) : null;
    }

    /// <summary>
    /// A <c>foreach</c> whose body is one fold or a block of folds (<c>foreach (var w in words) counts[w] = …;</c>), with
    /// a simple loop variable; null otherwise.
    /// </summary>
    private (ForEachStatementSyntax Loop, List<FoldPattern> Folds, List<StatementSyntax> Computing)? LoopOfFolds(StatementSyntax statement)
    {
        if (statement is not ForEachStatementSyntax loop || loop.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
        {
            return null;
        }

        var body = loop.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        var folds = new List<FoldPattern>();
        var computing = new List<StatementSyntax>();
        for (var index = 0; index < body.Count; index++)
        {
            var inner = body[index];
            if (FoldsAt(body, index) is { } found)
            {
                folds.AddRange(found);
                index += found.Count - 1;
            }
            else if (folds.Count == 0 && IsComputingStep(inner))
            {
                // Computing steps come before the folds: a local declared per item, a filter that skips the item.
                computing.Add(inner);
            }
            else
            {
                return null;
            }
        }

        return folds.Count == 0 ? null : (loop, folds, computing);
    }

    /// <summary><c>var word = …;</c> (not using, not ref) or <c>if (…) continue;</c> with no else.</summary>
    private static bool IsComputingStep(StatementSyntax statement) => statement switch
    {
        LocalDeclarationStatementSyntax declaration => !declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                                                      && declaration.Declaration.Type is not RefTypeSyntax,
        IfStatementSyntax { Else: null, Statement: var skip } => skip is ContinueStatementSyntax
                                                                 || (skip is BlockSyntax { Statements.Count: 1 } only && only.Statements[0] is ContinueStatementSyntax),
        _ => false,
    };

    /// <summary>The effects of a computing step of a folding loop (see <see cref="IsComputingStep"/>); null when it may touch shared state.</summary>
    private StateEffects? InnerComputation(StatementSyntax statement)
    {
        var part = statement is IfStatementSyntax filter ? (SyntaxNode)filter.Condition : statement;
        if (_model.GetOperation(part, _cancellationToken) is not { } operation || operation.HasErrors(_model.Compilation, _cancellationToken))
        {
            return null;
        }

        var effects = _effects.Analyze(operation, _scope);
        return EffectsBlocker(statement, effects) is null ? effects : null;
    }

    private static ExpressionSyntax MathCallee(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return ((InvocationExpressionSyntax)expression).Expression.WithoutTrivia();
    }

    private static SyntaxNode? EnclosingFunction(SyntaxNode node)
        => node.Ancestors().FirstOrDefault(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax);

    private static bool IsSimpleLoopOverload(IMethodSymbol method)
    {
        if (method.IsGenericMethod && method.Name == "For")
        {
            return false;
        }

        var last = method.Parameters.LastOrDefault();
        if (last is null || last.Name != "body" || last.Type is not INamedTypeSymbol { Name: "Action", TypeArguments.Length: 1 })
        {
            return false;
        }

        var count = method.Parameters.Length;
        if (method.Name == "For")
        {
            return (count == 3 || (count == 4 && method.Parameters[2].Type.Name == "ParallelOptions"))
                   && method.Parameters[0].Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;
        }

        if (method.Name == "ForEach")
        {
            return method.TypeArguments.Length == 1
                   && method.Parameters[0].Type is INamedTypeSymbol { Name: "IEnumerable" }
                   && (count == 2 || (count == 3 && method.Parameters[1].Type.Name == "ParallelOptions"));
        }

        return false;
    }

    /// <summary>The localInit/body/localFinally call that replaces the loop's: a per-worker local, merged once per worker.</summary>
    private ThreadLocalPlan BuildThreadLocal(ParallelLoop loop, List<FoldPattern> folds, ElementAccessExpressionSyntax? striped)
    {
        var fold = folds[0];
        var position = loop.Invocation.SpanStart;
        var typeSyntax = SyntaxFactory.ParseTypeName(fold.Type.ToMinimalDisplayString(_model, position));
        var localName = FreshName("local" + Capitalise(BaseName(fold.Accumulator.Name)));
        var stateName = FreshName("loopState");
        var local = SyntaxFactory.IdentifierName(localName);

        var bodyLambda = SyntaxFactory.ParenthesizedLambdaExpression(
            SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Parameter(loop.Item.Identifier.WithoutTrivia()),
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(stateName)),
                SyntaxFactory.Parameter(SyntaxFactory.Identifier(localName)),
            })),
            UnlockedBody(loop, folds, local));

        var initLambda = SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(), fold.IdentityValue(typeSyntax));

        var mergeStatement = MergeStatement(fold, local, striped);
        var finallyLambda = SyntaxFactory.SimpleLambdaExpression(
            SyntaxFactory.Parameter(SyntaxFactory.Identifier(localName)),
            SyntaxFactory.Block((striped is null ? _region.Rebuild(new[] { mergeStatement }) : new[] { mergeStatement }).Select(s => s.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticMarker))));

        var invocation = loop.Invocation;
        var arguments = invocation.ArgumentList.Arguments.Take(invocation.ArgumentList.Arguments.Count - 1).ToList();
        arguments.Add(SyntaxFactory.Argument(initLambda));
        arguments.Add(SyntaxFactory.Argument(bodyLambda));
        arguments.Add(SyntaxFactory.Argument(finallyLambda));
        var replacement = SyntaxFactory.InvocationExpression(ThreadLocalCallee(loop, typeSyntax, position), SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))
            .WithTriviaFrom(invocation);
        return new ThreadLocalPlan(invocation, replacement);
    }

    /// <summary>The loop body with the locked statements run unlocked, folding into <paramref name="local"/>; every exit returns the local.</summary>
    private BlockSyntax UnlockedBody(ParallelLoop loop, List<FoldPattern> folds, IdentifierNameSyntax local)
    {
        var regionReplacement = _region.Locked
            .Select(s => s.ReplaceNodes(
                folds.Where(f => s.Contains(f.Statement)).Select(f => f.Statement),
                (original, _) => folds.First(f => f.Statement == original).WithTarget(local)))
            .ToList();
        var lambdaBody = loop.Body;
        var newBody = lambdaBody.TrackNodes(_region.Statements.Concat(
            lambdaBody.DescendantNodes().OfType<ReturnStatementSyntax>().Where(r => EnclosingFunction(r) == loop.Lambda)));
        foreach (var ret in lambdaBody.DescendantNodes().OfType<ReturnStatementSyntax>().Where(r => EnclosingFunction(r) == loop.Lambda))
        {
            var current = newBody.GetCurrentNode(ret)!;
            newBody = newBody.ReplaceNode(current, current.WithExpression(local.WithLeadingTrivia(SyntaxFactory.Space)));
        }

        var firstCurrent = newBody.GetCurrentNode(_region.First)!;
        newBody = newBody.InsertNodesBefore(firstCurrent, regionReplacement);
        foreach (var statement in _region.Statements)
        {
            newBody = newBody.RemoveNode(newBody.GetCurrentNode(statement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        var last = newBody.Statements.LastOrDefault();
        if (last is not ReturnStatementSyntax && last is not ThrowStatementSyntax)
        {
            newBody = newBody.AddStatements(SyntaxFactory.ReturnStatement(local));
        }

        return newBody;
    }

    /// <summary>What localFinally does with a worker's <paramref name="local"/>: fold it into the shared accumulator once.</summary>
    private StatementSyntax MergeStatement(FoldPattern fold, IdentifierNameSyntax local, ElementAccessExpressionSyntax? striped)
    {
        ExpressionSyntax target = fold.Target.WithoutTrivia();
        return fold.Kind switch
        {
            FoldKind.Sum => SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.AddAssignmentExpression, target, local)),
            FoldKind.KeyedSum => KeyedMerge(target, local),
            FoldKind.ArraySum => ArrayMerge(target, local, striped),
            FoldKind.Collect => SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, SyntaxFactory.IdentifierName("AddRange")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(local))))),
            _ => SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target,
                SyntaxFactory.InvocationExpression(
                    MathCallee(((AssignmentExpressionSyntax)((ExpressionStatementSyntax)fold.Statement).Expression).Right),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(target), SyntaxFactory.Argument(local) }))))),
        };
    }

    /// <summary>
    /// <c>Parallel.For&lt;TLocal&gt;</c> / <c>Parallel.ForEach&lt;TSource, TLocal&gt;</c> as the call was written: the generic
    /// arguments are named because TLocal cannot always be inferred from the init lambda (0 is an int).
    /// </summary>
    private ExpressionSyntax ThreadLocalCallee(ParallelLoop loop, TypeSyntax localType, int position)
    {
        var typeArguments = new List<TypeSyntax>();
        if (loop.Method.Name == "ForEach")
        {
            typeArguments.Add(SyntaxFactory.ParseTypeName(loop.Method.TypeArguments[0].ToMinimalDisplayString(_model, position)));
        }

        typeArguments.Add(localType);
        var name = SyntaxFactory.GenericName(SyntaxFactory.Identifier(loop.Method.Name), SyntaxFactory.TypeArgumentList(SyntaxFactory.SeparatedList(typeArguments)));
        return loop.Invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.WithName(name),
            _ => name,
        };
    }

    /// <summary>
    /// <c>for (int k = 0; k &lt; local.Length; k++) target[k] += local[k];</c> under the region's lock; for a striped lock,
    /// each element under its own stripe: <c>for (…) { lock (locks[k]) { target[k] += local[k]; } }</c>.
    /// </summary>
    private StatementSyntax ArrayMerge(ExpressionSyntax target, IdentifierNameSyntax local, ElementAccessExpressionSyntax? striped)
    {
        var k = FreshName("k");
        var add = target + "[" + k + "] += " + local.Identifier.ValueText + "[" + k + "];";
        var header = "for (int " + k + " = 0; " + k + " < " + local.Identifier.ValueText + ".Length; " + k + "++) ";
        if (striped is null)
        {
            return SyntaxFactory.ParseStatement(header + add);
        }

        // Written over several lines: the formatter keeps a lambda block that fits on one line as it is.
        return SyntaxFactory.ParseStatement(header.TrimEnd() + "\n{\nlock (" + striped.Expression.WithoutTrivia() + "[" + k + "])\n{\n" + add + "\n}\n}\n");
    }

    /// <summary><c>foreach (var pair in local) target[pair.Key] = target.TryGetValue(pair.Key, out var sum) ? sum + pair.Value : pair.Value;</c></summary>
    private StatementSyntax KeyedMerge(ExpressionSyntax target, IdentifierNameSyntax local)
    {
        var pair = FreshName("pair");
        var sum = FreshName("sum");
        return SyntaxFactory.ParseStatement(
            "foreach (var " + pair + " in " + local.Identifier.ValueText + ") " + target + "[" + pair + ".Key] = " + target + ".TryGetValue(" + pair + ".Key, out var "
            + sum + ") ? " + sum + " + " + pair + ".Value : " + pair + ".Value;");
    }

    // ---------------------------------------------------------------- names

    private string FreshName(string baseName) => LocalNames.Fresh(baseName, _usedNames);

    private static string BaseName(string name) => LocalNames.FromField(name, "acc");

    private static string Capitalise(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static HashSet<string> NamesInScope(SemanticModel model, GuardedRegion region, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>();
        foreach (var symbol in model.LookupSymbols(region.First.SpanStart))
        {
            names.Add(symbol.Name);
        }

        var member = region.First.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() ?? (SyntaxNode)region.Container;
        foreach (var token in member.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                names.Add(token.ValueText);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return names;
    }
}

internal static class OperationExtensions
{
    public static bool HasErrors(this IOperation operation, Compilation compilation, CancellationToken cancellationToken)
    {
        _ = compilation;
        cancellationToken.ThrowIfCancellationRequested();
        return operation.DescendantsAndSelf().Any(o => o is IInvalidOperation);
    }
}
