using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// <c>GIL002.ReaderWriterLock</c>: a type whose methods are all <c>Synchronized</c> on the instance, where the reported
/// method only reads what the others write (an index's <c>Search</c> beside its <c>Add</c>). The hidden lock lets one
/// search run at a time although searches change nothing; the lock the type needed is a reader/writer lock. Every
/// <c>Synchronized</c> instance method of the type loses the flag and takes one new <c>ReaderWriterLockSlim</c> around its
/// whole body: in read mode when it writes no shared state (a counter bumped as a statement of its body becomes an
/// <c>Interlocked</c> bump, as for <c>GIL002.InterlockedCounter</c>), in write mode otherwise. Readers then run together,
/// and a writer still excludes everything the hidden lock excluded.
/// </summary>
/// <remarks>
/// Offered when: the type is a class declared in one file, with no <c>lock (this)</c> / <c>Monitor</c> on the instance (the
/// caller has checked) and no derived type in the solution; every <c>Synchronized</c> instance method of the type is an
/// ordinary, synchronous, non-iterator method of that file whose flags are plain <c>MethodImplOptions</c> members; the
/// readers' effects are all known (no delegate, virtual or unknown call) and none of them can call, on the same instance,
/// a method that writes (a read lock cannot be upgraded: <c>LockRecursionPolicy.SupportsRecursion</c> lets a reader call a
/// reader and a writer call anything, which is what the reentrant hidden lock allowed); and no method of the type waits
/// or pulses on a monitor. Static <c>Synchronized</c> methods lock the type object, another lock, and stay as they are.
/// </remarks>
public sealed partial class SynchronizedCpuMethodFixer
{
    private static async Task RegisterReaderWriterAsync(Document document, SyntaxNode root, SemanticModel model, IMethodSymbol symbol,
        System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        if (symbol.IsStatic)
        {
            return;
        }

        var plan = await ReaderWriterPlanAsync(document, root, model, symbol, why, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return;
        }

        var readers = string.Join(", ", plan.Methods.Where(m => m.Reads).Select(m => "'" + m.Symbol.Name + "'").Distinct());
        register(CodeAction.Create(
            "Replace the type's MethodImplOptions.Synchronized with a ReaderWriterLockSlim (" + readers + " in read mode)",
            _ => Task.FromResult(document.WithSyntaxRoot(RewriteWithReaderWriterLock(root, plan))),
            ReaderWriterLockKey));
    }

    private sealed class ReaderWriterPlan
    {
        public ReaderWriterPlan(TypeDeclarationSyntax type, List<LockedMethod> methods, string fieldName)
        {
            Type = type;
            Methods = methods;
            FieldName = fieldName;
        }

        public TypeDeclarationSyntax Type { get; }

        public List<LockedMethod> Methods { get; }

        public string FieldName { get; }
    }

    private sealed class LockedMethod
    {
        public LockedMethod(IMethodSymbol symbol, MethodDeclarationSyntax original, MethodDeclarationSyntax rewritten, bool reads)
        {
            Symbol = symbol;
            Original = original;
            Rewritten = rewritten;
            Reads = reads;
        }

        public IMethodSymbol Symbol { get; }

        public MethodDeclarationSyntax Original { get; }

        /// <summary>Without the flag, counter bumps made Interlocked for a reader; the body is not wrapped yet.</summary>
        public MethodDeclarationSyntax Rewritten { get; }

        /// <summary>Takes the lock in read mode.</summary>
        public bool Reads { get; }
    }

    private static async Task<ReaderWriterPlan?> ReaderWriterPlanAsync(Document document, SyntaxNode root, SemanticModel model, IMethodSymbol symbol, Refusal why, CancellationToken cancellationToken)
    {
        var type = symbol.ContainingType;
        var types = KnownTypes.For(model.Compilation);
        if (type.TypeKind != TypeKind.Class || type.DeclaringSyntaxReferences.Length != 1
            || type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not TypeDeclarationSyntax typeDeclaration
            || typeDeclaration.SyntaxTree != root.SyntaxTree)
        {
            return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "the type is not one class declared in this file");
        }

