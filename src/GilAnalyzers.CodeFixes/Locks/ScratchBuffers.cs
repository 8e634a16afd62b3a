using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// A field kept as a reusable scratch buffer that the lock exists to protect: the locked code starts by clearing it
/// (<c>Array.Clear(_history);</c>, <c>_scratchPairs.Clear();</c>) and nothing outside the locked code uses it (beyond its
/// initialiser or a constructor's assignment). Every call then fills it from empty, so a new buffer per call computes the
/// same — and once the buffer is a local of the call, the work on it writes nothing shared and can leave the lock.
/// </summary>
/// <remarks>
/// The buffer must not escape the locked code: it is used only through its elements, its own members (<c>Add</c>,
/// <c>Length</c>, <c>Clone()</c>…), a <c>foreach</c>, the static helpers of <c>Array</c>/<c>Buffer</c>/<c>MemoryExtensions</c>,
/// or as a by-value argument of a method of the project whose parameter is used in those ways only. A buffer handed to
/// anything else (stored, returned, passed to other code) could be seen as the shared object it was.
/// </remarks>
internal static class ScratchBuffers
{
    /// <summary>The rewritten root: each scratch field cleared at the top of <paramref name="region"/> is a new local there; null when none qualifies.</summary>
    public static SyntaxNode? Localise(SyntaxNode root, SemanticModel model, GuardedRegion region, SyntaxAnnotation keep, SyntaxNode anchor, CancellationToken cancellationToken)
    {
        if (!region.BodyIsInTree)
        {
            return null;
        }

        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        var hoists = new Dictionary<SyntaxNode, StatementSyntax>();
        var edits = new Dictionary<SyntaxNode, System.Func<SyntaxNode, SyntaxNode>>();
        CollectReplacements(region.Locked, region.First, region.Container, model, replacements, hoists, cancellationToken, edits);
        CollectLoopCopies(region.Locked, region.First, region.Container, model, replacements, hoists, cancellationToken);

        // A helper of this file that the locked code calls and that clears a buffer of its own first (a similarity score
        // over a reused bigram table): every call starts from an empty buffer, whoever the caller is, so the buffer can
        // be the helper's local — and the locked code then touches nothing shared through it.
        foreach (var helper in HelpersCalledFrom(region.Locked, model, cancellationToken))
        {
            CollectReplacements(helper.Statements, helper.Statements[0], helper, model, replacements, hoists, cancellationToken);
        }

        if (replacements.Count == 0)
        {
            return null;
        }

        // One pass: the anchor (the node the diagnostic points at, which may hold the references) keeps an annotation so
        // that the region can be found again in the rewritten tree; a loop whose buffer becomes a local is marked so that
        // the local's declaration can be put in front of it.
        var marks = hoists.Keys.ToDictionary(loop => loop, _ => new SyntaxAnnotation());
        var nodes = replacements.Keys.Append(anchor).Concat(hoists.Keys).Concat(edits.Keys).Distinct();
        var rewrittenRoot = root.ReplaceNodes(nodes, (original, rewritten) =>
        {
            var result = replacements.TryGetValue(original, out var replacement) ? replacement : rewritten;
            if (edits.TryGetValue(original, out var edit))
            {
                result = edit(result);
            }

            if (original == anchor)
            {
                result = result.WithAdditionalAnnotations(keep);
            }

            return marks.TryGetValue(original, out var mark) ? result.WithAdditionalAnnotations(mark) : result;
        });
        foreach (var hoist in hoists)
        {
            var declaration = hoist.Value;
            var marked = rewrittenRoot.GetAnnotatedNodes(marks[hoist.Key]).FirstOrDefault();
            if (marked is null)
            {
                return null;
            }

            rewrittenRoot = rewrittenRoot.InsertNodesBefore(marked, new[] { declaration.WithLeadingTrivia(marked.GetLeadingTrivia()) });
        }

        return rewrittenRoot;
    }

