using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>What a piece of code does to process-global state (static fields, native code), callees included.</summary>
internal sealed class GlobalStateSummary
{
    public static readonly GlobalStateSummary Empty = new GlobalStateSummary(
        ImmutableHashSet<IFieldSymbol>.Empty, ImmutableHashSet<IFieldSymbol>.Empty, ImmutableHashSet<IFieldSymbol>.Empty, null, null, ImmutableHashSet<string>.Empty, false);

    public GlobalStateSummary(
        ImmutableHashSet<IFieldSymbol> reads,
        ImmutableHashSet<IFieldSymbol> writes,
        ImmutableHashSet<IFieldSymbol> accumulates,
        string? nativeCall,
        string? statefulNativeCall,
        ImmutableHashSet<string> calledTypes,
        bool mutatesInstance)
    {
        MutatesInstance = mutatesInstance;
        Reads = reads;
        Writes = writes;
        Accumulates = accumulates;
        NativeCall = nativeCall;
        StatefulNativeCall = statefulNativeCall;
        CalledTypes = calledTypes;
    }

    /// <summary>Static fields whose value (or the object they hold) the code reads.</summary>
    public ImmutableHashSet<IFieldSymbol> Reads { get; }

    /// <summary>Static fields the code assigns, writes elements of, or mutates through a call (<c>s_rng.Next()</c>).</summary>
    public ImmutableHashSet<IFieldSymbol> Writes { get; }

    /// <summary>Static fields the code only adds to: <c>s_total += x</c>, <c>s_count++</c>, <c>s_list.Add(r)</c>.</summary>
    public ImmutableHashSet<IFieldSymbol> Accumulates { get; }

    /// <summary>The first native entry point called (DllImport / LibraryImport), for messages.</summary>
    public string? NativeCall { get; }

    /// <summary>
    /// The first native call that may keep state between calls: every native call but those to C functions documented
    /// stateless and thread-safe (<see cref="StatelessNativeFunctions"/>: zlib's one-shot functions, the math library).
    /// Null when the work calls no native code or only such functions — what the fixes need to know; the rule reports on
    /// <see cref="NativeCall"/>.
    /// </summary>
    public string? StatefulNativeCall { get; }

    /// <summary>Whether the code (a method body) writes fields of its own instance.</summary>
    public bool MutatesInstance { get; }

    /// <summary>Full names of the non-framework types whose methods the code calls.</summary>
    public ImmutableHashSet<string> CalledTypes { get; }

    /// <summary>Static fields both read and changed by the work: state that makes threads unsafe.</summary>
    public IEnumerable<IFieldSymbol> Entangled
        => Reads.Where(f => Writes.Contains(f) || Accumulates.Contains(f)).OrderBy(f => f.Name, StringComparer.Ordinal);

    public GlobalStateSummary Union(GlobalStateSummary other)
        => ReferenceEquals(other, Empty) ? this : ReferenceEquals(this, Empty) ? other : new GlobalStateSummary(
            Reads.Union(other.Reads), Writes.Union(other.Writes), Accumulates.Union(other.Accumulates),
            NativeCall ?? other.NativeCall, StatefulNativeCall ?? other.StatefulNativeCall, CalledTypes.Union(other.CalledTypes), MutatesInstance);
}

/// <summary>Why a lock site's work can only be parallelised with processes.</summary>
internal sealed class Entanglement
{
    public Entanglement(string description, GlobalStateSummary state)
    {
        Description = description;
        State = state;
    }

    /// <summary>For messages: "'Codec.s_window' is read and written by the work".</summary>
    public string Description { get; }

    public GlobalStateSummary State { get; }
}

