using System.Linq;
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
            => CpuBoundPrefix(method, costModel, types, 0);

        private static WorkCost? CpuBoundPrefix(IMethodSymbol method, WorkCostModel costModel, KnownTypes types, int depth)
        {
            method = method.OriginalDefinition;
            if (!method.IsAsync || method.ReturnsVoid || depth > 2)
            {
                return null;
            }

            return costModel.GetBody(method, System.Threading.CancellationToken.None) is IBlockOperation block
                ? Analyze(block, costModel, types, depth)
                : null;
        }

        /// <summary>Walks the top-level statements until one contains an await that can yield.</summary>
        public static WorkCost? Analyze(IBlockOperation block, WorkCostModel costModel, KnownTypes types)
            => Analyze(block, costModel, types, 0);

        private static WorkCost? Analyze(IBlockOperation block, WorkCostModel costModel, KnownTypes types, int depth)
        {
            foreach (var statement in block.Operations)
            {
                var awaits = AwaitsIn(statement, types, out var yields);
                if (yields)
                {
                    // What runs before the first await that yields, when that await is not inside a loop of the statement:
                    // the awaited call's arguments and, for an async method of this compilation, its own synchronous prefix
                    // (`await EncodeAsync(Compress(x))`). Work elsewhere in the statement is not counted: quiet beats guessing.
                    return BeforeAwait(statement, costModel, types, depth);
                }

                if (awaits)
                {
                    // Only awaits of completed tasks: they do not yield and cost nothing.
                    continue;
                }

                if (StartsTask(statement, types))
                {
                    // var pending = Task.Run(() => Work(x)): the work runs on the pool, not in the prefix.
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

        /// <summary>Whether the statement hands a delegate to <c>Task.Run</c>, <c>Task.Factory.StartNew</c> or a continuation.</summary>
        private static bool StartsTask(IOperation statement, KnownTypes types)
        {
            foreach (var operation in FanOutFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is IInvocationOperation { TargetMethod: { Name: "Run" or "StartNew" or "ContinueWith" } invoked } invocation
                    && (KnownTypes.Is(invoked.ContainingType, types.Task) || KnownTypes.Is(invoked.ContainingType, types.TaskFactory)
                        || KnownTypes.Is(invoked.ContainingType?.OriginalDefinition, types.TaskOfT))
                    && invocation.Arguments.Any(a => FanOutFacts.UnwrapDelegate(a.Value) is not null))
                {
                    return true;
                }
            }

            return false;
        }

        private static WorkCost? BeforeAwait(IOperation statement, WorkCostModel costModel, KnownTypes types, int depth)
        {
            foreach (var operation in FanOutFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is not IAwaitOperation awaitOperation)
                {
                    continue;
                }

                if (IsCompletedAwaitable(awaitOperation.Operation, types))
                {
                    // An earlier await in the same statement that does not yield: give up rather than order the operands.
                    return null;
                }

                for (var parent = awaitOperation.Parent; parent is not null && parent != statement; parent = parent.Parent)
                {
                    if (parent is ILoopOperation || parent is IConditionalOperation || parent is IAnonymousFunctionOperation)
                    {
                        return null;
                    }
                }

                if (StripConfigureAwait(awaitOperation.Operation) is not IInvocationOperation call)
                {
                    return null;
                }

                if (FanOutFacts.Descendants(call, enterFunctions: false).Any(o => o is IAwaitOperation))
                {
                    return null;
                }

                foreach (var argument in call.Arguments)
                {
                    if (FanOutFacts.Descendants(argument.Value).Any(o => o is IAnonymousFunctionOperation || o is IMethodReferenceOperation))
                    {
                        // Task.Run(() => Work(x)): the delegate runs later, elsewhere; building it costs nothing.
                        continue;
                    }

                    var argumentCost = costModel.Analyze(argument.Value);
                    if (argumentCost.IsCpuBound)
                    {
                        return argumentCost;
                    }
                }

                return call.TargetMethod.OriginalDefinition.DeclaringSyntaxReferences.Length > 0
                    ? CpuBoundPrefix(call.TargetMethod, costModel, types, depth + 1)
                    : null;
            }

            return null;
        }

        /// <summary><c>task.ConfigureAwait(false)</c> awaits the task itself.</summary>
        private static IOperation StripConfigureAwait(IOperation awaited)
        {
            awaited = FanOutFacts.StripConversions(awaited);
            while (awaited is IInvocationOperation { TargetMethod: { Name: "ConfigureAwait" }, Instance: { } instance })
            {
                awaited = FanOutFacts.StripConversions(instance);
            }

            return awaited;
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
            awaited = StripConfigureAwait(awaited);
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
