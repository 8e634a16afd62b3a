using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>Statements of a block that overwrite every element of an array field before anything reads what it held.</summary>
internal sealed class WholeOverwrite
{
    public WholeOverwrite(IFieldSymbol field, int count, ArrayCreationExpressionSyntax? made)
    {
        Field = field;
        Count = count;
        Made = made;
    }

    public IFieldSymbol Field { get; }

    /// <summary>How many statements the overwrite takes, from the one it starts at.</summary>
    public int Count { get; }

    /// <summary>
    /// For the exact-size resize (<c>if (f.Length != n) f = new T[n];</c> then a fill over <c>n</c>) and a plain
    /// <c>f = new T[n];</c>: the creation, which makes the new buffer in that statement's place. Null when the buffer keeps
    /// the field's own length.
    /// </summary>
    public ArrayCreationExpressionSyntax? Made { get; }
}

/// <summary>
/// The one recogniser of code that overwrites a whole scratch array before it reads it, so that what an earlier call
/// left there is never seen (<see cref="ScratchBuffers"/>): a counting loop whose body first writes the element at its
/// counter (<c>for (int i = 0; i &lt; n; i++) { f[i] = e; … }</c>, <c>n</c> provably the array's length); straight-line
/// writes at the constant indexes 0..N-1 of an array always made with N elements; the exact-size resize
/// (<c>if (f.Length != n) f = new T[n];</c>) followed by such a loop over <c>n</c>; <c>Array.Copy</c> into all of it; a
/// new array assigned to it (<c>f = new T[n, n];</c>).
/// </summary>
/// <remarks>
/// A loop that starts at 1 or stops short, a bound another array's length is not known to equal, a size that can change,
/// a read of the array before the write, a conditional or skippable write, or an early <c>break</c> is none of these.
/// </remarks>
internal static partial class WholeOverwrites
{
    /// <summary>The overwrite that starts at <paramref name="statements"/>[<paramref name="index"/>], or null.</summary>
    public static WholeOverwrite? At(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken)
    {
        var statement = statements[index];
        if (Resize(statement, model, cancellationToken) is { } resize)
        {
            return index + 1 < statements.Count
                   && FillLoop(statements[index + 1], model, cancellationToken, resize) is { } resized
                   && SymbolEqualityComparer.Default.Equals(resized, resize.Field)
                ? new WholeOverwrite(resize.Field, 2, resize.Made)
                : null;
        }

        if ((FillLoop(statement, model, cancellationToken, null) ?? CopyTarget(statement, model, cancellationToken)) is { } field)
        {
            return new WholeOverwrite(field, 1, null);
        }

        if (NewArray(statement, model, cancellationToken) is { } renewed)
        {
            return renewed;
        }

        if (Recurrence(statements, index, model, cancellationToken) is { } recurrence)
        {
            return recurrence;
        }

        return ConstantRun(statements, index, model, cancellationToken, out var count) is { } written ? new WholeOverwrite(written, count, null) : null;
    }