    /// <summary>
    /// A loop of the locked statements whose body starts its use of a scratch array field by overwriting all of it with a
    /// copy (<c>Array.Copy(series, i - Window, _window, 0, Window)</c> on a field made as <c>new double[Window]</c>, or with
    /// <c>_window.Length</c> as the count), every other use following in the same body: no iteration sees what an earlier
    /// one or an earlier call left, so one new array per lock entry, declared in front of the loop, computes the same.
    /// </summary>
    private static void CollectLoopCopies(IReadOnlyList<StatementSyntax> statements, StatementSyntax first, SyntaxNode scope, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, Dictionary<SyntaxNode, StatementSyntax> hoists, CancellationToken cancellationToken)
    {
        HashSet<string>? usedNames = null;
        foreach (var statement in statements)
        {
            if (LoopBody(statement) is not { } body)
            {
                continue;
            }

            foreach (var inner in body.Statements)
            {
                if (CopyResetField(inner, model, cancellationToken) is not { } field
                    || replacements.Keys.OfType<ExpressionSyntax>().Any(r => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(r, cancellationToken).Symbol, field))
                    || !UsedOnlyInside(field, body.Statements, IndexOf(body.Statements, inner), inner, model, cancellationToken, out var references))
                {
                    continue;
                }

                usedNames ??= NamesAround(first, scope, model);
                var name = LocalNames.Fresh(LocalNames.FromField(field.Name, "buffer"), usedNames);
                // The copy itself writes the new local (and reads its length, when that is the count).
                ReplaceOwnUses(inner, field, name, model, replacements, cancellationToken);

                foreach (var reference in references)
                {
                    replacements[reference] = SyntaxFactory.IdentifierName(name).WithTriviaFrom(reference);
                }

                hoists[statement] = Declaration(field, name, null, model, statement.SpanStart);
                break;
            }
        }
    }

    private static BlockSyntax? LoopBody(StatementSyntax statement) => statement switch
    {
        ForStatementSyntax { Statement: BlockSyntax body } => body,
        ForEachStatementSyntax { Statement: BlockSyntax body } => body,
        WhileStatementSyntax { Statement: BlockSyntax body } => body,
        DoStatementSyntax { Statement: BlockSyntax body } => body,
        _ => null,
    };

    /// <summary>
    /// <c>Array.Copy(source, [sourceIndex,] f, [0,] count)</c> that overwrites every element of a private array field
    /// <c>f</c>: the count is <c>f.Length</c>, or a constant equal to the constant length of every array the field is
    /// given; the source does not read <c>f</c>.
    /// </summary>
    private static IFieldSymbol? CopyResetField(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
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

        if (FieldOf(target.Value) is not { Type: IArrayTypeSymbol { Rank: 1 } } field
            || field.DeclaredAccessibility != Accessibility.Private || field.IsVolatile || !field.Locations.Any(l => l.IsInSource)
            || copy.Arguments.Where(a => a != target && a != count).Any(a => a.Value.DescendantsAndSelf().Any(o => FieldOf(o) is { } other && SymbolEqualityComparer.Default.Equals(other, field))))
        {
            return null;
        }

        // The count is the field's own length (only its Length is read), or the constant every array it is given has.
        var fullLength = Strip(count.Value) is IPropertyReferenceOperation { Property.Name: "Length" } length
                         && SymbolEqualityComparer.Default.Equals(FieldOf(length.Instance), field)
                         || count.Value.ConstantValue is { HasValue: true, Value: int constant } && AllCreatedWithLength(field, constant, model, cancellationToken);
        if (!fullLength)
        {
            return null;
        }

        return field;
    }

    /// <summary>Every array the field is given (its initialiser, a constructor's assignment) is <c>new T[n]</c> with <c>n</c> the constant <paramref name="length"/>.</summary>
    private static bool AllCreatedWithLength(IFieldSymbol field, int length, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = ValuesGiven(field, cancellationToken);
        return values.Count > 0 && values.All(value =>
            value is ArrayCreationExpressionSyntax { Initializer: null, Type.RankSpecifiers: { Count: 1 } ranks }
            && ranks[0].Sizes.Count == 1 && ranks[0].Sizes[0] is var size
            && model.Compilation.GetSemanticModel(value.SyntaxTree).GetConstantValue(size, cancellationToken) is { HasValue: true, Value: int made }
            && made == length);
    }

    private static HashSet<string> NamesAround(StatementSyntax first, SyntaxNode scope, SemanticModel model)
    {
        var usedNames = new HashSet<string>(model.LookupSymbols(first.SpanStart).Select(s => s.Name));
        foreach (var token in (first.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() ?? scope).DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                usedNames.Add(token.ValueText);
            }
        }

        return usedNames;
    }

    /// <summary>The replacements for each scratch field that <paramref name="statements"/> clear before any other use.</summary>
    private static void CollectReplacements(IReadOnlyList<StatementSyntax> statements, StatementSyntax first, SyntaxNode scope, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, Dictionary<SyntaxNode, StatementSyntax> hoists, CancellationToken cancellationToken,
        Dictionary<SyntaxNode, System.Func<SyntaxNode, SyntaxNode>>? edits = null)
    {
        var resets = new List<(StatementSyntax Reset, IFieldSymbol Field, ExpressionSyntax? Fill)>();
        var fills = new HashSet<StatementSyntax>();
        foreach (var statement in statements)
        {
            var field = ResetField(statement, model, cancellationToken, out var fill);
            if (field is null && FillLoopField(statement, model, cancellationToken) is { } filled)
            {
                field = filled;
                fills.Add(statement);
            }

            if (field is not null && !resets.Any(r => SymbolEqualityComparer.Default.Equals(r.Field, field)))
            {
                resets.Add((statement, field, fill));
            }
        }

        if (resets.Count == 0)
        {
            return;
        }

        var usedNames = NamesAround(first, scope, model);
        foreach (var (reset, field, fill) in resets)
        {
            var resetIndex = IndexOf(statements, reset);
            var helpers = edits is null ? null : new Dictionary<MethodDeclarationSyntax, List<InvocationExpressionSyntax>>();
            if (!UsedOnlyInside(field, statements, resetIndex, reset, model, cancellationToken, out var references, helpers)
                || (helpers is { Count: > 0 } && helpers.Keys.Any(h => h.DescendantNodes().Any(n => edits!.ContainsKey(n)) || edits!.ContainsKey(h))))
            {
                continue;
            }

            if (helpers is { Count: > 0 })
            {
                // The helpers' own names must stay free for the parameter that brings them the buffer.
                foreach (var token in helpers.Keys.SelectMany(h => h.DescendantTokens()))
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken))
                    {
                        usedNames.Add(token.ValueText);
                    }
                }
            }

            var name = LocalNames.Fresh(LocalNames.FromField(field.Name, "buffer"), usedNames);
            if (helpers is { Count: > 0 })
            {
                // Each helper takes the buffer as a last parameter, and every call (all in the locked code) passes the local.
                foreach (var helper in helpers)
                {
                    var parameterType = SyntaxFactory.ParseTypeName(field.Type.ToMinimalDisplayString(model, helper.Key.SpanStart)).WithAdditionalAnnotations(Simplifier.Annotation);
                    edits![helper.Key] = node => ((MethodDeclarationSyntax)node).AddParameterListParameters(
                        SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(parameterType));
                    foreach (var call in helper.Value)
                    {
                        edits[call] = node => ((InvocationExpressionSyntax)node).AddArgumentListArguments(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name)));
                    }
                }
            }

            if (fills.Contains(reset))
            {
                // A loop that writes every element: the new array is declared in front of it, and the loop fills that.
                hoists[reset] = Declaration(field, name, null, model, reset.SpanStart);
                ReplaceOwnUses(reset, field, name, model, replacements, cancellationToken);
            }
            else
            {
                replacements[reset] = Declaration(field, name, fill, model, reset.SpanStart);
            }

            foreach (var reference in references)
            {
                replacements[reference] = SyntaxFactory.IdentifierName(name).WithTriviaFrom(reference);
            }
        }
    }

    /// <summary>The field's own uses inside <paramref name="statement"/> (plain or through <c>this.</c>) become the local <paramref name="name"/>.</summary>
    private static void ReplaceOwnUses(StatementSyntax statement, IFieldSymbol field, string name, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, CancellationToken cancellationToken)
    {
        foreach (var own in statement.DescendantNodes().OfType<ExpressionSyntax>()
                     .Where(e => e is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                                 && !(e is IdentifierNameSyntax && e.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } parent && parent.Name == e)
                                 && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(e, cancellationToken).Symbol, field)))
        {
            replacements[own] = SyntaxFactory.IdentifierName(name).WithTriviaFrom(own);
        }
    }

    /// <summary>
    /// <c>for (int s = 0; s &lt; n; s++) { …; f[s] = value; }</c> on a private array field <c>f</c>: every element written once,
    /// the write the body's last statement (nothing skips it: no break, continue, return or goto), nothing else in the loop
    /// touching <c>f</c>, and <c>n</c> the field's length — <c>f.Length</c>, or the length of a read-only array field that
    /// every constructor assigning <c>f</c> sets to the parameter <c>f</c> is sized from (<c>_scenarios = scenarios;
    /// _pnl = new double[scenarios.Length];</c>). After the loop the field holds nothing of before.
    /// </summary>
    private static IFieldSymbol? FillLoopField(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (statement is not ForStatementSyntax { Declaration.Variables: { Count: 1 } variables, Condition: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression } condition, Incrementors.Count: 1 } loop
            || variables[0].Initializer?.Value is not { } start
            || model.GetConstantValue(start, cancellationToken) is not { HasValue: true, Value: 0 }
            || condition.Left is not IdentifierNameSyntax { Identifier.ValueText: var counter } || counter != variables[0].Identifier.ValueText
            || !IsStepByOne(loop.Incrementors[0], counter))
        {
            return null;
        }

        var body = loop.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        if (body.Count == 0
            || body[body.Count - 1] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } index } target } write }
            || index[0].Expression is not IdentifierNameSyntax { Identifier.ValueText: var written } || written != counter
            || model.GetOperation(target.Expression, cancellationToken) is not { } targetOperation
            || FieldOf(targetOperation) is not { Type: IArrayTypeSymbol { Rank: 1 } } field
            || field.DeclaredAccessibility != Accessibility.Private || field.IsVolatile || !field.Locations.Any(l => l.IsInSource)
            || loop.Statement.DescendantNodes().Any(n => n is BreakStatementSyntax or ContinueStatementSyntax or ReturnStatementSyntax or GotoStatementSyntax or YieldStatementSyntax)
            || loop.Statement.DescendantNodes().OfType<AssignmentExpressionSyntax>().Any(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && name == counter)
            || loop.Statement.DescendantNodes().OfType<PostfixUnaryExpressionSyntax>().Any(u => u.Operand is IdentifierNameSyntax { Identifier.ValueText: var name } && name == counter)
            || loop.Statement.DescendantNodes().OfType<PrefixUnaryExpressionSyntax>().Any(u => u.Operand is IdentifierNameSyntax { Identifier.ValueText: var name } && name == counter))
        {
            return null;
        }

        // Nothing in the loop but the write's target (and the bound, when it is the field's own length) names the field.
        var allowed = new HashSet<SyntaxNode> { target.Expression };
        var bound = model.GetOperation(condition.Right, cancellationToken);
        var ownLength = Strip(bound) is IPropertyReferenceOperation { Property.Name: "Length" } length && SymbolEqualityComparer.Default.Equals(FieldOf(length.Instance), field);
        if (ownLength && condition.Right is MemberAccessExpressionSyntax boundAccess)
        {
            allowed.Add(boundAccess.Expression);
        }

        var mentions = statement.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == field.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, field));
        if (mentions.Any(n => !allowed.Contains(n) && !(n.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } viaThis && allowed.Contains(viaThis))))
        {
            return null;
        }

        if (!ownLength
            && !(Strip(bound) is IPropertyReferenceOperation { Property.Name: "Length" } otherLength && FieldOf(otherLength.Instance) is { } other
                 && SizedFromTheSameArray(field, other, cancellationToken)))
        {
            return null;
        }

        return field;
    }

    private static bool IsStepByOne(ExpressionSyntax incrementor, string counter) => incrementor switch
    {
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax name } => name.Identifier.ValueText == counter,
        AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression, Left: IdentifierNameSyntax name, Right: LiteralExpressionSyntax { Token.Value: 1 } } => name.Identifier.ValueText == counter,
        _ => false,
    };

    /// <summary>
    /// <paramref name="other"/> is a read-only array field, and every assignment to either field is in a constructor that
    /// sets <paramref name="other"/> to a parameter and <paramref name="field"/> to <c>new T[thatParameter.Length]</c>
    /// (neither has an initialiser): the two always have the same length.
    /// </summary>
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
    /// Block bodies of methods of this file (not virtual, not calling themselves) that <paramref name="statements"/> call
    /// directly.
    /// </summary>
    private static IEnumerable<BlockSyntax> HelpersCalledFrom(IReadOnlyList<StatementSyntax> statements, SemanticModel model, CancellationToken cancellationToken)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var invocation in statements.SelectMany(s => s.DescendantNodesAndSelf()).OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method
                || method.IsVirtual || method.IsAbstract || method.IsOverride || method.MethodKind != MethodKind.Ordinary
                || method.DeclaringSyntaxReferences.Length != 1 || !seen.Add(method.OriginalDefinition))
            {
                continue;
            }

            if (method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is MethodDeclarationSyntax { Body: { Statements.Count: > 0 } body } declaration
                && declaration.SyntaxTree == model.SyntaxTree
                && !statements.Any(s => s.Span.Contains(declaration.Span))
                && !body.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(call, cancellationToken).Symbol?.OriginalDefinition, method.OriginalDefinition)))
            {
                yield return body;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<StatementSyntax> statements, StatementSyntax statement)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] == statement)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// <c>Array.Clear(f)</c>, <c>Array.Clear(f, 0, f.Length)</c>, <c>f.Clear()</c> or <c>Array.Fill(f, constant)</c> (then
    /// <paramref name="fill"/> is the constant) on a private scratch field; null otherwise.
    /// </summary>
    private static IFieldSymbol? ResetField(StatementSyntax statement, SemanticModel model, CancellationToken cancellationToken, out ExpressionSyntax? fill)
    {
        fill = null;
        if (statement is not ExpressionStatementSyntax expression
            || model.GetOperation(expression, cancellationToken) is not { } operation
            || FieldResets.Of(operation) is not { } reset)
        {
            return null;
        }

        IOperation? cleared = null;
        switch (reset.Kind)
        {
            case FieldResetKind.ArrayCleared:
                cleared = reset.Target;
                break;
            case FieldResetKind.ArrayFilled when reset.Value is { ConstantValue.HasValue: true, Syntax: ExpressionSyntax value }:
                // Array.Fill(_dist, int.MaxValue): every element set to one constant, as a new array filled with it would be.
                cleared = reset.Target;
                fill = value;
                break;
            case FieldResetKind.InstanceCleared when reset.Method is { IsStatic: false, Parameters.Length: 0 } clear && IsFrameworkCollection(clear.ContainingType):
                cleared = reset.Target;
                break;
        }

        var field = FieldOf(cleared);
        if (field is null || field.DeclaredAccessibility != Accessibility.Private || field.IsVolatile || field.IsConst
            || !field.Locations.Any(l => l.IsInSource))
        {
            return null;
        }

        return field.Type switch
        {
            IArrayTypeSymbol { Rank: 1 } array when array.ElementType.TypeKind != TypeKind.Error => field,
            INamedTypeSymbol named when IsFrameworkCollection(named) && !named.IsAbstract && HasParameterlessConstructor(named)
                                        && MadeWithDefaults(field, model, cancellationToken) => field,
            _ => null,
        };
    }

    private static bool HasParameterlessConstructor(INamedTypeSymbol type)
        => type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);

    /// <summary>List, HashSet, Dictionary, SortedDictionary, Queue, Stack of System.Collections.Generic, or StringBuilder.</summary>
    private static bool IsFrameworkCollection(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        return (ns == "System.Collections.Generic" && type.Name is "List" or "HashSet" or "Dictionary" or "SortedDictionary" or "Queue" or "Stack"
                    or "PriorityQueue" or "SortedSet" or "LinkedList")
               || (ns == "System.Text" && type.Name == "StringBuilder");
    }

    /// <summary>
    /// What the field is given: its initialiser and its constructors' assignments. Other assignments already keep a field
    /// from being localised (<see cref="UsedOnlyInside"/>).
    /// </summary>
    private static List<ExpressionSyntax> ValuesGiven(IFieldSymbol field, CancellationToken cancellationToken)
    {
        var values = new List<ExpressionSyntax>();
        foreach (var reference in field.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: var initial })
            {
                values.Add(initial);
            }
        }

        values.AddRange(MemberAssignments.To(field.ContainingType, field.Name, cancellationToken)
            .Where(assignment => assignment.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not null)
            .Select(assignment => assignment.Right));
        return values;
    }

    /// <summary>
    /// Every collection the field is given (its initialiser, a constructor's assignment) is made with no arguments or only an
    /// initial capacity: a new empty one per call behaves the same. A comparer (<c>StringComparer.OrdinalIgnoreCase</c>) or
    /// starting items would be lost, so those fields are not localised.
    /// </summary>
    private static bool MadeWithDefaults(IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var values = ValuesGiven(field, cancellationToken);
        return values.All(value => value switch
        {
            BaseObjectCreationExpressionSyntax creation => creation.Initializer is null
                && (creation.ArgumentList is null || creation.ArgumentList.Arguments.Count == 0
                    || (creation.ArgumentList.Arguments.Count == 1
                        && model.Compilation.GetSemanticModel(value.SyntaxTree).GetTypeInfo(creation.ArgumentList.Arguments[0].Expression, cancellationToken).Type?.SpecialType == SpecialType.System_Int32)),
            CollectionExpressionSyntax { Elements.Count: 0 } => true,
            _ => false,
        });
    }

    private static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static IFieldSymbol? FieldOf(IOperation? operation)
        => Strip(operation) is IFieldReferenceOperation reference
           && (reference.Field.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            ? reference.Field
            : null;

    /// <summary>
    /// Whether every use of <paramref name="field"/> is the initialiser, a constructor's assignment, or a non-escaping use in
    /// the locked statements after <paramref name="reset"/>; <paramref name="references"/> are those uses' expressions.
    /// </summary>
    private static bool UsedOnlyInside(IFieldSymbol field, IReadOnlyList<StatementSyntax> locked, int resetIndex, StatementSyntax reset, SemanticModel model,
        CancellationToken cancellationToken, out List<ExpressionSyntax> references, Dictionary<MethodDeclarationSyntax, List<InvocationExpressionSyntax>>? helpers = null)
    {
        references = new List<ExpressionSyntax>();
        var compilation = model.Compilation;
        foreach (var declaration in field.ContainingType.DeclaringSyntaxReferences)
        {
            var typeSyntax = declaration.GetSyntax(cancellationToken);
            var typeModel = typeSyntax.SyntaxTree == model.SyntaxTree ? model : compilation.GetSemanticModel(typeSyntax.SyntaxTree);
            foreach (var name in typeSyntax.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name
                    || !SymbolEqualityComparer.Default.Equals(typeModel.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                // this._f and Type._f are replaced whole; a._f (another instance's field) is not a use of this call's buffer.
                ExpressionSyntax use = name;
                if (name.Parent is MemberAccessExpressionSyntax member && member.Name == name)
                {
                    if (member.Expression is ThisExpressionSyntax
                        || (field.IsStatic && typeModel.GetSymbolInfo(member.Expression, cancellationToken).Symbol is INamedTypeSymbol))
                    {
                        use = member;
                    }
                    else
                    {
                        return false;
                    }
                }

                if (reset.Span.Contains(use.Span))
                {
                    continue;
                }

                var statementIndex = -1;
                for (var i = 0; i < locked.Count; i++)
                {
                    if (locked[i].SyntaxTree == use.SyntaxTree && locked[i].Span.Contains(use.Span))
                    {
                        statementIndex = i;
                        break;
                    }
                }

                if (statementIndex < 0)
                {
                    if (IsConstructorAssignment(use, typeModel, field, cancellationToken))
                    {
                        continue;
                    }

                    // A private helper that only the locked code calls, after the reset: it is handed the new buffer.
                    if (helpers is not null && use.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } helper
                        && (helpers.ContainsKey(helper) || AddHelper(helpers, helper, CallsOfHelper(helper, typeModel, locked, resetIndex, cancellationToken)))
                        && IsContainedUse(use, typeModel, cancellationToken))
                    {
                        references.Add(use);
                        continue;
                    }

                    return false;
                }

                if (statementIndex < resetIndex || !IsContainedUse(use, typeModel, cancellationToken))
                {
                    return false;
                }

                references.Add(use);
            }
        }

        return references.Count > 0;
    }

    private static bool AddHelper(Dictionary<MethodDeclarationSyntax, List<InvocationExpressionSyntax>> helpers, MethodDeclarationSyntax helper, List<InvocationExpressionSyntax>? calls)
    {
        if (calls is null)
        {
            return false;
        }

        helpers.Add(helper, calls);
        return true;
    }

    /// <summary>
    /// The calls of <paramref name="helper"/> when it is a private, non-virtual, ordinary method of the type with a block or
    /// expression body, no optional or <c>params</c> parameter, called only directly (<c>Helper(…)</c> / <c>this.Helper(…)</c>,
    /// positional arguments, not inside a lambda or local function) by the locked statements after the reset, and named
    /// nowhere else; null otherwise. Each call then runs inside the lock entry that made the new buffer.
    /// </summary>
    private static List<InvocationExpressionSyntax>? CallsOfHelper(MethodDeclarationSyntax helper, SemanticModel model, IReadOnlyList<StatementSyntax> locked, int resetIndex, CancellationToken cancellationToken)
    {
        if (locked.Count == 0 || helper.SyntaxTree != locked[0].SyntaxTree || helper.Span.Contains(locked[0].Span)
            || model.GetDeclaredSymbol(helper, cancellationToken) is not { } method
            || method.DeclaredAccessibility != Accessibility.Private || method.MethodKind != MethodKind.Ordinary
            || method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern || method.IsGenericMethod || method.PartialDefinitionPart is not null || method.PartialImplementationPart is not null
            || method.Parameters.Any(p => p.IsOptional || p.IsParams) || method.DeclaringSyntaxReferences.Length != 1
            || (helper.Body is null && helper.ExpressionBody is null))
        {
            return null;
        }

        var calls = new List<InvocationExpressionSyntax>();
        foreach (var declaration in method.ContainingType.DeclaringSyntaxReferences)
        {
            var typeSyntax = declaration.GetSyntax(cancellationToken);
            var typeModel = typeSyntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(typeSyntax.SyntaxTree);
            foreach (var name in typeSyntax.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Identifier.ValueText != method.Name
                    || !SymbolEqualityComparer.Default.Equals(typeModel.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, method))
                {
                    continue;
                }

                ExpressionSyntax callee = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } viaThis && viaThis.Name == name ? viaThis : name;
                if (callee.Parent is not InvocationExpressionSyntax call || call.Expression != callee
                    || call.ArgumentList.Arguments.Any(a => a.NameColon is not null)
                    || call.Ancestors().Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax && locked.Any(l => l.Span.Contains(a.Span))))
                {
                    return null;
                }

                var index = -1;
                for (var i = 0; i < locked.Count; i++)
                {
                    if (locked[i].SyntaxTree == call.SyntaxTree && locked[i].Span.Contains(call.Span))
                    {
                        index = i;
                        break;
                    }
                }

                if (index <= resetIndex)
                {
                    return null;
                }

                calls.Add(call);
            }
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary><c>_f = new T[n];</c> / <c>this._f = …</c> as a statement of an instance or static constructor of the type.</summary>
    private static bool IsConstructorAssignment(ExpressionSyntax use, SemanticModel model, IFieldSymbol field, CancellationToken cancellationToken)
        => use.Parent is AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax } assignment
           && assignment.Left == use
           && assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
           && use.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is { } constructor
           && model.GetDeclaredSymbol(constructor, cancellationToken)?.IsStatic == field.IsStatic
           && !assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == field.Name);

    /// <summary>A use that cannot hand the buffer to anything that outlives the call.</summary>
    private static bool IsContainedUse(ExpressionSyntax use, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetOperation(use, cancellationToken) is not { } operation)
        {
            return false;
        }

        // Seen as itself or as a base type or interface (float[] passed as Array, List<T> as IList<T>).
        var parent = operation.Parent;
        var current = operation;
        while (parent is IConversionOperation { IsImplicit: true } conversion && (conversion.Conversion.IsIdentity || conversion.Conversion.IsReference))
        {
            current = parent;
            parent = parent.Parent;
        }

        operation = current;

        switch (parent)
        {
            case IArrayElementReferenceOperation element when element.ArrayReference == operation:
            case IPropertyReferenceOperation property when property.Instance == operation:
            case IInvocationOperation call when call.Instance == operation:
            case IForEachLoopOperation:
            // $"({_buffer})" made into a string: formatted on the spot (a FormattableString would keep the object).
            case IInterpolationOperation { Parent: IInterpolatedStringOperation { Type.SpecialType: SpecialType.System_String } }:
                return true;
            case IArgumentOperation { Parameter: { } parameter } argument when argument.ArgumentKind == ArgumentKind.Explicit && parameter.RefKind == RefKind.None:
                var method = (parameter.ContainingSymbol as IMethodSymbol)?.OriginalDefinition;
                if (method is { IsStatic: true, ContainingType: { } type } && !method.Locations.Any(l => l.IsInSource)
                    && type.ContainingNamespace?.ToDisplayString() == "System" && type.Name is "Array" or "Buffer" or "MemoryExtensions")
                {
                    return true;
                }

                // values.GetValueOrDefault(key): reads the dictionary it is handed and returns a value.
                if (method is { IsStatic: true, Name: "GetValueOrDefault", ContainingType: { Name: "CollectionExtensions" } } && !method.Locations.Any(l => l.IsInSource)
                    && method.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic")
                {
                    return true;
                }

                if (method is { IsStatic: true, ContainingType: { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } } })
                {
                    return IsMaterialised((IInvocationOperation)argument.Parent!);
                }

                return method is not null && ParameterIsContained(method, parameter.Ordinal, model.Compilation, cancellationToken);
            default:
                return false;
        }
    }

    /// <summary>
    /// A LINQ chain over the buffer that ends in the same expression with a result that holds no reference to it
    /// (<c>_sums.Select(…).ToArray()</c>, <c>.Sum()</c>): a lazy sequence left over would read the buffer later.
    /// </summary>
    private static bool IsMaterialised(IInvocationOperation call)
    {
        var current = call;
        while (current.Parent is IArgumentOperation { Parent: IInvocationOperation next }
               && next.TargetMethod is { IsStatic: true, ContainingType.Name: "Enumerable" })
        {
            current = next;
        }

        while (current.Parent is IInvocationOperation outer && outer.Instance == current)
        {
            // .GetEnumerator() and the like on the sequence: still lazy.
            return false;
        }

        return current.Type is { } type && type.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T
               && !(type is INamedTypeSymbol { IsGenericType: true } named
                    && named.AllInterfaces.Concat(new[] { named }).Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                    && named.TypeKind == TypeKind.Interface);
    }

    /// <summary>A method of the project whose parameter is used only through its elements, its members or a foreach.</summary>
    private static bool ParameterIsContained(IMethodSymbol method, int ordinal, Compilation compilation, CancellationToken cancellationToken)
    {
        if (method.DeclaringSyntaxReferences.Length != 1 || ordinal >= method.Parameters.Length)
        {
            return false;
        }

        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
        {
            return false;
        }

        var model = compilation.GetSemanticModel(syntax.SyntaxTree);
        if (model.GetOperation(syntax, cancellationToken) is not { } body)
        {
            return false;
        }

        var parameter = method.Parameters[ordinal];
        foreach (var reference in body.Descendants().OfType<IParameterReferenceOperation>())
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Parameter.OriginalDefinition, parameter.OriginalDefinition))
            {
                continue;
            }

            var parent = reference.Parent;
            var contained = parent switch
            {
                IArrayElementReferenceOperation element => element.ArrayReference == reference,
                IPropertyReferenceOperation property => property.Instance == reference,
                IInvocationOperation call => call.Instance == reference,
                IForEachLoopOperation => true,
                _ => false,
            };
            if (!contained)
            {
                return false;
            }
        }

        return true;
    }

    private static StatementSyntax Declaration(IFieldSymbol field, string name, ExpressionSyntax? fill, SemanticModel model, int position)
    {
        ExpressionSyntax created;
        if (field.Type is IArrayTypeSymbol filled && fill is not null)
        {
            // Array.Fill(field, c) on a buffer of the field's length: Enumerable.Repeat<T>(c, field.Length).ToArray().
            var length = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess(field, model, position), SyntaxFactory.IdentifierName("Length"));
            var repeat = SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression(EnumerableName(model, position) + ".Repeat<" + filled.ElementType.ToMinimalDisplayString(model, position) + ">"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(fill.WithoutTrivia()), SyntaxFactory.Argument(length) })));
            created = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, repeat, SyntaxFactory.IdentifierName("ToArray")));
        }
        else if (field.Type is IArrayTypeSymbol array)
        {
            // A new array is all zeros, as the cleared one was; it keeps the field's length.
            var length = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FieldAccess(field, model, position), SyntaxFactory.IdentifierName("Length"));
            created = SyntaxFactory.ArrayCreationExpression(
                SyntaxFactory.ArrayType(
                    SyntaxFactory.ParseTypeName(array.ElementType.ToMinimalDisplayString(model, position)),
                    SyntaxFactory.SingletonList(SyntaxFactory.ArrayRankSpecifier(SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(length)))));
        }
        else
        {
            created = SyntaxFactory.ObjectCreationExpression(SyntaxFactory.ParseTypeName(field.Type.ToMinimalDisplayString(model, position)))
                .WithArgumentList(SyntaxFactory.ArgumentList());
        }

        return SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                        .WithInitializer(SyntaxFactory.EqualsValueClause(created.WithAdditionalAnnotations(Simplifier.Annotation))))));
    }

    /// <summary><c>Enumerable</c> where <c>System.Linq</c> is imported, else the qualified name.</summary>
    private static string EnumerableName(SemanticModel model, int position)
        => KnownTypes.For(model.Compilation).Enumerable is { } enumerable
            ? enumerable.ToMinimalDisplayString(model, position)
            : "global::System.Linq.Enumerable";

    private static ExpressionSyntax FieldAccess(IFieldSymbol field, SemanticModel model, int position)
        => model.LookupSymbols(position, name: field.Name).Any(s => SymbolEqualityComparer.Default.Equals(s, field))
            ? SyntaxFactory.IdentifierName(field.Name)
            : SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                field.IsStatic ? SyntaxFactory.ParseTypeName(field.ContainingType.ToMinimalDisplayString(model, position)) : SyntaxFactory.ThisExpression(),
                SyntaxFactory.IdentifierName(field.Name));
}
