using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Locks taken through a helper method of the code's own: <c>static void EnterCodecLock(ref bool taken) { if (s_needsLock)
/// Monitor.Enter(s_codecLock, ref taken); }</c>, called as <c>try { EnterCodecLock(ref taken); … } finally { ExitCodecLock(taken); }</c>.
/// The helper's last act is the acquisition, so the lock is still held when it returns: the region is what the caller runs
/// after the call, up to a call of a helper that releases the same lock (or the end of the block).
/// </summary>
internal static partial class LockRegionFinder
{
    /// <summary>The longest helper body (in characters) looked at: a helper is a few lines.</summary>
    private const int MaxHelperLength = 600;

    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, IFieldSymbol?>> Releasers =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<IMethodSymbol, IFieldSymbol?>>();

    /// <summary>
    /// Cheap filter for <see cref="FromAcquireHelperCall"/>: a call statement to a plain source method returning nothing.
    /// Helper names are the code's own, so nothing is tested by name here.
    /// </summary>
    public static bool MayBeAcquireHelperCall(IInvocationOperation invocation)
        => invocation.Parent is IExpressionStatementOperation
           && invocation.TargetMethod is
           {
               MethodKind: MethodKind.Ordinary, ReturnsVoid: true, IsVirtual: false, IsAbstract: false, IsOverride: false, IsExtern: false,
               DeclaringSyntaxReferences.Length: 1,
           }
           && (invocation.Instance is null || invocation.Instance is IInstanceReferenceOperation);