/// <summary>
/// Finds the process-global state that locked work depends on: static fields it both reads and writes (scratch
/// buffers, a static PRNG, a cache), P/Invoke calls, and calls into types configured as not thread-safe
/// (<c>gil_analyzers.not_thread_safe_types = Vendor.Legacy.*, Other.Type</c>). Callees of the same compilation are
/// summarised once per compilation. <c>[ThreadStatic]</c>, <c>ThreadLocal&lt;T&gt;</c>, constants, and state that is
/// only read or only accumulated into are not entanglement.
/// </summary>
internal sealed class GlobalStateModel
{
    public const string NotThreadSafeTypesKey = "gil_analyzers.not_thread_safe_types";

    private static readonly ConditionalWeakTable<Compilation, GlobalStateModel> Cache = new ConditionalWeakTable<Compilation, GlobalStateModel>();

    private static readonly ImmutableHashSet<string> AccumulatingMethods =
        ImmutableHashSet.Create(StringComparer.Ordinal, "Add", "AddRange", "Enqueue", "Push", "TryAdd", "Increment", "Append");

    private static readonly ImmutableHashSet<string> MutatingFrameworkMethods = ImmutableHashSet.Create(StringComparer.Ordinal,
        "Clear", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Insert", "InsertRange", "Sort", "Reverse", "Dequeue", "Pop",
        "TryDequeue", "TryPop", "TryRemove", "TryTake", "Take", "TryUpdate", "AddOrUpdate", "GetOrAdd", "Set", "SetValue", "Reset",
        "Update", "TransformBlock", "TransformFinalBlock", "Fill", "Resize");

    private readonly WorkCostModel _costModel;
    private readonly KnownTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, GlobalStateSummary> _summaries =
        new ConcurrentDictionary<IMethodSymbol, GlobalStateSummary>(SymbolEqualityComparer.Default);

    private GlobalStateModel(KnownTypes types)
    {
        _costModel = WorkCostModel.For(types);
        _types = types;
    }

    public static GlobalStateModel For(KnownTypes types) => Cache.GetValue(types.Compilation, _ => new GlobalStateModel(types));

    /// <summary>Why the work under <paramref name="region"/> needs processes, or null when threads can share it.</summary>
    public Entanglement? FindEntanglement(LockRegion region, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var state = Summarise(region.Body, cancellationToken);
        var fields = state.Entangled.ToList();
        if (fields.Count > 0)
        {
            var names = string.Join(", ", fields.Take(3).Select(f => "'" + f.ContainingType.Name + "." + f.Name + "'"));
            return new Entanglement(names + (fields.Count == 1 ? " is" : " are") + " read and written by the work", state);
        }

        if (state.NativeCall is not null)
        {
            return new Entanglement("the work calls native code ('" + state.NativeCall + "')", state);
        }

        if (NativeWork.NativeLockName(region.LockedValue) is { } library)
        {
            return new Entanglement("the lock guards a native library ('" + library + "')", state);
        }

        if (!state.CalledTypes.IsEmpty && ReadPatterns(options, region.Anchor.Syntax.SyntaxTree) is { Length: > 0 } patterns)
        {
            foreach (var type in state.CalledTypes.OrderBy(t => t, StringComparer.Ordinal))
            {
                if (patterns.Any(p => Matches(p, type)))
                {
                    return new Entanglement("the work calls '" + type + "', configured as not thread-safe", state);
                }
            }
        }

        return null;
    }

    public GlobalStateSummary Summarise(IEnumerable<IOperation> operations, CancellationToken cancellationToken)
        => SummariseCore(operations, new Stack<IMethodSymbol>(), cancellationToken);

