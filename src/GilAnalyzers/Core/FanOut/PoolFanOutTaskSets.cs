using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A fixed set of explicit tasks: <c>var a = new Task(() =&gt; Part(0)); var b = new Task(() =&gt; Part(1)); a.Start();
/// b.Start(); Task.WaitAll(a, b);</c> — a hand-made <c>Parallel.Invoke</c>, the task twin of explicit threads.
/// </summary>
internal static partial class PoolFanOut
{
    /// <summary>
    /// Reported at the first task of the set (in source order) when every task of the <c>Task.WaitAll</c> is a local made
    /// with <c>new Task(delegate)</c> outside any loop, started with <c>Start()</c>, and CPU-bound; no rewrite.
    /// </summary>
    private static FanOut? AnalyzeTaskSet(IObjectCreationOperation creation, IOperation? parent, IOperation root, KnownTypes types, WorkCostModel costModel)
    {
        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } || creation.Arguments.Length != 1)
        {
            return null;
        }

        var own = declarator.Symbol;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "WaitAll", Arguments.Length: 1 } waitAll
                || !KnownTypes.Is(waitAll.TargetMethod.ContainingType, types.Task))
            {
                continue;
            }

            // Task.WaitAll(a, b) (a params array, or the span .NET 9+ references bind to) or Task.WaitAll(new[] { a, b }).
            var argument = OperationFacts.StripConversions(waitAll.Arguments[0].Value);
            var elements = AsyncFanIn.ParamsElements(waitAll, argument);
            if (elements.IsDefault && argument is IArrayCreationOperation { Initializer: { } initializer })
            {
                elements = initializer.ElementValues;
            }

            if (elements.IsDefault || elements.Length < 2)
            {
                continue;
            }

            var locals = elements.Select(e => OperationFacts.StripConversions(e) is ILocalReferenceOperation reference ? reference.Local : null).ToList();
            if (locals.Any(l => l is null) || !locals.Contains(own, SymbolEqualityComparer.Default))
            {
                continue;
            }

            if (locals.Distinct(SymbolEqualityComparer.Default).Count() != locals.Count)
            {
                return null;
            }

            var tasks = new List<IObjectCreationOperation>();
            foreach (var local in locals)
            {
                if (OperationFacts.InitializerOf(local!, root) is not IObjectCreationOperation { Arguments.Length: 1 } made
                    || !IsTaskType(made.Type, types)
                    || OperationFacts.EnclosingLoop(made, root) is not null
                    || !IsStartedOnce(local!, root, waitAll, types))
                {
                    return null;
                }

                tasks.Add(made);
            }

            if (tasks.OrderBy(t => t.Syntax.SpanStart).First() != creation)
            {
                // Reported once, at the first task of the set.
                return null;
            }

            WorkCost? first = null;
            foreach (var task in tasks)
            {
                var @delegate = OperationFacts.UnwrapDelegate(task.Arguments[0].Value);
                if (@delegate is null || ThreadFanOut.DelegateBody(@delegate) is null)
                {
                    return null;
                }

                var cost = ThreadFanOut.DelegateCost(@delegate, costModel, types);
                if (!cost.IsCpuBound)
                {
                    return null;
                }

                first ??= cost;
            }

            return new FanOut(FanOutShape.Explicit, creation, tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), first!.Value,
                "new Task(...).Start() (one local per task) + Task.WaitAll", null, "a fixed set of explicit tasks: no rewrite is offered");
        }

        return null;
    }

    /// <summary><c>task.Start()</c> exactly once in the function, before <paramref name="join"/>.</summary>
    private static bool IsStartedOnce(ILocalSymbol task, IOperation root, IOperation join, KnownTypes types)
    {
        var starts = 0;
        foreach (var operation in OperationFacts.Descendants(root, enterFunctions: false))
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Instance: { } instance } start
                && IsTaskType(start.TargetMethod.ContainingType, types)
                && OperationFacts.StripConversions(instance) is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, task))
            {
                if (start.Syntax.SpanStart > join.Syntax.SpanStart)
                {
                    return false;
                }

                starts++;
            }
        }

        return starts == 1;
    }
}
