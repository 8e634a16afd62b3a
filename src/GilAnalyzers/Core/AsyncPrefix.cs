using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// The synchronous prefix of an async method: what runs on the caller's thread before the first await that can
    /// actually yield. An async method that computes before it yields completes that computation inside the call,
    /// so "starting" several of them and awaiting them together runs the computations one after another.
    /// </summary>
    internal static class AsyncPrefix
    {
        /// <summary>
        /// The cost of <paramref name="method"/>'s synchronous prefix when it is CPU-bound, or null (not an async method
        /// of this syntax tree, not CPU-bound, or the body cannot be seen).
        /// </summary>
        public static WorkCost? CpuBoundPrefix(IMethodSymbol method, SemanticModel model, WorkCostModel costModel, KnownTypes types)
        {
            method = method.OriginalDefinition;
            if (!method.IsAsync || method.ReturnsVoid)
            {
                return null;
            }

            return costModel.GetBody(method, System.Threading.CancellationToken.None) is IBlockOperation block
                ? Analyze(block, costModel, types)
                : null;
        }

        /// <summary>Walks the top-level statements until one contains an await that can yield.</summary>
        public static WorkCost? Analyze(IBlockOperation block, WorkCostModel costModel, KnownTypes types)
        {
            foreach (var statement in block.Operations)
            {
                var awaits = AwaitsIn(statement, types, out var yields);
                if (yields)
                {
                    // Work inside this statement before its await (e.g. the first loop iteration) is not counted:
                    // staying quiet is better than guessing.
                    return null;
                }

                if (awaits)
                {
                    // Only awaits of completed tasks: they do not yield and cost nothing.
                    continue;
                }

                var cost = costModel.Analyze(statement);
                if (cost.IsCpuBound)
                {
                    return cost;
                }
            }

            return null;
        }

        private static bool AwaitsIn(IOperation statement, KnownTypes types, out bool yields)
        {
            var awaits = false;
            yields = false;
            foreach (var operation in FanOutFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is IAwaitOperation awaitOperation)
                {
                    awaits = true;
                    if (!IsCompletedAwaitable(awaitOperation.Operation, types))
                    {
                        yields = true;
                        return true;
                    }
                }
                else if (operation is IUsingOperation { IsAsynchronous: true } || operation is IForEachLoopOperation { IsAsynchronous: true })
                {
                    yields = true;
                    return true;
                }
            }

            return awaits;
        }

        /// <summary><c>Task.CompletedTask</c>, <c>Task.FromResult(x)</c>, <c>default(ValueTask)</c>, <c>new ValueTask&lt;T&gt;(x)</c>.</summary>
        private static bool IsCompletedAwaitable(IOperation awaited, KnownTypes types)
        {
            awaited = FanOutFacts.StripConversions(awaited);
            switch (awaited)
            {
                case IPropertyReferenceOperation { Property: { Name: "CompletedTask" } } property:
                    return KnownTypes.Is(property.Property.ContainingType, types.Task) || KnownTypes.Is(property.Property.ContainingType, types.ValueTask);
                case IInvocationOperation { TargetMethod: { Name: "FromResult" } } invocation:
                    return KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task) || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.ValueTask);
                case IDefaultValueOperation value:
                    return KnownTypes.Is(value.Type, types.ValueTask) || KnownTypes.Is(value.Type, types.ValueTaskOfT);
                case IObjectCreationOperation creation:
                    return (KnownTypes.Is(creation.Type, types.ValueTask) || KnownTypes.Is(creation.Type, types.ValueTaskOfT))
                           && creation.Arguments.Length == 1
                           && !KnownTypes.Is(creation.Arguments[0].Value.Type, types.Task)
                           && !KnownTypes.Is(creation.Arguments[0].Value.Type, types.TaskOfT);
                default:
                    return false;
            }
        }
    }
}