        if (types.ReaderWriterLockSlim is null)
        {
            return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "ReaderWriterLockSlim is not available");
        }

        if (typeDeclaration.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText is "Monitor" or "Wait" or "Pulse" or "PulseAll"
                && model.GetSymbolInfo(n, cancellationToken).Symbol is { } used
                && (used.ToDisplayString() == "System.Threading.Monitor" || used.ContainingType?.ToDisplayString() == "System.Threading.Monitor")))
        {
            return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "the type uses Monitor, which may wait or pulse on the instance");
        }

        if (!type.IsSealed)
        {
            var derived = await Microsoft.CodeAnalysis.FindSymbols.SymbolFinder.FindDerivedClassesAsync(type, document.Project.Solution, transitive: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (derived.FirstOrDefault() is { } subtype)
            {
                return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "derived type '" + subtype.Name + "' may take the same hidden lock");
            }
        }

        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var methods = new List<LockedMethod>();
        foreach (var member in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (member.IsStatic || !SynchronizedMethods.IsSynchronized(member, types))
            {
                continue;
            }

            if (member.MethodKind != MethodKind.Ordinary || member.DeclaringSyntaxReferences.Length != 1
                || member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration
                || declaration.SyntaxTree != root.SyntaxTree
                || (declaration.Body is null && declaration.ExpressionBody is null)
                || declaration.Modifiers.Any(SyntaxKind.AsyncKeyword)
                || declaration.DescendantNodes().Any(n => n is YieldStatementSyntax)
                || RemoveSynchronizedFlag(declaration, model, cancellationToken) is not { } withoutFlag)
            {
                return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "Synchronized member '" + member.Name + "' is not a plain synchronous method of this file");
            }

            var reader = await AsReaderAsync(document, declaration, withoutFlag, member, model, walker, cancellationToken).ConfigureAwait(false);
            if (reader is null && SymbolEqualityComparer.Default.Equals(member, symbol))
            {
                return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "the method writes shared state, so it could not take the lock in read mode");
            }

            methods.Add(new LockedMethod(member, declaration, reader ?? withoutFlag, reader is not null));
        }

        if (methods.All(m => m.Reads))
        {
            // Nothing writes under the hidden lock: that is removing the flag, the remove action's decision.
            return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "no Synchronized method of the type writes shared state");
        }

        var writers = new HashSet<IMethodSymbol>(methods.Where(m => !m.Reads).Select(m => m.Symbol), SymbolEqualityComparer.Default);
        foreach (var reader in methods.Where(m => m.Reads))
        {
            if (ReachedOnThis(reader.Symbol, model.Compilation, writers, cancellationToken) is { } writer)
            {
                return why.Refuse<ReaderWriterPlan>(NoFixReasons.NoReaderWriterLock, "'" + reader.Symbol.Name + "' may call '" + writer.Name + "', which writes, on the same instance");
            }
        }

        var fieldName = FreshMemberName(symbol, "_" + char.ToLowerInvariant(type.Name[0]) + type.Name.Substring(1) + "Lock");
        return new ReaderWriterPlan(typeDeclaration, methods, fieldName);
    }

    /// <summary>
    /// The method without the flag when it writes no shared state (its counter bumps made Interlocked, on the conditions of
    /// <c>GIL002.InterlockedCounter</c>); null when it writes, or its effects are not all known.
    /// </summary>
    private static async Task<MethodDeclarationSyntax?> AsReaderAsync(Document document, MethodDeclarationSyntax declaration, MethodDeclarationSyntax withoutFlag,
        IMethodSymbol member, SemanticModel model, StateEffectsWalker walker, CancellationToken cancellationToken)
    {
        SyntaxNode body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody!;
        if (model.GetOperation(declaration, cancellationToken) is not { } operation || operation.HasErrors(model.Compilation, cancellationToken))
        {
            return null;
        }

        var effects = walker.Analyze(operation, walker.ScopeOf(body));
        if (!effects.Unknown && effects.SharedWrites.Count == 0)
        {
            return withoutFlag;
        }

        return await InterlockedCountersAsync(document, declaration, withoutFlag, member, model, Refusal.Ignored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A method of <paramref name="targets"/> that <paramref name="method"/> may call on its own instance, directly or through
    /// other methods and accessors of its type (up to a depth); null when none.
    /// </summary>
    private static IMethodSymbol? ReachedOnThis(IMethodSymbol method, Compilation compilation, HashSet<IMethodSymbol> targets, CancellationToken cancellationToken)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method };
        var pending = new Queue<(IMethodSymbol Method, int Depth)>();
        pending.Enqueue((method, 0));
        while (pending.Count > 0)
        {
            var (current, depth) = pending.Dequeue();
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
                if (model.GetOperation(syntax, cancellationToken) is not { } operation)
                {
                    continue;
                }

                foreach (var node in operation.DescendantsAndSelf())
                {
                    var (callee, instance) = node switch
                    {
                        IInvocationOperation call => (call.TargetMethod, call.Instance),
                        IPropertyReferenceOperation property => (property.Property.GetMethod ?? property.Property.SetMethod, property.Instance),
                        _ => (null, null),
                    };
                    if (callee is null || callee.IsStatic || instance is not IInstanceReferenceOperation
                        || !SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, method.ContainingType.OriginalDefinition))
                    {
                        continue;
                    }

                    if (targets.Contains(callee.OriginalDefinition))
                    {
                        return callee;
                    }

                    if (depth < 8 && seen.Add(callee.OriginalDefinition))
                    {
                        pending.Enqueue((callee.OriginalDefinition, depth + 1));
                    }
                }
            }
        }

        return null;
    }

    private static SyntaxNode RewriteWithReaderWriterLock(SyntaxNode root, ReaderWriterPlan plan)
    {
        var lockName = SyntaxFactory.IdentifierName(plan.FieldName);
        var replacements = plan.Methods.ToDictionary(m => (SyntaxNode)m.Original, m => (SyntaxNode)Guarded(m, lockName));
        var marker = new SyntaxAnnotation();
        var rewritten = root.ReplaceNodes(replacements.Keys.Append(plan.Type), (original, current) =>
            original == plan.Type ? current.WithAdditionalAnnotations(marker) : replacements[original]);
        var type = (TypeDeclarationSyntax)rewritten.GetAnnotatedNodes(marker).Single();

        // The lock goes after the type's last field (first in the type when it has none).
        var lockType = SyntaxFactory.ParseTypeName("global::System.Threading.ReaderWriterLockSlim").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var policy = SyntaxFactory.ParseExpression("global::System.Threading.LockRecursionPolicy.SupportsRecursion").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var field = SyntaxFactory.FieldDeclaration(
                SyntaxFactory.VariableDeclaration(lockType,
                    SyntaxFactory.SingletonSeparatedList(
                        SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(plan.FieldName))
                            .WithInitializer(SyntaxFactory.EqualsValueClause(
                                SyntaxFactory.ObjectCreationExpression(lockType, SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(policy))), null))))))
            .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PrivateKeyword), SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var lastField = type.Members.LastOrDefault(m => m is FieldDeclarationSyntax);
        var index = lastField is null ? 0 : type.Members.IndexOf(lastField) + 1;
        return rewritten.ReplaceNode(type, type.WithMembers(type.Members.Insert(index, field)));
    }

    /// <summary>The method's body inside <c>EnterReadLock()</c>/<c>EnterWriteLock()</c>, <c>try</c>, and the exit in <c>finally</c>.</summary>
    private static MethodDeclarationSyntax Guarded(LockedMethod method, IdentifierNameSyntax lockName)
    {
        var mode = method.Reads ? "Read" : "Write";
        var declaration = method.Rewritten;
        BlockSyntax body;
        if (declaration.Body is { } block)
        {
            body = block;
        }
        else
        {
            var expression = declaration.ExpressionBody!.Expression.WithoutTrivia();
            body = SyntaxFactory.Block(expression is ThrowExpressionSyntax thrown
                ? SyntaxFactory.ThrowStatement(thrown.Expression)
                : !method.Symbol.ReturnsVoid
                    ? SyntaxFactory.ReturnStatement(expression)
                    : SyntaxFactory.ExpressionStatement(expression));
            declaration = declaration.WithExpressionBody(null).WithSemicolonToken(default);
        }

        StatementSyntax Call(string name) => SyntaxFactory.ExpressionStatement(SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, lockName, SyntaxFactory.IdentifierName(name))));

        var guarded = SyntaxFactory.Block(
            Call("Enter" + mode + "Lock"),
            SyntaxFactory.TryStatement(
                SyntaxFactory.Block(body.Statements),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(Call("Exit" + mode + "Lock")))));
        return declaration.WithBody(guarded.WithTriviaFrom(body)).WithAdditionalAnnotations(Formatter.Annotation);
    }
}