    private GlobalStateSummary SummariseMethod(IMethodSymbol method, Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
    {
        method = method.OriginalDefinition;
        if (_summaries.TryGetValue(method, out var known))
        {
            return known;
        }

        if (callers.Contains(method, SymbolEqualityComparer.Default) || callers.Count >= WorkCostModel.MaxCalleeDepth)
        {
            return GlobalStateSummary.Empty;
        }

        var body = _costModel.GetBody(method, cancellationToken);
        if (body is null)
        {
            return GlobalStateSummary.Empty;
        }

        callers.Push(method);
        var summary = SummariseCore(new[] { body }, callers, cancellationToken);
        callers.Pop();
        return _summaries.GetOrAdd(method, summary);
    }

    private GlobalStateSummary SummariseCore(IEnumerable<IOperation> operations, Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
    {
        var reads = ImmutableHashSet.CreateBuilder<IFieldSymbol>(SymbolEqualityComparer.Default);
        var writes = ImmutableHashSet.CreateBuilder<IFieldSymbol>(SymbolEqualityComparer.Default);
        var accumulates = ImmutableHashSet.CreateBuilder<IFieldSymbol>(SymbolEqualityComparer.Default);
        var calledTypes = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        string? native = null;
        string? stateful = null;
        var mutatesInstance = false;
        var callees = GlobalStateSummary.Empty;

        foreach (var root in operations)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } field } reference when !IsPerThread(field):
                        switch (Classify(reference, callers, cancellationToken))
                        {
                            case Use.Read:
                                reads.Add(field.OriginalDefinition);
                                break;
                            case Use.Write:
                                writes.Add(field.OriginalDefinition);
                                break;
                            case Use.ReadWrite:
                                reads.Add(field.OriginalDefinition);
                                writes.Add(field.OriginalDefinition);
                                break;
                            case Use.Accumulate:
                                accumulates.Add(field.OriginalDefinition);
                                break;
                        }

                        break;
                    case IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } instanceField
                        when IsWritten(instanceField):
                        mutatesInstance = true;
                        break;
                    case IInvocationOperation or IInvalidOperation when NativeWork.IsThreadSafeNativeCall(operation):
                        // ONNX Runtime's session and values: native, but nothing threads must take turns on.
                        break;
                    case IObjectCreationOperation or IInvalidOperation when NativeWork.ImageCopyConstruction(operation) is { } copy:
                        native ??= copy;
                        stateful ??= copy;
                        break;
                    case IInvalidOperation invalid when NativeWork.UnresolvedWrapperCall(invalid) is { } unresolvedNative:
                        native ??= unresolvedNative;
                        stateful ??= unresolvedNative;
                        break;
                    case IInvalidOperation invalid when NativeWork.NativeCandidate(invalid) is { } candidate:
                        native ??= candidate.Name;
                        stateful ??= candidate.Name;
                        break;
                    case IInvocationOperation invocation:
                        var method = invocation.TargetMethod;
                        if (NativeWork.IsNative(method))
                        {
                            native ??= NativeWork.NativeName(invocation);
                            if (!StatelessNativeFunctions.IsStateless(method, out _))
                            {
                                stateful ??= NativeWork.NativeName(invocation);
                            }
                        }
                        else if (method.DeclaringSyntaxReferences.Length > 0 && !method.IsVirtual && !method.IsAbstract)
                        {
                            callees = callees.Union(SummariseMethod(method, callers, cancellationToken));
                        }

