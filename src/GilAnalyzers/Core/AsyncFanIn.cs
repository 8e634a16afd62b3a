using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>One call that produces a task awaited together with others (<c>ComputeAsync(x)</c>), or a method group in a Select.</summary>
    internal sealed class AsyncFanInCall
    {
        public AsyncFanInCall(IOperation site, IMethodSymbol method, bool isMethodGroup)
        {
            Site = site;
            Method = method;
            IsMethodGroup = isMethodGroup;
        }

        /// <summary>The invocation, or the method reference passed to Select.</summary>
        public IOperation Site { get; }

        public IMethodSymbol Method { get; }

        public bool IsMethodGroup { get; }
    }

    /// <summary>A <c>Task.WhenAll</c> / <c>Task.WaitAll</c> over calls to async methods with a CPU-bound synchronous prefix.</summary>
    internal sealed class AsyncFanIn
    {
        public AsyncFanIn(IInvocationOperation join, ImmutableArray<AsyncFanInCall> calls, string count, IMethodSymbol method, WorkCost cost, string? fixBlocker)
        {
            Join = join;
            Calls = calls;
            Count = count;
            Method = method;
            Cost = cost;
            FixBlocker = fixBlocker;
        }

        public IInvocationOperation Join { get; }

        public ImmutableArray<AsyncFanInCall> Calls { get; }

        /// <summary>"3 calls" or "one call per element of 'blocks'".</summary>
        public string Count { get; }

        /// <summary>The (first) CPU-bound async method.</summary>
        public IMethodSymbol Method { get; }

        public WorkCost Cost { get; }

        public string? FixBlocker { get; }

        /// <summary>
        /// Finds the calls that <paramref name="join"/> waits for and reports them when at least one targets an async method of
        /// this tree whose synchronous prefix is CPU-bound.
        /// </summary>
        public static AsyncFanIn? Analyze(IInvocationOperation join, KnownTypes types, WorkCostModel costModel)
        {
            var method = join.TargetMethod;
            if (!KnownTypes.Is(method.ContainingType, types.Task) || (method.Name != "WhenAll" && method.Name != "WaitAll") || join.Arguments.Length == 0)
            {
                return null;
            }

            var model = join.SemanticModel;
            if (model is null)
            {
                return null;
            }

            var root = FanOutFacts.FunctionRoot(join);
            var calls = new List<AsyncFanInCall>();
            string count;
            var argument = FanOutFacts.StripConversions(join.Arguments[0].Value);
            if (join.Arguments[0].ArgumentKind == ArgumentKind.ParamArray && argument is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (var element in initializer.ElementValues)
                {
                    if (!CollectTask(element, root, calls, 0))
                    {
                        return null;
                    }
                }

                count = initializer.ElementValues.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " calls";
                if (initializer.ElementValues.Length < 2)
                {
                    return null;
                }
            }
            else
            {
                if (!CollectTasks(argument, root, calls, 0, out count))
                {
                    return null;
                }
            }

            if (calls.Count == 0)
            {
                return null;
            }

            WorkCost? cost = null;
            IMethodSymbol? heavy = null;
            foreach (var call in calls)
            {
                var prefix = AsyncPrefix.CpuBoundPrefix(call.Method, model, costModel, types);
                if (prefix is not null)
                {
                    cost = prefix;
                    heavy = call.Method;
                    break;
                }
            }

            if (cost is null || heavy is null)
            {
                return null;
            }

            string? blocker = null;
            foreach (var call in calls)
            {
                blocker ??= FindFixBlocker(call, types);
            }

            return new AsyncFanIn(join, calls.ToImmutableArray(), count, heavy, cost.Value, blocker);
        }

        private static string? FindFixBlocker(AsyncFanInCall call, KnownTypes types)
        {
            if (!KnownTypes.Is(call.Method.ReturnType, types.Task) && !KnownTypes.Is(call.Method.ReturnType, types.TaskOfT))
            {
                return "'" + call.Method.Name + "' does not return a Task";
            }

            if (call.IsMethodGroup)
            {
                return call.Method.Parameters.Length == 1 ? null : "the method group takes more than one argument";
            }

            var invocation = (IInvocationOperation)call.Site;
            var root = FanOutFacts.FunctionRoot(invocation);
            if (invocation.Instance is not null && !FanOutFacts.IsStableValue(invocation.Instance, root))
            {
                return "the receiver of '" + call.Method.Name + "' could change before the task runs";
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.RefKind != RefKind.None)
                {
                    return "'" + call.Method.Name + "' takes a ref argument";
                }

                if (!FanOutFacts.IsStableValue(argument.Value, root))
                {
                    return "an argument of '" + call.Method.Name + "' could change before the task runs";
                }
            }

            return null;
        }

        /// <summary>One task expression: a call, or a local initialised by a call and never reassigned.</summary>
        private static bool CollectTask(IOperation expression, IOperation root, List<AsyncFanInCall> calls, int depth)
        {
            expression = FanOutFacts.StripConversions(expression);
            switch (expression)
            {
                case IInvocationOperation invocation when IsSourceAsyncMethod(invocation.TargetMethod):
                    calls.Add(new AsyncFanInCall(invocation, invocation.TargetMethod, false));
                    return true;
                case ILocalReferenceOperation local when depth < 3 && !FanOutFacts.IsWrittenAfterDeclaration(local.Local, root):
                    var initializer = InitializerOf(local.Local, root);
                    return initializer is not null && CollectTask(initializer, root, calls, depth + 1);
                default:
                    return false;
            }
        }

        /// <summary>A sequence of tasks: <c>xs.Select(x =&gt; F(x))</c> (+ ToArray/ToList), or a local holding one.</summary>
        private static bool CollectTasks(IOperation expression, IOperation root, List<AsyncFanInCall> calls, int depth, out string count)
        {
            count = "the calls";
            expression = FanOutFacts.StripConversions(expression);
            if (expression is ILocalReferenceOperation local && depth < 3 && !FanOutFacts.IsWrittenAfterDeclaration(local.Local, root))
            {
                var initializer = InitializerOf(local.Local, root);
                if (initializer is IObjectCreationOperation { Initializer: null } creation && creation.Type?.Name == "List")
                {
                    count = "the calls added to '" + local.Local.Name + "'";
                    return CollectAdded(local.Local, root, calls);
                }

                return initializer is not null && CollectTasks(initializer, root, calls, depth + 1, out count);
            }

            if (expression is not IInvocationOperation invocation || invocation.TargetMethod.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
            {
                return false;
            }

            if ((invocation.TargetMethod.Name == "ToArray" || invocation.TargetMethod.Name == "ToList") && invocation.Arguments.Length == 1)
            {
                return CollectTasks(invocation.Arguments[0].Value, root, calls, depth + 1, out count);
            }

            if (invocation.TargetMethod.Name != "Select" || invocation.Arguments.Length != 2)
            {
                return false;
            }

            var source = FanOutFacts.StripConversions(invocation.Arguments[0].Value);
            count = "one call per element of '" + source.Syntax + "'";
            var selector = FanOutFacts.UnwrapDelegate(invocation.Arguments[1].Value);
            switch (selector)
            {
                case IMethodReferenceOperation reference when IsSourceAsyncMethod(reference.Method):
                    calls.Add(new AsyncFanInCall(reference, reference.Method, true));
                    return true;
                case IAnonymousFunctionOperation function:
                    var returned = function.Body.Operations.Length == 1 && function.Body.Operations[0] is IReturnOperation { ReturnedValue: { } value }
                        ? FanOutFacts.StripConversions(value)
                        : null;
                    if (returned is IInvocationOperation call && IsSourceAsyncMethod(call.TargetMethod))
                    {
                        calls.Add(new AsyncFanInCall(call, call.TargetMethod, false));
                        return true;
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary><c>var tasks = new List&lt;Task&gt;(); … tasks.Add(F(x)); … WhenAll(tasks)</c>: every Add must add a call.</summary>
        private static bool CollectAdded(ILocalSymbol list, IOperation root, List<AsyncFanInCall> calls)
        {
            var found = false;
            foreach (var operation in FanOutFacts.Descendants(root))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, list))
                {
                    continue;
                }

                if (reference.Parent is IInvocationOperation { TargetMethod: { Name: "Add" } } add && add.Instance == reference && add.Arguments.Length == 1)
                {
                    if (!CollectTask(add.Arguments[0].Value, root, calls, 0))
                    {
                        return false;
                    }

                    found = true;
                    continue;
                }

                if (reference.Parent is IArgumentOperation { Parent: IInvocationOperation join }
                    && (join.TargetMethod.Name == "WhenAll" || join.TargetMethod.Name == "WaitAll"))
                {
                    continue;
                }

                if (reference.Parent is IConversionOperation { Parent: IArgumentOperation { Parent: IInvocationOperation join2 } }
                    && (join2.TargetMethod.Name == "WhenAll" || join2.TargetMethod.Name == "WaitAll"))
                {
                    continue;
                }

                // Used in another way (Count, indexer, passed along): not a plain fan-in.
                return false;
            }

            return found;
        }

        private static IOperation? InitializerOf(ILocalSymbol local, IOperation root)
        {
            foreach (var operation in FanOutFacts.Descendants(root, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    return (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                }
            }

            return null;
        }

        private static bool IsSourceAsyncMethod(IMethodSymbol method)
            => method.OriginalDefinition.IsAsync && method.OriginalDefinition.DeclaringSyntaxReferences.Length > 0;
    }
}