    /// <summary>
    /// The region after a call of a lock helper (see the type's remarks): a source method whose last act is taking a lock on
    /// a field of its type — a static field, or a field of <c>this</c> when the caller calls it on its own instance.
    /// </summary>
    public static LockRegion? FromAcquireHelperCall(IInvocationOperation invocation, KnownTypes types, CancellationToken cancellationToken)
    {
        if (!MayBeAcquireHelperCall(invocation)
            || HelperAcquisition(invocation.TargetMethod.OriginalDefinition, types, cancellationToken) is not { } acquire
            || OperationFacts.StripConversions(acquire.LockedValue) is not IFieldReferenceOperation { Field: { } field } reference
            || !(field.IsStatic || (reference.Instance is IInstanceReferenceOperation && !invocation.TargetMethod.IsStatic)))
        {
            return null;
        }

        var body = FindBodyAfterAcquire(
            invocation,
            acquire.LockedValue,
            ReleaseNames(acquire.Kind, acquire.Name),
            call => !SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, invocation.TargetMethod.OriginalDefinition)
                    && SymbolEqualityComparer.Default.Equals(ReleasedField(call, acquire.Kind, acquire.Name, types, cancellationToken), field.OriginalDefinition));
        return body.IsDefaultOrEmpty
            ? null
            : new LockRegion(LockKind.AcquireHelper, invocation, acquire.LockedValue, body, invocation.Syntax.GetLocation(), acquire.SystemWide);
    }

    /// <summary>What a lock helper takes: the acquiring operation, its kind and name, and the operation naming the lock.</summary>
    private sealed class HelperLock
    {
        public HelperLock(IOperation acquire, LockKind kind, string name, IOperation lockedValue, bool systemWide)
        {
            Acquire = acquire;
            Kind = kind;
            Name = name;
            LockedValue = lockedValue;
            SystemWide = systemWide;
        }

        public IOperation Acquire { get; }

        public LockKind Kind { get; }

        public string Name { get; }

        public IOperation LockedValue { get; }

        public bool SystemWide { get; }
    }

    /// <summary>
    /// The acquisition of <paramref name="method"/> when the method is a lock helper: one acquisition, on a field, as the
    /// last thing the body does (only <c>if</c> guards around it, nothing after it, no release); else null.
    /// </summary>
    private static HelperLock? HelperAcquisition(IMethodSymbol method, KnownTypes types, CancellationToken cancellationToken)
    {
        if (!types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree)
            || !MayBeAcquireHelperSyntax(method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken))
            || WorkCostModel.For(types).GetBody(method, cancellationToken) is not { } body)
        {
            return null;
        }

        HelperLock? found = null;
        foreach (var operation in body.DescendantsAndSelf())
        {
            HelperLock? candidate = null;
            if (operation is IInvocationOperation call && IsAcquireName(call.TargetMethod.Name)
                && RecogniseAcquire(call, types, out var kind, out var lockedValue, out var systemWide))
            {
                candidate = new HelperLock(call, kind, call.TargetMethod.Name, lockedValue, systemWide);
            }
            else if (operation is IInvalidOperation invalid && UnboundMonitorCall(invalid, IsEnterName, cancellationToken) is { } unbound)
            {
                candidate = new HelperLock(invalid, LockKind.Monitor, unbound.Name, unbound.LockedValue, systemWide: false);
            }

            if (candidate is not null)
            {
                if (found is not null)
                {
                    return null;
                }

                found = candidate;
            }
        }

        return found is not null && IsLastAct(found.Acquire, body) ? found : null;
    }

    private static bool IsEnterName(string name) => name == "Enter" || name == "TryEnter";

    /// <summary>
    /// <c>Monitor.Enter(x, …)</c> / <c>Monitor.Exit(x)</c> written against a <c>Monitor</c> that does not bind (the project
    /// imports System.Threading through build files the compilation does not have): the called name and the operation of
    /// its first argument. Only when the name <c>Monitor</c> binds to nothing at all.
    /// </summary>
    private static (string Name, IOperation LockedValue)? UnboundMonitorCall(IInvalidOperation invalid, System.Func<string, bool> isName, CancellationToken cancellationToken)
    {
        if (invalid.Syntax is not InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Monitor" } receiver, Name: { } name },
                ArgumentList.Arguments: { Count: > 0 } arguments,
            }
            || !isName(name.Identifier.ValueText)
            || invalid.SemanticModel is not { } model
            || model.GetSymbolInfo(receiver, cancellationToken) is not { Symbol: null, CandidateSymbols.Length: 0 })
        {
            return null;
        }

        foreach (var child in invalid.ChildOperations)
        {
            if (child.Syntax == arguments[0].Expression || child.Syntax == arguments[0])
            {
                return (name.Identifier.ValueText, child is IArgumentOperation argument ? argument.Value : child);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether nothing runs after <paramref name="acquire"/> in <paramref name="body"/>: it is a statement of its own, the
    /// last of each block around it, with only <c>if</c> statements without <c>else</c> in between.
    /// </summary>
    private static bool IsLastAct(IOperation acquire, IOperation body)
    {
        if (acquire.Parent is not IExpressionStatementOperation statement)
        {
            return body is not IBlockOperation && OperationFacts.StripConversions(body) == acquire;
        }

        IOperation current = statement;
        while (current != body)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case IBlockOperation block:
                    var index = block.Operations.IndexOf(current);
                    for (var i = index + 1; i < block.Operations.Length; i++)
                    {
                        if (block.Operations[i] is not IReturnOperation { ReturnedValue: null })
                        {
                            return false;
                        }
                    }

                    break;
                case IConditionalOperation { WhenFalse: null } guard when guard.WhenTrue == current:
                    break;
                default:
                    return false;
            }

            current = parent;
        }

        return true;
    }

    /// <summary>
    /// The field whose lock <paramref name="call"/> releases when it calls a source helper that only releases it
    /// (<c>static void ExitCodecLock(bool taken) { if (taken) Monitor.Exit(s_codecLock); }</c>); memoised per compilation.
    /// </summary>
    private static IFieldSymbol? ReleasedField(IInvocationOperation call, LockKind kind, string acquireName, KnownTypes types, CancellationToken cancellationToken)
    {
        var method = call.TargetMethod.OriginalDefinition;
        if (method is not { MethodKind: MethodKind.Ordinary, IsAbstract: false, IsExtern: false, DeclaringSyntaxReferences.Length: 1 }
            || !types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree))
        {
            return null;
        }

        var releases = ReleaseNames(kind, acquireName);
        var known = Releasers.GetValue(types.Compilation, _ => new ConcurrentDictionary<IMethodSymbol, IFieldSymbol?>(SymbolEqualityComparer.Default));
        if (known.TryGetValue(method, out var field))
        {
            return field;
        }

        field = null;
        if (MayBeHelperSyntax(method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken), name => System.Array.IndexOf(releases, name) >= 0)
            && WorkCostModel.For(types).GetBody(method, cancellationToken) is { } body)
        {
            foreach (var operation in body.DescendantsAndSelf())
            {
                var released = operation switch
                {
                    IInvocationOperation release when System.Array.IndexOf(releases, release.TargetMethod.Name) >= 0
                        => release.Instance ?? (release.Arguments.Length > 0 ? ArgumentInOrder(release, 0) : null),
                    IInvalidOperation invalid when kind == LockKind.Monitor
                        => UnboundMonitorCall(invalid, name => System.Array.IndexOf(releases, name) >= 0, cancellationToken)?.LockedValue,
                    _ => null,
                };
                if (released is not null && OperationFacts.StripConversions(released) is IFieldReferenceOperation reference)
                {
                    field = reference.Field.OriginalDefinition;
                    break;
                }
            }
        }

        return known.GetOrAdd(method, field);
    }

    /// <summary>
    /// <see cref="MayBeHelperSyntax"/> with the acquisition names, remembered per declaration: it is asked at every call
    /// statement of a small source method, and the answer depends on the declaration's syntax alone.
    /// </summary>
    private static bool MayBeAcquireHelperSyntax(SyntaxNode declaration)
        => AcquireHelperSyntax.GetValue(declaration, d => MayBeHelperSyntax(d, IsAcquireName) ? HelperShape : NotHelperShape) == HelperShape;

    private static readonly ConditionalWeakTable<SyntaxNode, object> AcquireHelperSyntax = new ConditionalWeakTable<SyntaxNode, object>();

    private static readonly object HelperShape = new object();

    private static readonly object NotHelperShape = new object();

    /// <summary>
    /// Syntax filter before any binding: a short method (block of at most three statements, or an expression body) that
    /// calls something named as <paramref name="isName"/> accepts.
    /// </summary>
    private static bool MayBeHelperSyntax(SyntaxNode declaration, System.Func<string, bool> isName)
    {
        if (declaration is not MethodDeclarationSyntax method || method.Span.Length > MaxHelperLength)
        {
            return false;
        }

        SyntaxNode? body = method.Body is { } block
            ? (block.Statements.Count is > 0 and <= 3 ? block : null)
            : method.ExpressionBody;
        if (body is null)
        {
            return false;
        }

        foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };
            if (name is not null && isName(name))
            {
                return true;
            }
        }

        return false;
    }
}
