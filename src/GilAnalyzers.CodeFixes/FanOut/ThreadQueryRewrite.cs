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
/// Threads made by a LINQ query, started and joined right after it:
/// <code>
/// var threads = Enumerable.Range(0, n).Select(i =&gt; new Thread(() =&gt; Work(i))).ToList();
/// foreach (var t in threads) t.Start();        // or threads.ForEach(t =&gt; t.Start());
/// foreach (var t in threads) t.Join();         // or threads.ForEach(t =&gt; t.Join());
/// </code>
/// becomes <c>Parallel.For(0, n, i =&gt; Work(i));</c>. The three statements are one unit: nothing runs between them, the
/// collection is used nowhere else, so the same work runs for the same indices and the calling thread waits for all of
/// it at the same point. Kept away: a start or join that is not the next statement, a collection read elsewhere, a
/// configured thread (stack size, priority, culture...), a delegate that takes Start's argument, work that waits (it
/// could wait for a sibling the pool has not started) or depends on its own thread, and a method group whose target
/// could change while the work runs.
/// </summary>
internal sealed class ThreadQueryPlan
{
    public ThreadQueryPlan(StatementSyntax declaration, StatementSyntax starts, StatementSyntax joins, IParameterSymbol index, IOperation? from, IOperation count, IOperation work, StatementSyntax? callerRuns)
    {
        CallerRuns = callerRuns;
        Declaration = declaration;
        Starts = starts;
        Joins = joins;
        Index = index;
        From = from;
        Count = count;
        Work = work;
    }

    public StatementSyntax Declaration { get; }

    /// <summary>The calling thread's own run of the same work between the starts and the joins (one more index), or null.</summary>
    public StatementSyntax? CallerRuns { get; }

    public StatementSyntax Starts { get; }

    public StatementSyntax Joins { get; }

    /// <summary>The selector's parameter: the index each thread was made for.</summary>
    public IParameterSymbol Index { get; }

    /// <summary>Enumerable.Range's start, null when it is the constant 0.</summary>
    public IOperation? From { get; }

    public IOperation Count { get; }

    /// <summary>The thread's start delegate: a parameterless lambda or anonymous method, or a method group.</summary>
    public IOperation Work { get; }
}

internal static class ThreadQueryRewrite
{
    /// <summary>Whether the thread is made by a LINQ selector (the shape this rewrite is about).</summary>
    public static bool IsQueryMade(IObjectCreationOperation thread)
        => SelectorOf(thread) is not null;

