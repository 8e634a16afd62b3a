using System.Collections.Generic;
using System.Linq;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// The per-call reset check of <see cref="ThreadStaticPlan"/>: every method the lock calls starts each static field it
/// uses afresh. The process-pool rewrite asks the same of the work method (<c>StateIsResetPerItem</c>, through the shared
/// recogniser <see cref="FieldResets"/>); here the check also looks into the calls before the reset (a helper that reads
/// the field first is a use), and it accepts an element loop that writes every element of a buffer of known length.
/// </summary>
internal static class ThreadStaticResets
{
    /// <summary>
    /// The fields reset in place (cleared, filled, overwritten element by element: each thread needs its own object), or
    /// null when a field is not reset whole by every entry that uses it before it is read.
    /// </summary>
    public static HashSet<IFieldSymbol>? Check(ThreadStaticCallGraph graph, IReadOnlyList<IFieldSymbol> state, Refusal why)
    {
        var inPlace = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var reset = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var entry in graph.Entries)
        {
            var statements = graph.BodyOf(entry).Operations;
            var reached = new HashSet<IFieldSymbol>(graph.Reaches(entry), SymbolEqualityComparer.Default);
            foreach (var field in state.Where(reached.Contains))
            {
                var first = statements.FirstOrDefault(s => graph.Touches(s, field));
                var kind = first is null ? null : KindOf(graph, first, field);
                if (kind is null)
                {
                    why.Add(NoFixReasons.ThreadStaticStateShared, $"'{field.Name}' is used before '{entry.Name}' resets it whole, so it carries state from one call to the next");
                    return null;
                }

                reset.Add(field);
                if (kind != FieldResetKind.Assigned)
                {
                    inPlace.Add(field);
                }
            }
        }

        if (state.FirstOrDefault(f => !reset.Contains(f)) is { } missed)
        {
            why.Add(NoFixReasons.ThreadStaticStateShared, $"'{missed.Name}' is not reset by a method the lock calls");
            return null;
        }

        return inPlace;
    }

    /// <summary>How <paramref name="statement"/> resets <paramref name="field"/> whole without reading it, or null.</summary>
    private static FieldResetKind? KindOf(ThreadStaticCallGraph graph, IOperation statement, IFieldSymbol field)
    {
        if (IsAssignedInChain(graph, statement, field))
        {
            return FieldResetKind.Assigned;
        }

        if (statement is IForLoopOperation loop)
        {
            return OverwritesEveryElement(graph, loop, field) ? FieldResetKind.ArrayFilled : null;
        }

        if (FieldResets.Of(statement) is not { } reset || !IsField(reset.Target, field)
            || reset.Value is not null && graph.Touches(reset.Value, field))
        {
            return null;
        }

        // A Clear or Fill of the project's own type may keep some state: only the framework's reset the object whole.
        return reset.Kind != FieldResetKind.Assigned && reset.Method is { } method && method.DeclaringSyntaxReferences.Length > 0 ? null : reset.Kind;
    }

    /// <summary><c>f = value;</c> or a chain <c>a = f = value;</c> whose value does not use the field.</summary>
    private static bool IsAssignedInChain(ThreadStaticCallGraph graph, IOperation statement, IFieldSymbol field)
    {
        if (statement is not IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment })
        {
            return false;
        }

        var assigned = false;
        IOperation value = assignment;
        while (value is ISimpleAssignmentOperation { IsRef: false } link)
        {
            assigned |= IsField(link.Target, field);
            if (!IsField(link.Target, field) && graph.Touches(link.Target, field))
            {
                return false;
            }

            value = link.Value;
        }

        return assigned && !graph.Touches(value, field);
    }

    /// <summary>
    /// <c>for (int i = 0; i &lt; f.Length; i++) { f[i] = e; … }</c> (or up to the constant length of the array a read-only
    /// field is created with), an <c>int</c> counter (or <c>uint</c>/<c>long</c>), where <c>e</c> and the rest of the body do not use the field and the body
    /// does not change <c>i</c>.
    /// </summary>
    private static bool OverwritesEveryElement(ThreadStaticCallGraph graph, IForLoopOperation loop, IFieldSymbol field)
    {
        // The counting-loop header and "the body never writes the counter" are OperationFacts' (one recogniser for every rule).
        // for (uint k = 0; k < 256; k++) s_state[k] = …: a uint or long counter walks the array the same way.
        if (!(OperationFacts.IsZeroBasedCountingLoop(loop, out var index, out var bound) || OperationFacts.IsWideCountingLoop(loop, out index, out bound))
            || !IsWholeLength(graph, bound, field))
        {
            return false;
        }

        var body = loop.Body is IBlockOperation block ? block.Operations : System.Collections.Immutable.ImmutableArray.Create(loop.Body);
        return body.Length > 0
               && body[0] is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } write }
               && IsField(element.ArrayReference, field)
               && element.Indices.Length == 1 && IsLocal(element.Indices[0], index)
               && !graph.Touches(write.Value, field)
               && !body.Skip(1).Any(s => graph.Touches(s, field));
    }

    /// <summary><c>f.Length</c>, or the constant length a read-only field's array is created with.</summary>
    private static bool IsWholeLength(ThreadStaticCallGraph graph, IOperation bound, IFieldSymbol field)
    {
        bound = OperationFacts.StripConversions(bound);
        if (bound is IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance } && IsField(instance, field))
        {
            return true;
        }

        return bound.ConstantValue is { HasValue: true } constant && field.IsReadOnly
               && KnownLength(graph, field) is { } length && System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture) == length;
    }

    /// <summary>The length of <c>new T[n]</c> with a constant <c>n</c> in the field's initialiser.</summary>
    private static long? KnownLength(ThreadStaticCallGraph graph, IFieldSymbol field)
    {
        if (field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not VariableDeclaratorSyntax
            {
                Initializer.Value: ArrayCreationExpressionSyntax { Type.RankSpecifiers: { Count: 1 } ranks, Initializer: null },
            }
            || ranks[0].Sizes.Count != 1
            || graph.Compilation.GetSemanticModel(ranks[0].SyntaxTree).GetConstantValue(ranks[0].Sizes[0]) is not { HasValue: true, Value: int size })
        {
            return null;
        }

        return size;
    }

    private static bool IsLocal(IOperation operation, ILocalSymbol local)
        => OperationFacts.StripConversions(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    private static bool IsField(IOperation? operation, IFieldSymbol field)
        => operation is not null && OperationFacts.StripConversions(operation) is IFieldReferenceOperation reference
           && SymbolEqualityComparer.Default.Equals(reference.Field.OriginalDefinition, field);

}