                        if (method.ContainingType is { } type && !IsFramework(type))
                        {
                            calledTypes.Add(type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None)));
                        }

                        break;
                }
            }
        }

        var own = new GlobalStateSummary(reads.ToImmutable(), writes.ToImmutable(), accumulates.ToImmutable(), native, stateful, calledTypes.ToImmutable(), mutatesInstance);
        return own.Union(callees);
    }

    private enum Use
    {
        Read,
        Write,
        ReadWrite,
        Accumulate,
    }

    private static bool IsWritten(IOperation reference)
    {
        var target = reference.Parent is IArrayElementReferenceOperation element && element.ArrayReference == reference ? element : reference;
        return target.Parent switch
        {
            IAssignmentOperation assignment => assignment.Target == target,
            IIncrementOrDecrementOperation => true,
            _ => false,
        };
    }

    private Use Classify(IFieldReferenceOperation reference, Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
    {
        var parent = reference.Parent;
        // s_counts[w] = s_counts.TryGetValue(w, out var c) ? c + 1 : 1: only added to, key by key, like s_total += n.
        if (parent is IPropertyReferenceOperation { Property.IsIndexer: true } or IInvocationOperation or IConversionOperation or IArgumentOperation
            && KeyedSum.IsPartOf(reference))
        {
            return Use.Accumulate;
        }

        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                return Use.Write;
            case ICompoundAssignmentOperation compound when compound.Target == reference:
                return compound.OperatorKind == BinaryOperatorKind.Add || compound.OperatorKind == BinaryOperatorKind.Subtract
                    ? Use.Accumulate
                    : Use.ReadWrite;
            case IIncrementOrDecrementOperation:
                return Use.Accumulate;
            case IArrayElementReferenceOperation element when element.ArrayReference == reference:
                return element.Parent switch
                {
                    ISimpleAssignmentOperation a when a.Target == element => Use.Write,
                    // s_histogram[v]++ / s_sums[c] += x: only added to, slot by slot, like s_total += n.
                    ICompoundAssignmentOperation c when c.Target == element
                        => c.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract ? Use.Accumulate : Use.ReadWrite,
                    IIncrementOrDecrementOperation => Use.Accumulate,
                    _ => Use.Read,
                };
            case IPropertyReferenceOperation property when property.Instance == reference:
                return property.Parent is IAssignmentOperation a2 && a2.Target == property ? Use.ReadWrite : Use.Read;
            case IInvocationOperation call when call.Instance == reference:
                var name = call.TargetMethod.Name;
                if (AccumulatingMethods.Contains(name))
                {
                    return Use.Accumulate;
                }

                return IsMutatingCall(call.TargetMethod, callers, cancellationToken) ? Use.ReadWrite : Use.Read;
            default:
                return Use.Read;
        }
    }

    /// <summary>
    /// A call that changes the state of the object a static field holds: any method of <c>System.Random</c>, a
    /// collection's removing/reordering methods, or a source method that writes its instance's fields.
    /// </summary>
    private bool IsMutatingCall(IMethodSymbol method, Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
    {
        if (AccumulatingMethods.Contains(method.Name) || FrameworkMethods.ReadOnlyOnReceiver.Contains(method.Name))
        {
            return false;
        }

        var type = method.ContainingType;
        if (type is null)
        {
            return false;
        }

        if (method.DeclaringSyntaxReferences.Length > 0)
        {
            return SummariseMethod(method, callers, cancellationToken).MutatesInstance;
        }

        if (type.Name == "Random" && KnownTypes.Is(type, _types.Random))
        {
            return method.Name.StartsWith("Next", StringComparison.Ordinal) || method.Name == "Shuffle" || method.Name == "GetItems";
        }

        return MutatingFrameworkMethods.Contains(method.Name);
    }

    private static bool IsPerThread(IFieldSymbol field)
    {
        if (OperationFacts.HasAttributeNamed(field, "ThreadStaticAttribute"))
        {
            return true;
        }

        var typeName = field.Type.OriginalDefinition.ToDisplayString();
        return typeName == "System.Threading.ThreadLocal<T>" || typeName == "System.Threading.AsyncLocal<T>";
    }

    private static bool IsFramework(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    private static string[] ReadPatterns(AnalyzerOptions options, SyntaxTree tree)
    {
        if (!options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(NotThreadSafeTypesKey, out var value)
            && !options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(NotThreadSafeTypesKey, out value))
        {
            return Array.Empty<string>();
        }

        return value.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0).ToArray();
    }

    /// <summary><c>Vendor.Legacy.*</c> matches every type under that namespace; otherwise the full name must match.</summary>
    private static bool Matches(string pattern, string typeName)
        => pattern.EndsWith("*", StringComparison.Ordinal)
            ? typeName.StartsWith(pattern.Substring(0, pattern.Length - 1), StringComparison.Ordinal)
            : string.Equals(pattern, typeName, StringComparison.Ordinal);
}
