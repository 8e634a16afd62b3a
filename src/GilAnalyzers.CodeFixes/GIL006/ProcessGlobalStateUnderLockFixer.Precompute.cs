using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// The process-pool rewrite of a lock that is one statement of a longer parallel body: the locked call's result goes to a
/// local, and the rest of the body uses it.
/// <code>
/// Parallel.ForEach(requests, request =&gt;
/// {
///     int length;
///     lock (Legacy.Sync) { length = Legacy.FindPath(map, request.Start, request.Goal); }
///     lengths[request.Id] = length;
/// });
/// </code>
/// becomes a map of every item's call in worker processes before the loop, and the loop reads each item's result:
/// <code>
/// var results = ProcessPool.Shared.Map&lt;(Map, int, int), int&gt;(static input =&gt; Legacy.FindPath(input.Item1, input.Item2, input.Item3),
///     Enumerable.Select&lt;Request, (Map, int, int)&gt;(requests, request =&gt; (map, request.Start, request.Goal)));
/// Parallel.ForEach(requests, (request, state, index) =&gt;
/// {
///     int length;
///     length = results[index];
///     lengths[request.Id] = length;
/// });
/// </code>
/// Offered only when running every call first cannot change what any of them computes or what the rest of the body sees:
/// the lock comes first in the body (after declarations without values), the call's arguments are read from the item, the
/// index, constants, or variables and fields the loop never assigns; the call writes nothing shared but the library's
/// own static state, which it resets at the start of each call (as for the single-statement form); and the rest of the
/// body is code the analysis sees through, writes nothing the call reads and does not read that static state.
/// </summary>
public sealed partial class ProcessGlobalStateUnderLockFixer
{
    private const string PrecomputeShape =
        "the lock is not the first statement of a Parallel.For/ForEach lambda around one 'local = M(…)' with a static M whose arguments are the item, the index, constants or what the loop never assigns";

