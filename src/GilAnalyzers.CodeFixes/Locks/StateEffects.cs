using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// What a piece of code does to state that other threads can see: the shared symbols it reads and writes.
/// Thread-own locals (declared in the running function, or created fresh there) are tracked separately,
/// because reordering code that only touches them cannot be observed by another thread.
/// </summary>
internal sealed class StateEffects
{
    /// <summary>Fields, properties, captured locals and parameters read.</summary>
    public HashSet<ISymbol> SharedReads { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>Fields, properties, captured locals and parameters written (or mutated through a call).</summary>
    public HashSet<ISymbol> SharedWrites { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>Thread-own locals and parameters read.</summary>
    public HashSet<ISymbol> LocalReads { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>Thread-own locals and parameters written.</summary>
    public HashSet<ISymbol> LocalWrites { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>
    /// Ordinals of the summarised method's own by-value reference parameters whose objects it mutates (<c>into.Add(i)</c>):
    /// a call site maps each to its argument. Only method summaries keep them; <see cref="StateEffectsWalker.Analyze(IOperation, ThreadScope)"/>
    /// turns any left at the top into <see cref="Unknown"/>. Not copied by <see cref="UnionWith"/>: they are relative to one method.
    /// </summary>
    public HashSet<int> ParameterMutations { get; } = new HashSet<int>();

    /// <summary>
    /// The method's own ref/out parameters whose objects it mutates (<c>list.Add(x)</c> on <c>ref List&lt;int&gt; list</c>), as
    /// opposed to assigning them: a summary keeps those as shared writes. Relative to one method; not copied by <see cref="UnionWith"/>.
    /// </summary>
    public HashSet<IParameterSymbol> MutatedThroughByRef { get; } = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);

    /// <summary>The code calls or writes something the analysis cannot see through; it may touch anything.</summary>
    public bool Unknown { get; private set; }

    /// <summary>Why <see cref="Unknown"/> was set, for debugging and tests.</summary>
    public string? UnknownReason { get; private set; }

    public bool HasSharedWrites => Unknown || SharedWrites.Count > 0;

    public void MarkUnknown(string reason)
    {
        if (!Unknown)
        {
            Unknown = true;
            UnknownReason = reason;
        }
    }

    public void UnionWith(StateEffects other)
    {
        SharedReads.UnionWith(other.SharedReads);
        SharedWrites.UnionWith(other.SharedWrites);
        if (other.Unknown)
        {
            MarkUnknown(other.UnknownReason ?? "unknown");
        }
    }

    /// <summary>The callee's effects seen from a caller: its own locals are invisible.</summary>
    public void UnionSharedWith(StateEffects callee) => UnionWith(callee);

    /// <summary>
    /// The part of <see cref="SharedReads"/> read through the method's own instance (<c>this</c>): its fields and auto
    /// properties, and what it reads of objects only it holds (<see cref="ThisWrites"/> says which).
    /// </summary>
    public HashSet<ISymbol> ThisReads { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>
    /// The part of <see cref="SharedWrites"/> written through <c>this</c>: its fields and auto properties, and the objects
    /// held in private readonly fields it made itself (<c>_bytes.Add(b)</c> on <c>readonly List&lt;byte&gt; _bytes = new()</c>).
    /// On an object the caller just made, these writes touch only that object.
    /// </summary>
    public HashSet<ISymbol> ThisWrites { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

    /// <summary>A call on the same instance (<c>Flush()</c> inside <c>Write</c>): its effects through <c>this</c> stay so.</summary>
    public void UnionOnSameInstance(StateEffects callee)
    {
        UnionWith(callee);
        ThisReads.UnionWith(callee.ThisReads);
        ThisWrites.UnionWith(callee.ThisWrites);
    }

    /// <summary>
    /// A call on an object the function made itself (<paramref name="receiver"/>, a local holding a <c>new</c> object):
    /// what the callee does through <c>this</c> reads and writes that object only.
    /// </summary>
    public void UnionOnOwnObject(StateEffects callee, ISymbol receiver)
    {
        foreach (var read in callee.SharedReads)
        {
            if (!callee.ThisReads.Contains(read))
            {
                SharedReads.Add(read);
            }
        }

        foreach (var write in callee.SharedWrites)
        {
            if (!callee.ThisWrites.Contains(write))
            {
                SharedWrites.Add(write);
            }
        }

        if (callee.ThisReads.Count > 0)
        {
            LocalReads.Add(receiver);
        }

        if (callee.ThisWrites.Count > 0)
        {
            LocalWrites.Add(receiver);
        }

        if (callee.Unknown)
        {
            MarkUnknown(callee.UnknownReason ?? "unknown");
        }
    }

    /// <summary>
    /// True when code with these effects may read something that <paramref name="writers"/> write: reordering the two
    /// across a lock boundary could then change what is read.
    /// </summary>
    public bool ReadsAnythingWrittenBy(StateEffects writers)
    {
        if (writers.Unknown)
        {
            foreach (var read in SharedReads)
            {
                if (!IsImmutableAfterConstruction(read))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var read in SharedReads)
        {
            if (writers.SharedWrites.Contains(read))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A readonly field of a primitive, enum or string type, or the length of an array or string: nobody can change it once
    /// the object is built.
    /// </summary>
    internal static bool IsImmutableAfterConstruction(ISymbol symbol)
    {
        // An array's or a string's length is fixed when it is made.
        if (symbol is IPropertySymbol { IsStatic: false, ContainingType.SpecialType: var owner, Name: var name }
            && ((owner == SpecialType.System_Array && name is "Length" or "LongLength" or "Rank")
                || (owner == SpecialType.System_String && name == "Length")))
        {
            return true;
        }

        if (symbol is IFieldSymbol field && (field.IsConst || field.IsReadOnly))
        {
            var type = field.Type;
            return type.TypeKind == TypeKind.Enum || IsValueOrString(type.SpecialType);
        }

        return false;
    }

    internal static bool IsValueOrString(SpecialType type)
    {
        switch (type)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
                return true;
            default:
                return false;
        }
    }
}