    /// <summary>
    /// <c>f = new T[n];</c> (any rank) on a private, non-volatile array field of type <c>T[]</c>, the size not naming
    /// <c>f</c>: the call starts from a new array, which the local can be in the assignment's place.
    /// </summary>
    private static WholeOverwrite? NewArray(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: ArrayCreationExpressionSyntax made } assignment }
            || ScratchBuffers.FieldOf(model.GetOperation(assignment.Left, cancellationToken)) is not { Type: IArrayTypeSymbol array, DeclaredAccessibility: Accessibility.Private, IsVolatile: false, IsConst: false } field
            || array.ElementType.TypeKind == TypeKind.Error || !field.Locations.Any(l => l.IsInSource)
            || !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(made, cancellationToken).Type, field.Type)
            || Names(made, field, model, cancellationToken))
        {
            return null;
        }

        return new WholeOverwrite(field, 1, made);
    }

    /// <summary>A private, non-volatile array field of rank 1 declared in source: one the fix may turn into a local.</summary>
    public static bool IsScratchArray(IFieldSymbol? field)
        => field is { Type: IArrayTypeSymbol { Rank: 1 } array, DeclaredAccessibility: Accessibility.Private, IsVolatile: false, IsConst: false }
           && array.ElementType.TypeKind != TypeKind.Error
           && field.Locations.Any(l => l.IsInSource);

    /// <summary>
    /// <c>for (int i = 0; i &lt; n; i++) { …; f[i] = e; … }</c> on a scratch array field <c>f</c>: the first statement of the
    /// body that names <c>f</c> is that write, at the top of the body, with nothing before it that can skip it (no
    /// <c>continue</c>) and no <c>break</c> or <c>goto</c> that ends the loop early; <c>e</c> and the body after the write
    /// name <c>f</c> only as <c>f[i]</c> or <c>f.Length</c>; the counter is written only by the loop; and <c>n</c> is the
    /// array's length (<see cref="IsLength"/>). After the loop every element holds what this call wrote.
    /// </summary>
    private static IFieldSymbol? FillLoop(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken, ResizeShape? resize)
        => FillLoop(statement, model, cancellationToken, resize, prefix: false);

    /// <summary>
    /// The counting loop of <see cref="FillLoop(StatementSyntax, SemanticModel, CancellationToken, ResizeShape?)"/> with any
    /// bound that names the array at most through its length: it writes the elements from 0 up to the bound, which need
    /// not be all of them (<see cref="PrefixResets"/>).
    /// </summary>
    public static IFieldSymbol? PrefixFillLoop(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
        => FillLoop(statement, model, cancellationToken, null, prefix: true);

    private static IFieldSymbol? FillLoop(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken, ResizeShape? resize, bool prefix)
    {
        if (statement is not ForStatementSyntax loop
            || (CountsUp(loop, model, cancellationToken) ?? (prefix ? null : CountsDown(loop, model, cancellationToken))) is not { } header
            || WritesCounter(loop.Statement, header.Counter))
        {
            return null;
        }

        var (counter, bound) = header;

        var body = loop.Statement is BlockSyntax block ? (IReadOnlyList<StatementSyntax>)block.Statements : new[] { loop.Statement };
        var writeIndex = -1;
        IFieldSymbol? field = null;
        for (var i = 0; i < body.Count && field is null; i++)
        {
            if (body[i] is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } index } target } }
                && index[0].Expression is IdentifierNameSyntax { Identifier.ValueText: var written } && written == counter
                && ScratchBuffers.FieldOf(model.GetOperation(target.Expression, cancellationToken)) is { } candidate && IsScratchArray(candidate))
            {
                (field, writeIndex) = (candidate, i);
            }
        }

        if (field is null)
        {
            return null;
        }

        var write = (AssignmentExpressionSyntax)((ExpressionStatementSyntax)body[writeIndex]).Expression;
        if (body.Take(writeIndex).Any(s => Names(s, field, model, cancellationToken) || s.DescendantNodesAndSelf().Any(n => n is ContinueStatementSyntax))
            || body.Any(s => s.DescendantNodesAndSelf().Any(n => n is GotoStatementSyntax or YieldStatementSyntax or LabeledStatementSyntax
                                                                 || (n is BreakStatementSyntax && EndsLoop(n, loop))))
            || Names(write.Right, field, model, cancellationToken)
            || !OnlyAtCounter(body.Skip(writeIndex), field, counter, (ElementAccessExpressionSyntax)write.Left, model, cancellationToken))
        {
            return null;
        }

        if (prefix)
        {
            return NamesOnlyLength(bound, field, model, cancellationToken) ? field : null;
        }

        return IsLength(bound, field, loop, resize, model, cancellationToken) ? field : null;
    }

    /// <summary><c>for (int i = 0; i &lt; n; i++)</c> (or <c>++i</c>, <c>i += 1</c>): the counter and <c>n</c>.</summary>
    private static (string Counter, ExpressionSyntax Bound)? CountsUp(ForStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        => loop is { Declaration.Variables: { Count: 1 } variables, Condition: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression } condition, Incrementors.Count: 1 }
           && variables[0].Initializer?.Value is { } start
           && model.GetConstantValue(start, cancellationToken) is { HasValue: true, Value: 0 }
           && condition.Left is IdentifierNameSyntax { Identifier.ValueText: var counter } && counter == variables[0].Identifier.ValueText
           && IsStepByOne(loop.Incrementors[0], counter)
            ? (counter, condition.Right)
            : null;

    /// <summary>
    /// <c>for (int i = n - 1; i &gt;= 0; i--)</c> (or <c>--i</c>, <c>i -= 1</c>), the same elements from the top down — a
    /// suffix sum written backwards (<c>acc += x[t] * x[t]; energy[t] = acc;</c>): the counter and <c>n</c>.
    /// </summary>
    private static (string Counter, ExpressionSyntax Bound)? CountsDown(ForStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
        => loop is { Declaration.Variables: { Count: 1 } variables, Condition: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.GreaterThanOrEqualExpression } condition, Incrementors.Count: 1 }
           && variables[0].Initializer?.Value is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } start
           && model.GetConstantValue(start.Right, cancellationToken) is { HasValue: true, Value: 1 }
           && model.GetConstantValue(condition.Right, cancellationToken) is { HasValue: true, Value: 0 }
           && condition.Left is IdentifierNameSyntax { Identifier.ValueText: var counter } && counter == variables[0].Identifier.ValueText
           && IsStepDownByOne(loop.Incrementors[0], counter)
            ? (counter, start.Left)
            : null;

    private static bool IsStepDownByOne(ExpressionSyntax incrementor, string counter) => incrementor switch
    {
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostDecrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreDecrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SubtractAssignmentExpression, Left: IdentifierNameSyntax name, Right: LiteralExpressionSyntax { Token.Value: 1 } } => name.Identifier.ValueText == counter,
        _ => false,
    };

    /// <summary>The expression a mention of a field stands for: <c>this.f</c> when written so, else the name itself.</summary>
    internal static ExpressionSyntax UseOf(IdentifierNameSyntax mention)
        => mention.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } viaThis && viaThis.Name == mention ? viaThis : mention;

    /// <summary>The use (<see cref="UseOf"/>) is the receiver of <c>.Length</c>.</summary>
    internal static bool IsLengthRead(ExpressionSyntax use)
        => use.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } length && length.Expression == use;

    /// <summary>Every mention of <paramref name="field"/> in <paramref name="node"/> is <c>f.Length</c> (or <c>this.f.Length</c>).</summary>
    public static bool NamesOnlyLength(SyntaxNode node, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        => Mentions(node, field, model, cancellationToken).All(mention => IsLengthRead(UseOf(mention)));

    /// <summary>A <c>break</c> whose nearest enclosing loop or switch is <paramref name="loop"/>.</summary>
    private static bool EndsLoop(SyntaxNode breakStatement, ForStatementSyntax loop)
        => breakStatement.Ancestors().FirstOrDefault(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or SwitchStatementSyntax) == loop;

    /// <summary>
    /// In <paramref name="statements"/>, <paramref name="field"/> is named only as <c>f[counter]</c> or <c>f.Length</c>, not
    /// in a lambda or local function (which could run when the counter has moved on).
    /// </summary>
    private static bool OnlyAtCounter(IEnumerable<StatementSyntax> statements, IFieldSymbol field, string counter, ElementAccessExpressionSyntax write, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var mention in statements.SelectMany(s => Mentions(s, field, model, cancellationToken)))
        {
            var use = UseOf(mention);
            var atCounter = use.Parent is ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } index } element && element.Expression == use
                            && index[0].Expression is IdentifierNameSyntax { Identifier.ValueText: var name } && name == counter;
            if (!(atCounter || IsLengthRead(use)) || (use.Parent != write && use.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The loop bound equals the array's length: <c>f.Length</c>; a constant equal to the constant size of every array the
    /// field is given; the length of a read-only array field it is always sized from; the same never-written symbol (a
    /// primary-constructor parameter, a read-only field) that sizes every array it is given; or, after an exact-size
    /// resize, the resize's size, which the loop cannot change.
    /// </summary>
    private static bool IsLength(ExpressionSyntax bound, IFieldSymbol field, ForStatementSyntax loop, ResizeShape? resize, SemanticModel model, CancellationToken cancellationToken)
    {
        var operation = Strip(model.GetOperation(bound, cancellationToken));
        if (operation is IPropertyReferenceOperation { Property.Name: "Length" } length && ScratchBuffers.FieldOf(length.Instance) is { } lengthOf)
        {
            return SymbolEqualityComparer.Default.Equals(lengthOf, field) || (resize is null && SizedFromTheSameArray(field, lengthOf, cancellationToken));
        }

        if (Names(bound, field, model, cancellationToken))
        {
            return false;
        }

        if (resize is not null)
        {
            return SyntaxFactory.AreEquivalent(bound, resize.Size, topLevel: false) && IsStable(resize.SizeOperation, loop, model, cancellationToken);
        }

        if (operation?.ConstantValue is { HasValue: true, Value: int constant })
        {
            return AllCreatedWithLength(field, constant, model, cancellationToken);
        }

        return operation switch
        {
            IParameterReferenceOperation { Parameter: var parameter } => IsNeverWrittenPrimaryParameter(parameter, field.ContainingType, cancellationToken)
                                                                         && AllSizedBy(field, parameter, model, cancellationToken),
            IFieldReferenceOperation { Field: { IsReadOnly: true } size } when ScratchBuffers.FieldOf(operation) is not null
                => !HasInitialiser(field, cancellationToken) && AllSizedBy(field, size, model, cancellationToken) && SetBeforeEverySizing(field, size, cancellationToken),
            _ => false,
        };
    }

    /// <summary>A parameter of the type's primary constructor that nothing in the type writes.</summary>
    private static bool IsNeverWrittenPrimaryParameter(IParameterSymbol parameter, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (parameter.RefKind != RefKind.None || parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
            || !SymbolEqualityComparer.Default.Equals(constructor.ContainingType, type)
            || parameter.DeclaringSyntaxReferences.Length != 1
            || parameter.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).Parent?.Parent is not TypeDeclarationSyntax)
        {
            return false;
        }

        return !type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>()
            .Any(n => n.Identifier.ValueText == parameter.Name && IsWritten(n)));
    }

    /// <summary>Every array the field is given (its initialiser, its constructors' assignments) is <c>new T[size]</c>.</summary>
    private static bool AllSizedBy(IFieldSymbol field, ISymbol size, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = ScratchBuffers.ValuesGiven(field, cancellationToken);
        return values.Count > 0 && values.All(value =>
            value is ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks } && ranks[0].Sizes.Count == 1
            && SymbolEqualityComparer.Default.Equals(
                Strip(model.Compilation.GetSemanticModel(value.SyntaxTree).GetOperation(ranks[0].Sizes[0], cancellationToken)) switch
                {
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IFieldReferenceOperation sizeField when ScratchBuffers.FieldOf(sizeField) is not null => sizeField.Field,
                    _ => null,
                },
                size));
    }

    /// <summary>
    /// Every assignment to the read-only <paramref name="size"/> is a statement of a constructor that, in a later statement
    /// of its own body, gives <paramref name="field"/> its new array: the array is always made with the size's last value.
    /// </summary>
    private static bool SetBeforeEverySizing(IFieldSymbol field, IFieldSymbol size, CancellationToken cancellationToken)
    {
        foreach (var assignment in MemberAssignments.To(size.ContainingType, size.Name, cancellationToken))
        {
            if (assignment.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax { Parent: ConstructorDeclarationSyntax } body } statement
                || !body.Statements.Skip(body.Statements.IndexOf(statement) + 1).Any(later =>
                    later is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax sizing }
                    && MemberAssignments.To(field.ContainingType, field.Name, cancellationToken).Contains(sizing)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A syntax write of the identifier (or element access): an assignment's target, <c>++</c>/<c>--</c>, a
    /// <c>ref</c>/<c>out</c> argument.
    /// </summary>
    internal static bool IsWritten(ExpressionSyntax name)
        => name.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == name,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } => true,
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } => true,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
            RefExpressionSyntax => true,
            _ => false,
        };

    private static bool WritesCounter(StatementSyntax body, string counter)
        => body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == counter && IsWritten(n));

    private static bool IsStepByOne(ExpressionSyntax incrementor, string counter) => incrementor switch
    {
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression, Left: IdentifierNameSyntax name, Right: LiteralExpressionSyntax { Token.Value: 1 } } => name.Identifier.ValueText == counter,
        _ => false,
    };

    /// <summary>
    /// Straight-line writes <c>f[0] = e0; f[1] = e1; …</c> from <paramref name="index"/> on, at constant indexes that cover
    /// 0..N-1 of a scratch array field every array of which is made with the constant size N, no value naming <c>f</c>.
    /// </summary>
    private static IFieldSymbol? ConstantRun(IReadOnlyList<StatementSyntax> statements, int index, SemanticModel model, CancellationToken cancellationToken, out int count)
    {
        count = 0;
        IFieldSymbol? field = null;
        var written = new HashSet<int>();
        for (var i = index; i < statements.Count; i++)
        {
            if (statements[i] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } position } target } write }
                || model.GetConstantValue(position[0].Expression, cancellationToken) is not { HasValue: true, Value: int constant }
                || ScratchBuffers.FieldOf(model.GetOperation(target.Expression, cancellationToken)) is not { } candidate
                || (field is not null && !SymbolEqualityComparer.Default.Equals(field, candidate))
                || !IsScratchArray(candidate) || Names(write.Right, candidate, model, cancellationToken))
            {
                break;
            }

            field = candidate;
            written.Add(constant);
            count++;
        }

        if (field is null || ConstantSize(field, model, cancellationToken) is not { } size || size == 0
            || !Enumerable.Range(0, size).All(written.Contains))
        {
            return null;
        }

        return field;
    }

    /// <summary>The constant size every array the field is given is made with; null when there is none.</summary>
    private static int? ConstantSize(IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = ScratchBuffers.ValuesGiven(field, cancellationToken);
        return values.Count > 0 && values[0] is ArrayCreationExpressionSyntax { Type.RankSpecifiers: { Count: 1 } ranks } && ranks[0].Sizes.Count == 1
               && model.Compilation.GetSemanticModel(values[0].SyntaxTree).GetConstantValue(ranks[0].Sizes[0], cancellationToken) is { HasValue: true, Value: int size }
               && AllCreatedWithLength(field, size, model, cancellationToken)
            ? size
            : null;
    }

    /// <summary>Every array the field is given (its initialiser, a constructor's assignment) is <c>new T[n]</c> with <c>n</c> the constant <paramref name="length"/>.</summary>
    public static bool AllCreatedWithLength(IFieldSymbol field, int length, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = ScratchBuffers.ValuesGiven(field, cancellationToken);
        return values.Count > 0 && values.All(value =>
            value is ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks }
            && ranks[0].Sizes.Count == 1 && ranks[0].Sizes[0] is var size
            && model.Compilation.GetSemanticModel(value.SyntaxTree).GetConstantValue(size, cancellationToken) is { HasValue: true, Value: int made }
            && made == length);
    }

    /// <summary>
    /// <paramref name="other"/> is a read-only array field, and every assignment to either field is in a constructor that
    /// sets <paramref name="other"/> to a parameter and <paramref name="field"/> to <c>new T[thatParameter.Length]</c>
    /// (neither has an initialiser): the two always have the same length.
    /// </summary>
    /// <summary>
    /// <c>_energy = new double[_rir.Length];</c> (or <c>this._rir.Length</c>) in a constructor body that gave the read-only
    /// <c>_rir</c> its array in an earlier statement of the same body, its only assignment there: <c>_rir</c> keeps that
    /// array, so the two lengths stay equal.
    /// </summary>
    private static bool SizedFromTheOtherField(AssignmentExpressionSyntax assignment, IFieldSymbol other, List<AssignmentExpressionSyntax> sources)
    {
        if (assignment.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax { Parent: ConstructorDeclarationSyntax constructor } body } sized
            || assignment.Right is not ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks }
            || ranks[0].Sizes.Count != 1
            || ranks[0].Sizes[0] is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length", Expression: var sizedFrom }
            || !(sizedFrom is IdentifierNameSyntax { Identifier.ValueText: var name } && name == other.Name
                 || sizedFrom is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: var viaThis } && viaThis == other.Name))
        {
            return false;
        }

        var inConstructor = sources.Where(source => source.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() == constructor).ToList();
        return inConstructor.Count == 1
               && inConstructor[0].Parent is ExpressionStatementSyntax { Parent: BlockSyntax otherBody } given
               && otherBody == body
               && body.Statements.IndexOf(given) < body.Statements.IndexOf(sized);
    }

    private static bool SizedFromTheSameArray(IFieldSymbol field, IFieldSymbol other, CancellationToken cancellationToken)
    {
        if (!other.IsReadOnly || other.Type is not IArrayTypeSymbol || SymbolEqualityComparer.Default.Equals(field, other)
            || HasInitialiser(field, cancellationToken) || HasInitialiser(other, cancellationToken))
        {
            return false;
        }

        var sized = MemberAssignments.To(field.ContainingType, field.Name, cancellationToken).ToList();
        var sources = MemberAssignments.To(other.ContainingType, other.Name, cancellationToken).ToList();
        if (sized.Count == 0 || sized.Count != sources.Count)
        {
            return false;
        }

        foreach (var assignment in sized)
        {
            if (SizedFromTheOtherField(assignment, other, sources))
            {
                continue;
            }

            if (assignment.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not { } constructor
                || assignment.Right is not ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks }
                || ranks[0].Sizes.Count != 1
                || ranks[0].Sizes[0] is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length", Expression: IdentifierNameSyntax parameter }
                || !constructor.ParameterList.Parameters.Any(p => p.Identifier.ValueText == parameter.Identifier.ValueText)
                || !sources.Any(source => source.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() == constructor
                                          && source.Right is IdentifierNameSyntax { Identifier.ValueText: var assigned } && assigned == parameter.Identifier.ValueText)
                || constructor.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && name == parameter.Identifier.ValueText))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasInitialiser(IFieldSymbol field, CancellationToken cancellationToken)
        => field.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: not null });

    /// <summary>
    /// <c>Array.Copy(source, [sourceIndex,] f, [0,] count)</c> that overwrites every element of a scratch array field
    /// <c>f</c>: the count is <c>f.Length</c>, or a constant equal to the constant length of every array the field is
    /// given; the source does not read <c>f</c>.
    /// </summary>
    private static IFieldSymbol? CopyTarget(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not ExpressionStatementSyntax expression
            || model.GetOperation(expression.Expression, cancellationToken) is not IInvocationOperation
            {
                TargetMethod: { IsStatic: true, Name: "Copy", ContainingType: { Name: "Array", ContainingNamespace.Name: "System" } },
            } copy)
        {
            return null;
        }

        IArgumentOperation target, count;
        switch (copy.Arguments.Length)
        {
            case 3:
                (target, count) = (copy.Arguments[1], copy.Arguments[2]);
                break;
            case 5 when copy.Arguments[3].Value.ConstantValue is { HasValue: true, Value: 0 or 0L }:
                (target, count) = (copy.Arguments[2], copy.Arguments[4]);
                break;
            default:
                return null;
        }

        if (ScratchBuffers.FieldOf(target.Value) is not { } field || !IsScratchArray(field)
            || copy.Arguments.Where(a => a != target && a != count).Any(a => a.Value.DescendantsAndSelf().Any(o => ScratchBuffers.FieldOf(o) is { } other && SymbolEqualityComparer.Default.Equals(other, field))))
        {
            return null;
        }

        // The count is the field's own length (only its Length is read), or the constant every array it is given has.
        var fullLength = Strip(count.Value) is IPropertyReferenceOperation { Property.Name: "Length" } length
                         && SymbolEqualityComparer.Default.Equals(ScratchBuffers.FieldOf(length.Instance), field)
                         || count.Value.ConstantValue is { HasValue: true, Value: int constant } && AllCreatedWithLength(field, constant, model, cancellationToken);
        return fullLength ? field : null;
    }

    /// <summary>The field, the size and the creation of an exact-size resize.</summary>
    private sealed class ResizeShape
    {
        public ResizeShape(IFieldSymbol field, ExpressionSyntax size, IOperation sizeOperation, ArrayCreationExpressionSyntax made)
        {
            Field = field;
            Size = size;
            SizeOperation = sizeOperation;
            Made = made;
        }

        public IFieldSymbol Field { get; }

        public ExpressionSyntax Size { get; }

        public IOperation SizeOperation { get; }

        public ArrayCreationExpressionSyntax Made { get; }
    }

    /// <summary>
    /// <c>if (f.Length != n) f = new T[n];</c> (or <c>n != f.Length</c>, or <c>f == null || …</c>, braces or not, no else)
    /// on a scratch array field, with <c>n</c> a side-effect-free size that does not name <c>f</c> and <c>T[]</c> the
    /// field's own type: afterwards <c>f</c> has exactly <c>n</c> elements.
    /// </summary>
    private static ResizeShape? Resize(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not IfStatementSyntax { Else: null } resize
            || (resize.Statement is BlockSyntax { Statements.Count: 1 } braced ? braced.Statements[0] : resize.Statement)
                is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks } made } assignment }
            || ranks[0].Sizes.Count != 1
            || ScratchBuffers.FieldOf(model.GetOperation(assignment.Left, cancellationToken)) is not { } field || !IsScratchArray(field)
            || !SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(made, cancellationToken).Type, field.Type))
        {
            return null;
        }

        var size = ranks[0].Sizes[0];
        var nullTested = resize.Condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalOrExpression } or && IsNull(or.Left, field, model, cancellationToken);
        var condition = nullTested ? ((BinaryExpressionSyntax)resize.Condition).Right : resize.Condition;
        if (!nullTested && !NeverNull(field, cancellationToken))
        {
            // f.Length on a field that may be null throws; the new local would not.
            return null;
        }

        if (condition is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } differs
            || !(IsLengthOf(differs.Left, field, model, cancellationToken) && SyntaxFactory.AreEquivalent(differs.Right, size, topLevel: false)
                 || IsLengthOf(differs.Right, field, model, cancellationToken) && SyntaxFactory.AreEquivalent(differs.Left, size, topLevel: false))
            || Names(size, field, model, cancellationToken)
            || model.GetOperation(size, cancellationToken) is not { } sizeOperation || !IsPure(sizeOperation))
        {
            return null;
        }

        return new ResizeShape(field, size, sizeOperation, made);
    }

    /// <summary>
    /// The field has an initialiser, and it and every constructor's assignment are array creations, collection expressions
    /// or <c>Array.Empty&lt;T&gt;()</c>: it never holds null (other assignments already keep it from being localised).
    /// </summary>
    internal static bool NeverNull(IFieldSymbol field, CancellationToken cancellationToken)
        => HasInitialiser(field, cancellationToken)
           && ScratchBuffers.ValuesGiven(field, cancellationToken).All(value => value is ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax
               or InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Array" }, Name: GenericNameSyntax { Identifier.ValueText: "Empty" } } });

    private static bool IsLengthOf(ExpressionSyntax expression, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        => Strip(model.GetOperation(expression, cancellationToken)) is IPropertyReferenceOperation { Property.Name: "Length" } length
           && SymbolEqualityComparer.Default.Equals(ScratchBuffers.FieldOf(length.Instance), field);

    /// <summary><c>f == null</c> or <c>f is null</c>.</summary>
    private static bool IsNull(ExpressionSyntax expression, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var (tested, against) = expression switch
        {
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals => (equals.Left, (ExpressionSyntax?)equals.Right),
            IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax constant } pattern => (pattern.Expression, constant.Expression),
            _ => (expression, null),
        };
        return against is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression }
               && SymbolEqualityComparer.Default.Equals(ScratchBuffers.FieldOf(model.GetOperation(tested, cancellationToken)), field);
    }

    /// <summary>
    /// A size made only of constants, locals, by-value parameters, fields of this object or type, array lengths, the
    /// <c>Count</c> of a framework collection, and built-in arithmetic: reading it has no effect.
    /// </summary>
    private static bool IsPure(IOperation size)
        => size.DescendantsAndSelf().All(operation => operation.ConstantValue.HasValue || operation switch
        {
            ILocalReferenceOperation or IInstanceReferenceOperation => true,
            IParameterReferenceOperation parameter => parameter.Parameter.RefKind == RefKind.None,
            IFieldReferenceOperation field => ScratchBuffers.FieldOf(field) is not null,
            IPropertyReferenceOperation { Arguments.Length: 0, Property: { Name: "Length" or "Count" } property } => !property.Locations.Any(l => l.IsInSource),
            IBinaryOperation binary => binary.OperatorMethod is null,
            IConversionOperation conversion => conversion.OperatorMethod is null,
            IParenthesizedOperation => true,
            _ => false,
        });

    /// <summary>
    /// Nothing in <paramref name="loop"/> writes a local, parameter or field the size reads, and — when it reads a
    /// collection's <c>Count</c> — the loop calls nothing but <c>Math</c>: the size keeps its value while the loop runs.
    /// </summary>
    private static bool IsStable(IOperation size, ForStatementSyntax loop, SemanticModel model, CancellationToken cancellationToken)
    {
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in size.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    read.Add(local.Local);
                    break;
                case IParameterReferenceOperation parameter:
                    read.Add(parameter.Parameter);
                    break;
                case IFieldReferenceOperation field:
                    read.Add(field.Field);
                    break;
            }
        }

        var counts = size.DescendantsAndSelf().Any(o => o is IPropertyReferenceOperation { Property.Name: "Count" });
        foreach (var node in loop.DescendantNodes())
        {
            if (node is IdentifierNameSyntax name && IsWrittenThrough(name) && model.GetSymbolInfo(name, cancellationToken).Symbol is { } written && read.Contains(written))
            {
                return false;
            }

            if (counts && (node is BaseObjectCreationExpressionSyntax
                           || (node is InvocationExpressionSyntax call && model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol { IsStatic: true, ContainingType: { Name: "Math" or "MathF", ContainingNamespace.Name: "System" } })))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A write of the name, also as <c>this.name</c>.</summary>
    private static bool IsWrittenThrough(IdentifierNameSyntax name)
        => IsWritten(name)
           || (name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member && member.Name == name
               && member.Parent switch
               {
                   AssignmentExpressionSyntax assignment => assignment.Left == member,
                   PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                   ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                   _ => false,
               });

    private static bool Names(SyntaxNode node, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        => Mentions(node, field, model, cancellationToken).Any();

    internal static IEnumerable<IdentifierNameSyntax> Mentions(SyntaxNode node, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
        => node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == field.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, field));

    private static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }
}
