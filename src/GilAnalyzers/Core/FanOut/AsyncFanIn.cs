using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// One call that produces a task awaited together with others (<c>ComputeAsync(x)</c>, <c>work(x)</c> on a delegate
/// holding an async lambda), a method group in a Select, or an async lambda that is the Select's selector.
/// </summary>
internal sealed class AsyncFanInCall
{
    public AsyncFanInCall(IOperation site, IMethodSymbol method, bool isMethodGroup, string displayName)
    {
        Site = site;
        Method = method;
        IsMethodGroup = isMethodGroup;
        DisplayName = displayName;
    }

    /// <summary>The invocation, the method reference passed to Select, or the async lambda passed to Select.</summary>
    public IOperation Site { get; }

    /// <summary>The async method, local function or lambda whose synchronous prefix runs at the call.</summary>
    public IMethodSymbol Method { get; }

    public bool IsMethodGroup { get; }

    /// <summary>The selector itself is an async lambda (<c>xs.Select(async x =&gt; …)</c>).</summary>
    public bool IsAsyncLambda => Site is IAnonymousFunctionOperation;

    /// <summary>The name for messages: the method's name, the delegate local's name, or <c>async x =&gt; …</c>.</summary>
    public string DisplayName { get; }

    /// <summary>
    /// The receiver and arguments, in evaluation order, whose value could change before a task started with
    /// <c>Task.Run</c> reads them (<c>summaries[c.Id]</c>): the fix evaluates them into locals in front of the statement,
    /// where the call evaluated them. Empty when every value is stable.
    /// </summary>
    public ImmutableArray<IOperation> ValuesToCapture { get; set; } = ImmutableArray<IOperation>.Empty;

    /// <summary>
    /// The call is a selector's whole expression body (<c>g =&gt; F(g.Key, g.ToList())</c>): the values to capture are read
    /// in a block the fix gives that selector, in front of its <c>return</c>, rather than in front of a statement.
    /// </summary>
    public bool CapturesInSelector { get; set; }
}

/// <summary>A <c>Task.WhenAll</c> / <c>Task.WaitAll</c> over calls to async methods with a CPU-bound synchronous prefix.</summary>
internal sealed class AsyncFanIn
{
    public AsyncFanIn(IInvocationOperation join, ImmutableArray<AsyncFanInCall> calls, string count, AsyncFanInCall heavy, WorkCost cost, string? fixBlocker)
    {
        Join = join;
        Calls = calls;
        Count = count;
        Method = heavy.Method;
        MethodName = heavy.DisplayName;
        Cost = cost;
        FixBlocker = fixBlocker;
    }

    public IInvocationOperation Join { get; }

    public ImmutableArray<AsyncFanInCall> Calls { get; }

    /// <summary>"3 calls" or "one call per element of 'blocks'".</summary>
    public string Count { get; }

    /// <summary>The (first) CPU-bound async method, local function or lambda.</summary>
    public IMethodSymbol Method { get; }

    /// <summary>Its name for messages (<c>async x =&gt; …</c> for a lambda).</summary>
    public string MethodName { get; }

    public WorkCost Cost { get; }

    public string? FixBlocker { get; }

    /// <summary>
    /// Finds the calls that <paramref name="join"/> waits for and reports them when at least one targets an async method of
    /// this tree whose synchronous prefix is CPU-bound.
    /// </summary>
    public static AsyncFanIn? Analyze(IInvocationOperation join, KnownTypes types, WorkCostModel costModel)
    {
        var method = join.TargetMethod;
        if (!KnownTypes.Is(method.ContainingType, types.Task) || (method.Name != "WhenAll" && method.Name != "WaitAll") || join.Arguments.Length == 0)
        {
            return null;
        }

        var model = join.SemanticModel;
        if (model is null)
        {
            return null;
        }

        var root = OperationFacts.FunctionRoot(join);
        var calls = new List<AsyncFanInCall>();
        string count;
        var argument = OperationFacts.StripConversions(join.Arguments[0].Value);
        var elements = ParamsElements(join, argument);
        if (!elements.IsDefault)
        {
            foreach (var element in elements)
            {
                if (!CollectTask(element, root, calls, 0, types))
                {
                    return null;
                }
            }

            count = elements.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " calls";
            if (elements.Length < 2)
            {
                return null;
            }
        }
        else
        {
            if (!CollectTasks(argument, root, calls, 0, out count, types))
            {
                return null;
            }
        }

        if (calls.Count == 0)
        {
            return null;
        }

        WorkCost? cost = null;
        AsyncFanInCall? heavy = null;
        foreach (var call in calls)
        {
            var prefix = call.Site is IAnonymousFunctionOperation lambda
                ? AsyncPrefix.Analyze(lambda.Body, costModel, types)
                : AsyncPrefix.CpuBoundPrefix(call.Method, model, costModel, types);
            if (prefix is not null)
            {
                cost = prefix;
                heavy = call;
                break;
            }
        }

        if (cost is null || heavy is null)
        {
            return null;
        }

        string? blocker = null;
        foreach (var call in calls)
        {
            blocker ??= FindFixBlocker(call, types);
        }

        return new AsyncFanIn(join, calls.ToImmutableArray(), count, heavy, cost.Value, blocker);
    }