    private static RewritePlan? PlanPrecompute(SemanticModel model, LockStatementSyntax lockStatement, Refusal why, CancellationToken cancellationToken)
    {
        var body = (BlockSyntax)lockStatement.Parent!;
        var types = KnownTypes.For(model.Compilation);
        if (body.Parent is not AnonymousFunctionExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.None } lambda
            || lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax fanOutCall } }
            || fanOutCall.Parent is not ExpressionStatementSyntax fanOutStatement
            || model.GetOperation(fanOutCall, cancellationToken) is not IInvocationOperation fanOut
            || !KnownTypes.Is(fanOut.TargetMethod.ContainingType, types.Parallel))
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the lock is not a statement of a Parallel.For/ForEach lambda's body");
        }

        if (model.GetOperation(lockStatement, cancellationToken) is not ILockOperation lockOperation
            || SingleStatement(lockStatement.Statement) is not ExpressionStatementSyntax
            {
                Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax resultName, Right: InvocationExpressionSyntax workCall },
            }
            || model.GetSymbolInfo(resultName, cancellationToken).Symbol is not ILocalSymbol result)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the locked code is not one 'local = M(…)'");
        }

        if (WorkMethod(model, workCall, cancellationToken) is not { } method)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape,
                "the locked call is not to a static, non-generic, non-private method with by-value parameters and a result, which a worker process can run");
        }

        if (!BeforeLockOnlyDeclares(body, lockStatement, result))
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the lock is not the first statement of the loop body (after declarations without values, the result's among them)");
        }

        var parameters = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => new[] { simple.Parameter },
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters.ToArray(),
            _ => System.Array.Empty<ParameterSyntax>(),
        };
        var isFor = fanOut.TargetMethod.Name == "For" && fanOut.Arguments.Length == 3 && parameters.Length == 1
            && fanOut.TargetMethod.Parameters[0].Type.SpecialType == SpecialType.System_Int32;
        var isForEach = fanOut.TargetMethod.Name == "ForEach" && fanOut.Arguments.Length == 2 && parameters.Length is 1 or 3
            && parameters.All(p => p.Type is null);
        if ((!isFor && !isForEach)
            || model.GetDeclaredSymbol(parameters[0], cancellationToken) is not IParameterSymbol item
            || !ReferenceEquals(fanOutCall.ArgumentList.Arguments.Last(), lambda.Parent))
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, PrecomputeShape);
        }

        var lambdaParameters = parameters.Select(p => model.GetDeclaredSymbol(p, cancellationToken)).OfType<IParameterSymbol>().ToList<ISymbol>();
        var dataFlow = model.AnalyzeDataFlow(body);
        var assignedInLoop = new HashSet<ISymbol>(dataFlow?.WrittenInside ?? Enumerable.Empty<ISymbol>(), SymbolEqualityComparer.Default);
        var argumentSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var argument in workCall.ArgumentList.Arguments)
        {
            if (argument.NameColon is not null || !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                || !IsReadBeforeTheLoop(model, argument.Expression, lambdaParameters, assignedInLoop, argumentSymbols, cancellationToken))
            {
                return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape,
                    $"the argument '{argument.Expression}' cannot be read before the loop (only the item, the index, constants, and fields, variables or their fields and elements that the loop never assigns)");
            }
        }

        if (EffectsBlocker(model, body, lockStatement, lockOperation, argumentSymbols, cancellationToken) is { } blocker)
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, blocker);
        }

        if (!StateIsResetPerItem(model, lockOperation, why, cancellationToken))
        {
            return null;
        }

        return BuildPrecompute(model, fanOutCall, fanOutStatement, lambda, lockStatement, resultName, workCall, method, item, isFor, why, cancellationToken);
    }

    /// <summary>
    /// Why running every item's locked call before the loop could change what a call computes or what the rest of the body
    /// sees, or null: the call must see through, write only static state of its own that it reads, and the rest of the body
    /// must see through, write nothing the call reads and not read what the call leaves behind in its process.
    /// </summary>
    private static string? EffectsBlocker(SemanticModel model, BlockSyntax body, LockStatementSyntax lockStatement, ILockOperation lockOperation,
        HashSet<ISymbol> argumentSymbols, CancellationToken cancellationToken)
    {
        // Every call runs before the loop: nothing the rest of the body does may reach what the calls read, and the rest
        // must not read the static state the calls leave behind (worker processes keep it).
        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var scope = walker.ScopeOf(lockStatement);
        var work = walker.Analyze(lockOperation.Body, scope);
        if (work.Unknown)
        {
            return "the locked call does something the analysis cannot see through (" + work.UnknownReason + ")";
        }

        // What the call writes must be the library's own static state, which it also reads (then the per-item reset check
        // applies to it): a static it only writes would be an output that worker processes keep to themselves.
        if (work.SharedWrites.FirstOrDefault(s => s is not IFieldSymbol { IsStatic: true } || !work.SharedReads.Contains(s) || argumentSymbols.Contains(s)) is { } sharedWrite)
        {
            return $"the locked call writes '{sharedWrite.Name}', which is not state of the library's own that it reads and resets";
        }

        var rest = body.Statements.SkipWhile(s => s != lockStatement).Skip(1)
            .Select(s => model.GetOperation(s, cancellationToken)).ToList();
        if (rest.Any(o => o is null))
        {
            return PrecomputeShape;
        }

        var after = walker.Analyze(rest!, scope);
        if (after.Unknown)
        {
            return "the rest of the loop body does something the analysis cannot see through, so it might change what later calls read (" + after.UnknownReason + ")";
        }

        var callInputs = new HashSet<ISymbol>(work.SharedReads, SymbolEqualityComparer.Default);
        callInputs.UnionWith(work.SharedWrites);
        callInputs.UnionWith(argumentSymbols);
        if (after.SharedWrites.FirstOrDefault(callInputs.Contains) is { } clash)
        {
            return $"the rest of the loop body writes '{clash.Name}', which the locked call reads";
        }

        if (after.SharedReads.FirstOrDefault(work.SharedWrites.Contains) is { } leftBehind)
        {
            return $"the rest of the loop body reads '{leftBehind.Name}', which the locked call leaves behind in its process";
        }

        return null;
    }

    private static RewritePlan? BuildPrecompute(
        SemanticModel model, InvocationExpressionSyntax fanOutCall, ExpressionStatementSyntax fanOutStatement, AnonymousFunctionExpressionSyntax lambda,
        LockStatementSyntax lockStatement, IdentifierNameSyntax resultName, InvocationExpressionSyntax workCall, IMethodSymbol method, IParameterSymbol item,
        bool isFor, Refusal why, CancellationToken cancellationToken)
    {
        if (IsInGenericCode(model, fanOutCall.SpanStart, cancellationToken))
        {
            return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the loop is inside a generic method or type, whose lambdas a worker process cannot load");
        }

        string items;
        string? indexText;
        ParameterListSyntax? newParameters = null;
        var arguments = fanOutCall.ArgumentList.Arguments;
        if (isFor)
        {
            var from = arguments[0].Expression;
            var to = arguments[1].Expression;
            if (!IsStableReference(model, from, cancellationToken) || !IsStableReference(model, to, cancellationToken))
            {
                return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the loop's bounds are not constants, variables or fields");
            }

            (items, var fromIsZero) = RangeOf(model, from, to, cancellationToken);
            indexText = fromIsZero ? item.Name : item.Name + " - " + Parenthesize(from);
        }
        else
        {
            var source = arguments[0].Expression;
            var sourceType = model.GetTypeInfo(source, cancellationToken).Type;
            if (!IsStableReference(model, source, cancellationToken) || !IsIndexedInOrder(sourceType))
            {
                return why.Refuse<RewritePlan>(NoFixReasons.ProcessFanOutShape, "the loop's source is not an array or list held in a variable or field (the map must see the same items in the same order)");
            }

            items = source.WithoutTrivia().ToString();
            if (lambda is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 3 } withIndex)
            {
                indexText = "(int)" + withIndex.ParameterList.Parameters[2].Identifier.ValueText;
            }
            else
            {
                var state = UniqueName(model, lockStatement.SpanStart, "state");
                var index = UniqueName(model, lockStatement.SpanStart, "index");
                newParameters = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(
                    new[] { item.Name, state, index }.Select(name => SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)))));
                indexText = "(int)" + index;
            }
        }

        var map = PrecomputeMap(model, fanOutCall, workCall, method, item, items, cancellationToken);
        var resultsName = UniqueName(model, fanOutCall.SpanStart, "results");
        var read = SyntaxFactory.ParseStatement($"{resultName.Identifier.ValueText} = {resultsName}[{indexText}];")
            .WithTriviaFrom(lockStatement);
        var newLambda = lambda.ReplaceNode(lockStatement, read);
        if (newParameters is not null)
        {
            newLambda = SyntaxFactory.ParenthesizedLambdaExpression(newParameters, newLambda.Body)
                .WithTriviaFrom(newLambda);
        }

        var loop = fanOutStatement.ReplaceNode(lambda, newLambda);
        var declaration = SyntaxFactory.ParseStatement($"var {resultsName} = {map};\n");
        return new RewritePlan(fanOutStatement, declaration, loop);
    }

    /// <summary>
    /// The <c>ProcessPool.Shared.Map</c> call over every item's input: the call's only argument, or a tuple of them; a
    /// lambda that captures nothing calls the method in the worker.
    /// </summary>
    private static string PrecomputeMap(SemanticModel model, InvocationExpressionSyntax fanOutCall, InvocationExpressionSyntax workCall, IMethodSymbol method,
        IParameterSymbol item, string items, CancellationToken cancellationToken)
    {
        var format = SymbolDisplayFormat.FullyQualifiedFormat;
        var callArguments = workCall.ArgumentList.Arguments;
        var itemType = item.Type.ToDisplayString(format);
        if (callArguments.Count == 1)
        {
            var only = callArguments[0].Expression;
            var inputType = method.Parameters[0].Type.ToDisplayString(format);
            var inputs = IsReferenceTo(model, only, item, cancellationToken)
                ? items
                : $"global::System.Linq.Enumerable.Select<{itemType}, {inputType}>({items}, {item.Name} => {only.WithoutTrivia()})";
            return PoolMap(inputType, method, QualifiedName(method), inputs);
        }

        return TupleMap(method, workCall.SyntaxTree, itemType, items, item.Name,
            callArguments.Select(a => a.Expression.WithoutTrivia().ToString()), UniqueName(model, fanOutCall.SpanStart, "input"));
    }

    /// <summary>Before the lock the body only declares locals without values (the result's among them).</summary>
    private static bool BeforeLockOnlyDeclares(BlockSyntax body, LockStatementSyntax lockStatement, ILocalSymbol result)
    {
        var declaresResult = false;
        foreach (var statement in body.Statements)
        {
            if (statement == lockStatement)
            {
                return declaresResult;
            }

            if (statement is not LocalDeclarationStatementSyntax { Declaration.Variables: var variables } || variables.Any(v => v.Initializer is not null))
            {
                return false;
            }

            declaresResult |= variables.Any(v => v.Identifier.ValueText == result.Name);
        }

        return false;
    }

    /// <summary>
    /// The expression gives the same value before the loop as at the lock: a constant, the item or the index, a variable or
    /// field the loop never assigns (a static one only when read-only: the call itself may write statics), or a field,
    /// <c>Length</c>/<c>Count</c>, auto-property or element of one of those. The variables, fields and properties read
    /// are added to <paramref name="read"/>.
    /// </summary>
    private static bool IsReadBeforeTheLoop(SemanticModel model, ExpressionSyntax expression, IReadOnlyList<ISymbol> lambdaParameters,
        HashSet<ISymbol> assignedInLoop, HashSet<ISymbol> read, CancellationToken cancellationToken)
    {
        if (model.GetConstantValue(expression, cancellationToken).HasValue)
        {
            return true;
        }

        switch (expression)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return IsReadBeforeTheLoop(model, parenthesized.Expression, lambdaParameters, assignedInLoop, read, cancellationToken);
            case IdentifierNameSyntax:
            {
                var symbol = model.GetSymbolInfo(expression, cancellationToken).Symbol;
                if (symbol is IParameterSymbol && lambdaParameters.Contains(symbol, SymbolEqualityComparer.Default))
                {
                    return true;
                }

                if (symbol is ILocalSymbol { IsRef: false } or IParameterSymbol { RefKind: RefKind.None } or IFieldSymbol { IsStatic: false }
                    or IFieldSymbol { IsStatic: true, IsReadOnly: true } or IFieldSymbol { IsConst: true }
                    && !assignedInLoop.Contains(symbol!))
                {
                    read.Add(symbol!);
                    return !IsDeclaredInside(symbol!, expression);
                }

                return false;
            }

            case MemberAccessExpressionSyntax member:
            {
                var symbol = model.GetSymbolInfo(member, cancellationToken).Symbol;
                var readable = symbol switch
                {
                    IFieldSymbol { IsStatic: false } => true,
                    IFieldSymbol { IsStatic: true } field => field.IsReadOnly || field.IsConst,
                    IPropertySymbol { Name: "Length" or "Count", IsStatic: false } => true,
                    IPropertySymbol { IsStatic: false } property => IsAutoProperty(property, cancellationToken),
                    _ => false,
                };
                if (!readable)
                {
                    return false;
                }

                read.Add(symbol!);
                return symbol!.IsStatic
                    || member.Expression is ThisExpressionSyntax
                    || IsReadBeforeTheLoop(model, member.Expression, lambdaParameters, assignedInLoop, read, cancellationToken);
            }

            case ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } element:
                return IsReadBeforeTheLoop(model, element.Expression, lambdaParameters, assignedInLoop, read, cancellationToken)
                    && IsReadBeforeTheLoop(model, element.ArgumentList.Arguments[0].Expression, lambdaParameters, assignedInLoop, read, cancellationToken);
            default:
                return false;
        }

        static bool IsDeclaredInside(ISymbol symbol, SyntaxNode use)
            => symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r =>
                use.Ancestors().OfType<AnonymousFunctionExpressionSyntax>().Any(f => f.Span.Contains(r.Span)));
    }

    /// <summary>A property with a plain get accessor and no body of its own (auto-implemented, or a record's positional one).</summary>
    private static bool IsAutoProperty(IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (property.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            switch (reference.GetSyntax(cancellationToken))
            {
                case PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }
                    when accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null):
                case ParameterSyntax:
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>An array or a list: enumerated again, it gives the same items in the same order as the index counts them.</summary>
    private static bool IsIndexedInOrder(ITypeSymbol? type)
        => type is IArrayTypeSymbol { Rank: 1 }
           || type is INamedTypeSymbol named
           && (named.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.List<T>" or "System.Collections.Immutable.ImmutableArray<T>"
               || named.AllInterfaces.Any(i => i.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IList<T>" or "System.Collections.Generic.IReadOnlyList<T>")
                  && named.TypeKind != TypeKind.Interface && named.DeclaringSyntaxReferences.Length == 0
               || named.TypeKind == TypeKind.Interface
                  && named.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IList<T>" or "System.Collections.Generic.IReadOnlyList<T>");
}
