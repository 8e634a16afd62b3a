using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Code at the top of a call that starts a reused scratch array afresh from its first element, but not necessarily all of
/// it: an optional grow (<c>if (f.Length &lt; n) f = new T[n * 2];</c>), then a clear or fill from index 0
/// (<c>Array.Clear(f, 0, n)</c>, <c>Array.Fill(f, v, 0, n)</c>, <c>f.AsSpan(0, n).Clear()</c>, a counting loop from 0 that
/// writes <c>f[i]</c> first, up to any bound, a loop nest that writes <c>f[k++]</c> from <c>k = 0</c>) — or a grow followed
/// by a whole clear. <see cref="WholeOverwrites"/> proves
/// that nothing an earlier call left is ever read; this shape does not: what lies past the reset part, and the length a
/// grow reached, are an earlier call's. A new array made as the field's first one (all zeros, its first length) and grown
/// and reset by the call's own statements gives every call the state the program's first call had.
/// </summary>
/// <remarks>
/// That keeps results only when they do not depend on what an earlier call left past the part it resets — which is what
/// the lock already implies: the calls the diagnostic reports take it from parallel code, in an order the program does not
/// choose, so which call left the rest is not something its results can rely on. The reset from index 0 is what shows the
/// buffer is scratch: state kept on purpose from call to call (a running history, a counter, a cache) is read before it
/// is written, or written from a later index, and is none of these. The field must be given only new zero-filled arrays
/// (<c>new T[n]</c>, <c>[]</c>), so that the first call's array is <c>new T[f.Length]</c>.
/// </remarks>
internal static class PrefixResets
{
    /// <summary>
    /// The scratch fields that <paramref name="statements"/>[<paramref name="index"/>] starts afresh — a reset, or a grow
    /// (of one buffer, or of several resized together) whose buffers the next statement naming each resets; empty when none.
    /// </summary>
    public static IReadOnlyList<PrefixReset> At(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
    {
        var found = new List<PrefixReset>();
        if (Grow(statements[index], model, cancellationToken) is { } grown)
        {
            foreach (var field in grown)
            {
                // The reset is the next statement that names the buffer (two buffers may be grown, then both reset).
                var resetIndex = -1;
                for (var i = index + 1; i < statements.Count && resetIndex < 0; i++)
                {
                    if (WholeOverwrites.Mentions(statements[i], field, model, cancellationToken).Any())
                    {
                        resetIndex = i;
                    }
                }

                if (resetIndex >= 0 && ResetIn(statements, resetIndex, field, model, cancellationToken) is { } reset
                    && GivenOnlyNewZeroArrays(field, cancellationToken))
                {
                    found.Add(new PrefixReset(field, statements[index], reset));
                }
            }

            // Buffers grown together all restart, or none: a field left shared would be grown by the local's length.
            if (found.Count != grown.Count)
            {
                found.Clear();
            }
        }
        else if (ResetAt(statements, index, model, cancellationToken) is { } field && GivenOnlyNewZeroArrays(field, cancellationToken))
        {
            found.Add(new PrefixReset(field, statements[index], statements[index]));
        }

        // A goto could jump from before the reset to a use after it (looked for only once there is a candidate).
        if (found.Count > 0 && statements.Skip(index).Any(s => s.DescendantNodesAndSelf().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax)))
        {
            found.Clear();
        }

        return found;
    }

    /// <summary>
    /// The statement that resets <paramref name="field"/> after a grow: <paramref name="statements"/>[<paramref name="index"/>] itself, or — when it is a loop
    /// whose header does not name the buffer — the first statement of the loop's body that names it (a tally cleared at the
    /// top of every round: <c>while (…) { rounds++; Array.Clear(_tally); … }</c>); null when that is not a reset of it.
    /// </summary>
    private static StatementSyntax? ResetIn(IReadOnlyList<StatementSyntax> statements, int index, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var next = statements[index];
        if (ResetAt(statements, index, model, cancellationToken) is { } reset)
        {
            return SymbolEqualityComparer.Default.Equals(reset, field) ? next : null;
        }

        // The loop's header (condition, for clauses, foreach source) is everything outside its body.
        var body = next switch
        {
            WhileStatementSyntax loop => loop.Statement,
            ForStatementSyntax loop => loop.Statement,
            ForEachStatementSyntax loop => loop.Statement,
            _ => null,
        };
        if (body is not BlockSyntax block
            || WholeOverwrites.Mentions(next, field, model, cancellationToken).Any(mention => !block.Span.Contains(mention.Span)))
        {
            return null;
        }

        for (var i = 0; i < block.Statements.Count; i++)
        {
            if (WholeOverwrites.Mentions(block.Statements[i], field, model, cancellationToken).Any())
            {
                return ResetAt(block.Statements, i, model, cancellationToken) is { } nested && SymbolEqualityComparer.Default.Equals(nested, field)
                    ? block.Statements[i]
                    : null;
            }
        }

        return null;
    }

