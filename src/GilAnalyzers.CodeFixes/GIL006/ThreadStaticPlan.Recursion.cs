using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// The effects of locked code that reaches a recursive method (a backtracking <c>Search(cell + 1)</c>), which the
/// <see cref="StateEffectsWalker"/> cannot summarise in one piece. The methods that are in a cycle, or call into one, are
/// analysed one at a time: each body, and the locked code, is cut into the largest pieces that call none of them, and
/// the calls between them are followed only through their arguments (by value, to static methods) and through the
/// plain statements, conditions, loops, returns and local assignments around them. The union is what the locked code
/// does; anything else around such a call (a field assigned its result, a user-defined operator, a delegate) refuses.
/// </summary>
internal sealed partial class ThreadStaticPlan
{
    private static StateEffects? EffectsAroundRecursion(Compilation compilation, StateEffectsWalker walker, GuardedRegion region, IReadOnlyList<IOperation> locked,
        Refusal why, CancellationToken cancellationToken)
    {
        var graph = ThreadStaticCallGraph.Build(compilation, locked, System.Array.Empty<IFieldSymbol>(), Refusal.Ignored, cancellationToken);
        if (graph is null)
        {
            return null;
        }

        var cut = new HashSet<IMethodSymbol>(graph.Methods.Where(m => ReachesCycle(graph, m)), SymbolEqualityComparer.Default);
        if (cut.Count == 0)
        {
            return null;
        }

        var total = new StateEffects();
        var parts = new List<(IEnumerable<IOperation> Operations, ThreadScope Scope)> { (locked, walker.ScopeOf(region.First)) };
        parts.AddRange(cut.Select(m => ((IEnumerable<IOperation>)new[] { graph.BodyOf(m) }, walker.ScopeOf(graph.BodyOf(m).Syntax))));
        foreach (var (operations, scope) in parts)
        {
            var pieces = new List<IOperation>();
            if (!operations.All(o => Split(o, cut, pieces)))
            {
                return null;
            }

            var effects = walker.Analyze(pieces, scope);
            if (effects.Unknown)
            {
                why.Add(NoFixReasons.ThreadStaticRegion, "the locked code does something the analysis cannot see through (" + effects.UnknownReason + ")");
                return null;
            }

            total.UnionWith(effects);
        }

        return total;
    }

    /// <summary>Whether <paramref name="method"/> is in a cycle of calls, or calls into one.</summary>
    private static bool ReachesCycle(ThreadStaticCallGraph graph, IMethodSymbol method)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var stack = new Stack<IMethodSymbol>(graph.Callees(method));
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (!seen.Add(next))
            {
                continue;
            }

            if (graph.Callees(next).Contains(next, SymbolEqualityComparer.Default)
                || graph.Callees(next).Any(c => SymbolEqualityComparer.Default.Equals(c, method)))
            {
                return true;
            }

            foreach (var callee in graph.Callees(next))
            {
                stack.Push(callee);
            }
        }

        return false;
    }

    /// <summary>
    /// Adds to <paramref name="pieces"/> the largest parts of <paramref name="operation"/> that call no method of
    /// <paramref name="cut"/>; false when a call into it sits somewhere the pieces cannot describe.
    /// </summary>
    private static bool Split(IOperation operation, HashSet<IMethodSymbol> cut, List<IOperation> pieces)
    {
        if (operation.DescendantsAndSelf().OfType<IMethodReferenceOperation>().Any(r => cut.Contains(r.Method.OriginalDefinition)))
        {
            return false;
        }

        if (!operation.DescendantsAndSelf().OfType<IInvocationOperation>().Any(i => cut.Contains(i.TargetMethod.OriginalDefinition)))
        {
            pieces.Add(operation);
            return true;
        }

        switch (operation)
        {
            case IInvocationOperation call when cut.Contains(call.TargetMethod.OriginalDefinition):
                return call.TargetMethod.IsStatic
                       && call.Arguments.All(a => a.Parameter is { RefKind: RefKind.None } && Split(a.Value, cut, pieces));
            case IAssignmentOperation { Target: ILocalReferenceOperation } assignment when assignment is ISimpleAssignmentOperation or ICompoundAssignmentOperation { OperatorMethod: null }:
                return Split(assignment.Value, cut, pieces);
            case IDeconstructionAssignmentOperation deconstruction when AreLocals(deconstruction.Target):
                return Split(deconstruction.Value, cut, pieces);
            case IBinaryOperation { OperatorMethod: not null }:
            case IUnaryOperation { OperatorMethod: not null }:
            case IConversionOperation { OperatorMethod: not null }:
                return false;
            case IBlockOperation or IExpressionStatementOperation or IConditionalOperation or ILoopOperation or IReturnOperation
                or IBinaryOperation or IUnaryOperation or IConversionOperation or IParenthesizedOperation
                or IVariableDeclarationGroupOperation or IVariableDeclarationOperation or IVariableDeclaratorOperation or IVariableInitializerOperation
                or ILabeledOperation or IBranchOperation or ICoalesceOperation:
                return operation.ChildOperations.All(child => Split(child, cut, pieces));
            default:
                return false;
        }
    }

    /// <summary><c>(a, b)</c> or <c>var (a, b)</c> of locals (or discards): what a deconstruction writes is the thread's own.</summary>
    private static bool AreLocals(IOperation target)
        => target switch
        {
            IDeclarationExpressionOperation declaration => AreLocals(declaration.Expression),
            ITupleOperation tuple => tuple.Elements.All(AreLocals),
            ILocalReferenceOperation or IDiscardOperation => true,
            _ => false,
        };
}
