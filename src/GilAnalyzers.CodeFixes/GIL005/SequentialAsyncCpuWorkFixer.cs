using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

using GilAnalyzers.CodeFixes.Refusals;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL005 fix: start each call awaited together with <c>Task.Run(() =&gt; call)</c>, keeping the
/// <c>Task.WhenAll</c> / <c>Task.WaitAll</c>, so the synchronous CPU-bound prefixes run on the thread pool in parallel.
/// Offered only when the call's receiver and arguments are values that cannot change before the task starts.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SequentialAsyncCpuWorkFixer)), Shared]
public sealed class SequentialAsyncCpuWorkFixer : ExplainingCodeFixProvider
{
    public const string TaskRunKey = "GIL005.TaskRun";

    private const string TaskName = "System.Threading.Tasks.Task";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SequentialAsyncCpuWork);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    /// <inheritdoc/>
    private protected override async Task RegisterAsync(Document document, Diagnostic diagnostic, System.Action<CodeAction> register, Refusal why, System.Threading.CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        if (FanOutRewrite.OperationAt(root, model, diagnostic.Location.SourceSpan, cancellationToken) is not IInvocationOperation join)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        var types = KnownTypes.For(model.Compilation);
        var fanIn = AsyncFanIn.Analyze(join, types, WorkCostModel.For(types));
        if (fanIn is null)
        {
            why.Add(NoFixReasons.FanInShape);
            return;
        }

        if (fanIn.FixBlocker is not null)
        {
            why.Add(NoFixReasons.FanInBlocked, fanIn.FixBlocker);
            return;
        }

        // Before the fix the synchronous parts ran one after another; after it they run at the same time. What they write
        // that other calls can see would then be raced on.
        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        foreach (var call in fanIn.Calls)
        {
            if (SharedWriteBeforeFirstAwait(call, walker, model.Compilation, cancellationToken) is { } shared)
            {
                why.Add(NoFixReasons.FanInSharesState, shared);
                return;
            }
        }

        register(CodeAction.Create("Start each call with Task.Run", c => ApplyAsync(document, fanIn, c), TaskRunKey));
    }

    /// <summary>
    /// What the part of <paramref name="call"/>'s async body up to its first await (that statement included) writes of
    /// shared state, or why that cannot be told; null when it writes only its own locals and objects.
    /// </summary>
    private static string? SharedWriteBeforeFirstAwait(AsyncFanInCall call, StateEffectsWalker walker, Compilation compilation, CancellationToken cancellationToken)
    {
        if (call.Site is IAnonymousFunctionOperation lambda)
        {
            // An expression-bodied async lambda awaits in its one expression: nothing runs before it but that expression.
            return (lambda.Syntax as AnonymousFunctionExpressionSyntax)?.Block is { } lambdaBody
                ? SharedWriteBeforeFirstAwait(call.DisplayName, lambdaBody, walker, compilation, cancellationToken)
                : null;
        }

        // An abstract or interface method: every implementation of this compilation is what may run.
        var methods = call.Method.IsAbstract || call.Method.IsVirtual
            ? Overrides.Of(call.Method, compilation).Concat(call.Method.IsAbstract ? Enumerable.Empty<IMethodSymbol>() : new[] { call.Method }).ToList()
            : new List<IMethodSymbol> { call.Method };
        if (methods.Count == 0)
        {
            return "no implementation of '" + call.DisplayName + "' is in sight";
        }

        foreach (var method in methods)
        {
            var declared = method.DeclaringSyntaxReferences.Length == 1 ? method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) : null;
            if (declared is AnonymousFunctionExpressionSyntax { ExpressionBody: not null })
            {
                // A delegate holding an expression-bodied async lambda: it awaits in its one expression.
                continue;
            }

            var (body, arrow) = declared switch
            {
                BaseMethodDeclarationSyntax declaration => (declaration.Body, declaration.ExpressionBody),
                LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody),
                AnonymousFunctionExpressionSyntax delegateLambda => (delegateLambda.Block, (ArrowExpressionClauseSyntax?)null),
                _ => ((BlockSyntax?)null, (ArrowExpressionClauseSyntax?)null),
            };
            var blocker = body is not null
                ? SharedWriteBeforeFirstAwait(call.DisplayName, body, walker, compilation, cancellationToken)
                : arrow is not null
                    ? SharedWriteInArrow(call.DisplayName, arrow, walker, compilation, cancellationToken)
                    : "the body of '" + call.DisplayName + "' is not in sight";
            if (blocker is not null)
            {
                return blocker;
            }
        }

        return null;
    }

    /// <summary><c>=&gt; Task.FromResult(Compute(x))</c>: all of it runs in the call, unless it awaits.</summary>
    private static string? SharedWriteInArrow(string name, ArrowExpressionClauseSyntax arrow, StateEffectsWalker walker, Compilation compilation, CancellationToken cancellationToken)
    {
        if (arrow.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax).OfType<AwaitExpressionSyntax>().Any())
        {
            return null;
        }

        if (!compilation.ContainsSyntaxTree(arrow.SyntaxTree)
            || compilation.GetSemanticModel(arrow.SyntaxTree).GetOperation(arrow.Expression, cancellationToken) is not { } operation)
        {
            return "the body of '" + name + "' is not in sight";
        }

        var written = walker.Analyze(operation, walker.ScopeOf(arrow)).SharedWrites.FirstOrDefault(w => !IsThreadSafe(w, KnownTypes.For(compilation)));
        return written is null ? null : "'" + name + "' writes '" + written.Name + "' before its first await";
    }

    private static string? SharedWriteBeforeFirstAwait(string name, BlockSyntax body, StateEffectsWalker walker, Compilation compilation, CancellationToken cancellationToken)
    {
        if (!compilation.ContainsSyntaxTree(body.SyntaxTree))
        {
            return "'" + name + "' is in another project";
        }

        var model = compilation.GetSemanticModel(body.SyntaxTree);
        var prefix = new List<IOperation>();
        foreach (var statement in body.Statements)
        {
            if (model.GetOperation(statement, cancellationToken) is not { } operation)
            {
                return "a statement of '" + name + "' does not bind";
            }

            if (statement.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax).OfType<AwaitExpressionSyntax>().Any())
            {
                break;
            }

            prefix.Add(operation);
        }

        // Known writes only: a call the analysis cannot see through (a framework method it has no model of) is not counted,
        // and neither are the thread-safe objects the calls may share (a SemaphoreSlim, a concurrent collection).
        var effects = walker.Analyze(prefix, walker.ScopeOf(body));
        var written = effects.SharedWrites.FirstOrDefault(w => !IsThreadSafe(w, KnownTypes.For(compilation)));
        return written is null ? null : "'" + name + "' writes '" + written.Name + "' before its first await";
    }

    /// <summary>Concurrent collections, channels and the synchronisation types: what the calls may share without racing.</summary>
    private static bool IsThreadSafe(ISymbol symbol, KnownTypes types)
    {
        var type = symbol switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        var ns = type?.ContainingNamespace?.ToDisplayString();
        return ns is "System.Collections.Concurrent" or "System.Threading.Channels"
               || new[]
               {
                   types.SemaphoreSlim, types.Semaphore, types.Mutex, types.CountdownEvent, types.ManualResetEventSlim,
                   types.ManualResetEvent, types.AutoResetEvent, types.Barrier, types.Lock, types.ReaderWriterLockSlim,
               }.Any(known => KnownTypes.Is(type, known));
    }

    private static async Task<Document> ApplyAsync(Document document, AsyncFanIn fanIn, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var capturedNames = new HashSet<string>();
        foreach (var call in fanIn.Calls)
        {
            if (call.IsAsyncLambda && call.Site.Syntax is LambdaExpressionSyntax lambda)
            {
                editor.ReplaceNode(lambda, OffloadLambda(lambda));
                continue;
            }

            var original = (ExpressionSyntax)call.Site.Syntax;
            if (call.CapturesInSelector && original.Parent is LambdaExpressionSyntax selector)
            {
                // x => F(x.Id, x.Items.ToList()) → x => { var id = x.Id; var items = x.Items.ToList(); return Task.Run(() =>
                // F(id, items)); }: the lambda reads the values when it runs, as the call did, and starts the task with them.
                var (readNames, reads) = CaptureDeclarations(editor, call, original.SpanStart, capturedNames);
                var captured = original.ReplaceNodes(readNames.Keys, (node, _) => SyntaxFactory.IdentifierName(readNames[node]).WithTriviaFrom(node));
                var block = SyntaxFactory.Block(reads.Append(SyntaxFactory.ReturnStatement(TaskRun(editor, call, captured.WithoutTrivia()))))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(selector, selector.WithExpressionBody(null).WithArrowToken(selector.ArrowToken.WithTrailingTrivia(SyntaxFactory.Space)).WithBlock(block));
                continue;
            }

            var site = original;
            if (!call.ValuesToCapture.IsEmpty)
            {
                // Values that could change before the task runs are read in front of the statement, where the call read them.
                site = CaptureInFront(editor, call, original, capturedNames);
            }

            editor.ReplaceNode(original, TaskRun(editor, call, site).WithTriviaFrom(original));
        }

        // Qualified System.Threading.Tasks names get their using directive; the code action's cleanup then shortens them.
        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>Task.Run(() =&gt; site)</c>, or for a method group <c>item =&gt; Task.Run(() =&gt; site(item))</c>.</summary>
    private static ExpressionSyntax TaskRun(DocumentEditor editor, AsyncFanInCall call, ExpressionSyntax site)
    {
        string text;
        if (call.IsMethodGroup)
        {
            var name = FreeName(editor.SemanticModel, ((ExpressionSyntax)call.Site.Syntax).SpanStart, "item");
            text = name + " => " + TaskName + ".Run(() => " + site + "(" + name + "))";
        }
        else
        {
            text = TaskName + ".Run(() => " + site + ")";
        }

        var replacement = SyntaxFactory.ParseExpression(text);
        var names = replacement.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Where(m => m.ToString() == TaskName).ToList();
        return replacement.ReplaceNodes(names, (_, current) => current.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
    }

    /// <summary><c>async x =&gt; body</c> becomes <c>x =&gt; Task.Run(async () =&gt; body)</c>: the same body, started on the thread pool.</summary>
    private static LambdaExpressionSyntax OffloadLambda(LambdaExpressionSyntax lambda)
    {
        var asyncKeyword = SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        var inner = lambda.Block is { } block
            ? SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(), block)
            : SyntaxFactory.ParenthesizedLambdaExpression(SyntaxFactory.ParameterList(), lambda.ExpressionBody!.WithoutTrivia());
        inner = inner.WithAsyncKeyword(asyncKeyword)
            .WithArrowToken(lambda.ArrowToken);
        var taskType = SyntaxFactory.ParseExpression(TaskName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var run = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, taskType, SyntaxFactory.IdentifierName("Run")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(inner))));

        // Drop 'async' (keep 'static' and the rest), then give the lambda the Task.Run expression as its body.
        // The line break after the arrow (before a block body) stays with the inner lambda's arrow.
        var modifiers = SyntaxFactory.TokenList(lambda.Modifiers.Where(m => !m.IsKind(SyntaxKind.AsyncKeyword)));
        var arrow = lambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.Space);
        LambdaExpressionSyntax result = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.WithModifiers(modifiers).WithArrowToken(arrow).WithBlock(null).WithExpressionBody(run),
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithModifiers(modifiers).WithArrowToken(arrow).WithBlock(null).WithExpressionBody(run),
            _ => lambda,
        };
        if (lambda.Modifiers.Count > 0 && modifiers.Count == 0)
        {
            // The async keyword carried the lambda's leading trivia.
            result = result.WithLeadingTrivia(lambda.GetLeadingTrivia());
        }

        return result;
    }

    /// <summary>
    /// <c>tasks.Add(Render(c, summaries[c.Id]))</c> → <c>var summary = summaries[c.Id];</c> in front, and the call reads the
    /// local: the values are read at the same moment as before, and the task started later sees them unchanged.
    /// </summary>
    private static ExpressionSyntax CaptureInFront(DocumentEditor editor, AsyncFanInCall call, ExpressionSyntax site, HashSet<string> used)
    {
        var statement = site.FirstAncestorOrSelf<StatementSyntax>()!;
        var (names, declarations) = CaptureDeclarations(editor, call, statement.SpanStart, used);
        if (statement.Parent is BlockSyntax)
        {
            editor.InsertBefore(statement, declarations);
        }
        else
        {
            // The whole body of a loop written without braces: it becomes a block, the reads in front of the statement.
            editor.ReplaceNode(statement, (current, _) => SyntaxFactory.Block(declarations.Append(((StatementSyntax)current).WithoutLeadingTrivia()))
                .WithAdditionalAnnotations(Formatter.Annotation));
        }

        return site.ReplaceNodes(names.Keys, (original, _) => SyntaxFactory.IdentifierName(names[original]).WithTriviaFrom(original));
    }

    /// <summary>A <c>var</c> local per value to capture, named after the parameter it is passed to, free at <paramref name="position"/>.</summary>
    private static (Dictionary<SyntaxNode, string> Names, List<StatementSyntax> Declarations) CaptureDeclarations(DocumentEditor editor, AsyncFanInCall call, int position, HashSet<string> used)
    {
        var invocation = (IInvocationOperation)call.Site;
        var names = new Dictionary<SyntaxNode, string>();
        var declarations = new List<StatementSyntax>();
        foreach (var value in call.ValuesToCapture)
        {
            var baseName = invocation.Arguments.FirstOrDefault(a => a.Value == value)?.Parameter?.Name ?? "target";
            var name = FreeName(editor.SemanticModel, position, baseName, used);
            names[value.Syntax] = name;
            declarations.Add(SyntaxFactory.LocalDeclarationStatement(
                    SyntaxFactory.VariableDeclaration(
                        SyntaxFactory.IdentifierName("var"),
                        SyntaxFactory.SingletonSeparatedList(
                            SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                                .WithInitializer(SyntaxFactory.EqualsValueClause(((ExpressionSyntax)value.Syntax).WithoutTrivia())))))
                .WithAdditionalAnnotations(Formatter.Annotation));
        }

        return (names, declarations);
    }

    private static string FreeName(SemanticModel model, int position, string name, HashSet<string>? used = null)
        => LocalNames.Fresh(name, used ?? new HashSet<string>(), candidate => model.LookupSymbols(position, name: candidate).Length > 0);
}
