using System.Collections.Generic;
using System.Linq;
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

/// <summary>
/// Writes a <see cref="PoolDispatchPlan"/> back: the queued items of a loop are collected into a list of
/// (callback, state) pairs and run by <c>Parallel.ForEach</c> right after the loop; a fixed set of queued lambdas becomes
/// one <c>Parallel.Invoke</c>. Callbacks, states and join objects are kept as written.
/// </summary>
internal static class PoolDispatchRewrite
{
    public static async Task<Document> ApplyAsync(Document document, PoolDispatchPlan plan, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        if (plan.Thread is not null)
        {
            RewriteThreads(editor, plan);
        }
        else if (plan.IsSet)
        {
            RewriteSet(editor, plan);
        }
        else
        {
            RewriteLoop(editor, plan);
        }

        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The list before the loop, <c>list.Add((callback, state))</c> for the queue call, <c>Parallel.ForEach</c> after the loop.</summary>
    private static void RewriteLoop(DocumentEditor editor, PoolDispatchPlan plan)
    {
        var model = editor.SemanticModel;
        var loop = (StatementSyntax)plan.Region.Syntax;
        var scope = loop.Parent!;
        var queue = plan.Queues[0];
        var position = loop.SpanStart;
        var list = FanOutRewrite.FreeName(model, position, "workItems", scope);
        var item = FanOutRewrite.FreeName(model, position, "item", scope);

        var format = SymbolDisplayFormat.MinimallyQualifiedFormat.RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
        var parameters = queue.TargetMethod.Parameters;
        var callbackType = parameters[0].Type.ToMinimalDisplayString(model, position, format);
        var stateType = parameters.Length >= 2 ? parameters[1].Type.ToMinimalDisplayString(model, position, format) : "object";
        if (!queue.TargetMethod.IsGenericMethod && model.GetNullableContext(position).AnnotationsEnabled())
        {
            // QueueUserWorkItem(WaitCallback, object? state): the state may be null.
            stateType = "object?";
        }

        var callback = ArgumentText(queue, 0) ?? "null";
        var state = ArgumentText(queue, 1) ?? "null";
        var tuples = HasValueTuple(model.Compilation, model);
        var pairType = tuples ? "(" + callbackType + " Callback, " + stateType + " State)" : "System.Collections.Generic.KeyValuePair<" + callbackType + ", " + stateType + ">";
        var add = tuples ? list + ".Add((" + callback + ", " + state + "))" : list + ".Add(new " + pairType + "(" + callback + ", " + state + "))";
        var run = tuples ? item + ".Callback(" + item + ".State)" : item + ".Key(" + item + ".Value)";

        var indent = Indentation(loop);
        var eol = loop.SyntaxTree.GetText().ToString().Contains("\r\n") ? "\r\n" : "\n";
        var declaration = Annotate(SyntaxFactory.ParseStatement(indent + "var " + list + " = new System.Collections.Generic.List<" + pairType + ">();" + eol));
        var dispatch = Annotate(SyntaxFactory.ParseStatement(indent + "System.Threading.Tasks.Parallel.ForEach(" + list + ", " + item + " => " + run + ");" + eol));

        editor.ReplaceNode(queue.Syntax, Annotate(SyntaxFactory.ParseExpression(add)).WithTriviaFrom(queue.Syntax));
        editor.InsertBefore(loop, declaration);
        editor.InsertAfter(loop, dispatch);
    }

    /// <summary>
    /// The list of the threads' work before the loop, <c>list.Add(work);</c> for the statement that made (and started) the
    /// thread, the separate <c>t.Start();</c> removed, and <c>Parallel.ForEach(list, work =&gt; work())</c> after the loop.
    /// </summary>
    private static void RewriteThreads(DocumentEditor editor, PoolDispatchPlan plan)
    {
        var model = editor.SemanticModel;
        var loop = (StatementSyntax)plan.Region.Syntax;
        var scope = loop.Parent!;
        var position = loop.SpanStart;
        var list = FanOutRewrite.FreeName(model, position, "threadWork", scope);
        var work = FanOutRewrite.FreeName(model, position, "work", scope);
        var thread = plan.Thread!;
        var format = SymbolDisplayFormat.MinimallyQualifiedFormat.RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
        var delegateType = thread.Constructor!.Parameters[0].Type.ToMinimalDisplayString(model, position, format);
        var delegateText = ((ArgumentSyntax)thread.Arguments[0].Syntax).Expression.ToString();

        var indent = Indentation(loop);
        var eol = loop.SyntaxTree.GetText().ToString().Contains("\r\n") ? "\r\n" : "\n";
        var declaration = Annotate(SyntaxFactory.ParseStatement(indent + "var " + list + " = new System.Collections.Generic.List<" + delegateType + ">();" + eol));
        var dispatch = Annotate(SyntaxFactory.ParseStatement(indent + "System.Threading.Tasks.Parallel.ForEach(" + list + ", " + work + " => " + work + "());" + eol));
        var made = (StatementSyntax)plan.ThreadStatement!.Syntax;
        var add = SyntaxFactory.ParseStatement(list + ".Add(" + delegateText + ");").WithTriviaFrom(made);

        editor.ReplaceNode(made, add);
        var start = plan.Queues[0].Parent!.Syntax;
        if (start != made)
        {
            editor.RemoveNode(start, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        editor.InsertBefore(loop, declaration);
        editor.InsertAfter(loop, dispatch);
    }

    /// <summary>The consecutive queue statements become one <c>Parallel.Invoke(() =&gt; body, …)</c>.</summary>
    private static void RewriteSet(DocumentEditor editor, PoolDispatchPlan plan)
    {
        var statements = plan.Queues.Select(q => (StatementSyntax)q.Parent!.Syntax).ToList();
        var actions = new List<string>();
        foreach (var queue in plan.Queues)
        {
            var body = OperationFacts.UnwrapDelegate(queue.Arguments[0].Value)!.Syntax switch
            {
                LambdaExpressionSyntax lambda => lambda.Body,
                AnonymousMethodExpressionSyntax method => method.Block,
                var other => other,
            };
            actions.Add("() => " + body.ToString());
        }

        var first = statements[0];
        var invoke = Annotate(SyntaxFactory.ParseStatement("System.Threading.Tasks.Parallel.Invoke(" + string.Join(", ", actions) + ");"))
            .WithLeadingTrivia(first.GetLeadingTrivia())
            .WithTrailingTrivia(statements[statements.Count - 1].GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(first, invoke);
        foreach (var statement in statements.Skip(1))
        {
            editor.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
    }

    /// <summary>The text of the argument passed for the parameter at <paramref name="ordinal"/>, or null when none is written.</summary>
    private static string? ArgumentText(IInvocationOperation queue, int ordinal)
    {
        foreach (var argument in queue.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal && argument.ArgumentKind == ArgumentKind.Explicit && argument.Syntax is ArgumentSyntax syntax)
            {
                return syntax.Expression.ToString();
            }
        }

        return null;
    }

    /// <summary>
    /// Tuples need <c>System.ValueTuple`2</c> (missing on .NET Framework before 4.7 without the package) and C# 7; a
    /// KeyValuePair holds the pair otherwise.
    /// </summary>
    internal static bool HasValueTuple(Compilation compilation, SemanticModel model)
    {
        if (model.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: < LanguageVersion.CSharp7 })
        {
            return false;
        }

        var system = compilation.GlobalNamespace.GetNamespaceMembers().FirstOrDefault(n => n.Name == "System");
        return system is not null && system.GetTypeMembers("ValueTuple", 2).Any(t => t.DeclaredAccessibility == Accessibility.Public);
    }

    private static string Indentation(SyntaxNode statement)
    {
        var trivia = statement.GetLeadingTrivia();
        return trivia.Count > 0 && trivia[trivia.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? trivia[trivia.Count - 1].ToString() : string.Empty;
    }

    /// <summary>Fully qualified System names are shortened and get their using directive.</summary>
    private static TNode Annotate<TNode>(TNode statement)
        where TNode : SyntaxNode
    {
        var names = statement.DescendantNodes()
            .Where(n => n.ToString().StartsWith("System.", System.StringComparison.Ordinal)
                        && n switch
                        {
                            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText is "List" or "KeyValuePair",
                            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText == "Parallel",
                            _ => false,
                        })
            .ToList();
        return statement.ReplaceNodes(names, (_, current) => current.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
    }
}
