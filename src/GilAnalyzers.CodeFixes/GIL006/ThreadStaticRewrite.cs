using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// Applies a <see cref="ThreadStaticPlan"/>: each field it names becomes per thread, and the lock goes.
/// <code>
/// private static readonly int[] s_mask = new int[9];   // reset by Array.Clear: one object per thread, made on first use
/// private static int s_steps;                          // reset by assignment
/// </code>
/// becomes
/// <code>
/// [ThreadStatic]
/// private static int[]? t_mask;
/// private static int[] s_mask => t_mask ??= new int[9];
/// [ThreadStatic]
/// private static int s_steps;
/// </code>
/// A field reset by assignment loses its initialiser when that is a plain value (a <c>[ThreadStatic]</c> initialiser runs
/// on one thread only, and every call assigns the field before reading it); an initialiser that calls code keeps it.
/// </summary>
internal static class ThreadStaticRewrite
{
    public static async Task<Solution> ApplyAsync(Document document, GuardedRegion region, ThreadStaticPlan plan, CancellationToken cancellationToken)
    {
        var solution = document.Project.Solution;
        var edits = new Dictionary<DocumentId, Dictionary<SyntaxNode, IReadOnlyList<SyntaxNode>>>();
        var taken = new HashSet<string>(System.StringComparer.Ordinal);
        var fields = plan.Plain.Select(f => (Field: f, Lazy: false)).Concat(plan.Lazy.Select(f => (Field: f, Lazy: true))).ToList();
        foreach (var group in fields.GroupBy(f => f.Field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken).Parent!.Parent!))
        {
            if (group.Key is not FieldDeclarationSyntax declaration || solution.GetDocument(declaration.SyntaxTree) is not { } fieldDocument)
            {
                return solution;
            }

            var model = await fieldDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (model is null)
            {
                return solution;
            }

            var lazy = new HashSet<ISymbol>(group.Where(f => f.Lazy).Select(f => f.Field), SymbolEqualityComparer.Default);
            var plain = new HashSet<ISymbol>(group.Where(f => !f.Lazy).Select(f => f.Field), SymbolEqualityComparer.Default);
            EditsOf(edits, fieldDocument.Id)[declaration] = Rewrite(model, declaration, plain, lazy, taken, cancellationToken);
        }

