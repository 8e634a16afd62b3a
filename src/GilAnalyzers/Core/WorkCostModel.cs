using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// Static cost model over IOperation: answers "is this code CPU-bound?" with a reason.
    /// Loops whose trip count is not a small constant make code CPU-bound; I/O and waiting make it I/O-bound
    /// (a lock around I/O guards a shared resource, which is fine); anything else is light.
    /// </summary>
    internal sealed class WorkCostModel
    {
        /// <summary>A loop over at most this many iterations (a compile-time constant) counts as light.</summary>
        public const int DefaultSmallLoopLimit = 16;

        private readonly KnownTypes _types;
        private readonly int _smallLoopLimit;

        public WorkCostModel(KnownTypes types, int smallLoopLimit = DefaultSmallLoopLimit)
        {
            _types = types;
            _smallLoopLimit = smallLoopLimit;
        }

        public WorkCost Analyze(IOperation? root)
        {
            if (root is null)
            {
                return WorkCost.Light;
            }

            var walk = new Walk();
            Visit(root, 0, ref walk);
            if (walk.IoReason is not null)
            {
                return new WorkCost(WorkKind.IoBound, walk.IoReason);
            }

            if (walk.MaxLoopDepth >= 2)
            {
                return new WorkCost(WorkKind.CpuBound, "nested loop, " + walk.MaxLoopDepth + " levels", walk.MaxLoopDepth);
            }

            if (walk.MaxLoopDepth == 1)
            {
                return new WorkCost(WorkKind.CpuBound, walk.LoopReason ?? "loop", 1);
            }

            return WorkCost.Light;
        }

        private struct Walk
        {
            public int MaxLoopDepth;
            public string? LoopReason;
            public string? IoReason;
        }

        private void Visit(IOperation operation, int loopDepth, ref Walk walk)
        {
            if (walk.IoReason is not null)
            {
                return;
            }

            switch (operation)
            {
                case IAwaitOperation:
                    walk.IoReason = "await";
                    return;
                case IInvocationOperation invocation when IsIoOrWait(invocation.TargetMethod):
                    walk.IoReason = invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name;
                    return;
                case ILoopOperation loop when !IsSmallConstantLoop(loop):
                    loopDepth++;
                    if (loopDepth > walk.MaxLoopDepth)
                    {
                        walk.MaxLoopDepth = loopDepth;
                        walk.LoopReason ??= DescribeLoop(loop);
                    }

                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                Visit(child, loopDepth, ref walk);
            }
        }

        private static string DescribeLoop(ILoopOperation loop) => loop.LoopKind switch
        {
            LoopKind.For => "for loop",
            LoopKind.ForEach => "foreach loop",
            LoopKind.While => "while loop",
            _ => "loop",
        };

        private bool IsSmallConstantLoop(ILoopOperation loop)
        {
            switch (loop)
            {
                case IForLoopOperation forLoop:
                    return forLoop.Condition is IBinaryOperation condition
                        && (IsSmallConstant(condition.RightOperand) || IsSmallConstant(condition.LeftOperand));
                case IForEachLoopOperation forEach:
                    var collection = forEach.Collection;
                    while (collection is IConversionOperation conversion)
                    {
                        collection = conversion.Operand;
                    }

                    return collection is IArrayCreationOperation { Initializer: { } init } && init.ElementValues.Length <= _smallLoopLimit;
                default:
                    // while / do-while: the trip count is not visible.
                    return false;
            }
        }

        private bool IsSmallConstant(IOperation operand)
        {
            var constant = operand.ConstantValue;
            if (!constant.HasValue || constant.Value is null)
            {
                return false;
            }

            try
            {
                var value = Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
                return Math.Abs(value) <= _smallLoopLimit;
            }
            catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
            {
                return false;
            }
        }

        private bool IsIoOrWait(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            if (KnownTypes.Is(type, _types.Console))
            {
                return true;
            }

            if (KnownTypes.Is(type, _types.Thread) && method.Name == "Sleep")
            {
                return true;
            }

            if (KnownTypes.Is(type, _types.Task) && (method.Name == "Delay" || method.Name == "Wait"))
            {
                return true;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                if (KnownTypes.Is(t, _types.Stream) || KnownTypes.Is(t, _types.TextWriter) || KnownTypes.Is(t, _types.TextReader))
                {
                    return true;
                }
            }

            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            return ns == "System.IO" || ns.StartsWith("System.IO.", StringComparison.Ordinal)
                || ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal)
                || ns.StartsWith("System.Data", StringComparison.Ordinal);
        }
    }
}
