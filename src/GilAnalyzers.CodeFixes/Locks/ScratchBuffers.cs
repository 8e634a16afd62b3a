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
/// (<c>Array.Clear(_history);</c>, <c>_scratchPairs.Clear();</c>) or by overwriting it whole before reading it (a fill
/// loop, writes at every constant index, an exact-size resize and fill, a new array: <see cref="WholeOverwrites"/>, also
/// in a nested block such as a loop's body), and nothing outside the locked code uses it (beyond its initialiser or a
/// constructor's assignment). Every call then starts from what it wrote itself, so a new buffer per call computes the
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
        var hoists = new Dictionary<SyntaxNode, List<StatementSyntax>>();
        var edits = new Dictionary<SyntaxNode, System.Func<SyntaxNode, SyntaxNode>>();
        CollectReplacements(region.Locked, region.First, region.Container, model, replacements, hoists, cancellationToken, edits);
        CollectNestedOverwrites(region.Locked, region.First, region.Container, model, replacements, hoists, cancellationToken);

        // A helper of this file that the locked code calls and that clears a buffer of its own first (a similarity score
        // over a reused bigram table): every call starts from an empty buffer, whoever the caller is, so the buffer can
        // be the helper's local — and the locked code then touches nothing shared through it.
        foreach (var helper in HelpersCalledFrom(region.Locked, model, cancellationToken))
        {
            CollectReplacements(helper.Statements, helper.Statements[0], helper, model, replacements, hoists, cancellationToken);
            CollectNestedOverwrites(helper.Statements, helper.Statements[0], helper, model, replacements, hoists, cancellationToken);
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
            var marked = rewrittenRoot.GetAnnotatedNodes(marks[hoist.Key]).FirstOrDefault();
            if (marked is null)
            {
                return null;
            }

            rewrittenRoot = rewrittenRoot.InsertNodesBefore(marked, hoist.Value.Select(declaration => declaration.WithLeadingTrivia(marked.GetLeadingTrivia())));
        }

        return rewrittenRoot;
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

    /// <summary>
    /// Scratch array fields that a block nested in <paramref name="statements"/> (a loop's body, a branch) overwrites whole
    /// (<see cref="WholeOverwrites"/>) before any other use, every other use in that block after the overwrite: each pass
    /// through the block starts from what it wrote itself, so one new array per call, declared in front of the locked
    /// statement that holds the block, computes the same (an exact-size resize makes its new array in its own place).
    /// </summary>
    private static void CollectNestedOverwrites(IReadOnlyList<StatementSyntax> statements, StatementSyntax first, SyntaxNode scope, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, Dictionary<SyntaxNode, List<StatementSyntax>> hoists, CancellationToken cancellationToken)
    {
        HashSet<string>? usedNames = null;
        for (var top = 0; top < statements.Count; top++)
        {
            var statement = statements[top];
            // A goto could jump over the overwrite; a lambda or local function could run after the lock is left.
            if (statement.DescendantNodesAndSelf().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax))
            {
                continue;
            }

            var blocks = statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<BlockSyntax>().ToList();
            foreach (var block in blocks)
            {
                for (var i = 0; i < block.Statements.Count; i++)
                {
                    var reset = block.Statements[i];

                    // A whole overwrite, or a clear (Array.Clear(_best); _front.Clear(); a constant fill) that each pass of
                    // the loop starts with: every pass starts from what it wrote itself. The clear stays, on the local.
                    var overwrite = WholeOverwrites.At(block.Statements, i, model, cancellationToken);
                    var field = overwrite?.Field ?? (block != statement ? ResetField(reset, model, cancellationToken, out _) : null);
                    if (field is null
                        || replacements.Keys.OfType<ExpressionSyntax>().Any(r => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(r, cancellationToken).Symbol, field)))
                    {
                        continue;
                    }

                    // Reads after the loop whose every pass overwrites the buffer see what its last pass wrote — this call's data,
                    // once the loop surely runs (a counted for with a constant positive trip count whose body cannot skip or end
                    // a pass): the local, declared in front of the loop, is what they read then.
                    var after = overwrite is not null && WholeOverwrites.RunsEveryPassAtLeastOnce(statement, block, model, cancellationToken)
                        ? statements.Skip(top + 1).ToList()
                        : new List<StatementSyntax>();
                    if (!UsedOnlyInside(field, block.Statements.Concat(after).ToList(), i, reset, model, cancellationToken, out var references))
                    {
                        continue;
                    }

                    usedNames ??= NamesAround(first, scope, model);
                    var name = LocalNames.Fresh(LocalNames.FromField(field.Name, "buffer"), usedNames);
                    Localise(field, overwrite?.Made, reset, statement, name, references, model, replacements, hoists, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// The edits that make <paramref name="field"/> the local <paramref name="name"/>: the resize (<paramref name="made"/>) becomes the
    /// local's declaration, or the declaration goes in front of <paramref name="top"/> (the statement of the region that
    /// holds the overwrite) and the overwrite writes the local; every other use names the local.
    /// </summary>
    private static void Localise(IFieldSymbol field, ArrayCreationExpressionSyntax? made, StatementSyntax reset, StatementSyntax top, string name, List<ExpressionSyntax> references, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, Dictionary<SyntaxNode, List<StatementSyntax>> hoists, CancellationToken cancellationToken)
    {
        if (made is not null)
        {
            replacements[reset] = LocalDeclaration(name, made.WithoutTrivia());
        }
        else
        {
            if (!hoists.TryGetValue(top, out var declarations))
            {
                hoists[top] = declarations = new List<StatementSyntax>();
            }

            declarations.Add(Declaration(field, name, null, model, top.SpanStart));
            ReplaceOwnUses(reset, field, name, model, replacements, cancellationToken);
        }

        foreach (var reference in references)
        {
            replacements[reference] = SyntaxFactory.IdentifierName(name).WithTriviaFrom(reference);
        }
    }

    /// <summary>The replacements for each scratch field that <paramref name="statements"/> clear or overwrite whole before any other use.</summary>
    private static void CollectReplacements(IReadOnlyList<StatementSyntax> statements, StatementSyntax first, SyntaxNode scope, SemanticModel model,
        Dictionary<SyntaxNode, SyntaxNode> replacements, Dictionary<SyntaxNode, List<StatementSyntax>> hoists, CancellationToken cancellationToken,
        Dictionary<SyntaxNode, System.Func<SyntaxNode, SyntaxNode>>? edits = null)
    {
        var overwrites = new Dictionary<StatementSyntax, WholeOverwrite>();
        var prefixes = new List<PrefixReset>();
        var resets = FindResets(statements, model, cancellationToken, overwrites, prefixes);
        if (resets.Count == 0)
        {
            return;
        }

        var usedNames = NamesAround(first, scope, model);
        foreach (var (reset, field, fill) in resets)
        {
            var resetIndex = IndexOf(statements, reset);
            var helpers = edits is null ? null : new Dictionary<MethodDeclarationSyntax, List<InvocationExpressionSyntax>>();
            var prefix = prefixes.FirstOrDefault(p => p.Start == reset && SymbolEqualityComparer.Default.Equals(p.Field, field));
            if (!UsedOnlyInside(field, statements, resetIndex, reset, model, cancellationToken, out var references, helpers)
                || (prefix is not null && !PrefixResets.UsedOnlyByElement(prefix, references, model, cancellationToken))
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

            if (overwrites.TryGetValue(reset, out var whole))
            {
                // Code that writes every element: the new array is declared in front of it (or made by the exact-size
                // resize, in its place), and the code fills that.
                Localise(whole.Field, whole.Made, reset, reset, name, references, model, replacements, hoists, cancellationToken);
                continue;
            }

            if (prefix is not null)
            {
                // A grow and a reset from index 0: the new array, made as the field's first one, is declared in front of
                // them, and the call's own statements grow and reset that.
                Localise(field, null, reset, reset, name, references, model, replacements, hoists, cancellationToken);
                continue;
            }

            replacements[reset] = Declaration(field, name, fill, model, reset.SpanStart);
            foreach (var reference in references)
            {
                replacements[reference] = SyntaxFactory.IdentifierName(name).WithTriviaFrom(reference);
            }
        }
    }

    /// <summary>
    /// The first statement of <paramref name="statements"/> that starts each scratch field afresh — a clear or constant fill
    /// (<see cref="ResetField"/>), a whole overwrite (kept in <paramref name="overwrites"/>), or a grow and reset from index 0
    /// (kept in <paramref name="prefixes"/>) — with the fill value of a constant fill.
    /// </summary>
    private static List<(StatementSyntax Reset, IFieldSymbol Field, ExpressionSyntax? Fill)> FindResets(IReadOnlyList<StatementSyntax> statements, SemanticModel model,
        CancellationToken cancellationToken, Dictionary<StatementSyntax, WholeOverwrite> overwrites, List<PrefixReset> prefixes)
    {
        var resets = new List<(StatementSyntax Reset, IFieldSymbol Field, ExpressionSyntax? Fill)>();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            var field = ResetField(statement, model, cancellationToken, out var fill);
            if (field is null && WholeOverwrites.At(statements, i, model, cancellationToken) is { } overwrite)
            {
                field = overwrite.Field;
                overwrites[statement] = overwrite;
            }

            if (field is null)
            {
                // A grow may start several buffers afresh at once.
                foreach (var restarted in PrefixResets.At(statements, i, model, cancellationToken))
                {
                    if (!resets.Any(r => SymbolEqualityComparer.Default.Equals(r.Field, restarted.Field)))
                    {
                        resets.Add((statement, restarted.Field, null));
                        prefixes.Add(restarted);
                    }
                }
            }
            else if (!resets.Any(r => SymbolEqualityComparer.Default.Equals(r.Field, field)))
            {
                resets.Add((statement, field, fill));
            }
        }

        return resets;
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
    /// <c>Array.Clear(f)</c>, <c>Array.Clear(f, 0, f.Length)</c>, <c>f.Clear()</c> or <c>Array.Fill(f, value)</c> (then
    /// <paramref name="fill"/> is the value: a constant, or one that reads no field and not this object) on a private
    /// scratch field; null otherwise.
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
            case FieldResetKind.ArrayFilled when reset.Value is { Syntax: ExpressionSyntax value } filler
                                                 && (filler.ConstantValue.HasValue || !ReadsObjectState(filler)):
                // Array.Fill(_dist, int.MaxValue), Array.Fill(_mz, tissue.Density): every element set to one value,
                // computed once at the same point, as a new array filled with it would be. A value read from fields or
                // this object (Array.Fill(_m, _m[0]), a field another reset makes a local) keeps the buffer shared.
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

    /// <summary>Whether <paramref name="value"/> reads a field (a constant aside) or this object, or awaits or assigns.</summary>
    private static bool ReadsObjectState(IOperation value)
        => OperationFacts.Descendants(value).Prepend(value).Any(o => o is IFieldReferenceOperation { Field.IsConst: false } or IInstanceReferenceOperation
                                                                     or IAwaitOperation or IAssignmentOperation or IIncrementOrDecrementOperation);

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
    internal static List<ExpressionSyntax> ValuesGiven(IFieldSymbol field, CancellationToken cancellationToken)
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

    internal static IFieldSymbol? FieldOf(IOperation? operation)
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
                    // A constructor that sizes another buffer from it (_energy = new double[_rir.Length]) reads only its
                    // length, which the field keeps: the call's buffer is made with that length too.
                    if (IsConstructorAssignment(use, typeModel, field, cancellationToken)
                        || (WholeOverwrites.IsLengthRead(use) && use.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not null))
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

        // Handed straight to a framework method that walks it at once and keeps only the items
        // (_front.AddRange(_best.OfType<Node>()), string.Join(",", _parts.Select(…)), new List<T>(…)).
        if (current.Parent is IArgumentOperation { Parent: { } consumer } && IsCopyingConsumer(consumer))
        {
            return true;
        }

        return current.Type is { } type && type.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T
               && !(type is INamedTypeSymbol { IsGenericType: true } named
                    && named.AllInterfaces.Concat(new[] { named }).Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                    && named.TypeKind == TypeKind.Interface);
    }

    /// <summary>
    /// A framework member that enumerates a sequence argument once, during the call, and keeps no reference to the sequence
    /// (only its items): <c>List&lt;T&gt;.AddRange</c>/<c>InsertRange</c>, <c>HashSet&lt;T&gt;</c>'s set operations,
    /// <c>string.Join</c>/<c>Concat</c>, and the copying constructors of <c>List&lt;T&gt;</c>, <c>HashSet&lt;T&gt;</c>, <c>Queue&lt;T&gt;</c>, <c>Stack&lt;T&gt;</c>.
    /// </summary>
    private static bool IsCopyingConsumer(IOperation consumer)
    {
        var (method, type) = consumer switch
        {
            IInvocationOperation invocation => (invocation.TargetMethod, invocation.TargetMethod.ContainingType),
            IObjectCreationOperation creation => (creation.Constructor, creation.Constructor?.ContainingType),
            _ => (null, null),
        };
        if (method is null || type is null || type.ContainingNamespace?.ToDisplayString() is not ("System.Collections.Generic" or "System"))
        {
            return false;
        }

        return (type.Name, method.MethodKind == MethodKind.Constructor ? ".ctor" : method.Name) switch
        {
            ("List", "AddRange" or "InsertRange" or ".ctor") => true,
            ("HashSet", "UnionWith" or "ExceptWith" or "IntersectWith" or "SymmetricExceptWith" or ".ctor") => true,
            ("Queue" or "Stack", ".ctor") => true,
            ("String", "Join" or "Concat") => true,
            _ => false,
        };
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
            var enumerable = EnumerableName(model, position);
            var repeat = SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression(enumerable + ".Repeat<" + filled.ElementType.ToMinimalDisplayString(model, position) + ">"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[] { SyntaxFactory.Argument(fill.WithoutTrivia()), SyntaxFactory.Argument(length) })));
            // ToArray is an extension method: without System.Linq in scope (a file with implicit usings off) it is
            // called as the static method it is, or the fixed code would not compile.
            created = enumerable == "Enumerable"
                ? SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, repeat, SyntaxFactory.IdentifierName("ToArray")))
                : SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(enumerable + ".ToArray"),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(repeat))));
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

        return LocalDeclaration(name, created.WithAdditionalAnnotations(Simplifier.Annotation));
    }

    /// <summary><c>var name = value;</c></summary>
    private static StatementSyntax LocalDeclaration(string name, ExpressionSyntax value)
        => SyntaxFactory.LocalDeclarationStatement(
            SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(
                    SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name)).WithInitializer(SyntaxFactory.EqualsValueClause(value)))));

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