    /// <summary>The plan, or why the query's threads cannot run as one Parallel.For.</summary>
    public static string? Plan(IObjectCreationOperation thread, KnownTypes types, WorkCostModel costModel, out ThreadQueryPlan? plan)
    {
        plan = null;
        if (SelectorOf(thread) is not { } selector)
        {
            return "the thread is not what a query's selector returns";
        }

        if (selector.Symbol.Parameters.Length != 1)
        {
            return "the selector also takes the element's position";
        }

        if (thread.Arguments.Length != 1 && !(thread.Arguments.Length == 2 && ThreadFanOut.IsAtMostDefaultStack(thread.Arguments[1].Value)))
        {
            // new Thread(work, maxStackSize): a size up to the default only saves memory and may go with the thread (as in
            // the loop rewrite); a larger or unknown one is deliberate and would be dropped.
            return "the threads are given a stack size larger than the default, or one not known when compiling";
        }

        if (thread.Initializer is { } initializer
            && initializer.Initializers.Any(i => i is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Name" or "IsBackground" } } label
                || !IsPlainValue(label.Value)))
        {
            // A name only labels a thread; IsBackground only matters for threads nobody joins. Anything else configures it.
            return "the threads are configured (" + initializer.Syntax + ")";
        }

        if (WorkBlocker(thread, types, costModel, out var work) is { } workBlocker)
        {
            return workBlocker;
        }

        var select = (IInvocationOperation)OperationFacts.WithWrappers(selector).Parent!.Parent!;
        if (select.Arguments.Length != 2 || !IsEnumerable(select.TargetMethod, types)
            || OperationFacts.StripConversions(select.Arguments[0].Value) is not IInvocationOperation { TargetMethod.Name: "Range" } range
            || !IsEnumerable(range.TargetMethod, types) || range.Arguments.Length != 2)
        {
            return "the threads are not made over Enumerable.Range";
        }

        if (OperationFacts.WithWrappers(select).Parent is not IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" } materialised }
            || !IsEnumerable(materialised.TargetMethod, types)
            || OperationFacts.WithWrappers(materialised).Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var collection } declarator }
            || declarator.Syntax.Parent?.Parent is not LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1, Parent: BlockSyntax block } declaration)
        {
            return "the query's threads are not materialised (ToList or ToArray) into one local";
        }

        var model = thread.SemanticModel!;
        var from = OperationFacts.StripConversions(range.Arguments[0].Value).ConstantValue is { HasValue: true, Value: 0 } ? null : range.Arguments[0].Value;
        var at = block.Statements.IndexOf(declaration);
        var joinAt = at + 2;
        StatementSyntax? callerRuns = null;
        if (at + 3 < block.Statements.Count && from is null && !EachCalls(block.Statements[at + 2], collection, "Join", model)
            && IsSameWork(block.Statements[at + 2], work, selector.Symbol.Parameters[0], model))
        {
            // threads started; Work(); threads joined: the calling thread runs the same work once more (one index more).
            callerRuns = block.Statements[at + 2];
            joinAt = at + 3;
        }

        if (joinAt >= block.Statements.Count
            || !EachCalls(block.Statements[at + 1], collection, "Start", model)
            || !EachCalls(block.Statements[joinAt], collection, "Join", model))
        {
            return "the threads are not all started by the next statement and joined by the one after it"
                   + " (or after the calling thread's own run of the same work)";
        }

        var uses = block.Parent!.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == collection.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, collection))
            .Count(n => !block.Statements[at + 1].Span.Contains(n.Span) && !block.Statements[joinAt].Span.Contains(n.Span));
        if (uses > 0)
        {
            return "the thread collection '" + collection.Name + "' is used for more than starting and joining";
        }

        plan = new ThreadQueryPlan(declaration, block.Statements[at + 1], block.Statements[joinAt], selector.Symbol.Parameters[0], from, range.Arguments[1].Value, work, callerRuns);
        return null;
    }

    /// <summary>
    /// Why the thread's work cannot be one index of a <c>Parallel.For</c>, or null with <paramref name="work"/>: a
    /// parameterless, non-async lambda or method of this file, on a target that cannot change, that neither depends on its
    /// own thread nor waits (possibly for a sibling the pool has not started).
    /// </summary>
    private static string? WorkBlocker(IObjectCreationOperation thread, KnownTypes types, WorkCostModel costModel, out IOperation work)
    {
        work = null!;
        if (OperationFacts.StripConversions(thread.Arguments[0].Value) is not IDelegateCreationOperation { Target: var target }
            || target is not (IAnonymousFunctionOperation or IMethodReferenceOperation))
        {
            return "the thread's delegate is not a lambda or a method";
        }

        work = target;

        if (work is IAnonymousFunctionOperation { Symbol: { Parameters.Length: > 0 } } or IMethodReferenceOperation { Method.Parameters.Length: > 0 })
        {
            return "the thread's delegate takes the argument passed to Start";
        }

        if (work is IAnonymousFunctionOperation { Symbol.IsAsync: true })
        {
            return "the thread's delegate is async";
        }

        if (work is IMethodReferenceOperation { Instance: { } instance }
            && OperationFacts.StripConversions(instance) is not (IInstanceReferenceOperation or IFieldReferenceOperation { Field.IsReadOnly: true, Instance: null or IInstanceReferenceOperation }))
        {
            // Each thread read its target when it was made; the pool would read it when the index runs.
            return "the thread's method is called on '" + instance.Syntax + "', which could change while the work runs";
        }

        var body = ThreadFanOut.DelegateBody(work);
        if (body is null)
        {
            return "the thread's work is not in this file";
        }

        if (OperationFacts.ThreadAffinity(body, types) is { } affinity)
        {
            return "the work depends on its own thread (" + affinity + ")";
        }

        if (OperationFacts.WaitingCall(body, types, costModel) is { } wait)
        {
            return "the thread's work waits (" + wait + "), possibly for a sibling the pool has not started";
        }

        return null;
    }

    public static async Task<Document> ApplyAsync(Document document, ThreadQueryPlan plan, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var index = plan.Index.Name;
        var lambda = plan.Work.Syntax switch
        {
            ParenthesizedLambdaExpressionSyntax parenthesized => index + " => " + parenthesized.Body.ToFullString().Trim(),
            AnonymousMethodExpressionSyntax anonymous => index + " => " + anonymous.Block.ToFullString().Trim(),
            _ => index + " => " + plan.Work.Syntax + "()",
        };

        // Enumerable.Range(from, count) → Parallel.For(from, from + count): both the bounds are read once, where the query was.
        // The calling thread's own run of the same work is one index more: count - 1 → count, count → (count) + 1.
        var count = plan.Count.Syntax.ToString();
        if (plan.CallerRuns is not null)
        {
            count = plan.Count.Syntax is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression, Right: LiteralExpressionSyntax { Token.ValueText: "1" } } less
                ? less.Left.ToString()
                : "(" + count + ") + 1";
            editor.RemoveNode(plan.CallerRuns, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }

        var bounds = plan.From is null
            ? "0, " + count
            : plan.From.ConstantValue.HasValue ? plan.From.Syntax + ", " + plan.From.Syntax + " + (" + count + ")" : null;
        var run = bounds is not null
            ? SyntaxFactory.ParseStatement("System.Threading.Tasks.Parallel.For(" + bounds + ", " + lambda + ");")
            : SyntaxFactory.ParseStatement("System.Threading.Tasks.Parallel.ForEach(System.Linq.Enumerable.Range(" + plan.From!.Syntax + ", " + count + "), " + lambda + ");");
        foreach (var name in run.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Where(m => m.ToString() is "System.Threading.Tasks.Parallel" or "System.Linq.Enumerable").ToList())
        {
            run = run.ReplaceNode(run.DescendantNodes().OfType<MemberAccessExpressionSyntax>().First(m => m.ToString() == name.ToString()),
                name.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        }

        editor.RemoveNode(plan.Starts, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        editor.RemoveNode(plan.Joins, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        editor.ReplaceNode(plan.Declaration, run.WithLeadingTrivia(plan.Declaration.GetLeadingTrivia()).WithTrailingTrivia(plan.Joins.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation));
        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="statement"/> runs the threads' work itself and that work does not depend on the index:
    /// <c>Work();</c> (or <c>this.Work();</c>) for <c>new Thread(Work)</c>, the lambda's own expression for
    /// <c>new Thread(() =&gt; Work(x))</c>.
    /// </summary>
    private static bool IsSameWork(StatementSyntax statement, IOperation work, IParameterSymbol index, SemanticModel model)
    {
        if (statement is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call })
        {
            return false;
        }

        switch (work)
        {
            case IMethodReferenceOperation reference:
                return call.ArgumentList.Arguments.Count == 0
                       && call.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                       && (reference.Instance is null or IInstanceReferenceOperation)
                       && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(call).Symbol, reference.Method);
            case IAnonymousFunctionOperation function:
                return function.Syntax is ParenthesizedLambdaExpressionSyntax { ExpressionBody: { } body }
                       && SyntaxFactory.AreEquivalent(body, call)
                       && !OperationFacts.References(function, index)
                       && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(call).Symbol, model.GetSymbolInfo(body).Symbol);
            default:
                return false;
        }
    }

    /// <summary>The selector lambda whose only statement returns <paramref name="thread"/>.</summary>
    private static IAnonymousFunctionOperation? SelectorOf(IObjectCreationOperation thread)
    {
        var up = OperationFacts.WithWrappers(thread).Parent;
        if (up is not IReturnOperation { Parent: IBlockOperation { Operations.Length: 1, Parent: IAnonymousFunctionOperation selector } })
        {
            return null;
        }

        return OperationFacts.WithWrappers(selector).Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Select" } } ? selector : null;
    }

    private static bool IsEnumerable(IMethodSymbol method, KnownTypes types)
        => types.Enumerable is { } enumerable && SymbolEqualityComparer.Default.Equals(method.ContainingType, enumerable);

    /// <summary>
    /// <c>foreach (var t in threads) t.M();</c> (braces or not), <c>threads.ForEach(t =&gt; t.M())</c> or
    /// <c>Array.ForEach(threads, t =&gt; t.M())</c>, with M taking no argument.
    /// </summary>
    private static bool EachCalls(StatementSyntax statement, ILocalSymbol collection, string method, SemanticModel model)
    {
        switch (statement)
        {
            case ForEachStatementSyntax loop when IsCollection(loop.Expression, collection, model):
                var inner = loop.Statement is BlockSyntax { Statements.Count: 1 } braces ? braces.Statements[0] : loop.Statement;
                return inner is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } && CallsOn(call, loop.Identifier.ValueText, method);
            case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach" } forEach } each }:
                var arguments = each.ArgumentList.Arguments;
                ExpressionSyntax? source = arguments.Count == 1 ? forEach.Expression : arguments.Count == 2 && forEach.Expression.ToString() is "Array" or "System.Array" ? arguments[0].Expression : null;
                var action = arguments.Count >= 1 ? arguments[arguments.Count - 1].Expression : null;
                return source is not null && IsCollection(source, collection, model)
                       && action is SimpleLambdaExpressionSyntax { ExpressionBody: InvocationExpressionSyntax body } element
                       && CallsOn(body, element.Parameter.Identifier.ValueText, method)
                       && model.GetSymbolInfo(each).Symbol is IMethodSymbol { ContainingType.Name: "List" or "Array" };
            default:
                return false;
        }
    }

    private static bool IsCollection(ExpressionSyntax expression, ILocalSymbol collection, SemanticModel model)
        => expression is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression).Symbol, collection);

    private static bool CallsOn(InvocationExpressionSyntax call, string element, string method)
        => call.ArgumentList.Arguments.Count == 0
           && call.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax target, Name.Identifier.ValueText: var name }
           && target.Identifier.ValueText == element && name == method;

    /// <summary>
    /// A thread's label that the rewrite may drop: computed from constants, locals and parameters only (a literal, an
    /// interpolation or a concatenation), so not evaluating it changes nothing. A call or a member read could have effects.
    /// </summary>
    private static bool IsPlainValue(IOperation value)
        => value.DescendantsAndSelf().All(o => o is ILiteralOperation or IInterpolatedStringOperation or IInterpolatedStringTextOperation
            or IInterpolationOperation or IBinaryOperation or IConversionOperation or ILocalReferenceOperation or IParameterReferenceOperation
            || o.ConstantValue.HasValue);
}
