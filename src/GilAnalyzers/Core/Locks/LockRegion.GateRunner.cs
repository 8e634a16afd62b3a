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
            || !MayBeGateRunner(bodySyntax.Statements)
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
    /// Cheap syntax filter for <see cref="GateRunnerRegion"/>: a short body (bypasses, the acquire, the try or using that
    /// holds the gate) that ends in a <c>try … finally</c> or a <c>using</c>, or declares a <c>using</c> local.
    /// </summary>
    private static bool MayBeGateRunner(SyntaxList<StatementSyntax> statements)
    {
        if (statements.Count is 0 or > 6)
        {
            return false;
        }

        var last = statements[statements.Count - 1];
        return last is TryStatementSyntax { Finally: not null } or UsingStatementSyntax
               || statements.Any(s => s is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: > 0 });
    }

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
