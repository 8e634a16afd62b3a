using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// <c>GIL001.ReadLock</c>: a <c>ReaderWriterLockSlim</c> taken in an exclusive mode — <c>EnterWriteLock()</c>,
/// <c>if (!rw.TryEnterWriteLock(t)) throw …;</c> or <c>EnterUpgradeableReadLock()</c>, each with its
/// <c>try { … } finally { release; }</c> — around work that writes nothing shared is taken in read mode instead
/// (<c>EnterReadLock</c>/<c>TryEnterReadLock</c> … <c>ExitReadLock</c>). Writers stay excluded, so the work sees the guarded
/// state as consistent as before; callers that only read then run together instead of one at a time.
/// <para>
/// Proven, not guessed: the <see cref="StateEffectsWalker"/> sees through everything the locked statements run and finds no
/// shared write and nothing it cannot see through; a local of the enclosing function that the work writes is used by no
/// lambda or local function outside the region, and an object it writes into was not handed anywhere before the lock;
/// and neither the region nor any method it can reach (callees, accessors, operators, the overrides dispatch can run,
/// and the members of project types handed to framework code, which may call them back) names a
/// <c>ReaderWriterLockSlim</c> again — taking the same lock again in read mode, or upgrading, would throw
/// <c>LockRecursionException</c> where the exclusive mode did not, and <c>IsWriteLockHeld</c> would change value.
/// </para>
/// <para>
/// What can still differ: a thread that already holds the lock when it reaches the region. Where the exclusive entry
/// worked (the write lock under <c>SupportsRecursion</c>, an upgradeable holder upgrading) the read entry works too; where it
/// threw (a reader asking for the write lock) the read entry may now succeed. Only a region that always threw on that
/// path can behave differently.
/// </para>
/// </summary>
internal sealed class ReadLockMode
{
    /// <summary>The code action's title.</summary>
    public const string Title = "Take the read lock: the locked work writes nothing shared";

    /// <summary>How many methods the search for another use of a reader/writer lock follows before it gives up (and refuses).</summary>
    private const int MaxMethods = 256;

    private readonly InvocationExpressionSyntax _acquire;
    private readonly InvocationExpressionSyntax _release;
    private readonly IReadOnlyList<StatementSyntax> _locked;

    private ReadLockMode(InvocationExpressionSyntax acquire, InvocationExpressionSyntax release, IReadOnlyList<StatementSyntax> locked)
    {
        _acquire = acquire;
        _release = release;
        _locked = locked;
    }

