using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>How the code takes its lock.</summary>
internal enum LockKind
{
    /// <summary><c>lock (x) { … }</c>, on an object or a System.Threading.Lock.</summary>
    Statement,

    /// <summary><c>Monitor.Enter/TryEnter(x) … Monitor.Exit(x)</c>.</summary>
    Monitor,

    /// <summary>A <c>SemaphoreSlim</c>/<c>Semaphore</c> created with one slot: <c>Wait … Release</c>.</summary>
    Semaphore,

    /// <summary><c>Mutex.WaitOne … ReleaseMutex</c>.</summary>
    Mutex,

    /// <summary><c>using (gate.EnterScope())</c> or <c>gate.Enter() … gate.Exit()</c> on a System.Threading.Lock.</summary>
    LockObject,

    /// <summary>
    /// The exclusive side of a reader/writer lock: <c>ReaderWriterLockSlim.EnterWriteLock/EnterUpgradeableReadLock</c>
    /// (and their TryEnter forms), <c>ReaderWriterLock.AcquireWriterLock</c>. Read locks are shared and never a region.
    /// </summary>
    ReaderWriter,

    /// <summary><c>spin.Enter(ref taken) … spin.Exit()</c> on a System.Threading.SpinLock: a lock whose waiters burn the CPU.</summary>
    SpinLock,

    /// <summary>
    /// <c>using (await gate.LockAsync()) { … }</c>, <c>using var _ = await gate.WaitAsync();</c>, <c>using (gate.Lock())</c>: a
    /// wrapper method that waits on its own one-slot <c>SemaphoreSlim</c> and returns a disposable that releases it (see
    /// <see cref="AsyncLockWrappers"/>). The region is the using's scope; the lock is the wrapper instance.
    /// </summary>
    AsyncWrapper,

    /// <summary>
    /// A call of the code's own helper whose last act is taking a lock on a field (<c>EnterCodecLock(ref taken);</c>, see
    /// <see cref="LockRegionFinder.FromAcquireHelperCall"/>): the region is what the caller runs after it.
    /// </summary>
    AcquireHelper,
}

/// <summary>A piece of code that runs while holding one lock.</summary>
internal sealed class LockRegion
{
    public LockRegion(LockKind kind, IOperation anchor, IOperation lockedValue, ImmutableArray<IOperation> body, Location location, bool isSystemWide)
    {
        Kind = kind;
        Anchor = anchor;
        LockedValue = lockedValue;
        Body = body;
        Location = location;
        IsSystemWide = isSystemWide;
    }

    public LockKind Kind { get; }

    /// <summary>The lock statement, or the call that acquires the lock.</summary>
    public IOperation Anchor { get; }

    /// <summary>The expression naming the lock object.</summary>
    public IOperation LockedValue { get; }

    /// <summary>The operations executed while the lock is held, in order.</summary>
    public ImmutableArray<IOperation> Body { get; }

    /// <summary>Where the squiggle goes: <c>lock (x)</c> or the acquiring call.</summary>
    public Location Location { get; }

    /// <summary>A named Mutex: shared by every process on the machine.</summary>
    public bool IsSystemWide { get; }

    /// <summary>
    /// The acquisition never waits: a try-acquire with no timeout or a zero one (<c>Monitor.TryEnter(x)</c>,
    /// <c>gate.Wait(0)</c>, <c>TryEnterWriteLock(0)</c>), whose failure skips the work (the region is its success branch).
    /// A thread that finds the lock taken goes on with something else, so the lock serialises nobody: still a region (what
    /// it writes is written under the lock), never a reported site.
    /// </summary>
    public bool NeverWaits => Anchor is IInvocationOperation invocation && LockRegionFinder.IsNonBlockingAcquire(invocation);
}

