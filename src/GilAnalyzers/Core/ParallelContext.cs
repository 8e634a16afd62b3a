using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>A region of code that runs on many threads at once, and how it got there.</summary>
    internal sealed class ParallelContext
    {
        public ParallelContext(string description, IOperation region, IInvocationOperation? launcher)
        {
            Description = description;
            Region = region;
            Launcher = launcher;
        }

        /// <summary>For messages: "a Parallel.For body".</summary>
        public string Description { get; }

        /// <summary>The delegate that runs concurrently; its parameters and locals are per item or worker.</summary>
        public IOperation Region { get; }

        /// <summary>The call that fans the region out (e.g. the Parallel.For invocation), if it is an invocation.</summary>
        public IInvocationOperation? Launcher { get; }
    }

    /// <summary>
    /// Answers "does this code run on many threads at once?" by looking at the delegates that enclose an operation.
    /// </summary>
    internal static class ParallelContextFinder
    {
        /// <summary>
        /// The nearest enclosing parallel region of <paramref name="operation"/>, or null. Stops at the first delegate
        /// handed to a parallel API: if that delegate is not the hot body (e.g. localInit / localFinally, which run once
        /// per worker), the code is not considered parallel.
        /// </summary>
        public static ParallelContext? FindEnclosing(IOperation operation, KnownTypes types)
        {
            for (var current = operation.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation function
                    && TryGetParallelLaunch(function, types, out var invocation, out var parameter))
                {
                    return IsHotParameter(parameter)
                        ? new ParallelContext(Describe(invocation), function, invocation)
                        : null;
                }
            }

            return null;
        }

        private static bool TryGetParallelLaunch(IAnonymousFunctionOperation function, KnownTypes types, out IInvocationOperation invocation, out IParameterSymbol parameter)
        {
            invocation = null!;
            parameter = null!;
            IOperation? node = function.Parent;
            while (node is IDelegateCreationOperation || node is IConversionOperation)
            {
                node = node.Parent;
            }

            if (node is IArgumentOperation { Parameter: { } p, Parent: IInvocationOperation call }
                && IsParallelLoop(call.TargetMethod, types))
            {
                invocation = call;
                parameter = p;
                return true;
            }

            return false;
        }

        private static bool IsParallelLoop(IMethodSymbol method, KnownTypes types)
            => KnownTypes.Is(method.ContainingType, types.Parallel)
               && (method.Name == "For" || method.Name == "ForEach");

        private static bool IsHotParameter(IParameterSymbol parameter) => parameter.Name == "body";

        private static string Describe(IInvocationOperation invocation)
            => "a " + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + " body";
    }
}