    /// <summary>
    /// The write-lock forms <see cref="GuardedRegion"/> takes (<c>EnterWriteLock()</c>, <c>TryEnterWriteLock(t)</c> behind a guard
    /// that leaves the method, each before or as the first statement of a try whose finally only calls <c>ExitWriteLock()</c>);
    /// null for any other lock.
    /// </summary>
    public static ReadLockMode? ForWriteLock(GuardedRegion region, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!region.BodyIsInTree || region.Acquire is not { } acquireStatement
            || region.Last is not TryStatementSyntax { Finally.Block.Statements: { Count: 1 } releaseStatements }
            || releaseStatements[0] is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release }
            || ReadModeName(release, model, cancellationToken) != "ExitReadLock")
        {
            return null;
        }

        SyntaxNode acquireNode = acquireStatement is IfStatementSyntax guard ? guard.Condition : acquireStatement;
        var acquire = acquireNode.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
            .FirstOrDefault(call => ReadModeName(call, model, cancellationToken) is "EnterReadLock" or "TryEnterReadLock");
        return acquire is null || !SameReceiver(acquire, release) ? null : new ReadLockMode(acquire, release, region.Locked);
    }

    /// <summary>
    /// <c>rw.EnterUpgradeableReadLock();</c> at <paramref name="span"/>, before or as the first statement of
    /// <c>try { … } finally { rw.ExitUpgradeableReadLock(); }</c> (no catch, nothing else in the finally), as the analyzers'
    /// own model of the region has it. <see cref="GuardedRegion"/> takes no upgradeable lock (the other rewrites do not apply
    /// to it); this one does. Null for anything else.
    /// </summary>
    public static ReadLockMode? ForUpgradeable(SyntaxNode root, TextSpan span, SemanticModel model, CancellationToken cancellationToken)
    {
        if (root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>()
                is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax acquire, Parent: BlockSyntax block } acquireStatement
            || acquire.ArgumentList.Arguments.Count != 0
            || model.GetSymbolInfo(acquire, cancellationToken).Symbol is not IMethodSymbol { Name: "EnterUpgradeableReadLock" }
            || ReadModeName(acquire, model, cancellationToken) is null)
        {
            return null;
        }

        var index = block.Statements.IndexOf(acquireStatement);
        var insideTry = block.Parent is TryStatementSyntax enclosing && enclosing.Block == block && index == 0;
        var tryStatement = insideTry ? (TryStatementSyntax)block.Parent! : index + 1 < block.Statements.Count ? block.Statements[index + 1] as TryStatementSyntax : null;
        if (tryStatement is not { Catches.Count: 0, Finally.Block.Statements: { Count: 1 } releaseStatements }
            || releaseStatements[0] is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release }
            || model.GetSymbolInfo(release, cancellationToken).Symbol is not IMethodSymbol { Name: "ExitUpgradeableReadLock" }
            || ReadModeName(release, model, cancellationToken) is null
            || !SameReceiver(acquire, release))
        {
            return null;
        }

        // The analyzers' region must be the same statements (what GIL001 judged CPU-bound is what runs in read mode).
        var locked = insideTry ? tryStatement.Block.Statements.Skip(1).ToArray() : tryStatement.Block.Statements.ToArray();
        if (LockRegionFinder.FromSyntax(model, acquire, KnownTypes.For(model.Compilation), cancellationToken) is not { Kind: LockKind.ReaderWriter } region
            || !region.Body.Select(o => o.Syntax).SequenceEqual(insideTry ? locked : new SyntaxNode[] { tryStatement.Block }))
        {
            return null;
        }

        return new ReadLockMode(acquire, release, locked);
    }

    /// <summary>
    /// The root with the acquire and the release in read mode, when the locked work provably writes nothing shared and uses
    /// no reader/writer lock again; null otherwise, with the reason in <paramref name="why"/>.
    /// </summary>
    public SyntaxNode? Rewrite(SyntaxNode root, SemanticModel model, Refusal why, CancellationToken cancellationToken)
    {
        // An iterator or async method that yields or awaits under the lock runs its caller's code while holding it: the write
        // lock kept that code exclusive too, and nothing here sees what it writes.
        if (_locked.SelectMany(statement => statement.DescendantNodesAndSelf()).FirstOrDefault(HandsBackControl) is { } suspension)
        {
            return why.Refuse<SyntaxNode>(NoFixReasons.JumpsOut, "the lock is held across " + LockFixPlanner.Excerpt(suspension) + ", where the caller's code runs under it");
        }

        var operations = new List<IOperation>();
        foreach (var statement in _locked)
        {
            if (model.GetOperation(statement, cancellationToken) is not { } operation || operation.HasErrors(model.Compilation, cancellationToken))
            {
                return why.Refuse<SyntaxNode>(NoFixReasons.DoesNotCompile);
            }

            operations.Add(operation);
        }

        // First: an upgrade or a helper that takes the lock again would also count as a write to the lock object.
        if (ReaderWriterLockUse(operations, model.Compilation, cancellationToken) is { } use)
        {
            return why.Refuse<SyntaxNode>(NoFixReasons.ReadLockWouldShare, use);
        }

        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var scope = walker.ScopeOf(_acquire);
        var effects = walker.Analyze(operations, scope);
        if (effects.SharedWrites.Count > 0)
        {
            // A definite write says more than a call that might write.
            return why.Refuse<SyntaxNode>(NoFixReasons.ReadLockWouldShare, "it writes " + Named(effects.SharedWrites));
        }

        if (effects.Unknown)
        {
            return why.Refuse<SyntaxNode>(NoFixReasons.OpaqueCall, effects.UnknownReason);
        }

        if (SeenByOthers(effects.LocalWrites, scope, model, cancellationToken) is { } seen)
        {
            return why.Refuse<SyntaxNode>(NoFixReasons.ReadLockWouldShare, seen);
        }

        var names = new[] { ((MemberAccessExpressionSyntax)_acquire.Expression).Name, ((MemberAccessExpressionSyntax)_release.Expression).Name };
        return root.ReplaceNodes(names, (original, _) =>
            SyntaxFactory.IdentifierName(ReadModeName(original.Identifier.ValueText)!).WithTriviaFrom(original));
    }

    /// <summary><c>yield</c>, <c>await</c>, <c>await foreach</c> or <c>await using</c>: the function hands control back to its caller there.</summary>
    private static bool HandsBackControl(SyntaxNode node)
        => node is YieldStatementSyntax or AwaitExpressionSyntax
           || (node is CommonForEachStatementSyntax forEach && forEach.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
           || (node is UsingStatementSyntax usingStatement && usingStatement.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
           || (node is LocalDeclarationStatementSyntax declaration && declaration.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword));

    /// <summary>The written symbol to name in a refusal: a variable before a property, a named property before an indexer (<c>Dictionary[…]</c>).</summary>
    private static string Named(HashSet<ISymbol> written)
    {
        var first = written.OrderBy(w => w is IPropertySymbol property ? property.IsIndexer ? 2 : 1 : 0).First();
        return "'" + (first is IPropertySymbol { IsIndexer: true } indexer ? indexer.ContainingType.Name + "[…]" : first.Name) + "'";
    }

    /// <summary>
    /// The read-mode counterpart of a <c>ReaderWriterLockSlim</c> call in an exclusive mode (<c>EnterWriteLock</c> →
    /// <c>EnterReadLock</c>, <c>ExitUpgradeableReadLock</c> → <c>ExitReadLock</c>, …), called as <c>receiver.Name(…)</c>; null otherwise.
    /// </summary>
    private static string? ReadModeName(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
        => call.Expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Name: IdentifierNameSyntax }
           && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol { IsStatic: false } method
           && KnownTypes.Is(method.ContainingType, KnownTypes.For(model.Compilation).ReaderWriterLockSlim)
            ? ReadModeName(method.Name)
            : null;

    private static string? ReadModeName(string exclusive) => exclusive switch
    {
        "EnterWriteLock" or "EnterUpgradeableReadLock" => "EnterReadLock",
        "TryEnterWriteLock" or "TryEnterUpgradeableReadLock" => "TryEnterReadLock",
        "ExitWriteLock" or "ExitUpgradeableReadLock" => "ExitReadLock",
        _ => null,
    };

    private static bool SameReceiver(InvocationExpressionSyntax acquire, InvocationExpressionSyntax release)
        => acquire.Expression is MemberAccessExpressionSyntax taken && release.Expression is MemberAccessExpressionSyntax released
           && SyntaxFactory.AreEquivalent(taken.Expression, released.Expression);

    /// <summary>
    /// Why a local or parameter of the enclosing function that the work writes (or whose object it writes into) may be seen
    /// by another thread while the region runs: a lambda or local function outside the region uses it (another thread may
    /// run it meanwhile), or, for an object, the function handed it somewhere before the lock. Null when none is.
    /// </summary>
    private string? SeenByOthers(HashSet<ISymbol> written, ThreadScope scope, SemanticModel model, CancellationToken cancellationToken)
    {
        var region = TextSpan.FromBounds(_locked.Count > 0 ? _locked[0].SpanStart : _acquire.SpanStart, _locked.Count > 0 ? _locked[_locked.Count - 1].Span.End : _acquire.Span.End);
        var outside = written.Where(w => !w.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == _acquire.SyntaxTree && region.Contains(r.Span))).ToList();
        if (outside.Count == 0)
        {
            return null;
        }

        if (model.GetOperation(scope.Function, cancellationToken) is not { } function)
        {
            return "the enclosing function is not bound";
        }

        foreach (var reference in function.Descendants())
        {
            var symbol = reference switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is null || region.Contains(reference.Syntax.Span) || !outside.Contains(symbol, SymbolEqualityComparer.Default))
            {
                continue;
            }

            if (reference.Syntax.Ancestors().TakeWhile(a => a != scope.Function).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            {
                return "it writes '" + symbol.Name + "', which a lambda or local function outside the lock also uses";
            }

            if (reference.Syntax.SpanStart < region.Start && reference.Type is { IsValueType: false } && !Contained(reference))
            {
                return "it writes into '" + symbol.Name + "', whose object was handed on before the lock";
            }
        }

        return null;
    }

    /// <summary>A use of a local that does not hand its object on: an element, a member or a method of it, or a new value for it.</summary>
    private static bool Contained(IOperation reference) => reference.Parent switch
    {
        IArrayElementReferenceOperation element => element.ArrayReference == reference,
        IMemberReferenceOperation member => member.Instance == reference,
        IInvocationOperation call => call.Instance == reference,
        ISimpleAssignmentOperation assignment => assignment.Target == reference,
        _ => false,
    };

    /// <summary>
    /// The first use of a <c>ReaderWriterLockSlim</c> in <paramref name="roots"/> or in any method they can run, as a detail for
    /// the refusal; null when there is none. Followed: calls, accessors, operators, method groups, constructors and the field
    /// initialisers of the types made, the source bodies a virtual or interface call can dispatch to, and every member of a
    /// project type handed to framework code (converted to <c>object</c> or an interface, interpolated, enumerated, disposed,
    /// the receiver or an argument of a framework call) or given as a type argument to any generic method or type, which may
    /// call it back (<c>ToString</c>, <c>GetHashCode</c>, <c>CompareTo</c>).
    /// </summary>
    private static string? ReaderWriterLockUse(IReadOnlyList<IOperation> roots, Compilation compilation, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(compilation);
        var reach = new Reach(compilation, cancellationToken);
        var pending = new Queue<IOperation>(roots);
        while (pending.Count > 0)
        {
            foreach (var operation in pending.Dequeue().DescendantsAndSelf())
            {
                if (operation.Type is { } type && KnownTypes.Is(type.OriginalDefinition, types.ReaderWriterLockSlim))
                {
                    return "it uses a reader/writer lock again: " + LockFixPlanner.Excerpt(operation.Syntax);
                }

                reach.Add(operation);
                if (reach.Overflowed)
                {
                    return "it reaches more than " + MaxMethods + " methods, too many to check for another use of the lock";
                }
            }

            while (reach.Bodies.Count > 0)
            {
                pending.Enqueue(reach.Bodies.Dequeue());
            }
        }

        return null;
    }

    /// <summary>The methods code can run, collected operation by operation; their bodies (and the initialisers of the types made) queue up once each.</summary>
    private sealed class Reach
    {
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly SourceImplementations _implementations;
        private readonly HashSet<ISymbol> _seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        public Reach(Compilation compilation, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _cancellationToken = cancellationToken;
            _implementations = WorkCostModel.For(KnownTypes.For(compilation)).Implementations;
        }

        public Queue<IOperation> Bodies { get; } = new Queue<IOperation>();

        public bool Overflowed => _seen.Count > MaxMethods;

        public void Add(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    AddMethod(invocation.TargetMethod);
                    if (!IsInSource(invocation.TargetMethod))
                    {
                        // Framework code handed project objects may call their members back.
                        AddTypesIn(invocation.Instance?.Type);
                        invocation.Arguments.ToList().ForEach(argument => AddTypesIn(argument.Value.Type));
                    }

                    break;
                case IObjectCreationOperation creation:
                    AddMethod(creation.Constructor);
                    AddInitializers(creation.Type);
                    break;
                case IPropertyReferenceOperation property:
                    AddMethod(property.Property.GetMethod);
                    AddMethod(property.Property.SetMethod);
                    break;
                case IEventReferenceOperation eventReference:
                    AddMethod(eventReference.Event.AddMethod);
                    AddMethod(eventReference.Event.RemoveMethod);
                    break;
                case IMethodReferenceOperation methodReference:
                    AddMethod(methodReference.Method);
                    break;
                case IBinaryOperation { OperatorMethod: { } binary }:
                    AddMethod(binary);
                    break;
                case IUnaryOperation { OperatorMethod: { } unary }:
                    AddMethod(unary);
                    break;
                case ICompoundAssignmentOperation { OperatorMethod: { } compound }:
                    AddMethod(compound);
                    break;
                case IIncrementOrDecrementOperation { OperatorMethod: { } increment }:
                    AddMethod(increment);
                    break;
                case IConversionOperation conversion:
                    AddMethod(conversion.OperatorMethod);
                    if (conversion.Operand.Type is { } from && conversion.Type is { } to && !IsInSource(to))
                    {
                        AddTypesIn(from);
                    }

                    break;
                case IInterpolationOperation interpolation:
                    AddTypesIn(interpolation.Expression.Type);
                    break;
                case IForEachLoopOperation loop:
                    AddTypesIn(loop.Collection is IConversionOperation { IsImplicit: true } collection ? collection.Operand.Type : loop.Collection.Type);
                    break;
                case IUsingOperation usingStatement:
                    AddDisposed(usingStatement.Resources);
                    break;
                case IUsingDeclarationOperation usingDeclaration:
                    AddDisposed(usingDeclaration.DeclarationGroup);
                    break;
            }
        }

        /// <summary>The types a <c>using</c> disposes: its declared variables', or its expression's.</summary>
        private void AddDisposed(IOperation resources)
        {
            AddTypesIn(resources.Type);
            foreach (var declarator in resources.DescendantsAndSelf().OfType<IVariableDeclaratorOperation>())
            {
                AddTypesIn(declarator.Symbol.Type);
            }
        }

        private void AddMethod(IMethodSymbol? method)
        {
            if (method is null)
            {
                return;
            }

            // A generic method or type, the project's or the framework's, may call the members of its type arguments
            // (Max<T>(items) where T : IComparable<T>, a Dictionary<TKey, …> hashing its keys).
            foreach (var argument in method.TypeArguments)
            {
                AddTypesIn(argument);
            }

            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                foreach (var argument in type.TypeArguments)
                {
                    AddTypesIn(argument);
                }
            }

            if (!IsInSource(method) || !_seen.Add(method.OriginalDefinition))
            {
                return;
            }

            AddBody(method.OriginalDefinition);
            if (_implementations.Dispatches(method.OriginalDefinition))
            {
                foreach (var implementation in _implementations.For(method.OriginalDefinition, receiverType: null, _cancellationToken))
                {
                    AddMethod(implementation);
                }
            }
        }

        /// <summary>Every member of each project type in <paramref name="type"/> (itself, its element or type arguments, its project base types).</summary>
        private void AddTypesIn(ITypeSymbol? type)
        {
            switch (type)
            {
                case IArrayTypeSymbol array:
                    AddTypesIn(array.ElementType);
                    return;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        AddTypesIn(argument);
                    }

                    for (var current = named.OriginalDefinition; current is not null && IsInSource(current); current = current.BaseType?.OriginalDefinition)
                    {
                        if (!_seen.Add(current))
                        {
                            return;
                        }

                        AddInitializers(current);
                        foreach (var member in current.GetMembers().OfType<IMethodSymbol>())
                        {
                            AddMethod(member);
                        }
                    }

                    return;
            }
        }

        /// <summary>The field and property initialisers of a project type: a new object runs them.</summary>
        private void AddInitializers(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named || !IsInSource(named))
            {
                return;
            }

            foreach (var reference in named.OriginalDefinition.DeclaringSyntaxReferences)
            {
                foreach (var initializer in reference.GetSyntax(_cancellationToken).ChildNodes()
                             .SelectMany(member => member.DescendantNodes().OfType<EqualsValueClauseSyntax>())
                             .Where(clause => clause.Parent is VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } or PropertyDeclarationSyntax))
                {
                    AddSyntax(initializer.Value);
                }
            }
        }

        private void AddBody(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                AddSyntax(reference.GetSyntax(_cancellationToken));
            }
        }

        private void AddSyntax(SyntaxNode syntax)
        {
            if (_compilation.ContainsSyntaxTree(syntax.SyntaxTree)
                && _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, _cancellationToken) is { } body)
            {
                Bodies.Enqueue(body);
            }
        }

        private static bool IsInSource(ISymbol symbol) => symbol.Locations.Length > 0 && symbol.Locations[0].IsInSource;
    }
}
