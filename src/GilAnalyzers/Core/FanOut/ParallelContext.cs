using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>A region of code that runs on many threads at once, and how it got there.</summary>
internal sealed class ParallelContext
{
    public ParallelContext(string description, IOperation region, IOperation launch)
    {
        Description = description;
        Region = region;
        Launch = launch;
    }

    /// <summary>For messages: "a Parallel.For body".</summary>
    public string Description { get; }

    /// <summary>The delegate that runs concurrently; its parameters and locals are per item or worker.</summary>
    public IOperation Region { get; }

    /// <summary>The call or creation that fans the region out (Parallel.For, Task.Run, new Thread …).</summary>
    public IOperation Launch { get; }

    /// <summary>The fan-out call when it is an invocation (Parallel.*, PLINQ, Task.Run …); null for <c>new Thread(…)</c>.</summary>
    public IInvocationOperation? Launcher => Launch as IInvocationOperation;
}

/// <summary>
/// Answers "does this code run on many threads at once?" by looking at the delegates that enclose an operation:
/// bodies of Parallel.For/ForEach/ForEachAsync, Parallel.Invoke actions, PLINQ operators, and Task.Run /
/// TaskFactory.StartNew / new Task / new Thread / ThreadPool.QueueUserWorkItem delegates started in a loop.
/// </summary>
internal static class ParallelContextFinder
{
    /// <summary>
    /// The nearest enclosing parallel region of <paramref name="operation"/>, or null. Stops at the first delegate
    /// handed to a parallel API: if that delegate is not the hot body (localInit / localFinally run once per
    /// worker), the code is not considered parallel.
    /// </summary>
    public static ParallelContext? FindEnclosing(IOperation operation, KnownTypes types)
        => FindEnclosing(operation, types, 0);

    /// <summary>How many local functions or delegate locals deep a call from parallel code is still followed.</summary>
    private const int MaxIndirection = 2;

