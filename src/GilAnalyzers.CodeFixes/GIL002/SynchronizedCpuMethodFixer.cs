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
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL002 fixes for <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> on CPU-bound methods: drop the attribute
/// when the method touches no shared mutable state; otherwise drop it and lock a private lock object around only the
/// statements that update shared state, after moving the computation in front of them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SynchronizedCpuMethodFixer)), Shared]
public sealed class SynchronizedCpuMethodFixer : ExplainingCodeFixProvider
{
    public const string RemoveSynchronizedKey = "GIL002.RemoveSynchronized";
    public const string NarrowLockKey = "GIL002.NarrowLock";

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
            return;
        }

        var narrowed = NarrowLock(method, withoutAttribute, symbol, model, why, cancellationToken);
        if (narrowed is not null)
        {
            register(CodeAction.Create(
                "Replace MethodImplOptions.Synchronized with a private lock around the shared-state update",
                _ => Task.FromResult(document.WithSyntaxRoot(narrowed(root))),
                NarrowLockKey));
        }
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
           && type.ToDisplayString() == "System.Runtime.CompilerServices.MethodImplOptions";

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
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var typeSyntax = reference.GetSyntax(cancellationToken);
            if (!model.Compilation.ContainsSyntaxTree(typeSyntax.SyntaxTree))
            {
                continue;
            }

            var typeModel = typeSyntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(typeSyntax.SyntaxTree);
            foreach (var region in LockRegionFinder.FindAll(typeModel, typeSyntax, types, cancellationToken))
            {
                var locked = region.LockedValue.Syntax;
                if (symbol.IsStatic ? locked is TypeOfExpressionSyntax typeOf && SymbolEqualityComparer.Default.Equals(typeModel.GetTypeInfo(typeOf.Type, cancellationToken).Type, type)
                                    : locked is ThisExpressionSyntax)
                {
                    return ("lock on '" + locked + "'", true);
                }
            }
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
    /// be handed, because it takes no argument of a reference type but string. Then nothing it reads is written under the
    /// hidden lock, and dropping it from this method changes no value any code sees.
    /// </summary>
    private static bool OthersWriteOnlyWhatItCannotSee(IMethodSymbol symbol, SemanticModel model, Refusal why, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(model.Compilation);
        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var takesObjects = symbol.Parameters.Any(p => !p.Type.IsValueType && p.Type.SpecialType != SpecialType.System_String);
        foreach (var member in symbol.ContainingType.GetMembers().OfType<IMethodSymbol>())
        {
            if (SymbolEqualityComparer.Default.Equals(member, symbol) || member.IsStatic != symbol.IsStatic
                || !SynchronizedMethods.IsSynchronized(member, types))
            {
                continue;
            }

            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (!model.Compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    why.Add(NoFixReasons.HiddenLockShared, "Synchronized method '" + member.Name + "' is in another project");
                    return false;
                }

                var memberModel = syntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(syntax.SyntaxTree);
                SyntaxNode? body = syntax switch
                {
                    BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                    AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                    _ => null,
                };
                if (body is null || memberModel.GetOperation(syntax, cancellationToken) is not { } operation)
                {
                    why.Add(NoFixReasons.HiddenLockShared, "Synchronized member '" + member.Name + "' has no body to analyse");
                    return false;
                }

                var effects = walker.Analyze(operation, walker.ScopeOf(body));
                if (effects.Unknown)
                {
                    why.Add(NoFixReasons.HiddenLockShared, "Synchronized method '" + member.Name + "': " + effects.UnknownReason);
                    return false;
                }

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
                        why.Add(NoFixReasons.HiddenLockShared, "Synchronized method '" + member.Name + "' changes '" + written.Name + "', which could be passed in");
                        return false;
                    }
                }
            }
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

    private static System.Func<SyntaxNode, SyntaxNode>? NarrowLock(MethodDeclarationSyntax method, MethodDeclarationSyntax withoutAttribute, IMethodSymbol symbol, SemanticModel model, Refusal why, CancellationToken cancellationToken)
    {
        if (method.Body is null || method.Parent is not TypeDeclarationSyntax typeDeclaration)
        {
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.ExpressionBodyWrites);
        }

        // System.Threading.Lock only where the target framework has it and the language (C# 13) locks on it properly.
        var useLockType = GilAnalyzers.Core.KnownTypes.For(model.Compilation).Lock is not null
            && (int)((CSharpParseOptions)method.SyntaxTree.Options).LanguageVersion >= CSharp13;
        var fieldName = FreshMemberName(symbol, (symbol.IsStatic ? "s_" : "_") + char.ToLowerInvariant(symbol.Name[0]) + symbol.Name.Substring(1) + "Lock");
        var lockReference = SyntaxFactory.IdentifierName(fieldName);
        var region = GuardedRegion.ForMethodBody(method.Body, lockReference);
        if (region is null)
        {
            return why.Refuse<System.Func<SyntaxNode, SyntaxNode>>(NoFixReasons.NothingToMove, "the method body is empty");
        }

        var plan = new LockFixPlanner(model, region, cancellationToken, why).PlanMoveOut();
        if (plan is null)
        {
            return null;
        }

        var newStatements = plan.Hoisted.Concat(region.Rebuild(plan.Kept)).Select(s => s.WithAdditionalAnnotations(Formatter.Annotation));
        var newMethod = withoutAttribute.WithBody(withoutAttribute.Body!.WithStatements(SyntaxFactory.List(newStatements)))
            .WithAdditionalAnnotations(Formatter.Annotation);

        var lockType = useLockType
            ? SyntaxFactory.ParseTypeName("global::System.Threading.Lock").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)
            : SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.ObjectKeyword));
        var modifiers = new List<SyntaxToken> { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) };
        if (symbol.IsStatic)
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.StaticKeyword));
        }

        modifiers.Add(SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword));
        var field = SyntaxFactory.FieldDeclaration(
                SyntaxFactory.VariableDeclaration(lockType,
                    SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(fieldName))
                            .WithInitializer(SyntaxFactory.EqualsValueClause(
                                SyntaxFactory.ObjectCreationExpression(lockType, SyntaxFactory.ArgumentList(), null))))))
            .WithModifiers(SyntaxFactory.TokenList(modifiers))
            .WithAdditionalAnnotations(Formatter.Annotation);

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