    /// <summary>
    /// The tasks listed in the call, <c>Task.WhenAll(a, b)</c>: a params array, or — against .NET 9+ references, where the
    /// compiler picks the <c>params ReadOnlySpan&lt;Task&gt;</c> overload — the collection the compiler builds (its children
    /// are the elements). Default when the argument is one collection expression of the user's.
    /// </summary>
    internal static ImmutableArray<IOperation> ParamsElements(IInvocationOperation join, IOperation argument)
    {
        if (join.Arguments[0].ArgumentKind == ArgumentKind.ParamArray && argument is IArrayCreationOperation { Initializer: { } initializer })
        {
            return initializer.ElementValues;
        }

        if (join.Arguments.Length == 1 && join.Arguments[0].ArgumentKind != ArgumentKind.Explicit
            && argument.Type is INamedTypeSymbol { Name: "ReadOnlySpan" })
        {
            return argument.ChildOperations.ToImmutableArray();
        }

        return default;
    }

    /// <summary>Rewritten to <c>x =&gt; Task.Run(async () =&gt; body)</c>: the parameters are captured by the inner lambda.</summary>
    private static string? LambdaBlocker(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Syntax is not Microsoft.CodeAnalysis.CSharp.Syntax.LambdaExpressionSyntax lambdaSyntax
            || lambdaSyntax.AttributeLists.Count > 0
            || (lambdaSyntax is Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedLambdaExpressionSyntax { ReturnType: not null }))
        {
            return "the async lambda has a form the fix does not rewrite";
        }

