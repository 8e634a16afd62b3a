using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Small operation-tree facts shared by the hand-made fan-out finders (threads, pool items, tasks):
/// unwrapping delegates, finding the enclosing function, simple data flow on locals, and the
/// "does this delegate depend on its thread?" check that blocks a rewrite to Parallel.*.
/// </summary>
internal static class OperationFacts
{
    /// <summary>Strips conversions and delegate creations down to the lambda or method group.</summary>
    public static IOperation? UnwrapDelegate(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    continue;
                case IAnonymousFunctionOperation:
                case IMethodReferenceOperation:
                    return operation;
                default:
                    return null;
            }
        }
    }

    public static IOperation StripConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// The operation with the conversions and delegate creations that wrap it (a lambda or method group seen as the
    /// argument it is passed as): the reverse of <see cref="StripConversions"/>, upward.
    /// </summary>
    public static IOperation WithWrappers(IOperation operation)
    {
        while (operation.Parent is IConversionOperation or IDelegateCreationOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>
    /// The parameter whose delegate <paramref name="operation"/> invokes (<c>body(item)</c>, <c>work()</c>; conversions on the
    /// delegate stripped), or null when it is not a delegate call on a parameter.
    /// </summary>
    public static IParameterSymbol? InvokedDelegateParameter(IOperation operation)
        => operation is IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke, Instance: { } target }
           && StripConversions(target) is IParameterReferenceOperation parameter
            ? parameter.Parameter
            : null;

    /// <summary>What an await really awaits: <c>task.ConfigureAwait(false)</c> awaits the task itself (conversions stripped).</summary>
    public static IOperation StripConfigureAwait(IOperation awaited)
    {
        awaited = StripConversions(awaited);
        while (awaited is IInvocationOperation { TargetMethod: { Name: "ConfigureAwait" }, Instance: { } instance })
        {
            awaited = StripConversions(instance);
        }

        return awaited;
    }

    /// <summary>
    /// A call of <paramref name="method"/> is taken to run the body it names: a local function, or a method that is neither
    /// virtual nor abstract (an override counts, though a further override could replace it). The cost walks follow such
    /// calls into their body.
    /// </summary>
    public static bool RunsItsOwnBody(IMethodSymbol method)
        => method.MethodKind == MethodKind.LocalFunction || (!method.IsVirtual && !method.IsAbstract);

    /// <summary>The root of the operation tree <paramref name="operation"/> belongs to (the member's body).</summary>
    public static IOperation TreeRoot(IOperation operation)
    {
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root;
    }

    /// <summary>The nearest enclosing function body: a lambda, a local function, or the method's root operation.</summary>
    public static IOperation FunctionRoot(IOperation operation)
    {
        var current = operation;
        while (current.Parent is not null)
        {
            if (current.Parent is IAnonymousFunctionOperation || current.Parent is ILocalFunctionOperation)
            {
                return current.Parent;
            }

            current = current.Parent;
        }

        return current;
    }

    /// <summary>The innermost loop between <paramref name="operation"/> and <paramref name="root"/>, or null.</summary>
    public static ILoopOperation? EnclosingLoop(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
            {
                return null;
            }

            if (current is ILoopOperation loop)
            {
                return loop;
            }
        }

        return null;
    }

    /// <summary>The statement that directly contains <paramref name="operation"/> inside <paramref name="block"/>, or null.</summary>
    public static IOperation? StatementIn(IOperation operation, IBlockOperation block)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current.Parent == block)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>All descendants of <paramref name="root"/> (including itself), without entering nested functions when asked.</summary>
    public static IEnumerable<IOperation> Descendants(IOperation root, bool enterFunctions = true)
    {
        var stack = new Stack<IOperation>(32);
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations.Reverse())
            {
                if (!enterFunctions && (child is IAnonymousFunctionOperation || child is ILocalFunctionOperation))
                {
                    continue;
                }

                stack.Push(child);
            }
        }
    }

    /// <summary>Whether <paramref name="local"/> is written anywhere in <paramref name="root"/> other than its own declaration.</summary>
    public static bool IsWrittenAfterDeclaration(ILocalSymbol local, IOperation root)
    {
        foreach (var operation in Descendants(root))
        {
            if (operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && IsWrite(reference))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="parameter"/> is assigned (or passed by <c>ref</c>/<c>out</c>) anywhere in <paramref name="root"/>.</summary>
    public static bool IsWrittenIn(IParameterSymbol parameter, IOperation root)
        => Descendants(root).Any(o => o is IParameterReferenceOperation reference
                                      && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter)
                                      && IsWrite(reference));

    public static bool IsWrite(IOperation reference)
    {
        switch (reference.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
            case ICompoundAssignmentOperation compound when compound.Target == reference:
            case ICoalesceAssignmentOperation coalesce when coalesce.Target == reference:
            case IIncrementOrDecrementOperation:
            case IDeconstructionAssignmentOperation:
                return true;
            case ITupleOperation tuple when tuple.Parent is IDeconstructionAssignmentOperation:
                return true;
            case IArgumentOperation { Parameter: { } parameter }:
                return parameter.RefKind == RefKind.Ref || parameter.RefKind == RefKind.Out;
            default:
                return false;
        }
    }

    /// <summary>The initial value of <paramref name="local"/> where <paramref name="root"/> declares it, or null.</summary>
    public static IOperation? InitializerOf(ILocalSymbol local, IOperation root, bool enterFunctions = true)
    {
        foreach (var operation in Descendants(root, enterFunctions))
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                return (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="symbol"/> (a local) is declared inside <paramref name="body"/>'s syntax.</summary>
    public static bool IsDeclaredIn(ISymbol symbol, IOperation body)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == body.Syntax.SyntaxTree && body.Syntax.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    public static bool References(IOperation root, ISymbol symbol)
        => Descendants(root).Any(o => IsReferenceTo(o, symbol));

    /// <summary>Whether <paramref name="operation"/> itself reads or writes <paramref name="symbol"/> (a local, parameter or field).</summary>
    public static bool IsReferenceTo(IOperation operation, ISymbol symbol)
        => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(operation), symbol);

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="operation"/> or one of its parents in the same operation tree.</summary>
    public static bool IsWithin(IOperation operation, IOperation ancestor)
    {
        for (var current = operation; current is not null; current = current.Parent)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a <c>lock</c> statement holds <paramref name="operation"/>, looking no further out than <paramref name="within"/>.</summary>
    public static bool IsInsideLock(IOperation operation, IOperation? within = null)
    {
        for (var current = operation.Parent; current is not null && current != within; current = current.Parent)
        {
            if (current is ILockOperation)
            {
                return true;
            }
        }

        return false;
    }

    public static ISymbol? ReferencedSymbol(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    /// <summary>
    /// Why running <paramref name="body"/> on a pool thread instead of its own dedicated thread could change what it
    /// does, or null when nothing in it depends on thread identity.
    /// </summary>
    public static string? ThreadAffinity(IOperation? body, KnownTypes types)
    {
        if (body is null)
        {
            return null;
        }

        foreach (var operation in Descendants(body))
        {
            switch (operation)
            {
                case IPropertyReferenceOperation property when KnownTypes.Is(property.Property.ContainingType, types.Thread):
                    return "it uses Thread." + property.Property.Name;
                case IInvocationOperation invocation when KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread)
                                                          && invocation.TargetMethod.Name != "Sleep"
                                                          && invocation.TargetMethod.Name != "SpinWait":
                    return "it calls Thread." + invocation.TargetMethod.Name;
                case IFieldReferenceOperation field when HasThreadStatic(field.Field, types):
                    return "it uses the [ThreadStatic] field '" + field.Field.Name + "'";
                case IFieldReferenceOperation field when KnownTypes.Is(field.Field.Type, types.ThreadLocal):
                    return "it uses the ThreadLocal '" + field.Field.Name + "'";
                case ILocalReferenceOperation local when KnownTypes.Is(local.Local.Type, types.ThreadLocal):
                    return "it uses the ThreadLocal '" + local.Local.Name + "'";
            }
        }

        return null;
    }

    private static bool HasThreadStatic(IFieldSymbol field, KnownTypes types)
        => types.ThreadStaticAttribute is not null
           && field.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, types.ThreadStaticAttribute));

    /// <summary>
    /// A blocking wait the generic cost model does not know (wait handles, blocking queues, message loops):
    /// a thread that waits like this is a consumer or a message loop, not a CPU worker.
    /// </summary>
    public static string? BlockingCall(IOperation? body, KnownTypes types)
    {
        if (body is null)
        {
            return null;
        }

        foreach (var operation in Descendants(body))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                continue;
            }

            // Only the calls that wait: an event's Set, a queue's Add (a hand-off at the end of the work) or CompleteAdding
            // signal others and return.
            var name = method.Name;
            if ((DerivesFrom(type, types.WaitHandle) && (name.StartsWith("Wait", System.StringComparison.Ordinal) || name == "SignalAndWait"))
                || (KnownTypes.Is(type, types.BlockingCollection) && (name.StartsWith("Take", System.StringComparison.Ordinal)
                    || name.StartsWith("TryTake", System.StringComparison.Ordinal) || name == "GetConsumingEnumerable"))
                || (KnownTypes.Is(type, types.Barrier) && name == "SignalAndWait")
                || (KnownTypes.Is(type, types.Monitor) && method.Name == "Wait")
                || ((KnownTypes.Is(type, types.ManualResetEventSlim) || KnownTypes.Is(type, types.CountdownEvent) || KnownTypes.Is(type, types.SemaphoreSlim))
                    && method.Name.StartsWith("Wait", System.StringComparison.Ordinal)))
            {
                return type.Name + "." + method.Name;
            }

            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns.StartsWith("System.Windows", System.StringComparison.Ordinal)
                || (ns.StartsWith("System.Threading.Channels", System.StringComparison.Ordinal)
                    && (name.Contains("Read") || name.Contains("Wait") || name == "WriteAsync"))
                || ns == "System.Timers")
            {
                return type.Name + "." + method.Name;
            }
        }

        return null;
    }

    /// <summary>How many source callees deep <see cref="WaitingCall"/> follows calls.</summary>
    public const int WaitingCallDepth = 3;

    /// <summary>At most this many callee bodies are read by one <see cref="WaitingCall"/> (it stays cheap on large engines).</summary>
    public const int WaitingCallBudget = 32;

    /// <summary>Per compilation: whether (and where) a source method waits, as <see cref="WaitingCall"/> found it ("" = it does not).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, string>> MethodWaits =
        new System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, string>>();

    /// <summary>
    /// Where a thread body waits rather than computes — a blocking wait (<see cref="BlockingCall"/>), <c>Thread.Sleep</c> /
    /// <c>Yield</c> / <c>SpinWait</c> / <c>Join</c>, <c>Task.Wait</c> / <c>Delay</c> / <c>Result</c>, <c>await</c>, or a spin loop
    /// that only polls — in <paramref name="body"/> or in source methods it calls, up to <see cref="WaitingCallDepth"/>
    /// calls deep. A thread that waits like this coordinates (a consumer, a scheduler, a worker loop fed by others): it
    /// is not one partition of a CPU-bound split. Null when nothing waits.
    /// </summary>
    public static string? WaitingCall(IOperation? body, KnownTypes types, WorkCostModel costModel)
    {
        if (body is null)
        {
            return null;
        }

        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        return WaitingCall(body, types, costModel, visited, 0);
    }

    private static string? WaitingCall(IOperation body, KnownTypes types, WorkCostModel costModel, HashSet<IMethodSymbol> visited, int depth)
    {
        var direct = BlockingCall(body, types);
        if (direct is not null)
        {
            return direct;
        }

        foreach (var operation in Descendants(body))
        {
            switch (operation)
            {
                case IAwaitOperation:
                    return "await";
                case ILoopOperation loop when IsSpinLoop(loop, types):
                    return "a spin-wait loop";
                case IPropertyReferenceOperation { Property: { Name: "Result" } } result
                    when result.Property.ContainingType is { Name: "Task" or "ValueTask" }:
                    return "Task.Result";
                case IInvocationOperation invocation when WaitingInvocation(invocation, body, types, costModel, visited, depth) is { } waits:
                    return waits;
            }
        }

        return null;
    }

    /// <summary>The wait of one call in a thread body: a waiting framework call, or a source callee that waits (memoised per compilation).</summary>
    private static string? WaitingInvocation(IInvocationOperation invocation, IOperation body, KnownTypes types, WorkCostModel costModel, HashSet<IMethodSymbol> visited, int depth)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return null;
        }

        return FrameworkWait(invocation, body, types) ?? CalleeWait(method, types, costModel, visited, depth);
    }

    /// <summary>Thread.Sleep/Yield/Join (not of its own fork), SpinWait.SpinOnce, input waits, Task.Wait/WaitAll/Delay/GetResult.</summary>
    private static string? FrameworkWait(IInvocationOperation invocation, IOperation body, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (type.Name == "Thread" && IsWaitingThreadMethod(method.Name) && KnownTypes.Is(type, types.Thread)
            && (method.Name != "SpinWait" || InsideOpenEndedLoop(invocation, body))
            && !JoinsOwnFork(invocation))
        {
            return "Thread." + method.Name;
        }

        if (type.Name == "SpinWait" && method.Name == "SpinOnce")
        {
            return "SpinWait.SpinOnce";
        }

        if (IsInputWait(type, method.Name))
        {
            // Console input, sockets, listeners, pipes: the thread waits for a peer, however much it computes after.
            return type.Name + "." + method.Name;
        }

        if ((type.Name == "Task" || type.Name == "ValueTask")
            && (method.Name == "Wait" || method.Name == "WaitAll" || method.Name == "WaitAny" || method.Name == "Delay" || method.Name == "GetResult"))
        {
            return type.Name + "." + method.Name;
        }

        return null;
    }

    /// <summary>A source method (not overridable) the body calls that waits, within the depth and size budget: "calls 'M' (…)".</summary>
    private static string? CalleeWait(IMethodSymbol method, KnownTypes types, WorkCostModel costModel, HashSet<IMethodSymbol> visited, int depth)
    {
        if (depth >= WaitingCallDepth
            || visited.Count >= WaitingCallBudget
            || !(method.MethodKind == MethodKind.LocalFunction || (!method.IsVirtual && !method.IsAbstract && !method.IsOverride))
            || method.DeclaringSyntaxReferences.Length == 0
            || !visited.Add(method.OriginalDefinition))
        {
            return null;
        }

        var memo = MethodWaits.GetValue(types.Compilation, _ => new System.Collections.Concurrent.ConcurrentDictionary<IMethodSymbol, string>(SymbolEqualityComparer.Default));
        if (!memo.TryGetValue(method.OriginalDefinition, out var deep))
        {
            var calleeBody = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            deep = (calleeBody is null ? null : WaitingCall(calleeBody, types, costModel, visited, depth + 1)) ?? string.Empty;
            if (depth == 0)
            {
                // Found with the whole depth budget: the same answer for every caller.
                memo.TryAdd(method.OriginalDefinition, deep);
            }
        }

        if (deep.Length == 0)
        {
            return null;
        }

        return deep.StartsWith("calls '", System.StringComparison.Ordinal)
            ? "calls '" + method.Name + "' → " + deep.Substring("calls ".Length)
            : "calls '" + method.Name + "' (" + deep + ")";
    }

    /// <summary>
    /// <c>t.Join()</c> on a thread the same method made: <c>var l = new Thread(() =&gt; Sort(left)); l.Start(); … l.Join();</c>,
    /// or a loop over a thread array or list the method filled (<c>foreach (var t in threads) t.Join();</c>,
    /// <c>threads[i].Join()</c>). A fork-join: the method waits for the work it split off, so its time goes to that work
    /// — a recursive merge sort whose halves fork again computes, it does not coordinate others. A join on a thread that
    /// came from elsewhere (a field, a parameter) stays a wait.
    /// </summary>
    public static bool JoinsOwnFork(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.Name != "Join" || invocation.Arguments.Length != 0 || invocation.TargetMethod.ContainingType?.Name != "Thread"
            || invocation.Instance is null)
        {
            return false;
        }

        var instance = StripConversions(invocation.Instance);
        if (instance is IConditionalAccessInstanceOperation
            && invocation.Parent is IConditionalAccessOperation { Operation: { } tested } access && access.WhenNotNull == invocation)
        {
            // t?.Join(): the thread tested for null.
            instance = StripConversions(tested);
        }

        ILocalSymbol? local = instance switch
        {
            ILocalReferenceOperation reference => reference.Local,
            IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } => array.Local,
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: ILocalReferenceOperation list } => list.Local,
            _ => null,
        };
        if (local is null || local.DeclaringSyntaxReferences.Length != 1 || EnclosingMember(invocation.Syntax) is not { } member)
        {
            return false;
        }

        var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
        if (EnclosingMember(declaration) != member)
        {
            return false;
        }

        return declaration switch
        {
            // var t = new Thread(…); Thread[] threads = new Thread[n]; var threads = new List<Thread>();
            // Thread t = StartSort(…); where StartSort returns a thread it made with new and started (or null).
            VariableDeclaratorSyntax declarator => IsMadeByNew(declarator)
                                                   || (invocation.SemanticModel is { } semanticModel && IsStartedByHelper(declarator, semanticModel)),
            // foreach (var t in threads) where threads is itself such a local of this method.
            ForEachStatementSyntax { Expression: IdentifierNameSyntax collection } when invocation.SemanticModel is { } model
                => model.GetSymbolInfo(collection).Symbol is ILocalSymbol { DeclaringSyntaxReferences.Length: 1 } source
                   && source.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax sourceDeclaration
                   && IsMadeByNew(sourceDeclaration)
                   && EnclosingMember(sourceDeclaration) == member,
            _ => false,
        };
    }

    /// <summary>
    /// <c>Thread t = StartSort(list, lo, mid);</c>: the local holds what a source method of the same type returns, and that
    /// method returns only a <c>Thread</c> local it made with <c>new Thread(…)</c> and started in its own body, or
    /// <c>null</c> (it ran the work inline). Joining it waits for a fork of the caller's own work.
    /// </summary>
    private static bool IsStartedByHelper(VariableDeclaratorSyntax declarator, SemanticModel model)
    {
        if (declarator.Initializer?.Value is not InvocationExpressionSyntax call
            || model.GetSymbolInfo(call).Symbol is not IMethodSymbol { ReturnType.Name: "Thread" } helper
            || helper.DeclaringSyntaxReferences.Length != 1
            || helper.DeclaringSyntaxReferences[0].SyntaxTree != declarator.SyntaxTree
            || helper.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax { Body: { } body })
        {
            return false;
        }

        var threads = 0;
        foreach (var statement in body.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax).OfType<ReturnStatementSyntax>())
        {
            switch (statement.Expression)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.NullLiteralExpression):
                    continue;
                case IdentifierNameSyntax name when IsStartedNewThread(body, name.Identifier.ValueText, model):
                    threads++;
                    continue;
                default:
                    return false;
            }
        }

        return threads > 0;
    }

    /// <summary>
    /// <paramref name="name"/> is a local of <paramref name="body"/> declared as <c>new Thread(…)</c> and started there
    /// (<c>name.Start(…)</c>). The created type is <c>System.Threading.Thread</c> by the semantic model; only where it does
    /// not resolve (half-typed code, a missing reference) is the name <c>Thread</c> taken as the type.
    /// </summary>
    private static bool IsStartedNewThread(BlockSyntax body, string name, SemanticModel model)
    {
        var made = body.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Where(d => d.Identifier.ValueText == name).ToList();
        if (made.Count != 1
            || made[0].Initializer?.Value is not ObjectCreationExpressionSyntax { Type: var type } creation
            || type is not (IdentifierNameSyntax { Identifier.ValueText: "Thread" } or QualifiedNameSyntax { Right.Identifier.ValueText: "Thread" })
            || (model.GetTypeInfo(creation).Type is { TypeKind: not TypeKind.Error } created
                && created.ContainingNamespace?.ToDisplayString() != "System.Threading"))
        {
            return false;
        }

        return body.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
            i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start", Expression: IdentifierNameSyntax { Identifier.ValueText: var started } }
            && started == name);
    }

    private static bool IsMadeByNew(VariableDeclaratorSyntax declarator)
        => declarator.Initializer?.Value is BaseObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax;

    /// <summary>
    /// A parameter of a primary constructor (<c>class Search(Evaluator evaluator)</c>): read in the type's members it is
    /// state of the instance, like a field.
    /// </summary>
    public static bool IsPrimaryConstructorParameter(IParameterSymbol parameter)
        => parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor, DeclaringSyntaxReferences: { Length: 1 } references }
           && references[0].GetSyntax() is TypeDeclarationSyntax;

    /// <summary>
    /// The loop variable and items of <c>foreach (var x in items)</c> when <c>Parallel.ForEach(items, x =&gt; …)</c> runs
    /// the same iterations: a <c>var</c> variable, items that are a one-dimensional array or an <c>IEnumerable&lt;T&gt;</c>
    /// not changed while the items run. Shared by the thread and pool rewrites.
    /// </summary>
    public static (ILocalSymbol Variable, IOperation Items)? ForEachItems(ILoopOperation loop, IOperation root)
    {
        if (loop is not IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation declarator } forEach
            || forEach.IsAsynchronous
            || forEach.Syntax is not ForEachStatementSyntax { Type.IsVar: true })
        {
            return null;
        }

        var items = OperationFacts.StripConversions(forEach.Collection);
        if (items.Type is not { } itemsType
            || !(itemsType is IArrayTypeSymbol { Rank: 1 }
                 || itemsType.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                 || itemsType.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            || !OperationFacts.IsStableValue(items, root))
        {
            return null;
        }

        return (declarator.Symbol, items);
    }

    private static SyntaxNode? EnclosingMember(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax)
            {
                return current;
            }
        }

        return null;
    }

    private static bool IsInputWait(INamedTypeSymbol type, string name)
    {
        if (type.Name == "Console")
        {
            return name.StartsWith("Read", System.StringComparison.Ordinal);
        }

        if (name == "WaitForConnection" || name == "WaitForConnectionAsync")
        {
            return true;
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return (ns == "System.Net" || ns.StartsWith("System.Net.", System.StringComparison.Ordinal))
               && (name.StartsWith("Accept", System.StringComparison.Ordinal) || name.StartsWith("Receive", System.StringComparison.Ordinal)
                   || name.StartsWith("Read", System.StringComparison.Ordinal) || name == "GetContext" || name.StartsWith("Get", System.StringComparison.Ordinal) && name.EndsWith("Async", System.StringComparison.Ordinal));
    }

    /// <summary>
    /// A <c>for</c> loop that counts (<c>for (int i = from; i &lt; to; i++)</c>): its condition reads only locals that its
    /// own increment advances, and constants or other locals — it ends after a number of trips, it does not poll state
    /// that another thread changes.
    /// </summary>
    private static bool IsCountingLoop(IForLoopOperation? loop, IOperation condition)
    {
        if (loop is null || loop.AtLoopBottom.IsEmpty)
        {
            return false;
        }

        var advancesSomething = false;
        foreach (var operation in condition.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IFieldReferenceOperation:
                case IPropertyReferenceOperation:
                case IInvocationOperation:
                    return false;
                case ILocalReferenceOperation local:
                    foreach (var step in loop.AtLoopBottom)
                    {
                        foreach (var node in step.DescendantsAndSelf())
                        {
                            if ((node is IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Local, local.Local))
                                || (node is IAssignmentOperation { Target: ILocalReferenceOperation assigned } && SymbolEqualityComparer.Default.Equals(assigned.Local, local.Local)))
                            {
                                advancesSomething = true;
                            }
                        }
                    }

                    break;
            }
        }

        return advancesSomething;
    }

    /// <summary>
    /// Inside a <c>while</c>, <c>do</c> or condition-less <c>for</c> loop within <paramref name="body"/>: where a
    /// <c>Thread.SpinWait</c> backs off while waiting for a condition. Outside one it only burns the CPU for its count.
    /// </summary>
    public static bool InsideOpenEndedLoop(IOperation operation, IOperation body)
    {
        for (var parent = operation.Parent; parent is not null && parent != body; parent = parent.Parent)
        {
            if (IsOpenEndedLoop(parent))
            {
                return true;
            }

            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A <c>while</c>, <c>do</c> or condition-less <c>for</c> loop: one that runs until something else ends it.</summary>
    public static bool IsOpenEndedLoop(IOperation operation)
        => operation is IWhileLoopOperation or IForLoopOperation { Condition: null };

    /// <summary>Whether <paramref name="symbol"/> carries an attribute of that simple class name (decoded by name only).</summary>
    public static bool HasAttributeNamed(ISymbol symbol, string attributeName)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.Name == attributeName)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWaitingThreadMethod(string name)
        => name == "Sleep" || name == "Yield" || name == "SpinWait" || name == "Join";

    /// <summary>
    /// A loop body that only waits: <c>Thread.Sleep</c>, <c>Thread.Yield</c>, <c>Thread.SpinWait</c>,
    /// <c>SpinWait.SpinOnce</c>, or nothing (a poll whose condition carries the whole meaning; see also
    /// <see cref="IsSpinLoop"/>, which also allows reads, branches and atomic calls).
    /// </summary>
    public static bool OnlyWaits(IOperation body, KnownTypes types)
    {
        var statements = body is IBlockOperation block ? block.Operations : ImmutableArray.Create(body);
        foreach (var statement in statements)
        {
            if (statement is IEmptyOperation)
            {
                continue;
            }

            if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation call }
                || !((IsThread(call.TargetMethod.ContainingType, types) && call.TargetMethod.Name is "Sleep" or "Yield" or "SpinWait")
                     || (call.TargetMethod.ContainingType.Name == "SpinWait" && call.TargetMethod.Name == "SpinOnce")))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A loop that only polls: <c>while (!ready) { }</c>, <c>while (Volatile.Read(ref flag) == 0) Thread.Yield();</c>,
    /// <c>do spinner.SpinOnce(); while (pending &gt; 0);</c> — its body does no work besides waiting.
    /// </summary>
    public static bool IsSpinLoop(ILoopOperation loop, KnownTypes types)
    {
        var condition = loop switch
        {
            IWhileLoopOperation whileLoop => whileLoop.Condition,
            IForLoopOperation forLoop => forLoop.Condition,
            _ => null,
        };
        if (condition is null || condition.ConstantValue.HasValue || IsCountingLoop(loop as IForLoopOperation, condition))
        {
            return false;
        }

        foreach (var operation in Descendants(loop.Body))
        {
            switch (operation)
            {
                case IBlockOperation:
                case IEmptyOperation:
                case IExpressionStatementOperation:
                case IBranchOperation:
                case ILiteralOperation:
                case IArgumentOperation:
                case IConversionOperation:
                case ILocalReferenceOperation:
                case IFieldReferenceOperation:
                case IInstanceReferenceOperation:
                    continue;
                case IInvocationOperation invocation:
                    var type = invocation.TargetMethod.ContainingType;
                    var name = invocation.TargetMethod.Name;
                    if (type is not null
                        && ((type.Name == "Thread" && (name == "Yield" || name == "SpinWait" || name == "Sleep" || name == "MemoryBarrier") && KnownTypes.Is(type, types.Thread))
                            || (type.Name == "SpinWait" && name == "SpinOnce")
                            || type.Name == "Volatile"
                            || type.Name == "Interlocked"))
                    {
                        continue;
                    }

                    return false;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="type"/> is <c>System.Threading.Thread</c> (the name is tested first: it resolves nothing).</summary>
    public static bool IsThread(ITypeSymbol? type, KnownTypes types)
        => type is { Name: "Thread" } && KnownTypes.Is(type, types.Thread);

    /// <summary>
    /// Whether values of <paramref name="type"/> hold threads: <c>Thread[]</c>, <c>List&lt;Thread&gt;</c>,
    /// <c>Dictionary&lt;Thread, T&gt;</c>, <c>KeyValuePair&lt;int, Thread&gt;</c>, <c>IEnumerable&lt;Thread&gt;</c>...
    /// </summary>
    public static bool HoldsThreads(ITypeSymbol? type, KnownTypes types, int depth = 0)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return IsThread(array.ElementType, types) || (depth < 2 && HoldsThreads(array.ElementType, types, depth + 1));
            case INamedTypeSymbol named:
                // Dictionary<Thread, T>.KeyCollection: the type arguments are the containing type's.
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        if (IsThread(argument, types) || (depth < 2 && HoldsThreads(argument, types, depth + 1)))
                        {
                            return true;
                        }
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>for (int i = k; i &lt; bound; i++)</c> (or <c>i += 1</c>) with a constant integer start <c>k</c>:
    /// the index, the start and the bound; the index is written only by the loop's own increment.
    /// </summary>
    public static bool IsCountingLoop(ILoopOperation loop, out ILocalSymbol index, out int start, out IOperation bound)
    {
        index = null!;
        bound = null!;
        start = 0;
        if (loop is not IForLoopOperation forLoop
            || forLoop.Before.Length != 1
            || forLoop.AtLoopBottom.Length != 1
            || forLoop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition
            || forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return false;
        }

        var declarator = declarations[0].Declarators[0];
        var initializer = declarator.Initializer ?? declarations[0].Initializer;
        if (initializer is null
            || StripConversions(initializer.Value).ConstantValue is not { HasValue: true, Value: int first }
            || declarator.Symbol.Type.SpecialType != SpecialType.System_Int32
            || StripConversions(condition.LeftOperand) is not ILocalReferenceOperation left
            || !SymbolEqualityComparer.Default.Equals(left.Local, declarator.Symbol))
        {
            return false;
        }

        var step = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        var isIncrement = step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target, Value: { ConstantValue: { HasValue: true, Value: 1 } } }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            _ => false,
        };
        if (!isIncrement || IsWrittenAfterDeclaration(declarator.Symbol, forLoop.Body))
        {
            return false;
        }

        index = declarator.Symbol;
        start = first;
        bound = condition.RightOperand;
        return true;
    }

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (KnownTypes.Is(t, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>for (uint i = 0; i &lt; n; ++i)</c> or the same with a <c>long</c> index: starts at 0, steps by one, the index
    /// written by nothing but the step.
    /// </summary>
    public static bool IsWideCountingLoop(ILoopOperation loop, out ILocalSymbol index, out IOperation bound)
    {
        index = null!;
        bound = null!;
        if (loop is not IForLoopOperation { Before.Length: 1, AtLoopBottom.Length: 1, Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition } forLoop
            || forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return false;
        }

        var declarator = declarations[0].Declarators[0];
        var initializer = declarator.Initializer ?? declarations[0].Initializer;
        if (declarator.Symbol.Type.SpecialType is not (SpecialType.System_UInt32 or SpecialType.System_Int64)
            || initializer is null
            || StripConversions(initializer.Value).ConstantValue is not { HasValue: true, Value: 0 or 0u or 0L }
            || StripConversions(condition.LeftOperand) is not ILocalReferenceOperation left
            || !SymbolEqualityComparer.Default.Equals(left.Local, declarator.Symbol)
            || condition.RightOperand.Type?.SpecialType is not (SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_Int32)
                && StripConversions(condition.RightOperand).Type?.SpecialType is not (SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_Int32))
        {
            return false;
        }

        var step = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        var isIncrement = step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target, Value.ConstantValue: { HasValue: true, Value: 1 or 1u or 1L } }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            _ => false,
        };
        if (!isIncrement || IsWrittenAfterDeclaration(declarator.Symbol, forLoop.Body))
        {
            return false;
        }

        index = declarator.Symbol;
        bound = StripConversions(condition.RightOperand);
        return true;
    }

    /// <summary>
    /// For <c>for (int i = 0; i &lt; bound; i++)</c>: the index local and the bound; otherwise false.
    /// </summary>
    public static bool IsZeroBasedCountingLoop(ILoopOperation loop, out ILocalSymbol index, out IOperation bound)
    {
        index = null!;
        bound = null!;
        if (loop is not IForLoopOperation forLoop
            || forLoop.Before.Length != 1
            || forLoop.AtLoopBottom.Length != 1
            || forLoop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition)
        {
            return false;
        }

        if (forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return false;
        }

        var declarator = declarations[0].Declarators[0];
        var initializer = declarator.Initializer ?? declarations[0].Initializer;
        if (initializer is null
            || StripConversions(initializer.Value).ConstantValue is not { HasValue: true, Value: 0 }
            || declarator.Symbol.Type.SpecialType != SpecialType.System_Int32)
        {
            return false;
        }

        if (StripConversions(condition.LeftOperand) is not ILocalReferenceOperation left
            || !SymbolEqualityComparer.Default.Equals(left.Local, declarator.Symbol))
        {
            return false;
        }

        var step = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        var isIncrement = step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target, Value: { ConstantValue: { HasValue: true, Value: 1 } } }
                => SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol),
            _ => false,
        };
        if (!isIncrement)
        {
            return false;
        }

        // The index must only be written by the loop's own increment.
        foreach (var operation in Descendants(forLoop.Body))
        {
            if (operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol)
                && IsWrite(reference))
            {
                return false;
            }
        }

        index = declarator.Symbol;
        bound = condition.RightOperand;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="value"/> can be evaluated later, on another thread, with the same result:
    /// constants, parameters and locals never written after their declaration (within <paramref name="root"/>),
    /// readonly fields, and arithmetic over those.
    /// </summary>
    public static bool IsStableValue(IOperation value, IOperation root, ISymbol? allowedChanging = null)
    {
        foreach (var operation in Descendants(value))
        {
            switch (operation)
            {
                case ILiteralOperation:
                case IConversionOperation:
                case IBinaryOperation:
                case IUnaryOperation:
                case IInstanceReferenceOperation:
                case IDefaultValueOperation:
                case IConditionalOperation:
                case ITypeOfOperation:
                case ISizeOfOperation:
                    continue;
                case IParameterReferenceOperation parameter:
                    if (parameter.Parameter.RefKind != RefKind.None)
                    {
                        return false;
                    }

                    continue;
                case ILocalReferenceOperation local:
                    if (SymbolEqualityComparer.Default.Equals(local.Local, allowedChanging))
                    {
                        continue;
                    }

                    if (local.Local.IsRef || IsWrittenAfterDeclaration(local.Local, root))
                    {
                        return false;
                    }

                    continue;
                case IFieldReferenceOperation field:
                    if (!field.Field.IsReadOnly && !field.Field.IsConst)
                    {
                        return false;
                    }

                    continue;
                case IPropertyReferenceOperation { Property: { Name: "Length" or "Count" }, Instance: { } }:
                    continue;
                case IArrayElementReferenceOperation element:
                    // Reads an element now rather than later: stable when nobody can write the array in between — a local
                    // array the method only ever reads (its elements never written, the array never handed on).
                    if (StripConversions(element.ArrayReference) is ILocalReferenceOperation array && IsReadOnlyLocalArray(array))
                    {
                        continue;
                    }

                    return false;
                default:
                    if (operation.ConstantValue.HasValue)
                    {
                        continue;
                    }

                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A local array that its whole method (lambdas and local functions included) only reads: assigned once where it is
    /// declared, and every other use an element read (never a write, a <c>ref</c> or an <c>out</c>), its <c>Length</c>, or
    /// the collection of a <c>foreach</c>. Handed to a call, stored elsewhere or reassigned, it could change.
    /// </summary>
    public static bool IsReadOnlyLocalArray(ILocalReferenceOperation reference)
    {
        static bool IsPlainElementRead(IArrayElementReferenceOperation element)
            => !IsWrite(element)
               && element.Parent is not (IArgumentOperation { Parameter.RefKind: not RefKind.None } or IAddressOfOperation)
               && element.Parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: true } }
               // A struct element's members are the element: `points[i].X = 0` or a mutating call writes the array.
               && !(element.Type is { IsValueType: true, SpecialType: SpecialType.None }
                    && element.Parent is IMemberReferenceOperation or IInvocationOperation);

        if (reference.Local.IsRef || reference.Local.Type is not IArrayTypeSymbol)
        {
            return false;
        }

        foreach (var operation in Descendants(TreeRoot(reference)))
        {
            if (operation is not ILocalReferenceOperation use || !SymbolEqualityComparer.Default.Equals(use.Local, reference.Local))
            {
                continue;
            }

            if (use.IsDeclaration)
            {
                continue;
            }

            var parent = use.Parent;
            while (parent is IConversionOperation { IsImplicit: true })
            {
                parent = parent.Parent;
            }

            var isRead = parent switch
            {
                IArrayElementReferenceOperation element => IsPlainElementRead(element),
                IPropertyReferenceOperation { Property.Name: "Length" or "LongLength" } => true,
                IForEachLoopOperation loop => loop.Collection == use || loop.Collection == use.Parent,
                _ => false,
            };
            if (!isRead)
            {
                return false;
            }
        }

        return true;
    }
}
