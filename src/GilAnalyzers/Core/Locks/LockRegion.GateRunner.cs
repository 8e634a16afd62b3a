using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>Call runners whose process-wide gate is not a lock statement.</summary>
internal static partial class LockRegionFinder
{
    /// <summary>
    /// The gate of a runner that takes it in another form than <c>lock</c> and holds it only while it runs its delegate
    /// parameter <paramref name="parameter"/>: a one-slot <c>SemaphoreSlim</c> (<c>await s_gate.WaitAsync(); try { return
    /// await action(); } finally { s_gate.Release(); }</c>), <c>Monitor.Enter</c>, a write lock, <c>using (s_lock.EnterScope())</c>,
    /// an async-lock wrapper's <c>using</c> — the throttling helper web and library code writes around work it serialises.
    /// Only a gate in a static field (the runner's instance is not the caller's); nothing else in the runner but bypasses
    /// that run the delegate without the gate and leave. Null otherwise.
    /// </summary>
    private static LockRegion? GateRunnerRegion(MethodDeclarationSyntax declaration, IMethodSymbol method, IParameterSymbol parameter, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (declaration.Body is not { } bodySyntax
            || !MayBeGateRunner(bodySyntax, parameter.Name)
            || WorkCostModel.For(types).GetBody(method.OriginalDefinition, cancellationToken) is not IBlockOperation body)
        {
            return null;
        }

        LockRegion? gate = null;
        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            var found = operation switch
            {
                IInvocationOperation invocation when IsAcquireName(invocation.TargetMethod.Name) => FromAcquireCall(invocation, types),
                IUsingOperation or IUsingDeclarationOperation => FromUsing(operation, types, cancellationToken),
                _ => null,
            };
            if (found is null)
            {
                continue;
            }

            if (gate is not null)
            {
                return null;
            }

            gate = found;
        }

        if (gate is null
            || OperationFacts.StripConversions(gate.LockedValue) is not IFieldReferenceOperation { Field.IsStatic: true }
            || !Statements(gate.Body).All(statement => RunsOnly(statement, parameter)))
        {
            return null;
        }

        foreach (var statement in body.Operations)
        {
            if (!IsBypass(statement, parameter) && !Holds(statement, gate.Anchor) && !gate.Body.Any(held => Holds(statement, held)))
            {
                return null;
            }
        }

        return gate;
    }

    /// <summary>
    /// Cheap syntax filter for <see cref="GateRunnerRegion"/>, before anything is bound: a short body (bypasses, the
    /// acquire, the try or using that holds the gate) that calls its delegate parameter (<c>p()</c>, <c>p.Invoke()</c>) and
    /// either ends in a <c>try … finally</c> after a call named as an acquire (<c>Wait</c>, <c>WaitAsync</c>, <c>Enter</c>,
    /// <c>EnterWriteLock</c>, …), or takes its gate in a <c>using</c> over a call (<c>using (s_lock.EnterScope())</c>,
    /// <c>using var _ = await s_gate.LockAsync();</c>) — not a <c>using</c> over a <c>new</c> object.
    /// </summary>
    private static bool MayBeGateRunner(BlockSyntax body, string parameter)
    {
        var statements = body.Statements;
        if (statements.Count is 0 or > 6)
        {
            return false;
        }

        var callsAcquire = false;
        var callsDelegate = false;
        foreach (var call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            switch (call.Expression)
            {
                case IdentifierNameSyntax { Identifier.ValueText: var name } when name == parameter:
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Invoke", Expression: IdentifierNameSyntax { Identifier.ValueText: var invoked } } when invoked == parameter:
                    callsDelegate = true;
                    break;
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: var method } when IsAcquireName(method):
                    callsAcquire = true;
                    break;
            }
        }

        if (!callsDelegate)
        {
            return false;
        }

        return (callsAcquire && statements[statements.Count - 1] is TryStatementSyntax { Finally: not null })
               || statements.Any(TakesAGateInAUsing);
    }

    /// <summary><c>using (x.EnterScope()) …</c> or <c>using var _ = await gate.LockAsync();</c>: a using over a call, not over a new object.</summary>
    private static bool TakesAGateInAUsing(StatementSyntax statement) => statement switch
    {
        UsingStatementSyntax { Expression: InvocationExpressionSyntax or AwaitExpressionSyntax } => true,
        LocalDeclarationStatementSyntax { UsingKeyword.RawKind: > 0, Declaration.Variables: { Count: 1 } variables }
            => variables[0].Initializer?.Value is InvocationExpressionSyntax or AwaitExpressionSyntax,
        _ => false,
    };

    /// <summary>The statements of a region's body, blocks opened.</summary>
    private static IEnumerable<IOperation> Statements(IEnumerable<IOperation> operations)
    {
        foreach (var operation in operations)
        {
            if (operation is IBlockOperation block)
            {
                foreach (var inner in Statements(block.Operations))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return operation;
            }
        }
    }

    private static bool Holds(IOperation container, IOperation operation)
        => container.Syntax.SyntaxTree == operation.Syntax.SyntaxTree && container.Syntax.Span.Contains(operation.Syntax.Span);
}