        return lambda.Symbol.Parameters.Any(p => p.RefKind != RefKind.None) ? "the async lambda takes a ref parameter" : null;
    }

    private static string? FindFixBlocker(AsyncFanInCall call, KnownTypes types)
    {
        if (!KnownTypes.Is(call.Method.ReturnType, types.Task) && !KnownTypes.Is(call.Method.ReturnType, types.TaskOfT))
        {
            return "'" + call.DisplayName + "' does not return a Task";
        }

        if (call.Site is IAnonymousFunctionOperation lambda)
        {
            return LambdaBlocker(lambda);
        }

        if (call.IsMethodGroup)
        {
            return call.Method.Parameters.Length == 1 ? null : "the method group takes more than one argument";
        }

        var invocation = (IInvocationOperation)call.Site;
        var root = OperationFacts.FunctionRoot(invocation);
        var unstable = ImmutableArray.CreateBuilder<IOperation>();
        string? what = null;
        if (invocation.Instance is not null && !OperationFacts.IsStableValue(invocation.Instance, root))
        {
            unstable.Add(invocation.Instance);
            what = "the receiver of '" + call.DisplayName + "'";
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind != RefKind.None)
            {
                return "'" + call.DisplayName + "' takes a ref argument";
            }

            if (argument.ArgumentKind != ArgumentKind.Explicit)
            {
                // A params array or a default value: built by the compiler where the call is, not a value to capture.
                if (!OperationFacts.IsStableValue(argument.Value, root))
                {
                    return "an argument of '" + call.DisplayName + "' could change before the task runs";
                }

                continue;
            }

            if (!OperationFacts.IsStableValue(argument.Value, root))
            {
                unstable.Add(argument.Value);
                what ??= "an argument of '" + call.DisplayName + "'";
            }
        }

        if (unstable.Count > 0)
        {
            // Each value goes into a `var` local: it needs a type of its own (not a lambda, null, default or a target-typed new).
            if (!CanCaptureInFront(invocation, out var inSelector)
                || unstable.Any(v => v.Type is null || v.Type.TypeKind == TypeKind.Error || v.Type.IsRefLikeType
                                     || v is IAnonymousFunctionOperation or IDelegateCreationOperation
                                     || (v is IConversionOperation { IsImplicit: true } conversion && !conversion.Conversion.IsIdentity && !IsReappliedConversion(conversion))
                                     || v.ConstantValue is { HasValue: true, Value: null }))
            {
                return what + " could change before the task runs";
            }

            call.ValuesToCapture = unstable.ToImmutable();
            call.CapturesInSelector = inSelector;
        }

        return null;
    }

    /// <summary>
    /// Whether the call's receiver and arguments can be evaluated by statements in front of the one that holds the call,
    /// at the same moment as before: the call is the only invocation of that statement besides an <c>Add</c> to a local or
    /// field list that receives it, the statement is directly in a block (not a condition), and nothing else in it runs
    /// first (<c>tasks.Add(F(x, d[k]));</c>, <c>var t = F(x, d[k]);</c>, <c>t = F(…);</c>) — or the call is a non-async
    /// lambda's whole expression body (<paramref name="inSelector"/>: <c>xs.Select(x =&gt; F(x.Id, x.Items.ToList()))</c>),
    /// which the fix gives a block that reads the values first and returns the task.
    /// </summary>
    private static bool CanCaptureInFront(IInvocationOperation call, out bool inSelector)
    {
        IOperation current = call;
        while (current.Parent is IConversionOperation or IArgumentOperation)
        {
            current = current.Parent;
        }

        inSelector = IsLambdaExpressionBody(current);
        if (inSelector)
        {
            return true;
        }

        var statement = current.Parent switch
        {
            IInvocationOperation { TargetMethod.Name: "Add", Instance: { } list } add
                when current is IArgumentOperation && OperationFacts.StripConversions(list) is ILocalReferenceOperation or IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation }
                => add.Parent as IExpressionStatementOperation,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } } => (IOperation?)group,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation, Parent: IExpressionStatementOperation expression } assignment
                when assignment.Value == current => expression,
            _ => null,
        };
        // The statement is in a block, or it is the whole body of a loop written without braces (the fix then gives the
        // body braces, with the reads in front of the statement).
        return (statement?.Parent is IBlockOperation || IsBracelessLoopBody(statement))
               && !statement!.Descendants().Any(o => o is IInvocationOperation other && other != call && !call.Descendants().Contains(other)
                                                     && !(other.TargetMethod.Name == "Add" && other.Arguments.Any(a => a.Value == call || a.Value.Descendants().Contains(call))))
               && !statement.Descendants().Any(o => o is IAnonymousFunctionOperation or IConditionalOperation or IConditionalAccessOperation or ICoalesceOperation
                                                     && o.Descendants().Contains(call));
    }

    /// <summary>
    /// An implicit conversion the call applies again to a local of the value's own type, to the same result: a reference
    /// conversion (<c>List&lt;T&gt;</c> to <c>IReadOnlyList&lt;T&gt;</c>), a nullable or a numeric widening of a value
    /// that is not a constant (a constant's conversion would not apply to a variable of its type).
    /// </summary>
    private static bool IsReappliedConversion(IConversionOperation conversion)
        => conversion.Operand.Type is { TypeKind: not TypeKind.Error } && !conversion.Conversion.IsUserDefined && !conversion.Operand.ConstantValue.HasValue
           && (conversion.Conversion.IsReference || conversion.Conversion.IsNullable || conversion.Conversion.IsNumeric);

    /// <summary>The operation is the whole expression body of a lambda (<c>x =&gt; F(x.Id)</c>), not of an async one.</summary>
    private static bool IsLambdaExpressionBody(IOperation operation)
        => operation.Parent is IReturnOperation { IsImplicit: true, Parent: IBlockOperation { IsImplicit: true, Parent: IAnonymousFunctionOperation { Symbol.IsAsync: false } function } }
           && function.Syntax is LambdaExpressionSyntax { ExpressionBody: { } body } && body == operation.Syntax;

    /// <summary><c>foreach (…) tasks.Add(F(x));</c>, <c>for (…) …;</c>, <c>while (…) …;</c>: the statement is the loop's whole body.</summary>
    private static bool IsBracelessLoopBody(IOperation? statement)
        => statement?.Parent is ILoopOperation loop && loop.Body == statement
           && statement.Syntax.Parent is ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax;

    /// <summary>One task expression: a call, or a local initialised by a call and never reassigned.</summary>
    private static bool CollectTask(IOperation expression, IOperation root, List<AsyncFanInCall> calls, int depth, KnownTypes types)
    {
        expression = OperationFacts.StripConversions(expression);
        switch (expression)
        {
            case IInvocationOperation invocation when IsTaskMethod(invocation.TargetMethod, types):
                calls.Add(new AsyncFanInCall(invocation, invocation.TargetMethod, false, invocation.TargetMethod.Name));
                return true;
            case IInvocationOperation invocation when invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke && invocation.Instance is not null:
                // work(x) on a delegate holding an async lambda (a local never reassigned, or the lambda itself).
                var lambda = AsyncLambdaOf(invocation.Instance, root, out var name);
                if (lambda is null)
                {
                    return false;
                }

                calls.Add(new AsyncFanInCall(invocation, lambda.Symbol, false, name));
                return true;
            case ILocalReferenceOperation local when depth < 3 && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root):
                var initializer = OperationFacts.InitializerOf(local.Local, root, enterFunctions: false);
                return initializer is not null && CollectTask(initializer, root, calls, depth + 1, types);
            default:
                return false;
        }
    }

    /// <summary>A sequence of tasks: <c>xs.Select(x =&gt; F(x))</c> (+ ToArray/ToList), <c>ys.SelectMany(y =&gt; xs.Select(x =&gt; F(y, x)))</c>, or a local holding one.</summary>
    private static bool CollectTasks(IOperation expression, IOperation root, List<AsyncFanInCall> calls, int depth, out string count, KnownTypes types)
    {
        count = "the calls";
        expression = OperationFacts.StripConversions(expression);
        if (expression is ILocalReferenceOperation local && depth < 3 && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root))
        {
            var initializer = OperationFacts.InitializerOf(local.Local, root, enterFunctions: false);
            if (initializer is IObjectCreationOperation { Initializer: null } creation && creation.Type?.Name == "List")
            {
                count = "the calls added to '" + local.Local.Name + "'";
                return CollectAdded(local.Local, root, calls, types);
            }

            return initializer is not null && CollectTasks(initializer, root, calls, depth + 1, out count, types);
        }

        if (expression is not IInvocationOperation invocation || invocation.TargetMethod.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
        {
            return false;
        }

        if ((invocation.TargetMethod.Name == "ToArray" || invocation.TargetMethod.Name == "ToList") && invocation.Arguments.Length == 1)
        {
            return CollectTasks(invocation.Arguments[0].Value, root, calls, depth + 1, out count, types);
        }

        if (invocation.TargetMethod.Name == "SelectMany" && invocation.Arguments.Length == 2)
        {
            // outer.SelectMany(o => inner.Select(x => F(o, x))): one call per pair, the inner sequence made per element.
            var outer = OperationFacts.StripConversions(invocation.Arguments[0].Value);
            if (OperationFacts.UnwrapDelegate(invocation.Arguments[1].Value) is IAnonymousFunctionOperation { Symbol.IsAsync: false } pairs
                && pairs.Body.Operations.Length == 1 && pairs.Body.Operations[0] is IReturnOperation { ReturnedValue: { } inner }
                && CollectTasks(inner, root, calls, depth + 1, out var innerCount, types))
            {
                count = innerCount + ", for each element of '" + outer.Syntax + "'";
                return true;
            }

            return false;
        }

        if (invocation.TargetMethod.Name != "Select" || invocation.Arguments.Length != 2)
        {
            return false;
        }

        var source = OperationFacts.StripConversions(invocation.Arguments[0].Value);
        count = "one call per element of '" + source.Syntax + "'";
        var selector = OperationFacts.UnwrapDelegate(invocation.Arguments[1].Value);
        switch (selector)
        {
            case IMethodReferenceOperation reference when IsTaskMethod(reference.Method, types):
                calls.Add(new AsyncFanInCall(reference, reference.Method, true, reference.Method.Name));
                return true;
            case IAnonymousFunctionOperation { Symbol: { IsAsync: true } } asyncLambda:
                // xs.Select(async x => { …; await …; }): the lambda's prefix runs inside Select's enumeration.
                calls.Add(new AsyncFanInCall(asyncLambda, asyncLambda.Symbol, false, LambdaName(asyncLambda)));
                return true;
            case IAnonymousFunctionOperation function:
                var returned = function.Body.Operations.Length == 1 && function.Body.Operations[0] is IReturnOperation { ReturnedValue: { } value }
                    ? OperationFacts.StripConversions(value)
                    : null;
                if (returned is IInvocationOperation && CollectTask(returned, root, calls, 0, types))
                {
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary><c>var tasks = new List&lt;Task&gt;(); … tasks.Add(F(x)); … WhenAll(tasks)</c>: every Add must add a call.</summary>
    private static bool CollectAdded(ILocalSymbol list, IOperation root, List<AsyncFanInCall> calls, KnownTypes types)
    {
        var found = false;
        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, list))
            {
                continue;
            }

            if (reference.Parent is IInvocationOperation { TargetMethod: { Name: "Add" } } add && add.Instance == reference && add.Arguments.Length == 1)
            {
                if (!CollectTask(add.Arguments[0].Value, root, calls, 0, types))
                {
                    return false;
                }

                found = true;
                continue;
            }

            if (reference.Parent is IArgumentOperation { Parent: IInvocationOperation join }
                && (join.TargetMethod.Name == "WhenAll" || join.TargetMethod.Name == "WaitAll"))
            {
                continue;
            }

            if (reference.Parent is IConversionOperation { Parent: IArgumentOperation { Parent: IInvocationOperation join2 } }
                && (join2.TargetMethod.Name == "WhenAll" || join2.TargetMethod.Name == "WaitAll"))
            {
                continue;
            }

            // Used in another way (Count, indexer, passed along): not a plain fan-in.
            return false;
        }

        return found;
    }

    /// <summary>The async lambda a delegate expression holds: the lambda itself, or a local initialised with one and never reassigned.</summary>
    private static IAnonymousFunctionOperation? AsyncLambdaOf(IOperation target, IOperation root, out string name)
    {
        name = string.Empty;
        var unwrapped = OperationFacts.UnwrapDelegate(target);
        if (unwrapped is null && OperationFacts.StripConversions(target) is ILocalReferenceOperation local
            && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root))
        {
            unwrapped = OperationFacts.UnwrapDelegate(OperationFacts.InitializerOf(local.Local, root, enterFunctions: false));
            name = local.Local.Name;
        }

        if (unwrapped is not IAnonymousFunctionOperation { Symbol: { IsAsync: true } } lambda)
        {
            return null;
        }

        if (name.Length == 0)
        {
            name = LambdaName(lambda);
        }

        return lambda;
    }

    /// <summary><c>async x =&gt; …</c>: the lambda's header, for messages.</summary>
    private static string LambdaName(IAnonymousFunctionOperation lambda)
    {
        var text = lambda.Syntax.ToString();
        var arrow = text.IndexOf("=>", System.StringComparison.Ordinal);
        return arrow < 0 ? "async lambda" : text.Substring(0, arrow + 2) + " ...";
    }

    private static bool IsSourceAsyncMethod(IMethodSymbol method)
        => method.OriginalDefinition.IsAsync && method.OriginalDefinition.DeclaringSyntaxReferences.Length > 0;

    /// <summary>
    /// An async method of the user's, or another Task method of the user's: an abstract or interface one, whose prefix
    /// <see cref="AsyncPrefix"/> judges through its overrides and implementations, or a plain one that computes and
    /// returns a completed task (judged there too; one that returns another task stays quiet).
    /// </summary>
    private static bool IsTaskMethod(IMethodSymbol method, KnownTypes types)
        => IsSourceAsyncMethod(method)
           || (method.OriginalDefinition.DeclaringSyntaxReferences.Length > 0 && method.MethodKind == MethodKind.Ordinary
               && AsyncPrefix.ReturnsTask(method.OriginalDefinition, types));
}
