using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL002 fixes for <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> on CPU-bound methods: drop the attribute
/// when the method touches no shared mutable state; otherwise drop it and lock a private lock object around only the
/// statements that update shared state, after moving the computation in front of them. When the only shared write is a
/// counter bump (<c>_evaluations++;</c>), the first action drops the attribute and bumps the counter with Interlocked: no
/// lock is left at all.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SynchronizedCpuMethodFixer)), Shared]
public sealed partial class SynchronizedCpuMethodFixer : ExplainingCodeFixProvider
{
    public const string RemoveSynchronizedKey = "GIL002.RemoveSynchronized";
    public const string NarrowLockKey = "GIL002.NarrowLock";
    public const string InterlockedCounterKey = "GIL002.InterlockedCounter";
    public const string ScratchToLocalKey = "GIL002.ScratchToLocal";
    public const string NarrowHiddenLockKey = "GIL002.NarrowHiddenLock";
    public const string ReaderWriterLockKey = "GIL002.ReaderWriterLock";

    /// <summary>LanguageVersion.CSharp13, which the Roslyn this assembly builds against does not name yet.</summary>
    private const int CSharp13 = 1300;

    private const string MethodImplAttributeName = "System.Runtime.CompilerServices.MethodImplAttribute";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SynchronizedCpuMethod);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    /// <inheritdoc/>
    private protected override async Task RegisterAsync(Document document, Diagnostic diagnostic, System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var method = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>();
        if (root is null || model is null || method is null || model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var withoutAttribute = RemoveSynchronizedFlag(method, model, cancellationToken);
        if (withoutAttribute is null)
        {
            why.Add(NoFixReasons.SynchronizedShape, "the MethodImpl flags are not plain MethodImplOptions members");
            return;
        }

        if (method.Modifiers.Any(SyntaxKind.AsyncKeyword) || method.DescendantNodes().Any(n => n is YieldStatementSyntax))
        {
            why.Add(NoFixReasons.SynchronizedShape, method.Modifiers.Any(SyntaxKind.AsyncKeyword) ? "an async method" : "an iterator");
            return;
        }

        var (sharer, explicitLock) = HiddenLockSharer(symbol, model, cancellationToken);

        // A method that touches no shared mutable state needs no exclusion, from itself or from anything else taking the
        // hidden lock: removing the flag is safe even beside other Synchronized methods, as long as what they write cannot
        // reach it through its arguments.
        var touched = SharedMutableStateTouched(method, model, cancellationToken);
        if (touched is null
            && (sharer is null || (!explicitLock && OthersWriteOnlyWhatItCannotSee(symbol, model, why, cancellationToken))))
        {
            register(CodeAction.Create(
                "Remove MethodImplOptions.Synchronized (the method touches no shared mutable state)",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(method, withoutAttribute.WithAdditionalAnnotations(Formatter.Annotation)))),
                RemoveSynchronizedKey));
            return;
        }

        if (sharer is not null)
        {
            why.Add(NoFixReasons.HiddenLockShared, sharer + (touched is null ? string.Empty : "; the method " + touched));
            if (touched is not null)
            {
                RegisterOnHiddenLock(document, root, method, withoutAttribute, symbol, model, register, why, cancellationToken);
            }

            // The others' exclusion kept, the method's calls run together: the reader/writer lock the type needed (also for
            // a method that touches only its arguments, when one of them may be an object the others write).
            if (!explicitLock)
            {
                await RegisterReaderWriterAsync(document, root, model, symbol, register, why, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await RegisterNarrowingAsync(document, root, model, method, withoutAttribute, symbol, register, why, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Beside other users of the hidden lock the flag cannot simply go, but the hidden lock can be spelled out around what
    /// needs it: <c>lock (this)</c> (or <c>lock (typeof(T))</c>) is the lock the other Synchronized methods and
    /// <c>lock (this)</c> take, so they still exclude it. (A method that touches no shared mutable state has nothing to keep
    /// under it: removing the flag is the remove action's decision, refused beside other users of the hidden lock.)
    /// </summary>
    private static void RegisterOnHiddenLock(Document document, SyntaxNode root, MethodDeclarationSyntax method, MethodDeclarationSyntax withoutAttribute,
        IMethodSymbol symbol, SemanticModel model, System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        if (NarrowLock(method, withoutAttribute, symbol, model, why, cancellationToken, keepHiddenLock: true) is { } onHiddenLock)
        {
            register(CodeAction.Create(
                "Replace MethodImplOptions.Synchronized with " + (symbol.IsStatic ? "lock (typeof(…))" : "lock (this)") + " around the shared-state update (the lock the type's other synchronized code takes)",
                _ => Task.FromResult(document.WithSyntaxRoot(onHiddenLock(root))),
                NarrowHiddenLockKey));
        }
    }

    /// <summary>
    /// The actions for a method nothing else locks with: Interlocked for a lone counter, then a private lock around the
    /// shared-state update, or else a new scratch buffer per call.
    /// </summary>
    private static async Task RegisterNarrowingAsync(Document document, SyntaxNode root, SemanticModel model, MethodDeclarationSyntax method,
        MethodDeclarationSyntax withoutAttribute, IMethodSymbol symbol, System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        // First: nothing left to serialise when the only shared write is a counter that Interlocked can bump.
        var counted = await InterlockedCountersAsync(document, method, withoutAttribute, symbol, model, why, cancellationToken).ConfigureAwait(false);
        if (counted is not null)
        {
            register(CodeAction.Create(
                "Remove MethodImplOptions.Synchronized and bump the counter with Interlocked",
                _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(method, counted))),
                InterlockedCounterKey));
        }

        var narrowed = NarrowLock(method, withoutAttribute, symbol, model, why, cancellationToken);
        if (narrowed is not null)
        {
            register(CodeAction.Create(
                "Replace MethodImplOptions.Synchronized with a private lock around the shared-state update",
                _ => Task.FromResult(document.WithSyntaxRoot(narrowed(root))),
                NarrowLockKey));
        }
        else if (await ScratchToLocalAsync(document, root, model, method, symbol, cancellationToken).ConfigureAwait(false) is { } scratch)
        {
            register(CodeAction.Create(
                "Use a new buffer per call instead of the shared scratch field, and lock only the shared-state update",
                _ => Task.FromResult(document.WithSyntaxRoot(scratch)),
                ScratchToLocalKey));
        }
    }

    /// <summary>
    /// The hidden lock protects a scratch buffer the method clears first (see <see cref="ScratchBuffers"/>): the buffer
    /// becomes a local, then the lock is narrowed on the rewritten method; null unless both steps succeed.
    /// </summary>
    private static async Task<SyntaxNode?> ScratchToLocalAsync(Document document, SyntaxNode root, SemanticModel model, MethodDeclarationSyntax method, IMethodSymbol symbol, CancellationToken cancellationToken)
    {
        if (method.Body is null || GuardedRegion.ForMethodBody(method.Body, SyntaxFactory.ThisExpression()) is not { } region)
        {
            return null;
        }

        var keep = new SyntaxAnnotation();
        if (ScratchBuffers.Localise(root, model, region, keep, method, cancellationToken) is not { } localised)
        {
            return null;
        }

        var rewritten = document.WithSyntaxRoot(localised);
        var newRoot = await rewritten.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var newModel = await rewritten.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (newRoot is null || newModel is null
            || newRoot.GetAnnotatedNodes(keep).OfType<MethodDeclarationSyntax>().FirstOrDefault() is not { } newMethod
            || RemoveSynchronizedFlag(newMethod, newModel, cancellationToken) is not { } newWithoutAttribute)
        {
            return null;
        }

        return NarrowLock(newMethod, newWithoutAttribute, symbol, newModel, Refusal.Ignored, cancellationToken) is { } narrow ? narrow(newRoot) : null;
    }

    /// <summary>The method without the Synchronized flag (the attribute goes when it was the only option); null when the attribute is not a plain flags expression.</summary>
    private static MethodDeclarationSyntax? RemoveSynchronizedFlag(MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var list in method.AttributeLists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType?.ToDisplayString() != MethodImplAttributeName
                    || attribute.ArgumentList is not { Arguments.Count: 1 } arguments)
                {
                    continue;
                }

                var argument = arguments.Arguments[0].Expression;
                var operands = FlagOperands(argument);
                var synchronized = operands.Where(o => IsSynchronizedMember(o, model, cancellationToken)).ToList();
                if (synchronized.Count == 0)
                {
                    continue;
                }

                if (operands.Any(o => !IsMethodImplOptionsMember(o, model, cancellationToken)))
                {
                    // Numeric or computed flags: too clever to edit safely.
                    return null;
                }

                var remaining = operands.Except(synchronized).ToList();
                if (remaining.Count == 0)
                {
                    if (list.Attributes.Count > 1)
                    {
                        return method.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
                    }

                    // The list goes; what stood before it (indentation, comments) moves to the next token.
                    var index = method.AttributeLists.IndexOf(list);
                    var without = method.WithAttributeLists(method.AttributeLists.RemoveAt(index));
                    if (index == 0)
                    {
                        without = without.WithLeadingTrivia(list.GetLeadingTrivia());
                    }

                    return without;
                }

                ExpressionSyntax combined = remaining[0].WithoutTrivia();
                foreach (var operand in remaining.Skip(1))
                {
                    combined = SyntaxFactory.BinaryExpression(SyntaxKind.BitwiseOrExpression, combined, operand.WithoutTrivia());
                }

                return method.ReplaceNode(argument, combined.WithTriviaFrom(argument));
            }
        }

        return null;
    }

    private static List<ExpressionSyntax> FlagOperands(ExpressionSyntax expression)
    {
        var operands = new List<ExpressionSyntax>();
        void Collect(ExpressionSyntax e)
        {
            if (e is BinaryExpressionSyntax binary && binary.IsKind(SyntaxKind.BitwiseOrExpression))
            {
                Collect(binary.Left);
                Collect(binary.Right);
            }
            else if (e is ParenthesizedExpressionSyntax parenthesized)
            {
                Collect(parenthesized.Expression);
            }
            else
            {
                operands.Add(e);
            }
        }

        Collect(expression);
        return operands;
    }

    private static bool IsMethodImplOptionsMember(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        => model.GetSymbolInfo(expression, cancellationToken).Symbol is IFieldSymbol { ContainingType: { } type }
           && type.Name == "MethodImplOptions" && KnownTypes.Is(type, KnownTypes.For(model.Compilation).MethodImplOptions);

    private static bool IsSynchronizedMember(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken)
        => IsMethodImplOptionsMember(expression, model, cancellationToken)
           && model.GetSymbolInfo(expression, cancellationToken).Symbol?.Name == "Synchronized";

    /// <summary>
    /// Other code that takes the same hidden lock (another Synchronized method of the same kind, <c>lock (this)</c>,
    /// <c>lock (typeof(T))</c>, Monitor on them) relies on excluding this method; a private lock would break that.
    /// Returns what shares it, and whether that is an explicit lock region (checked first) rather than a Synchronized method.
    /// </summary>
    private static (string? Sharer, bool Explicit) HiddenLockSharer(IMethodSymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        var type = symbol.ContainingType;
        var types = KnownTypes.For(model.Compilation);
        foreach (var region in SiblingStateReach.HiddenLockRegions(symbol, model, types, cancellationToken))
        {
            return ("lock on '" + region.LockedValue.Syntax + "'", true);
        }

        foreach (var member in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (SymbolEqualityComparer.Default.Equals(member, symbol) || member.IsStatic != symbol.IsStatic)
            {
                continue;
            }

            if (SynchronizedMethods.IsSynchronized(member, types))
            {
                return ("Synchronized method '" + member.Name + "'", false);
            }
        }

        return (null, false);
    }

    /// <summary>
    /// Beside other Synchronized methods of the type (and no explicit <c>lock (this)</c> / <c>lock (typeof(T))</c> in it,
    /// which <see cref="HiddenLockSharer"/> reports first): every sibling's writes are
    /// known, and either plain values (numbers, strings: nothing another method can be handed) or objects the method cannot
    /// be handed, because it takes no argument of a reference type but string, or because no type reachable from its
    /// arguments' types can hold them (<see cref="SiblingStateReach"/>). Then nothing it reads is written under the
    /// hidden lock, and dropping it from this method changes no value any code sees.
    /// </summary>
    private static bool OthersWriteOnlyWhatItCannotSee(IMethodSymbol symbol, SemanticModel model, Refusal why, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(model.Compilation);
        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var takesObjects = symbol.Parameters.Any(p => !p.Type.IsValueType && p.Type.SpecialType != SpecialType.System_String);
        string? objectWritten = null;
        var failure = SiblingStateReach.SiblingEffects(symbol, model, walker, types, (member, effects) =>
        {
            foreach (var written in effects.SharedWrites)
            {
                var writtenType = written switch
                {
                    IFieldSymbol f => f.Type,
                    IPropertySymbol p => p.Type,
                    ILocalSymbol l => l.Type,
                    IParameterSymbol p => p.Type,
                    _ => null,
                };
                if (takesObjects && (writtenType is null || !(writtenType.IsValueType || writtenType.SpecialType == SpecialType.System_String)))
                {
                    objectWritten ??= "Synchronized method '" + member.Name + "' changes '" + written.Name + "', which could be passed in";
                }
            }

            return null;
        }, cancellationToken);
        if (failure is not null)
        {
            why.Add(NoFixReasons.HiddenLockShared, failure);
            return false;
        }

        // An object the others change could be passed in, unless no type reachable from the parameters can hold it.
        if (objectWritten is not null && SiblingStateReach.Blocker(symbol, model, cancellationToken) is { } reach)
        {
            why.Add(NoFixReasons.HiddenLockShared, objectWritten + "; " + reach);
            return false;
        }

        return true;
    }

    /// <summary>What shared mutable state the method touches ("writes '_total'", "reads '_scale'"); null when none.</summary>
    private static string? SharedMutableStateTouched(MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode? body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
        if (body is null || model.GetOperation(method, cancellationToken) is not { } operation)
        {
            return "has no body to analyse";
        }

        var analyzer = new StateEffectsWalker(model.Compilation, cancellationToken);
        var effects = analyzer.Analyze(operation, analyzer.ScopeOf(body));
        if (effects.Unknown)
        {
            return "may touch anything: " + effects.UnknownReason;
        }

        if (effects.SharedWrites.Count > 0)
        {
            return "writes '" + effects.SharedWrites.First().Name + "'";
        }

        var read = effects.SharedReads.FirstOrDefault(r => !StateEffects.IsImmutableAfterConstruction(r));
        return read is null ? null : "reads '" + read.Name + "'";
    }

    /// <summary>
    /// The method without the Synchronized flag and with its counter bumps (<c>_count++;</c>, <c>_count += 2;</c> — by a
    /// constant — as statements of the body) made Interlocked, when the hidden lock did nothing else: the counters are private int/long fields of the
    /// type, bumped on this object (or the type), read nowhere in the method and written elsewhere in the type only by
    /// increments, Interlocked calls or constructors; the rest of the method writes no shared state; and no derived type
    /// can take the same hidden lock. The caller has checked that nothing in the type itself takes it. Null otherwise, with a
    /// reason when the method has a counter bump at all.
    /// </summary>
    private static async Task<MethodDeclarationSyntax?> InterlockedCountersAsync(Document document, MethodDeclarationSyntax method, MethodDeclarationSyntax withoutAttribute,
        IMethodSymbol symbol, SemanticModel model, Refusal why, CancellationToken cancellationToken)
    {
        if (method.Body is not { Statements.Count: > 0 } body || withoutAttribute.Body is null)
        {
            return null;
        }

        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var scope = walker.ScopeOf(body);
        var updates = new Dictionary<int, InterlockedUpdate>();
        var counters = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var rest = new StateEffects();
        var restStatements = new List<SyntaxNode>();
        for (var i = 0; i < body.Statements.Count; i++)
        {
            var statement = body.Statements[i];
            // A counter: bumped by one or by a constant. A computed amount (_total += s) is an accumulation; the narrowed
            // lock keeps it (the samples' measured first action), and GIL002-N4 does not apply to it.
            if (FoldPattern.Match(statement, model, cancellationToken) is { Kind: FoldKind.Sum } fold
                && (fold.PayloadOperation is null || fold.PayloadOperation.ConstantValue.HasValue)
                && fold.Accumulator is IFieldSymbol field
                && SymbolEqualityComparer.Default.Equals(field.ContainingType, symbol.ContainingType)
                && field.IsStatic == symbol.IsStatic
                && model.GetOperation(fold.Target, cancellationToken) is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } })
            {
                counters.Add(field);
                updates[i] = new InterlockedUpdate(fold.Target.WithoutTrivia(), fold.Payload?.WithoutTrivia(), fold.Negate);
                continue;
            }

            if (model.GetOperation(statement, cancellationToken) is not { } operation || operation.HasErrors(model.Compilation, cancellationToken))
            {
                return null;
            }

            rest.UnionWith(walker.Analyze(operation, scope));
            restStatements.Add(statement);
        }

        if (updates.Count == 0)
        {
            return null;
        }

        var blocker = counters.Cast<IFieldSymbol>().Select(c => CounterBlocker(c, restStatements, method, model, cancellationToken)).FirstOrDefault(b => b is not null);
        blocker ??= rest.Unknown ? "the rest of the method: " + rest.UnknownReason
            : rest.SharedWrites.FirstOrDefault(w => !counters.Contains(w)) is { } written ? "the rest of the method writes '" + written.Name + "'"
            : null;

        if (blocker is null && !symbol.IsStatic && !symbol.ContainingType.IsSealed)
        {
            var derived = await Microsoft.CodeAnalysis.FindSymbols.SymbolFinder.FindDerivedClassesAsync(symbol.ContainingType, document.Project.Solution, transitive: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (derived.FirstOrDefault() is { } subtype)
            {
                blocker = "derived type '" + subtype.Name + "' may take the same hidden lock (lock (this), Synchronized)";
            }
        }

        if (blocker is not null)
        {
            why.Add(NoFixReasons.CounterNotInterlocked, blocker);
            return null;
        }

        var statements = withoutAttribute.Body.Statements;
        var newStatements = statements.Select((s, i) => updates.TryGetValue(i, out var update)
            ? update.ToStatement().WithTriviaFrom(s).WithAdditionalAnnotations(Formatter.Annotation)
            : s);
        return withoutAttribute.WithBody(withoutAttribute.Body.WithStatements(SyntaxFactory.List(newStatements)))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>Why <paramref name="counter"/> cannot become an Interlocked counter (its type, access, modifiers, a read in the method, another write), or null.</summary>
    private static string? CounterBlocker(IFieldSymbol counter, List<SyntaxNode> restStatements, MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellationToken)
        => counter.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) ? "'" + counter.Name + "' is a " + counter.Type.ToDisplayString() + ", not an int or long"
            : counter.DeclaredAccessibility != Accessibility.Private && IsVisibleOutsideAssembly(counter, model.Compilation)
                ? "'" + counter.Name + "' is visible outside this library: code elsewhere may write it"
            : counter.IsReadOnly || counter.IsVolatile ? "'" + counter.Name + "' is " + (counter.IsReadOnly ? "readonly" : "volatile")
            : restStatements.SelectMany(s => s.DescendantNodesAndSelf()).OfType<IdentifierNameSyntax>()
                .Any(n => n.Identifier.ValueText == counter.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, counter))
                ? "the method reads the counter '" + counter.Name + "'"
            : OtherWriteOf(counter, method, model, cancellationToken);

    /// <summary>
    /// Whether code outside this compilation can name <paramref name="counter"/>: a field of a library that is public or
    /// protected all the way out — or also internal, when the library names friend assemblies with
    /// <c>[InternalsVisibleTo]</c> (an executable's members are not referenced by other code in practice).
    /// </summary>
    private static bool IsVisibleOutsideAssembly(IFieldSymbol counter, Compilation compilation)
    {
        if (compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication or OutputKind.WindowsRuntimeApplication)
        {
            return false;
        }

        var hasFriends = compilation.Assembly.GetAttributes().Any(a => a.AttributeClass is { Name: "InternalsVisibleToAttribute", ContainingNamespace: { Name: "CompilerServices", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "System" } } });
        for (ISymbol? symbol = counter; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            var visible = symbol.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal
                          || (hasFriends && symbol.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedAndInternal);
            if (!visible)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Why a write of <paramref name="counter"/> outside <paramref name="method"/> could race with an Interlocked bump in a
    /// way the hidden lock prevented (an assignment, a ref passed to anything but Interlocked), or null: every other write
    /// is an increment, an Interlocked call, or in a constructor (before the object is shared). A private counter is looked
    /// for in its type's code; any other in the whole compilation.
    /// </summary>
    private static string? OtherWriteOf(IFieldSymbol counter, MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellationToken)
    {
        var places = counter.DeclaredAccessibility == Accessibility.Private
            ? counter.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken))
            : model.Compilation.SyntaxTrees.Select(t => t.GetRoot(cancellationToken));
        foreach (var place in places)
        {
            if (!model.Compilation.ContainsSyntaxTree(place.SyntaxTree))
            {
                return "'" + counter.Name + "' is declared in another project";
            }

            var placeModel = place.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(place.SyntaxTree);
            foreach (var identifier in place.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                // Parsimony.TreesScored: the field reference is the member access, not its name.
                SyntaxNode reference = identifier.Parent is MemberAccessExpressionSyntax member && member.Name == identifier ? member : identifier;
                if (identifier.Identifier.ValueText != counter.Name
                    || (identifier.SyntaxTree == method.SyntaxTree && method.Span.Contains(identifier.Span))
                    || placeModel.GetOperation(reference, cancellationToken) is not IFieldReferenceOperation use
                    || !SymbolEqualityComparer.Default.Equals(use.Field, counter))
                {
                    continue;
                }

                // A static counter is set before any thread can run only by the static constructor; an instance one by a constructor.
                var inConstructor = identifier.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is { } constructor
                    && constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == counter.IsStatic
                    && identifier.Ancestors().TakeWhile(a => a is not ConstructorDeclarationSyntax).All(a => a is not AnonymousFunctionExpressionSyntax && a is not LocalFunctionStatementSyntax);
                var write = use.Parent switch
                {
                    ISimpleAssignmentOperation assignment when assignment.Target == use => inConstructor ? null : "assigned",
                    ICompoundAssignmentOperation compound when compound.Target == use => compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract ? null : "updated",
                    IIncrementOrDecrementOperation => null,
                    IArgumentOperation { Parameter.RefKind: not RefKind.None, Parent: IInvocationOperation call }
                        => KnownTypes.Is(call.TargetMethod.ContainingType, KnownTypes.For(placeModel.Compilation).Interlocked) ? null : "passed by reference",
                    IArgumentOperation { Parameter.RefKind: not RefKind.None } => "passed by reference",
                    ITupleOperation or IAddressOfOperation => "written through a tuple or pointer",
                    _ => reference.Parent is RefExpressionSyntax ? "taken by reference" : null,
                };
                if (write is not null)
                {
                    return "'" + counter.Name + "' is " + write + " elsewhere: " + LockFixPlanner.Excerpt(identifier.FirstAncestorOrSelf<StatementSyntax>() ?? (SyntaxNode)identifier);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The method without the flag, its shared-state update under an explicit lock and the rest moved out (or its loop
    /// split): a new private lock field, or with <paramref name="keepHiddenLock"/> the hidden lock itself spelled out
    /// (<c>this</c>, <c>typeof(T)</c>; not in a struct, whose <c>this</c> cannot be locked), which other code of the type
    /// also takes — the planner then keeps clear of what that code writes. Null, with the refusal recorded, when neither
    /// rewrite is proven.
    /// </summary>
    private static System.Func<SyntaxNode, SyntaxNode>? NarrowLock(MethodDeclarationSyntax method, MethodDeclarationSyntax withoutAttribute, IMethodSymbol symbol, SemanticModel model, Refusal why, CancellationToken cancellationToken, bool keepHiddenLock = false)
    {
        if (method.Body is null || method.Parent is not TypeDeclarationSyntax typeDeclaration)
        {
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.ExpressionBodyWrites);
        }

        if (keepHiddenLock && !symbol.IsStatic && symbol.ContainingType.IsValueType)
        {
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.SynchronizedShape, "a struct's method: its hidden lock cannot be written as lock (this)");
        }

        if (keepHiddenLock && SiblingStateReach.Blocker(symbol, model, cancellationToken) is { } handedIn)
        {
            // The other synchronized code may use the very object handed in (a field's array passed as the argument):
            // work on such a parameter stays where the hidden lock covered it. An argument whose type can hold none of
            // the objects that code reads or writes was never shared with it through the lock.
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.HiddenLockShared, handedIn);
        }

        // A new private lock field's name; none when the hidden lock is kept.
        var fieldName = keepHiddenLock ? string.Empty : FreshMemberName(symbol, (symbol.IsStatic ? "s_" : "_") + char.ToLowerInvariant(symbol.Name[0]) + symbol.Name.Substring(1) + "Lock");
        ExpressionSyntax lockReference = !keepHiddenLock ? SyntaxFactory.IdentifierName(fieldName)
            : symbol.IsStatic ? SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(symbol.ContainingType.ToMinimalDisplayString(model, method.SpanStart)))
            : SyntaxFactory.ThisExpression();
        var region = GuardedRegion.ForMethodBody(method.Body, lockReference, keepHiddenLock);
        if (region is null)
        {
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.NothingToMove, "the method body is empty");
        }

        if (NarrowedStatements(new LockFixPlanner(model, region, cancellationToken, why), region, keepHiddenLock, why, out var guardsNothing) is not { } newStatements)
        {
            return null;
        }

        newStatements = newStatements.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
        var newMethod = withoutAttribute.WithBody(withoutAttribute.Body!.WithStatements(SyntaxFactory.List(newStatements)))
            .WithAdditionalAnnotations(Formatter.Annotation);

        if (keepHiddenLock || guardsNothing)
        {
            return root => root.ReplaceNode(method, newMethod);
        }

        var field = NewLockField(symbol, model, method, fieldName);
        return root =>
        {
            var tracked = root.TrackNodes(method);
            var current = tracked.GetCurrentNode(method)!;
            var type = (TypeDeclarationSyntax)current.Parent!;
            var index = type.Members.IndexOf(current);
            var newType = type.WithMembers(type.Members.Replace(current, newMethod).Insert(index, field));
            return tracked.ReplaceNode(type, newType);
        };
    }

    /// <summary>
    /// The method's statements with the lock narrowed: the work moved out (<see cref="LockFixPlanner.PlanMoveOut"/>), or a
    /// CPU-bound loop that stays split into items computed unlocked and writes applied under the lock
    /// (<see cref="LockFixPlanner.PlanSplitLoop"/>); null when neither applies. <paramref name="guardsNothing"/>: what stays
    /// touches nothing shared, so it runs unlocked and no new lock is made.
    /// </summary>
    private static IEnumerable<StatementSyntax>? NarrowedStatements(LockFixPlanner planner, GuardedRegion region, bool keepHiddenLock, Refusal why, out bool guardsNothing)
    {
        guardsNothing = false;
        IEnumerable<StatementSyntax> newStatements;
        if (planner.PlanMoveOut() is { } plan)
        {
            if (keepHiddenLock && (plan.DropLock || plan.KeptTouchesNothingShared))
            {
                // Nothing the type's other synchronized code writes would stay locked (nothing at all, or only what touches
                // no shared state, as a final `return localResult;`): that is removing the flag, which beside other users
                // of the hidden lock is the remove action's decision (refused above), not this one's.
                return why.Refuse<IEnumerable<StatementSyntax>>(NoFixReasons.HiddenLockShared, "nothing would stay under the hidden lock");
            }

            // What stays guards nothing (no shared write, only reads of state that cannot change after construction, as
            // a final `return localResult;` once the work left): it runs unlocked and no new lock is made.
            guardsNothing = !keepHiddenLock && plan.KeptTouchesNothingShared;
            newStatements = plan.Hoisted.Concat(guardsNothing ? plan.Kept : region.Rebuild(plan.Kept)).Concat(plan.Sunk);
        }
        else if (planner.PlanSplitLoop() is { } split)
        {
            // A CPU-bound loop that stays: its items computed unlocked, their writes applied under the new lock (GIL001.SplitLoop).
            var tryStatement = SyntaxFactory.TryStatement(
                SyntaxFactory.Block(split.ComputeLoop),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(region.Rebuild(split.Locked))));
            newStatements = split.Hoisted.Concat(new[] { split.PendingDeclaration, tryStatement }).Concat(split.Sunk);
        }
        else
        {
            return null;
        }

        return newStatements;
    }

    /// <summary>
    /// <c>private [static] readonly object _nameLock = new object();</c> — a <c>System.Threading.Lock</c> where the target
    /// framework has it and the language (C# 13) locks on it properly.
    /// </summary>
    private static FieldDeclarationSyntax NewLockField(IMethodSymbol symbol, SemanticModel model, MethodDeclarationSyntax method, string fieldName)
    {
        var useLockType = GilAnalyzers.Core.KnownTypes.For(model.Compilation).Lock is not null
            && (int)((CSharpParseOptions)method.SyntaxTree.Options).LanguageVersion >= CSharp13;
        var lockType = useLockType
            ? SyntaxFactory.ParseTypeName("global::System.Threading.Lock").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)
            : SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ObjectKeyword));
        var modifiers = new List<SyntaxToken> { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) };
        if (symbol.IsStatic)
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.StaticKeyword));
        }

        modifiers.Add(SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword));
        return SyntaxFactory.FieldDeclaration(
                SyntaxFactory.VariableDeclaration(lockType,
                    SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(fieldName))
                            .WithInitializer(SyntaxFactory.EqualsValueClause(
                                SyntaxFactory.ObjectCreationExpression(lockType, SyntaxFactory.ArgumentList(), null))))))
            .WithModifiers(SyntaxFactory.TokenList(modifiers))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static string FreshMemberName(IMethodSymbol method, string name)
    {
        var taken = new HashSet<string>(method.ContainingType.GetMembers().Select(m => m.Name));
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
