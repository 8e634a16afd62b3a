using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace GilAnalyzers.CodeFixes;

/// <summary>How a <see cref="FanOutPlan"/> is written back: which Parallel.* call replaces the hand-made fan-out.</summary>
internal enum FanOutRewriteKind
{
    /// <summary><c>Parallel.For(0, n, i =&gt; { partition i })</c>.</summary>
    Partitions,

    /// <summary><c>Parallel.For(0, N, j =&gt; body)</c> (with localInit / localFinally for an accumulator).</summary>
    Range,

    /// <summary><c>Parallel.Invoke(a, b, ...)</c>.</summary>
    Invoke,
}

/// <summary>Turns a <see cref="FanOutPlan"/> computed by the analysis core into a syntax edit.</summary>
internal static partial class FanOutRewrite
{
    private const string ParallelName = "System.Threading.Tasks.Parallel";
    private const string InterlockedName = "System.Threading.Interlocked";

    public static async Task<Document> ApplyAsync(Document document, FanOutPlan plan, FanOutRewriteKind kind, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var model = editor.SemanticModel;
        var anchor = (StatementSyntax)plan.Anchor.Syntax;
        var usingStatement = plan.UnwrapUsing?.Syntax as UsingStatementSyntax;
        var outer = (StatementSyntax?)usingStatement ?? anchor;
        var layout = new Layout(IndentationOf(outer), EndOfLine(outer));
        var text = kind switch
        {
            FanOutRewriteKind.Range => RangeText(plan, model, anchor.SpanStart, layout),
            FanOutRewriteKind.Invoke => InvokeText(plan),
            _ => PartitionsText(plan, layout, model, anchor.SpanStart),
        };
        var replacement = Annotate(SyntaxFactory.ParseStatement(text))
            .WithLeadingTrivia(outer.GetLeadingTrivia())
            .WithTrailingTrivia(outer.GetTrailingTrivia());
        if (!replacement.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
        {
            // The anchor shared its line with a removed statement (`first.Start(); second.Start();`): end the line here.
            replacement = replacement.WithTrailingTrivia(SyntaxFactory.EndOfLine(layout.EndOfLine));
        }

        if (usingStatement is not null && usingStatement.Statement is BlockSyntax usingBlock)
        {
            var removedSyntax = new HashSet<SyntaxNode>(plan.Removed.Select(r => r.Syntax));
            var kept = new List<SyntaxNode>();
            foreach (var statement in usingBlock.Statements)
            {
                if (statement == anchor)
                {
                    kept.Add(kept.Count == 0 ? replacement : replacement.WithLeadingTrivia(SyntaxFactory.Whitespace(layout.Indent)));
                }
                else if (!removedSyntax.Contains(statement))
                {
                    var moved = SyntaxFactory.ParseStatement(layout.Indent + Reindent(statement.ToFullString().Trim('\r', '\n'), layout.Indent, layout.EndOfLine).TrimStart() + layout.EndOfLine);
                    kept.Add(kept.Count == 0 ? moved.WithLeadingTrivia(outer.GetLeadingTrivia()) : moved);
                }
            }

            editor.InsertBefore(usingStatement, kept);
            editor.RemoveNode(usingStatement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
        else
        {
            editor.ReplaceNode(anchor, replacement);
            foreach (var removed in plan.Removed)
            {
                editor.RemoveNode(removed.Syntax, RemoveOptions(removed.Syntax));
            }
        }

        foreach (var (read, size) in OutsideLengthReads(plan, out _))
        {
            editor.ReplaceNode(read, size.WithTriviaFrom(read));
        }

        if (kind == FanOutRewriteKind.Range && UnusedCallee(plan, model, editor.OriginalRoot) is { } unused)
        {
            // The partitions' method now runs inline in the Parallel.For: an uncalled local function would warn (CS8321).
            editor.RemoveNode(unused, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        // Qualified System.Threading.Tasks names get their using directive; the code action's cleanup then shortens them.
        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How a removed node goes: a statement with its trivia; the last member of an object initializer without a comma
    /// after it (<c>{ Id = w, Worker = new Thread(Run) }</c>) keeps the space before the closing brace.
    /// </summary>
    private static SyntaxRemoveOptions RemoveOptions(SyntaxNode node)
    {
        if (node.Parent is InitializerExpressionSyntax initializer
            && initializer.Expressions.Count > 1
            && initializer.Expressions[initializer.Expressions.Count - 1] == node
            && initializer.Expressions.SeparatorCount < initializer.Expressions.Count)
        {
            return SyntaxRemoveOptions.KeepUnbalancedDirectives | SyntaxRemoveOptions.KeepTrailingTrivia;
        }

        return SyntaxRemoveOptions.KeepUnbalancedDirectives;
    }

    /// <summary>Indentation of the new statement and the unit to indent its body by; the document's end of line.</summary>
    private readonly struct Layout
    {
        public Layout(string indent, string endOfLine)
        {
            Indent = indent;
            EndOfLine = endOfLine;
            Unit = indent.Contains("\t") ? "\t" : "    ";
        }

        public string Indent { get; }

        public string Unit { get; }

        public string EndOfLine { get; }

        public string Inner => Indent + Unit;
    }

    private static string IndentationOf(SyntaxNode statement)
    {
        var trivia = statement.GetLeadingTrivia();
        return trivia.Count > 0 && trivia[trivia.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? trivia[trivia.Count - 1].ToString() : string.Empty;
    }

    private static string EndOfLine(SyntaxNode statement)
    {
        var text = statement.SyntaxTree.GetText().ToString();
        return text.Contains("\r\n") ? "\r\n" : "\n";
    }

    /// <summary>Moves a (possibly multi-line) statement to <paramref name="indent"/>, keeping its inner relative indentation.</summary>
    private static string Reindent(string text, string indent, string endOfLine)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
        while (lines.Count > 0 && lines[0].Trim().Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[lines.Count - 1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            return string.Empty;
        }

        var baseline = lines[0].Length - lines[0].TrimStart().Length;
        var result = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0)
            {
                result.Append(endOfLine);
                continue;
            }

            var own = line.Length - line.TrimStart().Length;
            result.Append(indent).Append(line.Substring(System.Math.Min(own, baseline)).TrimEnd());
            if (i < lines.Count - 1)
            {
                result.Append(endOfLine);
            }
        }

        return result.ToString();
    }

    private static StatementSyntax Annotate(StatementSyntax statement)
    {
        var names = statement.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
            .Where(m => m.ToString() is ParallelName or InterlockedName)
            .ToList();
        return statement.ReplaceNodes(names, (_, current) => current.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
    }

    private static string PartitionsText(FanOutPlan plan, Layout layout, SemanticModel model, int position)
    {
        var index = plan.Index!.Name;
        var eol = layout.EndOfLine;
        var body = new StringBuilder();
        body.Append(layout.Indent).Append('{').Append(eol);
        var start = "0";
        if (plan.Items is null && plan.Index.Type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_Int64)
        {
            // for (uint i = 0; …) / for (long i = 0; …): the long overload, with the partition index back in its own type.
            start = "0L";
            if (plan.Index.Type.SpecialType == SpecialType.System_UInt32)
            {
                var wide = FreeName(model, position, index + "Index", plan.Anchor.Syntax);
                body.Append(layout.Inner).Append("uint ").Append(index).Append(" = (uint)").Append(wide).Append(';').Append(eol);
                index = wide;
            }
        }

        foreach (var statement in plan.PreStatements)
        {
            body.Append(StatementText(statement, null, layout)).Append(eol);
        }

        AppendBody(body, plan.Bodies[0], layout);
        body.Append(layout.Indent).Append('}');
        return plan.Items is not null
            ? ParallelName + ".ForEach(" + plan.Items.Syntax + ", " + index + " =>" + eol + body + ");"
            : ParallelName + ".For(" + start + ", " + BoundText(plan) + ", " + index + " =>" + eol + body + ");";
    }

    /// <summary>
    /// The loop's count: the bound as written, or one more when the calling thread also ran the work — <c>n - 1</c> (the
    /// size of the thread array beside the caller) becomes <c>n</c>.
    /// </summary>
    private static string BoundText(FanOutPlan plan)
    {
        var bound = plan.Bound!.Syntax;
        if (!plan.CallerRunsOneMore)
        {
            return bound.ToString();
        }

        return bound is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression, Right: LiteralExpressionSyntax { Token.ValueText: "1" } } lessOne
            ? lessOne.Left.WithoutTrivia().ToString()
            : bound is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or LiteralExpressionSyntax
                ? bound + " + 1"
                : "(" + bound + ") + 1";
    }

    private static string InvokeText(FanOutPlan plan)
    {
        // A ParameterizedThreadStart lambda that ignores its parameter (the planner checked) runs as an Action.
        var actions = plan.Bodies.Select(b => b.Parameter is not null && b.Delegate.Syntax is LambdaExpressionSyntax lambda
            ? "() =>" + lambda.ArrowToken.TrailingTrivia.ToFullString() + lambda.Body.ToFullString().TrimEnd()
            : b.Delegate.Syntax.ToString());
        return ParallelName + ".Invoke(" + string.Join(", ", actions) + ");";
    }

    private static string RangeText(FanOutPlan plan, SemanticModel model, int position, Layout layout)
    {
        var range = plan.Range!;
        var eol = layout.EndOfLine;
        var j = range.LoopIndex.Name;
        var loopStatements = range.LoopBody.Syntax is BlockSyntax block ? block.Statements.Cast<SyntaxNode>().ToList() : new List<SyntaxNode> { range.LoopBody.Syntax };
        var loopBody = string.Concat(loopStatements.Select(s => Reindent(s.ToFullString(), layout.Inner, eol) + eol));
        if (range.Accumulator is null)
        {
            return ParallelName + ".For(0, " + range.End.Syntax + ", " + j + " =>" + eol + layout.Indent + "{" + eol + loopBody + layout.Indent + "});";
        }

        var acc = range.Accumulator.Name;
        var type = range.Accumulator.Type.ToMinimalDisplayString(model, position);
        var state = FreeName(model, position, "loopState", range.LoopBody.Syntax);
        // partial[id] = acc; over an array that is only summed: each worker adds its sum into the first slot instead.
        var merges = range.SlotArray is { } slots
            ? layout.Inner + InterlockedName + ".Add(ref " + slots.Syntax + "[0], " + acc + ");" + eol
            : string.Concat(range.Merges.Select(m => Reindent(m.Syntax.ToFullString(), layout.Inner, eol) + eol));
        return LocalFoldForText(type, "0, " + range.End.Syntax, range.AccumulatorInitializer!.Syntax.ToString(), j, state, acc, loopBody, merges, layout);
    }

    /// <summary>
    /// <c>Parallel.For&lt;T&gt;(range, () =&gt; init, (j, state, acc) =&gt; { body return acc; }, acc =&gt; { merges });</c> laid out
    /// with <paramref name="layout"/>: the whole-range rewrite with a per-worker accumulator.
    /// </summary>
    private static string LocalFoldForText(string type, string range, string initializer, string j, string state, string acc, string loopBody, string merges, Layout layout)
    {
        var eol = layout.EndOfLine;
        return ParallelName + ".For<" + type + ">(" + range + ", () => " + initializer + ", (" + j + ", " + state + ", " + acc + ") =>" + eol
               + layout.Indent + "{" + eol
               + loopBody
               + layout.Inner + "return " + acc + ";" + eol
               + layout.Indent + "}, " + acc + " =>" + eol
               + layout.Indent + "{" + eol
               + merges
               + layout.Indent + "});";
    }

    /// <summary>
    /// Whether the whole-range rewrite's code, written at the fan-out, names what it named where it was: a range loop
    /// taken from the method the partitions call must not meet a local that hides a field or captured local there.
    /// </summary>
    public static bool RangeNamesResolveAtAnchor(FanOutPlan plan, SemanticModel model)
    {
        if (plan.Range is not { Callee: not null } range)
        {
            return true;
        }

        var position = plan.Anchor.Syntax.SpanStart;
        var copied = new List<IOperation> { range.End, range.LoopBody };
        if (range.SlotArray is not null)
        {
            // partial[id] = acc; becomes Interlocked.Add(ref partial[0], acc): only the array is written there.
            copied.Add(range.SlotArray);
        }
        else
        {
            copied.AddRange(range.Merges);
        }

        return CopiedNamesResolve(copied, model, position, symbol =>
            OperationFacts.IsDeclaredIn(symbol, range.LoopBody)
            || SymbolEqualityComparer.Default.Equals(symbol, range.LoopIndex)
            || SymbolEqualityComparer.Default.Equals(symbol, range.Accumulator));
    }

    /// <summary>
    /// Whether every simple name the copied operations use (locals, parameters, and fields, properties and methods named
    /// without a receiver — <c>Math.PI</c>, <c>this.items</c> and <c>other.Count</c> mean the same anywhere) finds the same
    /// symbol at <paramref name="position"/>; names <paramref name="skip"/> accepts (declared by the copy, replaced) are not
    /// looked up.
    /// </summary>
    internal static bool CopiedNamesResolve(IEnumerable<IOperation> copied, SemanticModel model, int position, System.Func<ISymbol, bool> skip)
    {
        foreach (var operation in copied.SelectMany(c => OperationFacts.Descendants(c)))
        {
            var symbol = operation switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Syntax: IdentifierNameSyntax } field => field.Field,
                IPropertyReferenceOperation { Syntax: IdentifierNameSyntax } property => property.Property,
                IInvocationOperation { Syntax: InvocationExpressionSyntax { Expression: SimpleNameSyntax } } call => call.TargetMethod,
                _ => null,
            };
            if (symbol is null || skip(symbol))
            {
                continue;
            }

            var original = symbol.OriginalDefinition;
            if (!model.LookupSymbols(position, name: symbol.Name).Any(found => SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, original)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The declaration of the local function the partitions called, when nothing but the removed fan-out calls it.</summary>
    private static SyntaxNode? UnusedCallee(FanOutPlan plan, SemanticModel model, SyntaxNode root)
    {
        if (plan.Range?.Callee is not { MethodKind: MethodKind.LocalFunction } callee
            || callee.DeclaringSyntaxReferences.Length != 1
            || callee.DeclaringSyntaxReferences[0].GetSyntax() is not LocalFunctionStatementSyntax declaration)
        {
            return null;
        }

        var gone = new List<SyntaxNode> { plan.Anchor.Syntax, declaration };
        gone.AddRange(plan.Removed.Select(r => r.Syntax));
        var stillCalled = root.DescendantNodes()
            .OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == callee.Name && !gone.Any(g => g.Span.Contains(n.Span)))
            .Any(n => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, callee));
        return stillCalled ? null : declaration;
    }

    /// <summary>A name free where the new code goes: not in scope at <paramref name="position"/> and not an identifier of <paramref name="body"/>.</summary>
    internal static string FreeName(SemanticModel model, int position, string name, SyntaxNode body)
        => Locks.LocalNames.Fresh(name, new HashSet<string>(), candidate => model.LookupSymbols(position, name: candidate).Length > 0
                                                                             || body.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == candidate));

    private static void AppendBody(StringBuilder text, FanOutBody body, Layout layout)
    {
        var eol = layout.EndOfLine;
        if (body.Parameter is not null && body.Statements.Any(s => OperationFacts.References(s, body.Parameter)))
        {
            var format = SymbolDisplayFormat.MinimallyQualifiedFormat.RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
            text.Append(layout.Inner).Append(body.Parameter.Type.ToDisplayString(format))
                .Append(' ').Append(body.Parameter.Name).Append(" = ")
                .Append(body.Argument?.Syntax.ToString() ?? "null").Append(';').Append(eol);
        }

        if (body.MethodGroup is not null)
        {
            text.Append(layout.Inner).Append(BoundText(body.MethodGroup, body, full: false)).Append('(');
            if (body.MethodGroup.Method.Parameters.Length == 1)
            {
                text.Append(body.Argument?.Syntax.ToString() ?? "null");
            }

            text.Append(");").Append(eol);
            return;
        }

        foreach (var statement in body.Statements)
        {
            text.Append(StatementText(statement, body, layout)).Append(eol);
        }
    }

    private static string StatementText(IOperation statement, FanOutBody? body, Layout layout)
    {
        if (statement.Syntax is ExpressionSyntax)
        {
            // The body of an expression lambda: `() => work(x)`.
            return layout.Inner + BoundText(statement, body, full: false) + ";";
        }

        return Reindent(BoundText(statement, body, full: true), layout.Inner, layout.EndOfLine);
    }

    /// <summary>
    /// The text of <paramref name="operation"/>'s syntax, with each helper parameter the body is bound to (see
    /// <see cref="FanOutBody.Bindings"/>) replaced by the caller's argument — parenthesized unless it is a name or a literal.
    /// </summary>
    private static string BoundText(IOperation operation, FanOutBody? body, bool full)
    {
        var node = operation.Syntax;
        var text = full ? node.ToFullString() : node.ToString();
        if (body is null || body.Bindings.IsEmpty)
        {
            return text;
        }

        var start = full ? node.FullSpan.Start : node.SpanStart;
        var edited = new StringBuilder(text);
        var references = OperationFacts.Descendants(operation)
            .OfType<IParameterReferenceOperation>()
            .Where(r => body.Bindings.ContainsKey(r.Parameter))
            .GroupBy(r => r.Syntax.SpanStart)
            .Select(g => g.First())
            .OrderByDescending(r => r.Syntax.SpanStart);
        foreach (var reference in references)
        {
            var argument = body.Bindings[reference.Parameter].Syntax;
            var replacement = argument is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax ? argument.ToString() : "(" + argument + ")";
            edited.Remove(reference.Syntax.SpanStart - start, reference.Syntax.Span.Length).Insert(reference.Syntax.SpanStart - start, replacement);
        }

        return edited.ToString();
    }

    /// <summary>
    /// Whether work written elsewhere — in a helper that makes the thread (with the caller's arguments in place of the
    /// helper's parameters), or in a delegate local (<c>ThreadStart work = delegate { ... }</c>) — names what it named
    /// there once written in the Parallel.For body (a method, a field, a captured local), and declares no local whose
    /// name the code around it already uses (the partition index, a per-partition copy, a local of the method).
    /// </summary>
    public static bool MovedWorkResolves(FanOutPlan plan, SemanticModel model)
    {
        if (plan.Index is null || plan.Bodies.Length != 1)
        {
            return true;
        }

        // Work written in the statements the rewrite replaces (the creation loop, a later start) was valid there already.
        var replaced = plan.Removed.Append(plan.Anchor).Select(r => r.Syntax.Span).ToList();
        foreach (var body in plan.Bodies.Where(b => b.MadeByHelper || !replaced.Any(span => span.Contains(b.Delegate.Syntax.Span))))
        {
            var copied = body.MethodGroup is null ? body.Statements.ToList() : new List<IOperation>();
            if (body.MadeByHelper && body.MethodGroup is { } group
                && (group.Syntax is not IdentifierNameSyntax
                    || !model.LookupSymbols(plan.Anchor.Syntax.SpanStart, name: group.Method.Name).Any(found => SymbolEqualityComparer.Default.Equals(found.OriginalDefinition, group.Method.OriginalDefinition))))
            {
                return false;
            }

            // A local the work declares must not take a name the caller's code around it already uses.
            var taken = new HashSet<string>(plan.PreStatements.SelectMany(p => OperationFacts.Descendants(p)).OfType<IVariableDeclaratorOperation>().Select(d => d.Symbol.Name));
            taken.Add(plan.Index.Name);
            if (OperationFacts.Descendants(body.Delegate).OfType<IVariableDeclaratorOperation>().Any(d =>
                    taken.Contains(d.Symbol.Name) || model.LookupSymbols(plan.Anchor.Syntax.SpanStart, name: d.Symbol.Name).Length > 0))
            {
                return false;
            }

            if (!CopiedNamesResolve(copied, model, plan.Anchor.Syntax.SpanStart, symbol =>
                    (symbol is IParameterSymbol parameter && body.Bindings.ContainsKey(parameter)) || OperationFacts.IsDeclaredIn(symbol, body.Delegate)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether code the rewrite keeps (the bound, the per-partition statements, the bodies, the range) names a local whose
    /// declaration the rewrite removes — <c>Parallel.For(0, threads.Length, ...)</c> after <c>var threads = ...</c> is gone
    /// would not compile. The fixers offer no action then.
    /// </summary>
    public static bool KeepsRemovedLocal(FanOutPlan plan) => KeepsRemovedLocal(plan, lengthReadsOnly: false);

    /// <summary>
    /// Whether code the rewrite keeps reads the <c>Length</c> of an array local whose declaration it removes (the task
    /// array of <c>for (int c = 0; c &lt; chunks.Length; c++)</c>): the pool rewrite's check, whose kept delegates also hold
    /// the signals it drops, so only the length reads are asked about (<see cref="InlineRemovedLengths"/> writes the size
    /// in their place).
    /// </summary>
    public static bool ReadsRemovedArrayLength(FanOutPlan plan) => KeepsRemovedLocal(plan, lengthReadsOnly: true);

    private static bool KeepsRemovedLocal(FanOutPlan plan, bool lengthReadsOnly)
    {
        var removed = new HashSet<ISymbol>(RemovedDeclarators(plan).Select(d => d.Symbol), SymbolEqualityComparer.Default);

        if (removed.Count == 0)
        {
            return false;
        }

        var kept = new List<IOperation>();
        if (plan.Bound is not null)
        {
            kept.Add(plan.Bound);
        }

        if (plan.Items is not null)
        {
            kept.Add(plan.Items);
        }

        kept.AddRange(plan.PreStatements);
        foreach (var body in plan.Bodies)
        {
            kept.AddRange(body.Statements);
            kept.Add(body.Delegate);
            if (body.Argument is not null)
            {
                kept.Add(body.Argument);
            }

            kept.AddRange(body.Bindings.Values);
        }

        if (plan.Range is { } range)
        {
            kept.Add(range.End);
            kept.Add(range.LoopBody);
            kept.AddRange(range.Merges);
            if (range.AccumulatorInitializer is not null)
            {
                kept.Add(range.AccumulatorInitializer);
            }
        }

        if (lengthReadsOnly)
        {
            return kept.Any(k => OperationFacts.Descendants(k).Any(o => o is ILocalReferenceOperation { Local.Type: IArrayTypeSymbol } local && removed.Contains(local.Local)
                                                                        && local.Parent is IPropertyReferenceOperation { Property.Name: "Length" }));
        }

        if (kept.Any(k => OperationFacts.Descendants(k).Any(o => o is ILocalReferenceOperation local && removed.Contains(local.Local))))
        {
            return true;
        }

        // Code the rewrite does not touch may name it too: int chunk = data.Length / threads.Length; before the fan-out. A
        // length read of an array whose size stays the same is rewritten to that size (see OutsideLengthReads); any other
        // use keeps no action.
        OutsideLengthReads(plan, out var blocked);
        return blocked;
    }

    /// <summary>
    /// Reads of a removed array's length by code the rewrite keeps as it is (<c>threads.Length</c> in a chunk size computed
    /// before the fan-out), each with the array's size expression to write instead — when that size is a constant or a
    /// local or parameter never written after its declaration. <paramref name="blocked"/> is set when a removed local is
    /// used there in any other way, or its size is not stable.
    /// </summary>
    public static List<(SyntaxNode Read, ExpressionSyntax Size)> OutsideLengthReads(FanOutPlan plan, out bool blocked)
    {
        var result = new List<(SyntaxNode, ExpressionSyntax)>();
        blocked = false;
        var sizes = new Dictionary<ISymbol, ExpressionSyntax?>(SymbolEqualityComparer.Default);
        foreach (var declarator in RemovedDeclarators(plan))
        {
            sizes[declarator.Symbol] = StableArraySize(declarator);
        }

        if (sizes.Count == 0)
        {
            return result;
        }

        var rewritten = plan.Removed.Select(r => r.Syntax.Span).Append(plan.Anchor.Syntax.Span).ToList();
        foreach (var operation in OperationFacts.Descendants(OperationFacts.TreeRoot(plan.Removed[0])))
        {
            if (operation is not ILocalReferenceOperation local || !sizes.TryGetValue(local.Local, out var size)
                || rewritten.Any(span => span.Contains(operation.Syntax.Span)))
            {
                continue;
            }

            if (size is not null && local.Parent is IPropertyReferenceOperation { Property.Name: "Length" } length)
            {
                result.Add((length.Syntax, size));
            }
            else
            {
                blocked = true;
            }
        }

        return result;
    }

    /// <summary>
    /// The locals the removed statements declare (the thread or task array, the latch) and the rewrite does not declare
    /// again (<see cref="CarriedLocals"/>): what no code the rewrite keeps may still name.
    /// </summary>
    private static IEnumerable<IVariableDeclaratorOperation> RemovedDeclarators(FanOutPlan plan)
    {
        if (plan.Removed.IsDefaultOrEmpty)
        {
            yield break;
        }

        var carried = CarriedLocals(plan);
        foreach (var statement in plan.Removed)
        {
            foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator && !carried.Contains(declarator.Symbol))
                {
                    yield return declarator;
                }
            }
        }
    }

    /// <summary>
    /// Locals a removed creation loop declares that the rewrite declares again: the partition index (the lambda's
    /// parameter) and the per-thread values (copied into the lambda's body). The creation loop is removed rather than
    /// replaced when the Parallel.For takes the place of a later start statement.
    /// </summary>
    private static HashSet<ISymbol> CarriedLocals(FanOutPlan plan)
    {
        var carried = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (plan.Index is not null)
        {
            carried.Add(plan.Index);
        }

        foreach (var statement in plan.PreStatements)
        {
            foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    carried.Add(declarator.Symbol);
                }
            }
        }

        return carried;
    }

    /// <summary>
    /// <paramref name="root"/> with every <c>tasks.Length</c> read of an array local the rewrite removes — made with a
    /// stable size (<see cref="StableArraySize"/>) and never assigned again, so its length is that size wherever it is
    /// read — replaced by the size (<c>for (int c = 0; c &lt; 4; c++)</c> after <c>var chunks = new Task[4];</c>), and
    /// <paramref name="launch"/> marked with <paramref name="mark"/> so the fan-out can be planned again on the result.
    /// Null when no such read exists. The plan of the result no longer names the array where only its length was read.
    /// </summary>
    public static SyntaxNode? InlineRemovedLengths(FanOutPlan plan, SyntaxNode root, SyntaxNode launch, SyntaxAnnotation mark)
    {
        var sizes = new Dictionary<ISymbol, ExpressionSyntax>(SymbolEqualityComparer.Default);
        foreach (var declarator in RemovedDeclarators(plan))
        {
            if (StableArraySize(declarator) is { } size && !OperationFacts.IsWrittenAfterDeclaration(declarator.Symbol, OperationFacts.TreeRoot(declarator)))
            {
                sizes[declarator.Symbol] = size;
            }
        }

        if (sizes.Count == 0)
        {
            return null;
        }

        var reads = new Dictionary<SyntaxNode, ExpressionSyntax>();
        foreach (var operation in OperationFacts.Descendants(OperationFacts.TreeRoot(plan.Removed[0])))
        {
            if (operation is ILocalReferenceOperation local && sizes.TryGetValue(local.Local, out var size)
                && local.Parent is IPropertyReferenceOperation { Property.Name: "Length" } length && length.Syntax.SyntaxTree == root.SyntaxTree)
            {
                // A literal or a name reads the same anywhere; a constant expression (2 * Workers) keeps its grouping.
                reads[length.Syntax] = size is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax
                    ? size.WithoutTrivia()
                    : SyntaxFactory.ParenthesizedExpression(size.WithoutTrivia());
            }
        }

        if (reads.Count == 0)
        {
            return null;
        }

        return root.ReplaceNodes(reads.Keys.Append(launch), (original, rewritten) =>
            reads.TryGetValue(original, out var size) ? size.WithTriviaFrom(original) : rewritten.WithAdditionalAnnotations(mark));
    }

    /// <summary><c>new Thread[4]</c>, <c>new Thread[n]</c> with <c>n</c> a parameter or local never written after its declaration.</summary>
    private static ExpressionSyntax? StableArraySize(IVariableDeclaratorOperation declarator)
    {
        var initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
        if (initializer is null || OperationFacts.StripConversions(initializer) is not IArrayCreationOperation { DimensionSizes.Length: 1 } creation)
        {
            return null;
        }

        var size = OperationFacts.StripConversions(creation.DimensionSizes[0]);
        var top = OperationFacts.TreeRoot(declarator);
        var stable = size.ConstantValue.HasValue
                     || (size is IParameterReferenceOperation parameter && !IsParameterWritten(parameter.Parameter, top))
                     || (size is ILocalReferenceOperation sizeLocal && !OperationFacts.IsWrittenAfterDeclaration(sizeLocal.Local, top));
        return stable && size.Syntax is ExpressionSyntax expression ? expression.WithoutTrivia() : null;
    }

    private static bool IsParameterWritten(IParameterSymbol parameter, IOperation root)
        => parameter.RefKind != RefKind.None || OperationFacts.IsWrittenIn(parameter, root);

    /// <summary>Re-runs the analysis for the operation under a diagnostic.</summary>
    public static IOperation? OperationAt(SyntaxNode root, SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellationToken)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current.Span != span)
            {
                break;
            }

            var operation = model.GetOperation(current, cancellationToken);
            if (operation is not null && operation.Syntax.Span == span)
            {
                return operation;
            }
        }

        return null;
    }
}