        EditsOf(edits, document.Id)[region.Container] = new[] { WithoutLock(region, await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false)) };
        foreach (var (statement, update) in plan.Tallies.SelectMany(t => t.Bumps))
        {
            // Computed++; becomes Interlocked.Increment(ref Computed); — the counter stays one field for all threads.
            if (solution.GetDocument(statement.SyntaxTree) is not { } bumpDocument)
            {
                return document.Project.Solution;
            }

            EditsOf(edits, bumpDocument.Id)[statement] = new[] { update.ToStatement().WithTriviaFrom(statement) };
        }

        foreach (var pair in edits)
        {
            var target = solution.GetDocument(pair.Key)!;
            var root = (await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!.TrackNodes(pair.Value.Keys);
            foreach (var edit in pair.Value)
            {
                var current = root.GetCurrentNode(edit.Key)!;
                root = edit.Value.Count == 1 ? root.ReplaceNode(current, edit.Value[0]) : root.ReplaceNode(current, edit.Value);
            }

            solution = solution.WithDocumentSyntaxRoot(pair.Key, root);
        }

        return solution;
    }

    private static Dictionary<SyntaxNode, IReadOnlyList<SyntaxNode>> EditsOf(Dictionary<DocumentId, Dictionary<SyntaxNode, IReadOnlyList<SyntaxNode>>> edits, DocumentId id)
    {
        if (!edits.TryGetValue(id, out var edit))
        {
            edits[id] = edit = new Dictionary<SyntaxNode, IReadOnlyList<SyntaxNode>>();
        }

        return edit;
    }

    /// <summary>The region's block with the locked statements in place of the lock (in a block of their own when they declare variables).</summary>
    private static BlockSyntax WithoutLock(GuardedRegion region, SemanticModel? model)
    {
        var locked = region.Locked.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
        var statements = region.StatementsInTree;
        var declares = model is null || model.AnalyzeDataFlow(statements[0], statements[statements.Count - 1]) is not { Succeeded: true } flow
                       || !flow.VariablesDeclared.IsEmpty
                       || statements.Any(s => s.DescendantNodes().OfType<LocalFunctionStatementSyntax>().Any());
        IEnumerable<StatementSyntax> replacement = declares
            ? new[] { SyntaxFactory.Block(locked).WithAdditionalAnnotations(Formatter.Annotation) }
            : locked;
        var newStatements = replacement.ToList();
        newStatements[0] = newStatements[0].WithLeadingTrivia(region.First.GetLeadingTrivia());
        newStatements[newStatements.Count - 1] = newStatements[newStatements.Count - 1].WithTrailingTrivia(region.Last.GetTrailingTrivia());
        var all = region.Container.Statements;
        var first = all.IndexOf(region.First);
        var last = all.IndexOf(region.Last);
        return region.Container.WithStatements(SyntaxFactory.List(all.Take(first).Concat(newStatements).Concat(all.Skip(last + 1))));
    }

    /// <summary>The members a field declaration becomes: the fields it keeps, the plain <c>[ThreadStatic]</c> ones, each lazy one's field and property.</summary>
    private static IReadOnlyList<SyntaxNode> Rewrite(SemanticModel model, FieldDeclarationSyntax declaration, HashSet<ISymbol> plain, HashSet<ISymbol> lazy,
        HashSet<string> taken, CancellationToken cancellationToken)
    {
        var indentation = declaration.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString();
        var nullable = model.GetNullableContext(declaration.SpanStart).AnnotationsEnabled();
        var modifiers = string.Join(" ", declaration.Modifiers.Where(m => !m.IsKind(SyntaxKind.ReadOnlyKeyword)).Select(m => m.Text));
        var members = new List<string>();
        var kept = new List<VariableDeclaratorSyntax>();
        var plainVariables = new List<string>();
        foreach (var variable in declaration.Declaration.Variables)
        {
            var symbol = model.GetDeclaredSymbol(variable, cancellationToken) as IFieldSymbol;
            if (symbol is not null && plain.Contains(symbol))
            {
                plainVariables.Add(PlainVariable(model, variable, symbol, nullable, cancellationToken));
            }
            else if (symbol is not null && lazy.Contains(symbol))
            {
                members.AddRange(LazyMembers(declaration, variable, symbol, nullable, modifiers, indentation, taken));
            }
            else
            {
                kept.Add(variable);
            }
        }

        if (plainVariables.Count > 0)
        {
            members.Insert(0, $"[System.ThreadStatic]\n{indentation}{modifiers} {declaration.Declaration.Type} {string.Join(", ", plainVariables)};");
        }

        var result = new List<MemberDeclarationSyntax>();
        if (kept.Count > 0)
        {
            result.Add(declaration.WithDeclaration(declaration.Declaration.WithVariables(SyntaxFactory.SeparatedList(kept))).WithoutTrailingTrivia());
        }

        result.AddRange(members.Select(m => SyntaxFactory.ParseMemberDeclaration(m)!.WithAdditionalAnnotations(Simplifier.Annotation)));
        for (var i = 0; i < result.Count; i++)
        {
            result[i] = result[i]
                .WithLeadingTrivia(i == 0 ? declaration.GetLeadingTrivia() : SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(indentation)))
                .WithTrailingTrivia(i == result.Count - 1 ? declaration.GetTrailingTrivia() : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n")));
        }

        return result;
    }

    /// <summary>
    /// <c>name</c>, without an initialiser that only makes a value (every call assigns the field before reading it; a
    /// non-nullable reference then starts as <c>null!</c>); an initialiser that calls code is kept.
    /// </summary>
    private static string PlainVariable(SemanticModel model, VariableDeclaratorSyntax variable, IFieldSymbol field, bool nullable, CancellationToken cancellationToken)
    {
        if (variable.Initializer is not { } initializer)
        {
            return variable.Identifier.Text;
        }

        var value = model.GetOperation(initializer.Value, cancellationToken);
        if (value is null || !IsPlainValue(value))
        {
            return variable.WithoutTrivia().ToString();
        }

        var needsValue = nullable && field.Type.IsReferenceType && field.Type.NullableAnnotation != NullableAnnotation.Annotated;
        return variable.Identifier.Text + (needsValue ? " = null!" : string.Empty);
    }

    /// <summary><c>[ThreadStatic] private static T? t_name;</c> and <c>modifiers T name =&gt; t_name ??= initialiser;</c>.</summary>
    /// <remarks><paramref name="taken"/>: the backing names given so far (qualified by type), so two fields never get the same one.</remarks>
    private static IEnumerable<string> LazyMembers(FieldDeclarationSyntax declaration, VariableDeclaratorSyntax variable, IFieldSymbol field,
        bool nullable, string modifiers, string indentation, HashSet<string> taken)
    {
        var name = variable.Identifier.ValueText;
        var stem = name.StartsWith("s_", System.StringComparison.Ordinal) ? name.Substring(2) : name.TrimStart('_');
        var backing = "t_" + (stem.Length == 0 ? "value" : char.ToLowerInvariant(stem[0]) + stem.Substring(1));
        var owner = field.ContainingType.ToDisplayString() + ".";
        while (!field.ContainingType.GetMembers(backing).IsEmpty || !taken.Add(owner + backing))
        {
            backing += "_";
        }

        var type = declaration.Declaration.Type.ToString();
        var initializer = variable.Initializer!.Value.WithoutTrivia().ToString();
        var create = ((CSharpParseOptions)declaration.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp8
            ? $"{backing} ??= {initializer}"
            : $"{backing} ?? ({backing} = {initializer})";
        yield return $"[System.ThreadStatic]\n{indentation}private static {type}{(nullable ? "?" : string.Empty)} {backing};";
        var propertyModifiers = string.Join(" ", modifiers.Split(' ').Where(m => m != "volatile"));
        yield return $"{propertyModifiers} {type} {name} => {create};";
    }

    /// <summary>A value made without calling the project's code: a constant, <c>default</c>, a recreatable array or object, <c>Array.Empty&lt;T&gt;()</c>.</summary>
    private static bool IsPlainValue(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        return value.ConstantValue.HasValue
               || value is IDefaultValueOperation
               || IsRecreatable(value)
               || value is IInvocationOperation { TargetMethod: { Name: "Empty", ContainingType.SpecialType: SpecialType.System_Array }, Arguments.Length: 0 };
    }

    /// <summary>
    /// The initialiser makes an equal new object every time it runs, on any thread: an array of constant (or read-only
    /// static) sizes with constant elements, or a framework object made with constant arguments.
    /// </summary>
    public static bool IsRecreatable(IOperation value)
    {
        value = OperationFacts.StripConversions(value);
        switch (value)
        {
            case IArrayCreationOperation array:
                return array.DimensionSizes.All(IsFixedNumber)
                       && (array.Initializer is null || array.Initializer.DescendantsAndSelf().All(o => o is IArrayInitializerOperation || OperationFacts.StripConversions(o).ConstantValue.HasValue || o is IConversionOperation));
            case IObjectCreationOperation creation:
                return creation.Constructor is { } constructor && constructor.DeclaringSyntaxReferences.Length == 0
                       && creation.Initializer is null
                       && creation.Arguments.All(a => OperationFacts.StripConversions(a.Value).ConstantValue.HasValue);
            default:
                return false;
        }

        static bool IsFixedNumber(IOperation size)
            => OperationFacts.StripConversions(size) is var stripped && (stripped.ConstantValue.HasValue
               || stripped is IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } } field && field.Field.Type.IsValueType);
    }

}