    private static ParallelContext? FindEnclosing(IOperation operation, KnownTypes types, int depth)
    {
        // The innermost local function or delegate local around the operation: parallel code may call it.
        IOperation? callable = null;
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation function)
            {
                switch (Classify(function, types, out var launch, out var description))
                {
                    case Verdict.Hot:
                        return new ParallelContext(description!, function, launch!);
                    case Verdict.ColdParallelDelegate:
                        return null;
                }

                if (callable is null && StoredLocal(function) is not null)
                {
                    callable = function;
                }
            }
            else if (current is ILocalFunctionOperation && callable is null)
            {
                callable = current;
            }
        }

        return callable is not null && depth < MaxIndirection ? FindCaller(callable, types, depth) : null;
    }

    /// <summary><c>Action&lt;int&gt; step = i => { … };</c>: the local a lambda is stored in, or null.</summary>
    private static ILocalSymbol? StoredLocal(IAnonymousFunctionOperation function)
        => AboveDelegateWrappers(function) is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol : null;

    /// <summary>
    /// A local function or a lambda stored in a local, run by parallel code of the same method: called from a parallel
    /// delegate (<c>Parallel.For(0, n, i => Accumulate(i))</c>) or handed to a parallel API itself
    /// (<c>Parallel.For(0, n, Accumulate)</c>). The region is the callable: its parameters and locals are per call, the
    /// locals it captures are shared by every worker.
    /// </summary>
    private static ParallelContext? FindCaller(IOperation callable, KnownTypes types, int depth)
    {
        ISymbol? symbol;
        string name;
        if (callable is ILocalFunctionOperation localFunction)
        {
            symbol = localFunction.Symbol;
            name = localFunction.Symbol.Name;
        }
        else
        {
            var local = StoredLocal((IAnonymousFunctionOperation)callable);
            symbol = local;
            name = local?.Name ?? string.Empty;
        }

        if (symbol is null)
        {
            return null;
        }

        foreach (var descendant in OperationFacts.TreeRoot(callable).Descendants())
        {
            IOperation? use = descendant switch
            {
                IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, symbol) => call,
                IInvocationOperation { Instance: ILocalReferenceOperation target } call when SymbolEqualityComparer.Default.Equals(target.Local, symbol) => call,
                IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method.OriginalDefinition, symbol) => reference,
                ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, symbol) && !(reference.Parent is IInvocationOperation) => reference,
                _ => null,
            };
            if (use is null || OperationFacts.IsWithin(use, callable))
            {
                continue;
            }

            ParallelContext? context = null;
            if (use is IInvocationOperation)
            {
                context = FindEnclosing(use, types, depth + 1);
            }
            else if (ArgumentOf(use) is { } argument && ClassifyArgument(argument, types, out var launch, out var description) == Verdict.Hot)
            {
                // Parallel.For(0, n, Accumulate): the callable is the parallel body itself.
                return new ParallelContext("'" + name + "', run as " + description, callable, launch!);
            }
            else if (CollectedFor(use) is { } collection && ParallelInvokeOf(OperationFacts.TreeRoot(callable), collection, types) is { } invoke)
            {
                // var all = new List<Action>(); for (…) all.Add(work); Parallel.Invoke(all.ToArray());
                return new ParallelContext("'" + name + "', run as a Parallel.Invoke action", callable, invoke);
            }

            if (context is not null)
            {
                return new ParallelContext("'" + name + "', called from " + context.Description, callable, context.Launch);
            }
        }

        return null;
    }

    /// <summary>What holds <paramref name="operation"/> once the conversions and delegate creations around it are passed.</summary>
    private static IOperation? AboveDelegateWrappers(IOperation operation)
    {
        var node = operation.Parent;
        while (node is IConversionOperation or IDelegateCreationOperation)
        {
            node = node.Parent;
        }

        return node;
    }

    /// <summary>
    /// The local collection a delegate value is put into: <c>actions.Add(work)</c>, <c>actions[i] = work</c>. Null
    /// otherwise.
    /// </summary>
    private static ILocalSymbol? CollectedFor(IOperation use)
    {
        return AboveDelegateWrappers(use) switch
        {
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add", Instance: ILocalReferenceOperation list } } => list.Local,
            ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } } => array.Local,
            _ => null,
        };
    }

    /// <summary>
    /// A <c>Parallel.Invoke</c> under <paramref name="root"/> that runs the delegates of <paramref name="collection"/>:
    /// handed the array itself or a copy (<c>Parallel.Invoke(actions)</c>, <c>Parallel.Invoke(list.ToArray())</c>).
    /// </summary>
    private static IOperation? ParallelInvokeOf(IOperation root, ILocalSymbol collection, KnownTypes types)
    {
        foreach (var descendant in root.Descendants())
        {
            if (descendant is not IInvocationOperation { TargetMethod.Name: "Invoke", Arguments.Length: 1 } invoke
                || invoke.TargetMethod.ContainingType is not { Name: "Parallel" } type)
            {
                continue;
            }

            var value = OperationFacts.StripConversions(invoke.Arguments[0].Value);
            if (value is IArrayCreationOperation { Initializer.ElementValues.Length: 1 } wrapped)
            {
                value = OperationFacts.StripConversions(wrapped.Initializer.ElementValues[0]);
            }

            if (value is IInvocationOperation { TargetMethod.Name: "ToArray" } copy)
            {
                value = OperationFacts.StripConversions(copy.Instance ?? (copy.Arguments.Length == 1 ? copy.Arguments[0].Value : copy));
            }

            if (value is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, collection)
                && KnownTypes.Is(type, types.Parallel))
            {
                return invoke;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> sits in a delegate that a parallel API runs once per worker
    /// (Parallel.For's localInit / localFinally): the place where per-worker results are merged under a lock.
    /// </summary>
    public static bool IsInOncePerWorkerDelegate(IOperation operation, KnownTypes types)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation function)
            {
                switch (Classify(function, types, out _, out _))
                {
                    case Verdict.Hot:
                        return false;
                    case Verdict.ColdParallelDelegate:
                        return true;
                }
            }
        }

        return false;
    }

    private enum Verdict
    {
        NotParallel,
        Hot,
        ColdParallelDelegate,
    }

    private static Verdict Classify(IAnonymousFunctionOperation function, KnownTypes types, out IOperation? launch, out string? description)
    {
        launch = null;
        description = null;
        return ArgumentOf(function) is { } argument
            ? ClassifyArgument(argument, types, out launch, out description)
            : Verdict.NotParallel;
    }

    /// <summary>
    /// A necessary condition for <see cref="HotDelegates"/> to find anything, on names alone: the call's containing type
    /// or the created type is named like one of the parallel APIs. Resolves no type, so it is the filter to run on every
    /// invocation and creation of a compilation.
    /// </summary>
    public static bool MayLaunch(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                var name = invocation.TargetMethod.ContainingType?.Name;
                return name == "Parallel" || name == "ParallelEnumerable" || name == "Task" || name == "TaskFactory" || name == "ThreadPool";
            case IObjectCreationOperation creation:
                var typeName = creation.Type?.Name;
                return typeName == "Thread" || typeName == "Task";
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>Task.Factory.StartNew</c> or <c>ThreadPool.(Unsafe)QueueUserWorkItem</c>: a delegate handed to the thread pool.
    /// Names first: they are necessary for the type tests and resolve no type.
    /// </summary>
    public static bool IsPoolLaunch(IMethodSymbol method, KnownTypes types)
    {
        var typeName = method.ContainingType?.Name;
        return (typeName == "TaskFactory" && method.Name == "StartNew" && KnownTypes.Is(method.ContainingType, types.TaskFactory))
               || (typeName == "ThreadPool" && method.Name.EndsWith("QueueUserWorkItem", System.StringComparison.Ordinal)
                   && KnownTypes.Is(method.ContainingType, types.ThreadPool));
    }

    /// <summary>
    /// The delegates that <paramref name="launch"/> (a Parallel.*, PLINQ, Task.Run, new Thread … call) runs on many
    /// threads at once: lambdas (<see cref="IAnonymousFunctionOperation"/>) and method groups
    /// (<see cref="IMethodReferenceOperation"/>), each with its description for messages.
    /// </summary>
    public static IEnumerable<(IOperation Delegate, string Description)> HotDelegates(IOperation launch, KnownTypes types)
    {
        var arguments = launch switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        foreach (var argument in arguments)
        {
            if (ClassifyArgument(argument, types, out _, out var description) != Verdict.Hot)
            {
                continue;
            }

            foreach (var target in DelegatesIn(argument.Value))
            {
                yield return (target, description!);
            }
        }
    }

    private static IEnumerable<IOperation> DelegatesIn(IOperation value)
    {
        switch (value)
        {
            case IConversionOperation conversion:
                return DelegatesIn(conversion.Operand);
            case IDelegateCreationOperation creation:
                return DelegatesIn(creation.Target);
            case IAnonymousFunctionOperation:
            case IMethodReferenceOperation:
                return new[] { value };
            case IArrayCreationOperation { Initializer: { } initializer }:
                return initializer.ElementValues.SelectMany(DelegatesIn);
            default:
                return Enumerable.Empty<IOperation>();
        }
    }

    private static IArgumentOperation? ArgumentOf(IOperation function)
    {
        IOperation? node = function.Parent;
        // Parallel.Invoke(params Action[] actions) wraps its delegates in an array.
        while (node is IDelegateCreationOperation || node is IConversionOperation || node is IArrayInitializerOperation || node is IArrayCreationOperation)
        {
            node = node.Parent;
        }

        return node as IArgumentOperation;
    }

    private static Verdict ClassifyArgument(IArgumentOperation argument, KnownTypes types, out IOperation? launch, out string? description)
    {
        launch = null;
        description = null;
        if (argument.Parameter is not { } parameter)
        {
            return Verdict.NotParallel;
        }

        switch (argument.Parent)
        {
            case IInvocationOperation call:
                var method = call.TargetMethod;
                var type = method.ContainingType;
                // Each type test checks the simple name first (see MayLaunch): only the API actually called is resolved.
                var typeName = type?.Name;
                if (typeName == "Parallel" && KnownTypes.Is(type, types.Parallel))
                {
                    launch = call;
                    description = "a Parallel." + method.Name + (method.Name == "Invoke" ? " action" : " body");
                    return parameter.Name == "body" || parameter.Name == "actions" ? Verdict.Hot : Verdict.ColdParallelDelegate;
                }

                if (typeName == "ParallelEnumerable" && KnownTypes.Is(type, types.ParallelEnumerable))
                {
                    launch = call;
                    description = "a PLINQ " + method.Name + " delegate";
                    return Verdict.Hot;
                }

                if ((typeName == "Task" && method.Name == "Run" && KnownTypes.Is(type, types.Task)) || IsPoolLaunch(method, types))
                {
                    launch = call;
                    if (IsRepeated(call))
                    {
                        description = "a " + typeName + "." + method.Name + " delegate started in a loop";
                        return Verdict.Hot;
                    }

                    if (SharesLockWithSibling(call, argument.Value))
                    {
                        description = "a " + typeName + "." + method.Name + " delegate started beside another that takes the same lock";
                        return Verdict.Hot;
                    }

                    return Verdict.NotParallel;
                }

                return Verdict.NotParallel;
            case IObjectCreationOperation creation
                when (creation.Type?.Name == "Thread" && KnownTypes.Is(creation.Type, types.Thread))
                     || (creation.Type?.Name == "Task" && KnownTypes.Is(creation.Type, types.Task)):
                launch = creation;
                if (IsRepeated(creation))
                {
                    description = "a " + creation.Type!.Name + " started in a loop";
                    return Verdict.Hot;
                }

                if (SharesLockWithSibling(creation, argument.Value))
                {
                    description = "a " + creation.Type!.Name + " started beside another that takes the same lock";
                    return Verdict.Hot;
                }

                return Verdict.NotParallel;
            default:
                return Verdict.NotParallel;
        }
    }

    /// <summary>
    /// Threads or tasks written out one by one (<c>var a = new Thread(() => { lock (g) … }); var b = new Thread(() => { lock (g) … });</c>,
    /// two <c>Task.Run</c>s): what <paramref name="launch"/> starts runs beside another thread or task of the same function whose delegate
    /// takes a lock on the same expression, or runs the same method. Only then do the two contend.
    /// </summary>
    private static bool SharesLockWithSibling(IOperation launch, IOperation value)
    {
        var mine = DelegateShape(value);
        if (mine.Method is null && mine.Locks is null)
        {
            return false;
        }

        foreach (var other in OperationFacts.FunctionRoot(launch).Descendants())
        {
            // Another thread, Task.Run or StartNew of the same function, by name (no type is resolved for this test).
            var started = other switch
            {
                IObjectCreationOperation { Type.Name: "Thread", Arguments.Length: > 0 } thread => thread.Arguments[0].Value,
                IInvocationOperation { TargetMethod.Name: "Run" or "StartNew", TargetMethod.ContainingType.Name: "Task" or "TaskFactory", Arguments.Length: > 0 } task
                    => task.Arguments[0].Value,
                _ => null,
            };
            if (other == launch || started is null)
            {
                continue;
            }

            var theirs = DelegateShape(started);
            if ((mine.Method is not null && SymbolEqualityComparer.Default.Equals(mine.Method, theirs.Method))
                || (mine.Locks is not null && theirs.Locks is not null && mine.Locks.Overlaps(theirs.Locks)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The method a thread delegate runs (a method group), or the lock expressions its lambda takes directly.</summary>
    private static (IMethodSymbol? Method, HashSet<string>? Locks) DelegateShape(IOperation value)
    {
        foreach (var target in DelegatesIn(value))
        {
            switch (target)
            {
                case IMethodReferenceOperation reference:
                    return (reference.Method.OriginalDefinition, null);
                case IAnonymousFunctionOperation lambda:
                    HashSet<string>? locks = null;
                    foreach (var operation in lambda.Body.Descendants())
                    {
                        var locked = operation switch
                        {
                            ILockOperation statement => statement.LockedValue,
                            IInvocationOperation { TargetMethod: { Name: "Enter" or "TryEnter", ContainingType.Name: "Monitor" } } enter when enter.Arguments.Length > 0 => enter.Arguments[0].Value,
                            _ => null,
                        };
                        if (locked is not null)
                        {
                            (locks ??= new HashSet<string>(System.StringComparer.Ordinal)).Add(locked.Syntax.ToString());
                        }
                    }

                    return (null, locks);
            }
        }

        return (null, null);
    }

    /// <summary>
    /// Whether a launch runs many times: inside a loop, or inside a LINQ lambda (<c>items.Select(x => Task.Run(…))</c>),
    /// within the same method or lambda.
    /// </summary>
    private static bool IsRepeated(IOperation launch)
    {
        for (var current = launch.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation:
                    return true;
                case IAnonymousFunctionOperation lambda:
                    return IsLinqLambda(lambda);
                case ILocalFunctionOperation:
                case IMethodBodyBaseOperation:
                    return false;
            }
        }

        return false;
    }

    private static bool IsLinqLambda(IAnonymousFunctionOperation lambda)
    {
        return ArgumentOf(lambda) is { Parent: IInvocationOperation call }
               && call.TargetMethod.ContainingType?.Name == "Enumerable"
               && call.TargetMethod.ContainingNamespace?.ToDisplayString() == "System.Linq";
    }
}