    private static IFieldSymbol? ResetAt(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
        => Reset(statements[index], model, cancellationToken) ?? SequentialFill(statements, index, model, cancellationToken);

    /// <summary>
    /// A nest of <c>for</c> loops, each the whole body of the one around it, whose innermost statement is <c>f[k++] = e;</c>
    /// — a window flattened into a scratch array (<c>for (y…) for (x…) _stamp[k++] = frame[x, y];</c>) — where the
    /// statement before the nest sets the local <c>k</c> to 0, nothing else in the nest writes <c>k</c> or names <c>f</c>, and
    /// every loop has a condition: the nest writes <c>f[0]</c>, <c>f[1]</c>, … in order before anything reads the buffer.
    /// </summary>
    private static IFieldSymbol? SequentialFill(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
    {
        if (index == 0 || statements[index] is not ForStatementSyntax outer)
        {
            return null;
        }

        StatementSyntax inner = outer;
        while (inner is ForStatementSyntax loop)
        {
            if (loop.Condition is null)
            {
                return null;
            }

            inner = loop.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : loop.Statement;
        }

        if (inner is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } index0 } target } }
            || index0[0].Expression is not PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax { Identifier.ValueText: var counter } }
            || ScratchBuffers.FieldOf(model.GetOperation(target.Expression, cancellationToken)) is not { } field
            || !WholeOverwrites.IsScratchArray(field)
            || WholeOverwrites.Mentions(outer, field, model, cancellationToken).Count() != 1
            || outer.DescendantNodes().OfType<IdentifierNameSyntax>().Count(n => n.Identifier.ValueText == counter && WholeOverwrites.IsWritten(n)) != 1)
        {
            return null;
        }

        return statements[index - 1] switch
        {
            LocalDeclarationStatementSyntax { Declaration.Variables: var variables }
                => variables.Any(v => v.Identifier.ValueText == counter && v.Initializer?.Value is { } initial && IsZero(initial, model, cancellationToken)) ? field : null,
            ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax { Identifier.ValueText: var name }, Right: var value } }
                => name == counter && IsZero(value, model, cancellationToken) ? field : null,
            _ => null,
        };
    }

    private static bool IsZero(ExpressionSyntax value, SemanticModel model, CancellationToken cancellationToken)
        => model.GetConstantValue(value, cancellationToken) is { HasValue: true, Value: 0 };

    /// <summary>
    /// After the reset, the call uses the buffer only element by element (<c>f[e]</c>) or as the destination of a copy
    /// (<c>src.CopyTo(f.AsSpan(k))</c>, <c>Array.Copy(src, 0, f, k, n)</c>): its length, a loop or sort over all of it, a
    /// clone or a pass over the whole array would see what an earlier call left past the reset part (and the length an
    /// earlier grow reached), so such a buffer is not taken.
    /// </summary>
    public static bool UsedOnlyByElement(PrefixReset prefix, IEnumerable<ExpressionSyntax> references, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var use in references)
        {
            var byElement = use.Parent is ElementAccessExpressionSyntax element && element.Expression == use;
            var inReset = prefix.Reset.SyntaxTree == use.SyntaxTree && prefix.Reset.Span.Contains(use.Span);

            // The clear or fill call itself may take the whole array; a fill loop, like the rest, goes element by element.
            if (!(byElement || (inReset && prefix.Reset is not ForStatementSyntax) || IsCopyDestination(use, model, cancellationToken)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>src.CopyTo(f.AsSpan(…))</c> or <c>Array.Copy(src, i, f, j, n)</c> / <c>Array.Copy(src, f, n)</c>: the buffer is only written.</summary>
    private static bool IsCopyDestination(ExpressionSyntax use, SemanticModel model, CancellationToken cancellationToken)
    {
        if (use.SyntaxTree != model.SyntaxTree)
        {
            return false;
        }

        if (model.GetOperation(use, cancellationToken) is not { } operation)
        {
            return false;
        }

        var parent = OperationFacts.WithWrappers(operation).Parent;
        if (parent is IArgumentOperation { Parent: IInvocationOperation asSpan } asSpanArgument
            && asSpan.TargetMethod is { Name: "AsSpan", ContainingType: { Name: "MemoryExtensions", ContainingNamespace.Name: "System" } }
            && asSpan.Arguments[0] == asSpanArgument)
        {
            // Span<T>.CopyTo(destination), MemoryExtensions.CopyTo(this T[] source, Span<T> destination).
            return OperationFacts.WithWrappers(asSpan).Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "CopyTo" }, Parameter.Name: "destination" };
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { Name: "Copy", IsStatic: true, ContainingType.SpecialType: SpecialType.System_Array } } arrayCopy } argument
               && arrayCopy.Arguments.Length is 3 or 5
               && argument == arrayCopy.Arguments[arrayCopy.Arguments.Length == 3 ? 1 : 2];
    }

    /// <summary>
    /// <c>if (cond) f = new T[m];</c> (no else; the assignment alone, or assignments of new arrays to several scratch array
    /// fields alone in a block: <c>{ _dist = new double[n]; _prev = new int[n]; }</c>), where the condition and each new size
    /// look at the buffers only through their lengths or a null test. The fields grown, or null.
    /// </summary>
    private static List<IFieldSymbol>? Grow(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not IfStatementSyntax { Else: null } grow)
        {
            return null;
        }

        var body = grow.Statement is BlockSyntax block ? (IReadOnlyList<StatementSyntax>)block.Statements : new[] { grow.Statement };
        var fields = new List<IFieldSymbol>();
        var sizes = new List<ArrayCreationExpressionSyntax>();
        foreach (var assignmentStatement in body)
        {
            if (assignmentStatement is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: ArrayCreationExpressionSyntax { Initializer: null } made } assignment }
                || ScratchBuffers.FieldOf(model.GetOperation(assignment.Left, cancellationToken)) is not { } field
                || !WholeOverwrites.IsScratchArray(field)
                || !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(made, cancellationToken).Type, field.Type)
                || fields.Any(f => SymbolEqualityComparer.Default.Equals(f, field)))
            {
                return null;
            }

            fields.Add(field);
            sizes.Add(made);
        }

        if (fields.Count == 0
            || fields.Any(field => !sizes.All(made => WholeOverwrites.NamesOnlyLength(made, field, model, cancellationToken))
                                   || !OnlyLengthOrNullTest(grow.Condition, field, model, cancellationToken)))
        {
            return null;
        }

        return fields;
    }

    /// <summary>The condition names the buffer only as <c>f.Length</c>, or in <c>f == null</c> / <c>f != null</c> / <c>f is null</c> / <c>f is not null</c>.</summary>
    private static bool OnlyLengthOrNullTest(ExpressionSyntax condition, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var mention in WholeOverwrites.Mentions(condition, field, model, cancellationToken))
        {
            var use = WholeOverwrites.UseOf(mention);
            var ok = use.Parent switch
            {
                MemberAccessExpressionSyntax => WholeOverwrites.IsLengthRead(use),
                BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression } test
                    => (test.Left == use ? test.Right : test.Left).IsKind(SyntaxKind.NullLiteralExpression),
                IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } } => true,
                IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } } } => true,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A clear, fill or copy into a scratch array field from index 0: <c>Array.Clear(f)</c>, <c>Array.Clear(f, 0, n)</c>,
    /// <c>Array.Fill(f, v)</c>, <c>Array.Fill(f, v, 0, n)</c>, <c>Array.Copy(source, f, n)</c>, <c>Array.Copy(source, i, f, 0, n)</c>, <c>f.AsSpan().Clear()</c>, <c>f.AsSpan(0, n).Clear()</c> /
    /// <c>.Fill(v)</c>, or a counting loop from 0 that writes <c>f[i]</c> first; the other arguments name the buffer only
    /// through its length.
    /// </summary>
    private static IFieldSymbol? Reset(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (WholeOverwrites.PrefixFillLoop(statement, model, cancellationToken) is { } filled)
        {
            return filled;
        }

        if (statement is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax }
            || model.GetOperation(statement, cancellationToken) is not IExpressionStatementOperation { Operation: IInvocationOperation call })
        {
            return null;
        }

        var method = call.TargetMethod;
        IOperation? array;
        IOperation[] others;
        if (call.Instance is null && method.IsStatic && method.ContainingType.SpecialType == SpecialType.System_Array && call.Arguments.Length > 0
            && (method.Name, call.Arguments.Length) is ("Clear", 1) or ("Clear", 3) or ("Fill", 2) or ("Fill", 4))
        {
            // Array.Clear(f, start, n) and Array.Fill(f, v, start, n): the start is 0.
            var startAt = method.Name == "Clear" ? 1 : 2;
            if (call.Arguments.Length > startAt && call.Arguments[startAt].Value.ConstantValue is not { HasValue: true, Value: 0 })
            {
                return null;
            }

            array = call.Arguments[0].Value;
            others = call.Arguments.Skip(1).Select(a => a.Value).ToArray();
        }
        else if (call.Instance is null && method is { IsStatic: true, Name: "Copy" } && method.ContainingType.SpecialType == SpecialType.System_Array
                 && (call.Arguments.Length == 3 || (call.Arguments.Length == 5 && call.Arguments[3].Value.ConstantValue is { HasValue: true, Value: 0 })))
        {
            // Array.Copy(source, f, n), Array.Copy(source, i, f, 0, n): f written from 0 with what the call hands in.
            array = call.Arguments[call.Arguments.Length == 3 ? 1 : 2].Value;
            others = call.Arguments.Where(a => a.Value != array).Select(a => a.Value).ToArray();
        }
        else if (method is { Name: "Clear", Parameters.Length: 0 } or { Name: "Fill", Parameters.Length: 1 }
                 && method.ContainingType is { Name: "Span", ContainingNamespace.Name: "System" }
                 && call.Instance is not null && OperationFacts.StripConversions(call.Instance) is IInvocationOperation
                 {
                     TargetMethod: { Name: "AsSpan", ContainingType: { Name: "MemoryExtensions", ContainingNamespace.Name: "System" } },
                 } asSpan
                 && asSpan.Arguments.Length is 1 or 3
                 && (asSpan.Arguments.Length == 1 || asSpan.Arguments[1].Value.ConstantValue is { HasValue: true, Value: 0 }))
        {
            // f.AsSpan().Clear(), f.AsSpan(0, n).Clear(), .Fill(v).
            array = asSpan.Arguments[0].Value;
            others = asSpan.Arguments.Skip(1).Select(a => a.Value).Concat(call.Arguments.Select(a => a.Value)).ToArray();
        }
        else
        {
            return null;
        }

        if (ScratchBuffers.FieldOf(OperationFacts.StripConversions(array)) is not { } field || !WholeOverwrites.IsScratchArray(field)
            || others.Any(other => !WholeOverwrites.NamesOnlyLength(other.Syntax, field, model, cancellationToken)))
        {
            return null;
        }

        return field;
    }

    /// <summary>
    /// The field has an initialiser, and every value it is given (the initialiser, its constructors' assignments) is a new
    /// array with no elements listed (<c>new T[n]</c>) or an empty collection expression: never null and all zeros, so
    /// <c>new T[f.Length]</c> is the first one.
    /// </summary>
    private static bool GivenOnlyNewZeroArrays(IFieldSymbol field, CancellationToken cancellationToken)
    {
        // An initialiser too: a field only some constructors assign could be null, and f.Length would then throw where
        // a grow guarded by f == null did not.
        var values = ScratchBuffers.ValuesGiven(field, cancellationToken);
        return WholeOverwrites.NeverNull(field, cancellationToken)
               && values.All(value => value is ArrayCreationExpressionSyntax { Initializer: null } or CollectionExpressionSyntax { Elements.Count: 0 });
    }
}

/// <summary>A scratch field started afresh from index 0 (<see cref="PrefixResets"/>), and the statement that resets it.</summary>
internal sealed class PrefixReset
{
    public PrefixReset(IFieldSymbol field, StatementSyntax start, StatementSyntax reset)
    {
        Field = field;
        Start = start;
        Reset = reset;
    }

    public IFieldSymbol Field { get; }

    /// <summary>The first statement: the grow, or the reset itself.</summary>
    public StatementSyntax Start { get; }

    /// <summary>The clear, fill, copy or fill loop (after a grow, the first statement naming the buffer, or one at the top of a loop's body).</summary>
    public StatementSyntax Reset { get; }
}