/// <summary>Recognises the ways C# code takes a lock and finds the code that runs under it.</summary>
internal static partial class LockRegionFinder
{
    public static LockRegion? FromLockStatement(ILockOperation operation)
    {
        if (operation.LockedValue is null || operation.Body is null || operation.Syntax is not LockStatementSyntax statement)
        {
            return null;
        }

        var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statement.LockKeyword.SpanStart, statement.CloseParenToken.Span.End);
        return new LockRegion(LockKind.Statement, operation, operation.LockedValue, ImmutableArray.Create(operation.Body),
            Location.Create(statement.SyntaxTree, span), isSystemWide: false);
    }

    /// <summary>
    /// The region whose lock statement, acquiring call or <c>using</c> is <paramref name="syntax"/>, found again from the
    /// syntax with the same recognisers the analyzers' operation callbacks use (for compilation-end analysis and for the
    /// code fixes, which start from a diagnostic's span).
    /// </summary>
    public static LockRegion? FromSyntax(SemanticModel model, SyntaxNode syntax, KnownTypes types, System.Threading.CancellationToken cancellationToken)
        => model.GetOperation(syntax, cancellationToken) switch
        {
            ILockOperation lockOperation => FromLockStatement(lockOperation),
            IInvocationOperation invocation when IsAcquireName(invocation.TargetMethod.Name)
                => FromAcquireCall(invocation, types) ?? FromAcquireHelperCall(invocation, types, cancellationToken),
            IInvocationOperation invocation when MayBeRunnerCall(invocation.Syntax) => FromRunnerCall(invocation, types, cancellationToken),
            IInvocationOperation invocation when MayBeAcquireHelperCall(invocation) => FromAcquireHelperCall(invocation, types, cancellationToken),
            IInvalidOperation invalid when MayBeRunnerCall(invalid.Syntax) => FromUnboundRunnerCall(invalid, types, cancellationToken),
            { Kind: OperationKind.Using or OperationKind.UsingDeclaration } usingOperation => FromUsing(usingOperation, types, cancellationToken),
            _ => null,
        };

    /// <summary>
    /// Every lock region whose taking syntax lies under <paramref name="root"/> (a member, a type, a whole tree): the same
    /// forms the analyzers recognise — <c>lock</c>, Monitor, one-slot semaphores, Mutex, Lock, the exclusive side of
    /// reader/writer locks, guard forms such as <c>if (!gate.Wait(t)) throw …;</c>. Syntax names filter first; only
    /// candidates are bound.
    /// </summary>
    public static IEnumerable<LockRegion> FindAll(SemanticModel model, SyntaxNode root, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var node in root.DescendantNodesAndSelf())
        {
            var candidate = node switch
            {
                LockStatementSyntax => true,
                UsingStatementSyntax { Expression: InvocationExpressionSyntax or AwaitExpressionSyntax } => true,
                UsingStatementSyntax { Declaration.Variables.Count: 1 } => true,
                LocalDeclarationStatementSyntax { UsingKeyword.RawKind: > 0 } => true,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } => IsAcquireName(member.Name.Identifier.ValueText),
                _ => false,
            };
            if (candidate && FromSyntax(model, node, types, cancellationToken) is { } region)
            {
                yield return region;
            }
        }
    }

    /// <summary>
    /// A call that hands a lambda to a source method which runs it under a process-wide lock and does nothing else:
    /// <c>GdiLock.Run(() => { … })</c> where <c>static void Run(Action a) { lock (Sync) { a(); } }</c>. The region is the
    /// lambda, held under the runner's lock; the squiggle goes on the call. Only static locks: the runner's instance is
    /// not the caller's.
    /// </summary>
    public static LockRegion? FromRunnerCall(IInvocationOperation invocation, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        IAnonymousFunctionOperation? lambda = null;
        IParameterSymbol? parameter = null;
        foreach (var argument in invocation.Arguments)
        {
            if (OperationFacts.UnwrapDelegate(argument.Value) is IAnonymousFunctionOperation function && argument.Parameter is { } target)
            {
                if (lambda is not null)
                {
                    return null;
                }

                lambda = function;
                parameter = target;
            }
        }

        return lambda is null || parameter is null ? null : FromRunnerCall(invocation, invocation.TargetMethod, lambda, parameter, types, cancellationToken);
    }

    /// <summary>
    /// The same runner call when it does not bind: a lambda whose body has errors (a wrapper type from a missing package,
    /// <c>var canvas = Graphics.FromImage(..)</c>) leaves the whole call an invalid operation, though its one candidate
    /// method is known.
    /// </summary>
    public static LockRegion? FromUnboundRunnerCall(IInvalidOperation call, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (call.Syntax is not InvocationExpressionSyntax { ArgumentList.Arguments: { } arguments } syntax
            || call.SemanticModel is not { } model
            || model.GetSymbolInfo(syntax, cancellationToken).CandidateSymbols is not { Length: 1 } candidates
            || candidates[0] is not IMethodSymbol method
            || method.Parameters.Length != arguments.Count)
        {
            return null;
        }

        IAnonymousFunctionOperation? lambda = null;
        foreach (var child in call.ChildOperations)
        {
            if (child is IAnonymousFunctionOperation function)
            {
                if (lambda is not null)
                {
                    return null;
                }

                lambda = function;
            }
        }

        for (var i = 0; lambda is not null && i < arguments.Count; i++)
        {
            if (arguments[i].NameColon is null && arguments[i].Expression == lambda.Syntax)
            {
                return FromRunnerCall(call, method, lambda, method.Parameters[i], types, cancellationToken);
            }
        }

        return null;
    }

    private static LockRegion? FromRunnerCall(IOperation call, IMethodSymbol method, IAnonymousFunctionOperation lambda, IParameterSymbol parameter, KnownTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (method.DeclaringSyntaxReferences.Length != 1 || method.IsVirtual || method.IsAbstract || method.IsOverride
            || !types.Compilation.ContainsSyntaxTree(method.DeclaringSyntaxReferences[0].SyntaxTree))
        {
            return null;
        }

        // The callee's syntax first: only a body that ends in its one lock statement, after nothing but bypasses
        // (if statements), or a short body that ends in the try or using of another gate form, is bound.
        if (method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax { Body.Statements: { Count: > 0 } statements } declaration)
        {
            return null;
        }

        var kind = LockKind.Statement;
        var systemWide = false;
        IOperation locked;
        if (statements[statements.Count - 1] is LockStatementSyntax)
        {
            if (!OnlyIfStatementsBefore(statements)
                || WorkCostModel.For(types).GetBody(method.OriginalDefinition, cancellationToken) is not { } body
                || RunnerLock(body, parameter.OriginalDefinition) is not { } statementLock)
            {
                return null;
            }

            locked = statementLock;
        }
        else if (GateRunnerRegion(declaration, method, parameter.OriginalDefinition, types, cancellationToken) is { } gate)
        {
            (kind, locked, systemWide) = (gate.Kind, gate.LockedValue, gate.IsSystemWide);
        }
        else
        {
            return null;
        }

        var location = call.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }
            ? Location.Create(call.Syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(member.SpanStart, member.Name.Span.End))
            : call.Syntax.GetLocation();
        return new LockRegion(kind, call, locked, ImmutableArray.Create<IOperation>(lambda.Body), location, systemWide);
    }

    /// <summary>
    /// The static field a runner's body locks when that body is only <c>lock (Field) { p(); }</c> (or <c>return p();</c>,
    /// <c>p.Invoke()</c>) for its delegate parameter <paramref name="parameter"/>; else null.
    /// </summary>
    /// <remarks>
    /// The lock may follow bypasses that run the delegate without it and return (a runner whose callers can opt out,
    /// <c>if (mode == Mode.Parallel) { p(); return; } lock (Field) { p(); }</c>): the callers that do not opt out still
    /// queue for the lock.
    /// </remarks>
    private static IOperation? RunnerLock(IOperation body, IParameterSymbol parameter)
    {
        var statement = body;
        if (body is IBlockOperation { Operations.Length: > 0 } block)
        {
            for (var i = 0; i < block.Operations.Length - 1; i++)
            {
                if (!IsBypass(block.Operations[i], parameter))
                {
                    return null;
                }
            }

            statement = block.Operations[block.Operations.Length - 1];
        }

        if (statement is not ILockOperation { LockedValue: { } lockedValue, Body: { } lockBody }
            || OperationFacts.StripConversions(lockedValue) is not IFieldReferenceOperation { Field.IsStatic: true })
        {
            return null;
        }

        return RunsOnly(lockBody, parameter) ? lockedValue : null;
    }

    /// <summary><c>p();</c> or <c>return p();</c> (in a block of its own or not) for the delegate parameter <paramref name="parameter"/>.</summary>
    private static bool RunsOnly(IOperation statement, IParameterSymbol parameter)
    {
        var inner = statement is IBlockOperation { Operations.Length: 1 } innerBlock ? innerBlock.Operations[0] : statement;
        var call = inner switch
        {
            IExpressionStatementOperation expression => expression.Operation,
            IReturnOperation { ReturnedValue: { } returned } => returned,
            _ => null,
        };
        // await p(), await p().ConfigureAwait(false) — the forms a gate runner of async work takes (no await in a lock).
        while (true)
        {
            if (call is IConversionOperation conversion)
            {
                call = conversion.Operand;
            }
            else if (call is IAwaitOperation awaited)
            {
                call = awaited.Operation;
            }
            else if (call is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            {
                call = configured;
            }
            else
            {
                break;
            }
        }

        return call is IInvocationOperation { Instance: IParameterReferenceOperation invoked } delegateCall
               && delegateCall.TargetMethod.MethodKind == MethodKind.DelegateInvoke
               && SymbolEqualityComparer.Default.Equals(invoked.Parameter.OriginalDefinition, parameter);
    }

    /// <summary>
    /// <c>if (…) { p(); return; }</c> or <c>if (…) return p();</c> with no else: a path that runs the delegate without the
    /// lock and leaves the runner.
    /// </summary>
    private static bool IsBypass(IOperation statement, IParameterSymbol parameter)
    {
        if (statement is not IConditionalOperation { WhenFalse: null, WhenTrue: { } whenTrue })
        {
            return false;
        }

        if (whenTrue is IBlockOperation { Operations.Length: 2 } pair)
        {
            return RunsOnly(pair.Operations[0], parameter) && pair.Operations[1] is IReturnOperation { ReturnedValue: null };
        }

        return RunsOnly(whenTrue, parameter) && (whenTrue is IReturnOperation || (whenTrue is IBlockOperation { Operations.Length: 1 } single && single.Operations[0] is IReturnOperation));
    }

    private static bool OnlyIfStatementsBefore(SyntaxList<StatementSyntax> statements)
    {
        for (var i = 0; i < statements.Count - 1; i++)
        {
            if (statements[i] is not IfStatementSyntax { Else: null })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Cheap syntax filter for <see cref="FromRunnerCall"/>: a call with a lambda among its arguments.</summary>
    public static bool MayBeRunnerCall(SyntaxNode syntax)
    {
        if (syntax is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments })
        {
            return false;
        }

        foreach (var argument in arguments)
        {
            if (argument.Expression is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Cheap name filter before any symbol work.</summary>
    public static bool IsAcquireName(string name)
        => name == "Enter" || name == "TryEnter" || name == "Wait" || name == "WaitAsync" || name == "WaitOne"
           || IsReaderWriterAcquireName(name);

    /// <summary>The exclusive acquisitions of a reader/writer lock (never <c>EnterReadLock</c>: readers run together).</summary>
    private static bool IsReaderWriterAcquireName(string name)
        => name == "EnterWriteLock" || name == "TryEnterWriteLock" || name == "EnterUpgradeableReadLock"
           || name == "TryEnterUpgradeableReadLock" || name == "AcquireWriterLock";

    /// <summary>The call names that release a lock taken by <paramref name="acquireName"/> on a lock of <paramref name="kind"/>.</summary>
    private static string[] ReleaseNames(LockKind kind, string acquireName)
    {
        switch (kind)
        {
            case LockKind.Semaphore:
                return SemaphoreReleases;
            case LockKind.Mutex:
                return MutexReleases;
            case LockKind.ReaderWriter:
                return acquireName == "AcquireWriterLock" ? WriterLockReleases
                    : acquireName.EndsWith("UpgradeableReadLock", StringComparison.Ordinal) ? UpgradeableReleases
                    : WriteLockReleases;
            default:
                return ExitReleases;
        }
    }

    private static readonly string[] SemaphoreReleases = { "Release" };
    private static readonly string[] MutexReleases = { "ReleaseMutex" };
    private static readonly string[] ExitReleases = { "Exit" };
    private static readonly string[] WriteLockReleases = { "ExitWriteLock" };
    private static readonly string[] UpgradeableReleases = { "ExitUpgradeableReadLock" };
    private static readonly string[] WriterLockReleases = { "ReleaseWriterLock", "ReleaseLock" };

    /// <summary>
    /// A try-acquire that returns at once: <c>TryEnter</c> (of <c>Monitor</c>, <c>Lock</c>, <c>SpinLock</c>) with no
    /// timeout, or any acquiring call whose timeout is the constant 0 or <c>TimeSpan.Zero</c>. Its result must decide
    /// whether the work runs — the condition of an <c>if</c> (negated or not) — not be retried in a loop, which waits.
    /// </summary>
    public static bool IsNonBlockingAcquire(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!IsAcquireName(method.Name) && !IsReaderWriterAcquireName(method.Name))
        {
            return false;
        }

        var timeouts = invocation.Arguments.Where(a => a.Parameter is { RefKind: RefKind.None } p
                                                         && (p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 || p.Type.Name == "TimeSpan"))
            .ToList();
        var immediate = timeouts.Count == 0
            ? method.Name == "TryEnter"
            : timeouts.All(a => IsZeroTimeout(a.Value));
        if (!immediate)
        {
            return false;
        }

        IOperation current = invocation;
        while (current.Parent is IConversionOperation or IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
        {
            current = current.Parent;
        }

        return current.Parent is IConditionalOperation conditional && conditional.Condition == current;
    }

    private static bool IsZeroTimeout(IOperation value)
    {
        value = value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : value;
        if (value.ConstantValue is { HasValue: true, Value: var constant } && constant is int or long)
        {
            return System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture) == 0;
        }

        return value is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } field } && field.ContainingType.Name == "TimeSpan";
    }

    /// <summary>A call that acquires a lock: Monitor.Enter/TryEnter, a one-slot semaphore's Wait, Mutex.WaitOne, Lock.Enter, SpinLock.Enter.</summary>
    public static LockRegion? FromAcquireCall(IInvocationOperation invocation, KnownTypes types)
    {
        if (!RecogniseAcquire(invocation, types, out var kind, out var lockedValue, out var systemWide))
        {
            return null;
        }

        var body = FindBodyAfterAcquire(invocation, lockedValue, ReleaseNames(kind, invocation.TargetMethod.Name));
        return body.IsDefaultOrEmpty
            ? null
            : new LockRegion(kind, invocation, lockedValue, body, invocation.Syntax.GetLocation(), systemWide);
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> takes a lock (see <see cref="FromAcquireCall"/>): its kind, the operation
    /// naming the lock object, and whether the lock is machine-wide (a named Mutex or Semaphore).
    /// </summary>
    private static bool RecogniseAcquire(IInvocationOperation invocation, KnownTypes types, out LockKind kind, out IOperation lockedValue, out bool systemWide)
    {
        kind = default;
        lockedValue = null!;
        systemWide = false;
        var method = invocation.TargetMethod;
        if (!IsAcquireName(method.Name))
        {
            return false;
        }

        var type = method.ContainingType;
        // WaitOne is declared on WaitHandle: what matters is the receiver's type.
        var receiverType = invocation.Instance?.Type;
        IOperation? value;
        // In each test the method and type names come before KnownTypes.Is: they are necessary for it and resolve no type.
        var name = method.Name;
        var isEnter = name == "Enter" || name == "TryEnter";
        if (isEnter && type?.Name == "Monitor" && KnownTypes.Is(type, types.Monitor) && invocation.Arguments.Length > 0)
        {
            kind = LockKind.Monitor;
            value = ArgumentInOrder(invocation, 0);
        }
        else if (((name == "Wait" || name == "WaitAsync") && type?.Name == "SemaphoreSlim" && KnownTypes.Is(type, types.SemaphoreSlim))
                 || (name == "WaitOne" && receiverType?.Name == "Semaphore" && KnownTypes.Is(receiverType, types.Semaphore)))
        {
            kind = LockKind.Semaphore;
            value = invocation.Instance;
            if (value is null || !IsSingleSlotGate(value))
            {
                return false;
            }

            systemWide = receiverType?.Name == "Semaphore" && IsNamedSemaphore(value);
        }
        else if (name == "WaitOne" && receiverType?.Name == "Mutex" && KnownTypes.Is(receiverType, types.Mutex))
        {
            kind = LockKind.Mutex;
            value = invocation.Instance;
            systemWide = value is not null && IsNamedMutex(value);
        }
        else if (isEnter && type?.Name == "Lock" && KnownTypes.Is(type, types.Lock))
        {
            kind = LockKind.LockObject;
            value = invocation.Instance;
        }
        else if (isEnter && type?.Name == "SpinLock" && type.ContainingNamespace is { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
        {
            kind = LockKind.SpinLock;
            value = invocation.Instance;
        }
        else if (IsReaderWriterAcquireName(name)
                 && ((type?.Name == "ReaderWriterLockSlim" && KnownTypes.Is(type, types.ReaderWriterLockSlim))
                     || (type?.Name == "ReaderWriterLock" && KnownTypes.Is(type, types.ReaderWriterLock))))
        {
            kind = LockKind.ReaderWriter;
            value = invocation.Instance;
        }
        else
        {
            return false;
        }

        if (value is null)
        {
            return false;
        }

        lockedValue = value;
        return true;
    }

    /// <summary>
    /// <c>using (gate.EnterScope()) { … }</c> and <c>using var scope = gate.EnterScope();</c> on a System.Threading.Lock; and
    /// the same usings over an async-lock wrapper's acquisition, <c>using (await gate.LockAsync()) { … }</c> (see
    /// <see cref="AsyncLockWrappers"/>).
    /// </summary>
    public static LockRegion? FromUsing(IOperation operation, KnownTypes types, System.Threading.CancellationToken cancellationToken = default)
    {
        switch (operation)
        {
            case IUsingOperation usingOperation when FindEnterScope(usingOperation.Resources, types) is { } call:
                return new LockRegion(LockKind.LockObject, call, call.Instance!, ImmutableArray.Create(usingOperation.Body),
                    call.Syntax.GetLocation(), isSystemWide: false);
            case IUsingDeclarationOperation declaration when FindEnterScope(declaration.DeclarationGroup, types) is { } call:
                var rest = StatementsAfter(declaration);
                return rest.IsDefaultOrEmpty
                    ? null
                    : new LockRegion(LockKind.LockObject, call, call.Instance!, rest, call.Syntax.GetLocation(), isSystemWide: false);
            case IUsingOperation usingOperation when AsyncLockWrappers.FindAcquire(usingOperation.Resources, types, cancellationToken) is { } acquire:
                return new LockRegion(LockKind.AsyncWrapper, acquire, acquire.Instance!, ImmutableArray.Create(usingOperation.Body),
                    acquire.Syntax.GetLocation(), isSystemWide: false);
            case IUsingDeclarationOperation declaration when AsyncLockWrappers.FindAcquire(declaration.DeclarationGroup, types, cancellationToken) is { } acquire:
                var after = StatementsAfter(declaration);
                return after.IsDefaultOrEmpty
                    ? null
                    : new LockRegion(LockKind.AsyncWrapper, acquire, acquire.Instance!, after, acquire.Syntax.GetLocation(), isSystemWide: false);
            default:
                return null;
        }
    }

    private static IInvocationOperation? FindEnterScope(IOperation? resources, KnownTypes types)
    {
        if (resources is null)
        {
            return null;
        }

        foreach (var operation in resources.DescendantsAndSelf())
        {
            // The name first: it resolves no type (and without System.Threading.Lock in the references, Is is false).
            if (operation is IInvocationOperation { Instance: not null } call
                && call.TargetMethod.Name == "EnterScope"
                && KnownTypes.Is(call.TargetMethod.ContainingType, types.Lock))
            {
                return call;
            }
        }

        return null;
    }

    private static IOperation? ArgumentInOrder(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// The statements that run after the acquiring call and before the matching release:
    /// <c>if (TryEnter(x)) { … }</c> → the if branch; <c>Enter(x); try { … } finally { Exit(x); }</c> → the try body;
    /// <c>if (!gate.Wait(timeout)) throw …; try { … } finally { gate.Release(); }</c> → the try body after the guard;
    /// otherwise the following statements of the same block, up to the first statement that releases the lock.
    /// </summary>
    private static ImmutableArray<IOperation> FindBodyAfterAcquire(IInvocationOperation invocation, IOperation lockedValue, string[] releaseNames, Func<IInvocationOperation, bool>? isRelease = null)
    {
        IOperation current = invocation;
        while (true)
        {
            var parent = current.Parent;
            if (parent is IAwaitOperation || parent is IConversionOperation)
            {
                current = parent;
            }
            else if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == current)
            {
                // await gate.WaitAsync().ConfigureAwait(false)
                current = parent;
            }
            else
            {
                break;
            }
        }

        if (current.Parent is IConditionalOperation { WhenTrue: { } whenTrue } conditional && conditional.Condition == current)
        {
            return ImmutableArray.Create(whenTrue);
        }

        IOperation statement;
        if (IsNegated(current, out var negation) && negation.Parent is IConditionalOperation { WhenFalse: null } guard
            && guard.Condition == negation && Exits(guard.WhenTrue))
        {
            // if (!gate.Wait(timeout)) throw new TimeoutException(); — the lock is held after the guard.
            statement = guard;
        }
        else if (current.Parent is IExpressionStatementOperation expressionStatement)
        {
            statement = expressionStatement;
        }
        else if (current.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } })
        {
            // var taken = gate.Wait(timeout); try { if (taken) … } finally { if (taken) gate.Release(); }
            statement = group;
        }
        else
        {
            return default;
        }

        if (statement.Parent is not IBlockOperation block)
        {
            return default;
        }

        var index = block.Operations.IndexOf(statement);
        if (index < 0)
        {
            return default;
        }

        var lockText = Normalize(lockedValue);
        if (index + 1 < block.Operations.Length && block.Operations[index + 1] is ITryOperation { Finally: { } @finally } tryOperation
            && ContainsRelease(@finally, lockText, releaseNames, isRelease))
        {
            return ImmutableArray.Create<IOperation>(tryOperation.Body);
        }

        var builder = ImmutableArray.CreateBuilder<IOperation>();
        for (var i = index + 1; i < block.Operations.Length; i++)
        {
            if (ContainsRelease(block.Operations[i], lockText, releaseNames, isRelease))
            {
                break;
            }

            builder.Add(block.Operations[i]);
        }

        return builder.ToImmutable();
    }

    /// <summary><c>!acquire</c> or <c>acquire == false</c>.</summary>
    private static bool IsNegated(IOperation acquire, out IOperation negation)
    {
        switch (acquire.Parent)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                negation = not;
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equals
                when (equals.LeftOperand == acquire ? equals.RightOperand : equals.LeftOperand) is ILiteralOperation { ConstantValue: { HasValue: true, Value: false } }:
                negation = equals;
                return true;
            default:
                negation = acquire;
                return false;
        }
    }

    /// <summary>Whether a guard's branch leaves the block: it ends in throw, return, break, continue or goto.</summary>
    private static bool Exits(IOperation? branch)
    {
        while (branch is IBlockOperation block)
        {
            if (block.Operations.Length == 0)
            {
                return false;
            }

            branch = block.Operations[block.Operations.Length - 1];
        }

        return branch switch
        {
            IThrowOperation => true,
            IExpressionStatementOperation { Operation: IThrowOperation } => true,
            IReturnOperation => true,
            IBranchOperation => true,
            _ => false,
        };
    }

    private static ImmutableArray<IOperation> StatementsAfter(IOperation statement)
    {
        if (statement.Parent is not IBlockOperation block)
        {
            return default;
        }

        var index = block.Operations.IndexOf(statement);
        return index < 0 ? default : ImmutableArray.Create(block.Operations, index + 1, block.Operations.Length - index - 1);
    }

    /// <param name="isRelease">Another way the lock is released (a helper method that exits it), or null.</param>
    private static bool ContainsRelease(IOperation operation, string lockText, string[] releaseNames, Func<IInvocationOperation, bool>? isRelease = null)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation released && isRelease is not null && isRelease(released))
            {
                return true;
            }

            if (descendant is not IInvocationOperation call || System.Array.IndexOf(releaseNames, call.TargetMethod.Name) < 0)
            {
                continue;
            }

            if (call.Instance is null)
            {
                // Monitor.Exit(x)
                if (call.Arguments.Length > 0 && Normalize(call.Arguments[0].Value) == lockText)
                {
                    return true;
                }
            }
            else if (Normalize(call.Instance) == lockText)
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(IOperation operation)
    {
        var text = OperationFacts.StripConversions(operation).Syntax.ToString();
        return text.StartsWith("this.", StringComparison.Ordinal) ? text.Substring(5) : text;
    }

    /// <summary>
    /// A semaphore created with one slot: <c>new SemaphoreSlim(1, 1)</c>, <c>new SemaphoreSlim(1)</c>,
    /// <c>new Semaphore(initialCount: 1, maximumCount: 1)</c>, at the initialiser or, for a field or property without
    /// one, at every assignment of it in its type. Any other count, or a creation not in sight, is not a lock.
    /// </summary>
    internal static bool IsSingleSlotGate(IOperation instance)
    {
        var creations = Creations(instance);
        if (creations is null)
        {
            return false;
        }

        foreach (var arguments in creations)
        {
            var initial = ArgumentAt(arguments, 0, "initialCount");
            var maximum = ArgumentAt(arguments, 1, "maxCount") ?? ArgumentAt(arguments, 1, "maximumCount");
            if (initial is null || !IsLiteralOne(initial) || (arguments.Count > 1 && (maximum is null || !IsLiteralOne(maximum))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>new Mutex(false, "Global\\name")</c>: a named mutex is shared machine-wide.</summary>
    private static bool IsNamedMutex(IOperation instance) => HasName(instance, 1, "name");

    /// <summary><c>new Semaphore(1, 1, "name")</c>: a named semaphore is shared machine-wide.</summary>
    private static bool IsNamedSemaphore(IOperation instance) => HasName(instance, 2, "name");

    private static bool HasName(IOperation instance, int ordinal, string parameterName)
    {
        var creations = Creations(instance);
        if (creations is null)
        {
            return false;
        }

        foreach (var arguments in creations)
        {
            if (ArgumentAt(arguments, ordinal, parameterName) is { } name && !name.IsKind(SyntaxKind.NullLiteralExpression))
            {
                return true;
            }
        }

        return false;
    }

    private static ExpressionSyntax? ArgumentAt(SeparatedSyntaxList<ArgumentSyntax> arguments, int ordinal, string name)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument.NameColon is { } nameColon ? nameColon.Name.Identifier.ValueText == name : i == ordinal)
            {
                return argument.Expression;
            }
        }

        return null;
    }

    /// <summary>
    /// The argument lists of the creations that the lock variable can hold: its initialiser, or, for a field or
    /// property declared without one, every assignment to it in its type (null if one of them is not a creation).
    /// </summary>
    private static List<SeparatedSyntaxList<ArgumentSyntax>>? Creations(IOperation instance)
    {
        var values = AssignedValues(instance);
        if (values is null)
        {
            return null;
        }

        var result = new List<SeparatedSyntaxList<ArgumentSyntax>>(values.Count);
        foreach (var value in values)
        {
            if (ArgumentsOf(value) is not { } arguments)
            {
                return null;
            }

            result.Add(arguments);
        }

        return result;
    }

    /// <summary>
    /// The values a field, property or local named by <paramref name="reference"/> is given in source: its initialiser,
    /// or, for a field or property declared without one, the right-hand sides of every simple assignment to it in its
    /// type (matched by name, so a compound assignment or none at all gives null: the value is not in sight).
    /// </summary>
    internal static List<ExpressionSyntax>? AssignedValues(IOperation reference)
    {
        ISymbol? symbol = OperationFacts.StripConversions(reference) switch
        {
            IFieldReferenceOperation field => field.Field,
            ILocalReferenceOperation local => local.Local,
            IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property,
            _ => null,
        };
        if (symbol is null)
        {
            return null;
        }

        // One answer per symbol and compilation: the walk over the declaring type's assignments is the costly part, and
        // a gate is waited on in many places (a pool's semaphore, each of its acquisitions).
        if (reference.SemanticModel?.Compilation is not { } compilation)
        {
            return FindAssignedValues(symbol);
        }

        var known = AssignedValuesCache.GetValue(compilation, _ => new ConcurrentDictionary<ISymbol, List<ExpressionSyntax>?>(SymbolEqualityComparer.Default));
        return known.GetOrAdd(symbol, FindAssignedValues);
    }

    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<ISymbol, List<ExpressionSyntax>?>> AssignedValuesCache =
        new ConditionalWeakTable<Compilation, ConcurrentDictionary<ISymbol, List<ExpressionSyntax>?>>();

    private static List<ExpressionSyntax>? FindAssignedValues(ISymbol symbol)
    {
        foreach (var declaration in symbol.DeclaringSyntaxReferences)
        {
            var node = declaration.GetSyntax();
            var initializer = node switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializer is not null)
            {
                return new List<ExpressionSyntax> { initializer };
            }
        }

        if (symbol is ILocalSymbol || symbol.ContainingType is null)
        {
            return null;
        }

        var result = new List<ExpressionSyntax>();
        foreach (var typeReference in symbol.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var assignment in typeReference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                var target = assignment.Left is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax, Name: { } member } ? member : assignment.Left as SimpleNameSyntax;
                if (target is null || target.Identifier.ValueText != symbol.Name)
                {
                    continue;
                }

                if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
                {
                    return null;
                }

                result.Add(assignment.Right);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static SeparatedSyntaxList<ArgumentSyntax>? ArgumentsOf(ExpressionSyntax expression)
        => expression switch
        {
            ObjectCreationExpressionSyntax { ArgumentList: { } list } => list.Arguments,
            ImplicitObjectCreationExpressionSyntax implicitCreation => implicitCreation.ArgumentList.Arguments,
            _ => null,
        };

    private static bool IsLiteralOne(ExpressionSyntax expression)
        => expression is LiteralExpressionSyntax literal
           && literal.IsKind(SyntaxKind.NumericLiteralExpression)
           && literal.Token.Value is int value && value == 1;
}
