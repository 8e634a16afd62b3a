using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Whether the function waits for its threads: <c>Join</c>, or a <c>CountdownEvent</c> each thread signals.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>Joined with <c>Join</c> or an <c>IsAlive</c> poll, or each thread signals a <c>CountdownEvent</c> the function then waits on.</summary>
    private static bool IsJoined(ThreadUsage usage, ThreadHandle handle, IOperation root, KnownTypes types)
        => usage.WaitedFor || (handle.Delegate is not null && JoinedByCountdown(handle.Delegate, root, types));

    /// <summary>Why threads the function waits for neither by <c>Join</c> nor by an <c>IsAlive</c> poll are not rewritten.</summary>
    private const string CountdownJoinBlocker = "the threads signal a CountdownEvent instead of being joined";

    /// <summary>
    /// Whether <paramref name="isAlive"/> (a read of <c>Thread.IsAlive</c>) is part of the condition of a <c>while</c> or
    /// <c>do</c> loop whose body only waits — sleeps, yields, spins or nothing — so the loop ends when the threads do:
    /// <c>while (a.IsAlive || b.IsAlive) Thread.Sleep(10);</c>, also through a lambda of the condition
    /// (<c>while (threads.Any(t =&gt; t.IsAlive))</c>).
    /// </summary>
    private static bool IsPollWaitCondition(IOperation isAlive, KnownTypes types, out IWhileLoopOperation loop)
    {
        loop = null!;
        var node = isAlive;
        for (var depth = 0; depth < 12 && node.Parent is { } parent; depth++)
        {
            if (parent is IWhileLoopOperation found && found.Condition == node)
            {
                loop = found;
                return OperationFacts.OnlyWaits(found.Body, types);
            }

            if (parent is IExpressionStatementOperation or IVariableDeclarationGroupOperation || parent is IBlockOperation { Parent: not IAnonymousFunctionOperation })
            {
                return false;
            }

            node = parent;
        }

        return false;
    }

    /// <summary>
    /// A poll condition made only of <c>t.IsAlive</c> reads of thread locals joined by <c>||</c>
    /// (<c>a.IsAlive || b.IsAlive</c>): it is false as soon as those threads have ended.
    /// </summary>
    private static bool OnlyPollsLocalThreads(IOperation condition)
        => OperationFacts.StripConversions(condition) switch
        {
            IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or2 => OnlyPollsLocalThreads(or2.LeftOperand) && OnlyPollsLocalThreads(or2.RightOperand),
            IPropertyReferenceOperation { Property.Name: "IsAlive", Instance: ILocalReferenceOperation } => true,
            IInvocationOperation any => IsAnyAlive(any),
            _ => false,
        };

    /// <summary><c>threads.Any(t =&gt; t.IsAlive)</c> over a local collection: true while one of its threads runs.</summary>
    private static bool IsAnyAlive(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.Name != "Any" || invocation.Arguments.Length != 2
            || OperationFacts.StripConversions(invocation.Arguments[0].Value) is not ILocalReferenceOperation
            || OperationFacts.UnwrapDelegate(invocation.Arguments[1].Value) is not IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda)
        {
            return false;
        }

        var statements = lambda.Body.Operations;
        return statements.Length == 1
               && statements[0] is IReturnOperation { ReturnedValue: IPropertyReferenceOperation { Property.Name: "IsAlive", Instance: IParameterReferenceOperation alive } }
               && SymbolEqualityComparer.Default.Equals(alive.Parameter, lambda.Symbol.Parameters[0]);
    }

    /// <summary>
    /// <c>done.Signal()</c> in the thread body and <c>done.Wait()</c> in the function that starts the threads, on the same
    /// <c>CountdownEvent</c>: a join written without <c>Join</c>.
    /// </summary>
    private static bool JoinedByCountdown(IOperation @delegate, IOperation root, KnownTypes types)
    {
        if (@delegate is not IAnonymousFunctionOperation function)
        {
            return false;
        }

        ISymbol? signalled = null;
        foreach (var operation in OperationFacts.Descendants(function.Body, enterFunctions: false))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (IsCountdownSignal(invocation, types))
            {
                signalled = OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(invocation.Instance!));
                break;
            }

            // () => CheckRange(lo, hi, done): the helper signals the event it is handed.
            if (SignalledArgument(invocation, types) is { } passed)
            {
                signalled = passed;
                break;
            }
        }

        if (signalled is null)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "Wait", ContainingType: { Name: "CountdownEvent" } }, Instance: { } waited }
                && SymbolEqualityComparer.Default.Equals(OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(waited)), signalled))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCountdownSignal(IInvocationOperation invocation, KnownTypes types)
        => invocation is { TargetMethod: { Name: "Signal", ContainingType: { Name: "CountdownEvent" } countdown }, Instance: not null }
           && KnownTypes.Is(countdown, types.CountdownEvent);

    /// <summary>
    /// The local or field passed to a source method of this compilation that signals it (<c>Check(lo, hi, done)</c> where
    /// <c>Check</c> ends with <c>done.Signal()</c> on that parameter), or null.
    /// </summary>
    private static ISymbol? SignalledArgument(IInvocationOperation call, KnownTypes types)
    {
        var candidates = new List<(IParameterSymbol Parameter, ISymbol Passed)>();
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is { } parameter && KnownTypes.Is(parameter.Type, types.CountdownEvent)
                && OperationFacts.StripConversions(argument.Value) is ILocalReferenceOperation or IFieldReferenceOperation
                && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(argument.Value)) is { } passed)
            {
                candidates.Add((parameter, passed));
            }
        }

        if (candidates.Count == 0
            || WorkCostModel.For(types).GetBody(call.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None) is not { } body)
        {
            return null;
        }

        foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
        {
            if (operation is IInvocationOperation signal && IsCountdownSignal(signal, types)
                && OperationFacts.StripConversions(signal.Instance!) is IParameterReferenceOperation signalledParameter)
            {
                foreach (var (parameter, passed) in candidates)
                {
                    if (parameter.Ordinal == signalledParameter.Parameter.Ordinal)
                    {
                        return passed;
                    }
                }
            }
        }

        return null;
    }
}
