using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// A static counter beside per-call working state: <c>public static long Computed;</c> bumped by every call
/// (<c>Computed++;</c>, <c>s_bytes += n;</c>) and read only by code the lock does not call (a statistics property). A
/// per-thread copy would split its count; it stays one shared field, and each bump becomes atomic
/// (<c>Interlocked.Increment(ref Computed);</c>), so the total read after the work is the same whatever the order of the
/// calls (integer sums commute).
/// </summary>
internal sealed class ThreadStaticTally
{
    private ThreadStaticTally(IFieldSymbol field, IReadOnlyList<(ExpressionStatementSyntax Statement, InterlockedUpdate Update)> bumps, IReadOnlyList<SyntaxNode> reads)
    {
        Field = field;
        Bumps = bumps;
        Reads = reads;
    }

    public IFieldSymbol Field { get; }

    /// <summary>The bump statements that are not atomic yet, each with its Interlocked form.</summary>
    public IReadOnlyList<(ExpressionStatementSyntax Statement, InterlockedUpdate Update)> Bumps { get; }

    /// <summary>Every other mention: plain reads of the field's value.</summary>
    public IReadOnlyList<SyntaxNode> Reads { get; }

    /// <summary>
    /// The tally <paramref name="field"/> is, or null: a static <c>int</c>/<c>long</c> field of a non-generic class or struct
    /// of the compilation's source (not <c>const</c>, <c>readonly</c> or already per thread), every mention of which in the
    /// compilation is a bump statement (by one or by an integer amount), an Interlocked bump, or a plain read of its value.
    /// </summary>
    public static ThreadStaticTally? Of(Compilation compilation, IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (!field.IsStatic || field.IsConst || field.IsReadOnly || field.DeclaringSyntaxReferences.Length != 1
            || field.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)
            || field.GetAttributes().Any(a => a.AttributeClass?.Name == "ThreadStaticAttribute")
            || !compilation.ContainsSyntaxTree(field.DeclaringSyntaxReferences[0].SyntaxTree))
        {
            return null;
        }

        for (var type = field.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return null;
            }
        }

        var bumps = new List<(ExpressionStatementSyntax, InterlockedUpdate)>();
        var reads = new List<SyntaxNode>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (tree.GetText(cancellationToken).ToString().IndexOf(field.Name, System.StringComparison.Ordinal) < 0)
            {
                continue;
            }

            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, field)
                    || name.Ancestors().OfType<VariableDeclaratorSyntax>().Any(v => SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(v, cancellationToken), field)))
                {
                    continue;
                }

                switch (Use(name, field, model, cancellationToken))
                {
                    case (UseKind.Bump, var bump):
                        bumps.Add(bump!.Value);
                        break;
                    case (UseKind.AtomicBump, _):
                        break;
                    case (UseKind.Read, _):
                        reads.Add(name);
                        break;
                    default:
                        return null;
                }
            }
        }

        return new ThreadStaticTally(field, bumps, reads);
    }

    private enum UseKind
    {
        Other,
        Bump,
        AtomicBump,
        Read,
    }

    private static (UseKind, (ExpressionStatementSyntax, InterlockedUpdate)?) Use(IdentifierNameSyntax name, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var reference = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? (ExpressionSyntax)access : name;
        var statement = reference.Parent switch
        {
            PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax => reference.Parent.Parent as ExpressionStatementSyntax,
            _ => null,
        };
        if (statement is not null)
        {
            // Computed++; s_bytes += n; — a sum fold of the field by an integer amount, as a statement of its own.
            return FoldPattern.Match(statement, model, cancellationToken) is { Kind: FoldKind.Sum } fold
                   && SymbolEqualityComparer.Default.Equals(fold.Accumulator, field)
                   && fold.Target == reference
                ? (UseKind.Bump, (statement, new InterlockedUpdate(fold.Target.WithoutTrivia(), fold.Payload?.WithoutTrivia(), fold.Negate)))
                : (UseKind.Other, null);
        }

        if (model.GetOperation(reference, cancellationToken) is not IFieldReferenceOperation operation)
        {
            return (UseKind.Other, null);
        }

        switch (operation.Parent)
        {
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref, Parent: IInvocationOperation { TargetMethod: { Name: "Increment" or "Decrement" or "Add", ContainingType: { Name: "Interlocked" } type } } }
                when type.ContainingNamespace?.ToDisplayString() == "System.Threading":
                return (UseKind.AtomicBump, null);
            case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
            case IAssignmentOperation assignment when assignment.Target == operation:
            case IIncrementOrDecrementOperation:
                return (UseKind.Other, null);
            default:
                return (UseKind.Read, null);
        }
    }
}
