using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL006: move a locked per-item computation to worker processes with <c>GilAnalyzers.Processes.ProcessPool</c>.
/// Offered for the two fan-outs whose locked region computes one value per item with one static method:
/// <c>Parallel.For(from, to, k =&gt; { lock (g) { outputs[k] = M(inputs[k]); } })</c> (or <c>M(k)</c>, either with further
/// arguments that hold the same number, enum or string for every item: they travel with each item as a tuple) and
/// <c>Parallel.ForEach(items, x =&gt; { lock (g) { results.Add(M(x)); } })</c>. Refused unless the project references
/// GilAnalyzers.Processes and every static field the work reads and writes is provably reset at the start of each
/// call (a scratch buffer), so per-process copies cannot change the results; native code and configured types are
/// refused because their hidden state cannot be checked.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProcessGlobalStateUnderLockFixer)), Shared]
public sealed partial class ProcessGlobalStateUnderLockFixer : ExplainingCodeFixProvider
{
    public const string ProcessPoolKey = "GIL006.ProcessPool";

    /// <summary>
    /// The thread-level rewrites of GIL001 under GIL006 keys (<c>GIL006.ScratchToLocal</c>, <c>GIL006.MoveOutOfLock</c>,
    /// …): offered first where they provably apply — the state the lock guards is then per call, and no process is needed.
    /// </summary>
    public const string ThreadLevelKeyPrefix = "GIL006";

    public const string ScratchToLocalKey = ThreadLevelKeyPrefix + ".ScratchToLocal";

    /// <summary>
    /// The static fields the locked calls use are per-call working state (reset at the start of every call, used nowhere
    /// else): each becomes <c>[ThreadStatic]</c> and the lock goes (<see cref="ThreadStaticPlan"/>). After the thread-level
    /// rewrites of GIL001, before the process pool.
    /// </summary>
    public const string ThreadStaticKey = ThreadLevelKeyPrefix + ".ThreadStatic";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ProcessGlobalStateUnderLock);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    /// <inheritdoc/>
    private protected override async Task RegisterAsync(Document document, Diagnostic diagnostic, System.Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            why.Add(NoFixReasons.NotFound);
            return;
        }

        // Threads first: where a GIL001 rewrite is proven (a static scratch buffer every call clears becomes a local, then
        // the work leaves the lock), the state was never shared between calls and worker processes would only cost.
        // A partial narrowing comes last: the process pool, where it applies, removes the serialisation instead.
        var fallbacks = new List<CodeAction>();
        if (GuardedRegion.Find(root, diagnostic.Location.SourceSpan, model, cancellationToken) is { } region)
        {
            var threadLevel = await SharedLockAroundCpuWorkFixer.LockActionsAsync(
                document, root, model, region, diagnostic, why, key => ThreadLevelKeyPrefix + key.Substring(key.IndexOf('.')), fallbacks, cancellationToken).ConfigureAwait(false);
            foreach (var action in threadLevel)
            {
                register(action);
            }

            // Per-thread copies of static state every call resets: no process and no package needed.
            if (ThreadStaticPlan.Create(model, region, why, cancellationToken) is { } threadStatic)
            {
                register(CodeAction.Create(
                    $"Give each thread its own copy of {threadStatic.TypeNames}'s static state ([ThreadStatic]) and drop the lock",
                    ct => ThreadStaticRewrite.ApplyAsync(document, region, threadStatic, ct),
                    ThreadStaticKey));
            }
        }

        var plan = Plan(root, model, diagnostic.Location.SourceSpan, why, cancellationToken);
        if (plan is not null)
        {
            register(CodeAction.Create(
                "Run the work in worker processes (ProcessPool.Map)",
                ct => ApplyAsync(document, plan, ct),
                ProcessPoolKey));
        }

        fallbacks.ForEach(register);
    }

    private sealed class RewritePlan
    {
        public RewritePlan(ExpressionStatementSyntax fanOut, params StatementSyntax[] replacement)
        {
            FanOut = fanOut;
            Replacement = replacement;
        }

        public ExpressionStatementSyntax FanOut { get; }

        /// <summary>What the fan-out statement becomes: one statement, or several put in its place (in a block of their own where it is not in one).</summary>
        public IReadOnlyList<StatementSyntax> Replacement { get; }
    }

    private static async Task<Document> ApplyAsync(Document document, RewritePlan plan, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var current = root.FindNode(plan.FanOut.Span, getInnermostNodeForTie: false)
            .AncestorsAndSelf().OfType<ExpressionStatementSyntax>().FirstOrDefault(s => s.Span == plan.FanOut.Span);
        if (current is null)
        {
            return document;
        }

        var statements = plan.Replacement.Select(r => r.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation)).ToList();
        if (statements.Count > 1 && current.Parent is not BlockSyntax)
        {
            statements = new List<StatementSyntax> { SyntaxFactory.Block(statements).WithAdditionalAnnotations(Formatter.Annotation) };
        }

        statements[0] = statements[0].WithLeadingTrivia(current.GetLeadingTrivia());
        statements[statements.Count - 1] = statements[statements.Count - 1].WithTrailingTrivia(current.GetTrailingTrivia());
        return document.WithSyntaxRoot(statements.Count == 1 ? root.ReplaceNode(current, statements[0]) : root.ReplaceNode(current, statements));
    }

    private static RewritePlan? Plan(SyntaxNode root, SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, Refusal why, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(model.Compilation);
        if (types.ProcessPool is null || types.Parallel is null)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.NoProcessPool);
        }

        // Only a `lock` statement is rewritten, and only the one the diagnostic is on (not a lock around another form).
        var lockStatement = root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<LockStatementSyntax>().FirstOrDefault();
        if (lockStatement is null || span.Start != lockStatement.LockKeyword.SpanStart)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the lock is not a lock statement");
        }

        if (lockStatement.Parent is BlockSyntax { Statements.Count: > 1 })
        {
            // The lock is one statement of a longer body: its result goes to a local the rest of the body uses.
            return PlanPrecompute(model, lockStatement, why, cancellationToken);
        }

        if (lockStatement.Parent is not BlockSyntax { Statements.Count: 1 } lambdaBlock
            || lambdaBlock.Parent is not AnonymousFunctionExpressionSyntax lambda
            || lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax fanOutCall } }
            || fanOutCall.Parent is not ExpressionStatementSyntax fanOutStatement
            || model.GetOperation(fanOutCall, cancellationToken) is not IInvocationOperation fanOut
            || !KnownTypes.Is(fanOut.TargetMethod.ContainingType, types.Parallel)
            || model.GetOperation(lockStatement, cancellationToken) is not ILockOperation lockOperation
            || SingleStatement(lockStatement.Statement) is not ExpressionStatementSyntax work
            || !(model.GetDeclaredSymbol(lambdaParameter(lambda), cancellationToken) is IParameterSymbol itemParameter))
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape,
                "the lock must be the only statement of a Parallel.For/ForEach lambda, around one statement");
        }

        var statement = fanOut.TargetMethod.Name switch
        {
            "For" when fanOut.Arguments.Length == 3 => PlanFor(model, fanOutCall, work, itemParameter, types, cancellationToken),
            "ForEach" when fanOut.Arguments.Length == 2 => PlanForEach(model, fanOutCall, work, itemParameter, types, cancellationToken),
            _ => null,
        };
        if (statement is null)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape,
                "the locked statement is not outputs[k] = M(inputs[k]), outputs[k] = M(k) (each optionally with further arguments that are constants, or locals or parameters holding numbers, enums or strings) or results.Add(M(item)) with a static M over stable collections, in a method and type that are not generic");
        }

        if (!StateIsResetPerItem(model, lockOperation, why, cancellationToken))
        {
            return null;
        }

        return new RewritePlan(fanOutStatement, statement);

        static ParameterSyntax lambdaParameter(AnonymousFunctionExpressionSyntax function) => function switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
            _ => SyntaxFactory.Parameter(SyntaxFactory.Identifier("__none")),
        };
    }

    private static StatementSyntax? SingleStatement(StatementSyntax statement)
        => statement is BlockSyntax block ? (block.Statements.Count == 1 ? block.Statements[0] : null) : statement;

    /// <summary><c>outputs[k] = M(inputs[k]);</c> under <c>Parallel.For(from, to, k =&gt; …)</c>.</summary>
    private static StatementSyntax? PlanFor(SemanticModel model, InvocationExpressionSyntax call, ExpressionStatementSyntax work, IParameterSymbol index, KnownTypes types, CancellationToken cancellationToken)
    {
        if (work.Expression is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
            || assignment.Left is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } output
            || !IsReferenceTo(model, output.ArgumentList.Arguments[0].Expression, index, cancellationToken)
            || assignment.Right is not InvocationExpressionSyntax workCall
            || workCall.ArgumentList.Arguments.Count == 0
            || !IsStableReference(model, output.Expression, cancellationToken)
            || WorkMethod(model, workCall, cancellationToken) is not { } method
            || !AreLoopInvariantValues(model, workCall, index, cancellationToken))
        {
            return null;
        }

        // outputs[k] = M(inputs[k]) maps the inputs; outputs[k] = M(k) maps the indices themselves.
        var argument = workCall.ArgumentList.Arguments[0].Expression;
        var input = argument as ElementAccessExpressionSyntax;
        var byIndex = input is null
                      && IsReferenceTo(model, argument, index, cancellationToken)
                      && index.Type.SpecialType == SpecialType.System_Int32
                      && method.Parameters[0].Type.SpecialType == SpecialType.System_Int32;
        if (!byIndex
            && (input is not { ArgumentList.Arguments.Count: 1 }
                || !IsReferenceTo(model, input.ArgumentList.Arguments[0].Expression, index, cancellationToken)
                || !IsStableReference(model, input.Expression, cancellationToken)))
        {
            return null;
        }

        var from = call.ArgumentList.Arguments[0].Expression;
        var to = call.ArgumentList.Arguments[1].Expression;
        if (!IsStableReference(model, from, cancellationToken) || !IsStableReference(model, to, cancellationToken))
        {
            return null;
        }

        var resultsName = UniqueName(model, call.SpanStart, "results");
        var i = UniqueName(model, call.SpanStart, index.Name);
        var (range, fromIsZero) = RangeOf(model, from, to, cancellationToken);
        var items = byIndex
            ? range
            : fromIsZero && IsLengthOf(model, to, input!.Expression, cancellationToken)
                ? input.Expression.WithoutTrivia().ToString()
                : $"global::System.Linq.Enumerable.Select({range}, {i} => {input!.Expression}[{i}])";
        var offset = fromIsZero ? string.Empty : " - " + Parenthesize(from);
        var map = workCall.ArgumentList.Arguments.Count == 1
            ? MapCall(method, items)
            : MapCallWithInvariants(model, method, workCall, items, UniqueName(model, call.SpanStart, "item"), UniqueName(model, call.SpanStart, "input"), cancellationToken);
        if (map is null)
        {
            return null;
        }

        var text = "{\n"
            + $"var {resultsName} = {map};\n"
            + $"for (int {i} = {from}; {i} < {to}; {i}++) {output.Expression}[{i}] = {resultsName}[{i}{offset}];\n"
            + "}";
        return SyntaxFactory.ParseStatement(text);
    }

    /// <summary><c>results.Add(M(item));</c> under <c>Parallel.ForEach(items, item =&gt; …)</c>: the pool keeps the items' order.</summary>
    private static StatementSyntax? PlanForEach(SemanticModel model, InvocationExpressionSyntax call, ExpressionStatementSyntax work, IParameterSymbol item, KnownTypes types, CancellationToken cancellationToken)
    {
        if (work.Expression is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add" } add } addCall
            || addCall.ArgumentList.Arguments.Count != 1
            || addCall.ArgumentList.Arguments[0].Expression is not InvocationExpressionSyntax workCall
            || workCall.ArgumentList.Arguments.Count != 1
            || !IsReferenceTo(model, workCall.ArgumentList.Arguments[0].Expression, item, cancellationToken)
            || !IsStableReference(model, add.Expression, cancellationToken)
            || model.GetSymbolInfo(addCall, cancellationToken).Symbol is not IMethodSymbol addMethod
            || addMethod.ContainingType.GetMembers("AddRange").IsEmpty
            || WorkMethod(model, workCall, cancellationToken) is not { } method)
        {
            return null;
        }

        var source = call.ArgumentList.Arguments[0].Expression;
        if (!IsStableReference(model, source, cancellationToken))
        {
            return null;
        }

        return SyntaxFactory.ParseStatement($"{add.Expression}.AddRange({MapCall(method, source.ToString())});");
    }

    /// <summary>
    /// <c>M(item, a, b)</c> whose other arguments are the same for every item: each item travels with them as a tuple
    /// <c>(item, a, b)</c> (the values evaluated once per item in the parent, as the loop did), and a lambda that captures
    /// nothing calls <c>M</c> with the tuple's elements in the worker. Null when the lambda could not run there: a generic
    /// method or type around the fan-out puts the lambda in a generic closure class, which a worker cannot load.
    /// </summary>
    private static string? MapCallWithInvariants(SemanticModel model, IMethodSymbol method, InvocationExpressionSyntax workCall, string items, string itemName, string tupleName, CancellationToken cancellationToken)
    {
        var arguments = workCall.ArgumentList.Arguments;
        if (IsInGenericCode(model, workCall.SpanStart, cancellationToken)
            || model.GetTypeInfo(arguments[0].Expression, cancellationToken).Type is not { } itemType)
        {
            return null;
        }

        var tupleElements = new[] { itemName }.Concat(arguments.Skip(1).Select(a => a.Expression.WithoutTrivia().ToString()));
        return TupleMap(method, workCall.SyntaxTree, itemType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), items, itemName, tupleElements, tupleName);
    }

    /// <summary>
    /// A lambda inside a generic method or type lives in a generic closure class, which a worker process cannot load.
    /// </summary>
    private static bool IsInGenericCode(SemanticModel model, int position, CancellationToken cancellationToken)
    {
        for (var symbol = model.GetEnclosingSymbol(position, cancellationToken); symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol { IsGenericMethod: true } or INamedTypeSymbol { IsGenericType: true })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>Map(static t =&gt; M(t.Item1, …), Select&lt;item, (…)&gt;(items, item =&gt; (e1, …)))</c>: each item travels as the tuple of
    /// <paramref name="tupleElements"/> (one per parameter of <paramref name="method"/>, evaluated in the parent), and a
    /// lambda that captures nothing (static where the language has it) calls the method in the worker.
    /// </summary>
    private static string TupleMap(IMethodSymbol method, SyntaxTree tree, string itemType, string items, string itemName, IEnumerable<string> tupleElements, string tupleName)
    {
        var format = SymbolDisplayFormat.FullyQualifiedFormat;
        var tupleType = "(" + string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(format))) + ")";
        var tuple = "(" + string.Join(", ", tupleElements) + ")";
        var elements = string.Join(", ", Enumerable.Range(1, method.Parameters.Length).Select(n => tupleName + ".Item" + n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var isStaticLambdaAvailable = ((CSharpParseOptions)tree.Options).LanguageVersion >= LanguageVersion.CSharp9;
        var tupled = $"global::System.Linq.Enumerable.Select<{itemType}, {tupleType}>({items}, {itemName} => {tuple})";
        return PoolMap(tupleType, method, $"{(isStaticLambdaAvailable ? "static " : "")}{tupleName} => {QualifiedName(method)}({elements})", tupled);
    }

    /// <summary><c>Enumerable.Range(from, to - from)</c> (<c>Range(0, to)</c> from zero), fully qualified, and whether it starts at zero.</summary>
    private static (string Range, bool FromIsZero) RangeOf(SemanticModel model, ExpressionSyntax from, ExpressionSyntax to, CancellationToken cancellationToken)
    {
        var fromIsZero = model.GetConstantValue(from, cancellationToken) is { HasValue: true, Value: 0 };
        var range = fromIsZero
            ? $"global::System.Linq.Enumerable.Range(0, {to})"
            : $"global::System.Linq.Enumerable.Range({from}, {Parenthesize(to)} - {Parenthesize(from)})";
        return (range, fromIsZero);
    }

    /// <summary>
    /// The call's arguments after the first hold the same value for every item and travel by value: constants, and locals
    /// or parameters of the enclosing method (the loop body is the lock around this one statement, so nothing in it writes
    /// them) of a type that is copied whole — a number, <c>bool</c>, <c>char</c>, an enum or a string. A field is left out
    /// (the work may write it), and so is an object or array, which the work could change in place.
    /// </summary>
    private static bool AreLoopInvariantValues(SemanticModel model, InvocationExpressionSyntax workCall, IParameterSymbol index, CancellationToken cancellationToken)
    {
        foreach (var argument in workCall.ArgumentList.Arguments.Skip(1))
        {
            if (argument.NameColon is not null || !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                || model.GetTypeInfo(argument.Expression, cancellationToken).Type is not { } type
                || !IsCopiedWhole(type))
            {
                return false;
            }

            if (model.GetConstantValue(argument.Expression, cancellationToken).HasValue)
            {
                continue;
            }

            if (argument.Expression is not IdentifierNameSyntax
                || model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol is not (ILocalSymbol { IsRef: false } or IParameterSymbol { RefKind: RefKind.None })
                || SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol, index))
            {
                return false;
            }
        }

        return true;

        static bool IsCopiedWhole(ITypeSymbol type) => type.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(type.SpecialType);
    }

    private static string MapCall(IMethodSymbol method, string items)
        => PoolMap(method.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), method, QualifiedName(method), items);

    /// <summary><c>ProcessPool.Shared.Map&lt;input, output&gt;(mapper, items)</c>, fully qualified; the output is <paramref name="method"/>'s result.</summary>
    private static string PoolMap(string inputType, IMethodSymbol method, string mapper, string items)
        => $"global::GilAnalyzers.Processes.ProcessPool.Shared.Map<{inputType}, {method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>({mapper}, {items})";

    /// <summary><c>global::N.T.M</c>: the static method a worker process runs.</summary>
    private static string QualifiedName(IMethodSymbol method)
        => method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + method.Name;

    /// <summary>
    /// A static, non-generic method with by-value parameters, one per argument of the call (the item first, then values
    /// that travel with it), and a result: what a worker process can run.
    /// </summary>
    private static IMethodSymbol? WorkMethod(SemanticModel model, InvocationExpressionSyntax call, CancellationToken cancellationToken)
    {
        return model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol
        {
            IsStatic: true,
            IsGenericMethod: false,
            ReturnsVoid: false,
            ReturnsByRef: false,
            ReturnsByRefReadonly: false,
            MethodKind: MethodKind.Ordinary,
            Parameters.Length: > 0 and <= 7,
        } method
            && method.Parameters.Length == call.ArgumentList.Arguments.Count
            && method.Parameters.All(p => p.RefKind == RefKind.None && !p.IsParams && !p.IsOptional)
            && !method.IsExtensionMethod
            && !method.ContainingType.IsGenericType
            && method.ContainingType.DeclaredAccessibility != Accessibility.Private
            && method.DeclaredAccessibility != Accessibility.Private
            ? method
            : null;
    }

    private static bool IsReferenceTo(SemanticModel model, ExpressionSyntax expression, ISymbol symbol, CancellationToken cancellationToken)
        => expression is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol, symbol);

    /// <summary>Evaluating it twice, or earlier, gives the same value: literals, locals, parameters, fields, <c>.Length</c>/<c>.Count</c>.</summary>
    private static bool IsStableReference(SemanticModel model, ExpressionSyntax expression, CancellationToken cancellationToken)
    {
        if (model.GetConstantValue(expression, cancellationToken).HasValue)
        {
            return true;
        }

        switch (expression)
        {
            case IdentifierNameSyntax:
            case ThisExpressionSyntax:
                return model.GetSymbolInfo(expression, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol;
            case MemberAccessExpressionSyntax member:
                var symbol = model.GetSymbolInfo(member, cancellationToken).Symbol;
                var stable = symbol is IFieldSymbol
                    || (symbol is IPropertySymbol { Name: "Length" or "Count" } && member.Expression is not null);
                return stable && (member.Expression is ThisExpressionSyntax || IsStableReference(model, member.Expression!, cancellationToken)
                    || model.GetSymbolInfo(member.Expression!, cancellationToken).Symbol is INamedTypeSymbol);
            case ParenthesizedExpressionSyntax parenthesized:
                return IsStableReference(model, parenthesized.Expression, cancellationToken);
            default:
                return false;
        }
    }

    private static bool IsLengthOf(SemanticModel model, ExpressionSyntax bound, ExpressionSyntax array, CancellationToken cancellationToken)
        => bound is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" or "Count" } member
           && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(member.Expression, cancellationToken).Symbol, model.GetSymbolInfo(array, cancellationToken).Symbol)
           && model.GetSymbolInfo(array, cancellationToken).Symbol is not null;

    private static string Parenthesize(ExpressionSyntax expression)
        => expression is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax ? expression.ToString() : "(" + expression + ")";

    private static string UniqueName(SemanticModel model, int position, string baseName)
    {
        var name = baseName;
        for (var n = 1; !model.LookupSymbols(position, name: name).IsEmpty; n++)
        {
            name = baseName + n;
        }

        return name;
    }

    /// <summary>
    /// Per-process copies of global state keep results only when no information flows from one item to the next:
    /// every static field the work reads and writes must be reset by the work method before anything else touches it.
    /// </summary>
    private static bool StateIsResetPerItem(SemanticModel model, ILockOperation lockOperation, Refusal why, CancellationToken cancellationToken)
    {
        var types = KnownTypes.For(model.Compilation);
        var state = GlobalStateModel.For(types).Summarise(new[] { lockOperation.Body }, cancellationToken);
        var entangled = state.Entangled.ToList();
        if (state.StatefulNativeCall is not null)
        {
            why.Add(NoFixReasons.NativeState, state.StatefulNativeCall);
            return false;
        }

        if (entangled.Count == 0)
        {
            why.Add(NoFixReasons.StateCarriedBetweenItems, "no static field the work both reads and writes was found (configured or hidden state)");
            return false;
        }

        var costModel = WorkCostModel.For(types);
        var methods = lockOperation.Body.DescendantsAndSelf().OfType<IInvocationOperation>()
            .Select(i => i.TargetMethod.OriginalDefinition)
            .Where(m => m.DeclaringSyntaxReferences.Length > 0)
            .Distinct(SymbolEqualityComparer.Default)
            .Cast<IMethodSymbol>()
            .ToList();
        foreach (var field in entangled)
        {
            var resetSomewhere = false;
            foreach (var method in methods)
            {
                if (costModel.GetBody(method, cancellationToken) is not IBlockOperation body)
                {
                    continue;
                }

                var first = body.Operations.FirstOrDefault(op => Touches(op, field));
                if (first is null)
                {
                    continue;
                }

                if (!Resets(first, field))
                {
                    why.Add(NoFixReasons.StateCarriedBetweenItems, "'" + field.Name + "' is used before '" + method.Name + "' resets it");
                    return false;
                }

                resetSomewhere = true;
            }

            if (!resetSomewhere)
            {
                why.Add(NoFixReasons.StateCarriedBetweenItems, "'" + field.Name + "'");
                return false;
            }
        }

        return true;
    }

    private static bool Touches(IOperation operation, IFieldSymbol field)
        => operation.DescendantsAndSelf().OfType<IFieldReferenceOperation>().Any(f => SymbolEqualityComparer.Default.Equals(f.Field.OriginalDefinition, field));

    /// <summary>
    /// <c>s = new …;</c>, <c>Array.Clear(s)</c>, <c>Array.Fill(s, v)</c>, <c>s.AsSpan().Clear()/Fill(v)</c>,
    /// <c>s.Clear()</c>, or <c>for (int i = 0; i &lt; s.Length; i++) s[i] = e;</c> with <c>e</c> not reading s.
    /// </summary>
    private static bool Resets(IOperation statement, IFieldSymbol field)
    {
        bool IsField(IOperation? op) => op is IFieldReferenceOperation f && SymbolEqualityComparer.Default.Equals(f.Field.OriginalDefinition, field);

        if (statement is IForLoopOperation loop)
        {
            return loop.Body is IBlockOperation { Operations.Length: 1 } or IExpressionStatementOperation
                && (loop.Body is IBlockOperation b ? b.Operations[0] : loop.Body) is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation write }
                && write.Target is IArrayElementReferenceOperation element && IsField(element.ArrayReference)
                && !Touches(write.Value, field)
                && loop.Condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
                && condition.RightOperand is IPropertyReferenceOperation { Property.Name: "Length" } length && IsField(length.Instance)
                && loop.Before.Length == 1 && loop.Before[0] is IVariableDeclarationGroupOperation group
                && group.Declarations.SelectMany(d => d.Declarators).SingleOrDefault()?.Initializer?.Value.ConstantValue is { HasValue: true, Value: 0 };
        }

        return FieldResets.Of(statement) is { } reset && IsField(reset.Target)
               && (reset.Value is null || !Touches(reset.Value, field));
    }
}
