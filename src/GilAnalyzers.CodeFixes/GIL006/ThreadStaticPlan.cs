using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.CodeFixes.Locks;
using GilAnalyzers.CodeFixes.Refusals;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// The proof behind GIL006's <c>[ThreadStatic]</c> rewrite: a lock around calls into code of the compilation whose static
/// fields are per-call working state (scratch arrays, counters, a stack pointer, a "common block") that every call resets
/// before it reads them. Each thread can then have its own copy of those fields and the lock can go. Proven when:
/// <list type="number">
/// <item>the locked code writes no shared state but static fields of the compilation (<see cref="StateEffectsWalker"/>),
/// calls no native code, and every other region of the same lock writes nothing it reads;</item>
/// <item>every method called from the lock (an entry) that reaches such a field resets it whole at its top level before
/// any statement that touches it, directly or through a call (<see cref="ThreadStaticResets"/>);</item>
/// <item>the fields are used nowhere but in methods reached from the lock and in their own initialisers, and the methods
/// that reach them without resetting them are only called from there (never from outside, never as a delegate);</item>
/// <item>no such field is used in a lambda, local function, async method or iterator (which could run on another thread).</item>
/// </list>
/// A field reset by assignment becomes a plain <c>[ThreadStatic]</c> field (<see cref="Plain"/>); one reset in place
/// (<c>Array.Clear</c>, <c>Fill</c>, <c>Clear()</c>, an element loop) needs an object on every thread, created lazily from
/// its initialiser (<see cref="Lazy"/>).
/// </summary>
internal sealed partial class ThreadStaticPlan
{
    /// <summary>How many methods the locked code may reach before the proof gives up.</summary>
    private const int MaxMethods = 200;

    private ThreadStaticPlan(IReadOnlyList<IFieldSymbol> plain, IReadOnlyList<IFieldSymbol> lazy, IReadOnlyList<ThreadStaticTally> tallies)
    {
        Plain = plain;
        Lazy = lazy;
        Tallies = tallies;
    }

    /// <summary>Counters that stay shared, their bumps made atomic (<see cref="ThreadStaticTally"/>).</summary>
    public IReadOnlyList<ThreadStaticTally> Tallies { get; }

    /// <summary>Fields every call resets by assignment: <c>[ThreadStatic]</c>, no longer <c>readonly</c>, the initialiser dropped where it is a plain value.</summary>
    public IReadOnlyList<IFieldSymbol> Plain { get; }

    /// <summary>Fields reset in place: a private <c>[ThreadStatic]</c> field and a property that creates each thread's object from the initialiser.</summary>
    public IReadOnlyList<IFieldSymbol> Lazy { get; }

    /// <summary>The types whose static state becomes per thread, for the action's title.</summary>
    public string TypeNames
        => string.Join(" and ", Plain.Concat(Lazy).Select(f => f.ContainingType.Name).Distinct().OrderBy(n => n, System.StringComparer.Ordinal));

    public static ThreadStaticPlan? Create(SemanticModel model, GuardedRegion region, Refusal why, CancellationToken cancellationToken)
    {
        if (region.IsWholeBody || region.StatementsInTree.Count == 0)
        {
            return why.Refuse<ThreadStaticPlan>(NoFixReasons.ThreadStaticRegion, "the lock is a synchronized method's, or guards nothing");
        }

        if (SameLockRegions.WhyIncomplete(model, region, cancellationToken) is { } incomplete)
        {
            return why.Refuse<ThreadStaticPlan>(NoFixReasons.ThreadStaticRegion, "not every place that takes the lock can be found (" + incomplete + ")");
        }

        var operations = region.StatementsInTree.Select(s => model.GetOperation(s, cancellationToken)).ToList();
        if (operations.Any(o => o is null))
        {
            return why.Refuse<ThreadStaticPlan>(NoFixReasons.ThreadStaticRegion, "the locked code does not bind");
        }

        var global = GlobalStateModel.For(KnownTypes.For(model.Compilation)).Summarise(operations!, cancellationToken);
        if (global.StatefulNativeCall is not null)
        {
            return why.Refuse<ThreadStaticPlan>(NoFixReasons.NativeState, global.StatefulNativeCall);
        }

        var tallies = new List<ThreadStaticTally>();
        var state = StateOf(model, region, operations!, tallies, why, cancellationToken);
        if (state is null)
        {
            return null;
        }

        var graph = ThreadStaticCallGraph.Build(model.Compilation, operations!, state, why, cancellationToken);
        if (graph is not null && tallies.Where(t => !StaysOffThePath(t, graph, region)).ToList() is { Count: > 0 } readOnPath)
        {
            // A counter the called code also reads (a generation stamp) or bumps next to the lock is per-call state after
            // all: it must pass the proofs of the rest.
            tallies.RemoveAll(readOnPath.Contains);
            state.AddRange(readOnPath.Select(t => t.Field));
            graph = ThreadStaticCallGraph.Build(model.Compilation, operations!, state, why, cancellationToken);
        }

        if (graph is null || !graph.UsesStayOnTheCallPath(why, cancellationToken))
        {
            return null;
        }

        var inPlace = ThreadStaticResets.Check(graph, state, why);
        if (inPlace is null)
        {
            return null;
        }

        if (state.FirstOrDefault(graph.MayHoldSharedObject) is { } aliased)
        {
            return why.Refuse<ThreadStaticPlan>(NoFixReasons.ThreadStaticStateShared,
                $"'{aliased.Name}' is given an object it did not make, which every thread's copy would then share");
        }

        var lazy = state.Where(inPlace.Contains).ToList();
        foreach (var field in lazy)
        {
            if (WhyNotLazy(graph, field, cancellationToken) is { } reason)
            {
                return why.Refuse<ThreadStaticPlan>(NoFixReasons.ThreadStaticStateShared, reason);
            }
        }

        return new ThreadStaticPlan(state.Where(f => !inPlace.Contains(f)).ToList(), lazy, tallies);
    }

    /// <summary>
    /// Whether a tally's value is read only by code the lock does not call, and its bumps are away from the lock's own
    /// block (which the rewrite replaces).
    /// </summary>
    private static bool StaysOffThePath(ThreadStaticTally tally, ThreadStaticCallGraph graph, GuardedRegion region)
    {
        var reached = graph.Methods.SelectMany(m => m.DeclaringSyntaxReferences).ToList();
        bool InLockBlock(SyntaxNode node) => node.SyntaxTree == region.Container.SyntaxTree && region.Container.Span.Contains(node.Span);
        return !tally.Reads.Any(read => InLockBlock(read) || reached.Any(r => r.SyntaxTree == read.SyntaxTree && r.Span.Contains(read.Span)))
               && !tally.Bumps.Any(b => InLockBlock(b.Statement));
    }

    /// <summary>
    /// The static fields the locked code writes, when they are all it writes of shared state and no other region of the
    /// same lock writes what it reads or writes; null (with the reason) otherwise.
    /// </summary>
    private static List<IFieldSymbol>? StateOf(SemanticModel model, GuardedRegion region, IReadOnlyList<IOperation> operations, List<ThreadStaticTally> tallies, Refusal why, CancellationToken cancellationToken)
    {
        var walker = new StateEffectsWalker(model.Compilation, cancellationToken);
        var effects = walker.Analyze(operations, walker.ScopeOf(region.First));
        if (effects.Unknown)
        {
            // Recursion (a backtracking search) hides every callee from one summary: the methods in and around the cycle
            // are then analysed one by one, each with its calls into them cut out.
            var wholeReason = effects.UnknownReason;
            effects = EffectsAroundRecursion(model.Compilation, walker, region, operations, why, cancellationToken)!;
            if (effects is null)
            {
                return why.Refuse<List<IFieldSymbol>>(NoFixReasons.ThreadStaticRegion, "the locked code does something the analysis cannot see through (" + wholeReason + ")");
            }
        }

        var state = new List<IFieldSymbol>();
        var stateSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var written in effects.SharedWrites.OrderBy(s => s.Name, System.StringComparer.Ordinal))
        {
            if (written is IFieldSymbol counter && ThreadStaticTally.Of(model.Compilation, counter, cancellationToken) is { } tally)
            {
                tallies.Add(tally);
                stateSymbols.Add(counter);
                continue;
            }

            if (written is not IFieldSymbol { IsStatic: true, IsConst: false } field || !IsOwnStaticField(field)
                || !model.Compilation.ContainsSyntaxTree(field.DeclaringSyntaxReferences[0].SyntaxTree))
            {
                return why.Refuse<List<IFieldSymbol>>(NoFixReasons.ThreadStaticRegion,
                    $"the locked code writes '{written.Name}', which is not a private or internal static field of a non-generic type of the project");
            }

            state.Add(field);
            stateSymbols.Add(field);
        }

        if (state.Count == 0)
        {
            return why.Refuse<List<IFieldSymbol>>(NoFixReasons.ThreadStaticRegion, tallies.Count == 0 ? "the locked code writes no static field" : "the locked code writes no static field but counters");
        }

        var touched = new HashSet<ISymbol>(effects.SharedReads, SymbolEqualityComparer.Default);
        touched.UnionWith(effects.SharedWrites);
        foreach (var other in SameLockRegions.Find(model, region, cancellationToken))
        {
            var otherModel = other.Statements.Count > 0 ? model.Compilation.GetSemanticModel(other.Statements[0].SyntaxTree) : model;
            var otherOperations = other.Statements.Select(s => otherModel.GetOperation(s, cancellationToken)).ToList();
            var otherEffects = otherOperations.Any(o => o is null) ? null : walker.Analyze(otherOperations!, walker.ScopeOf(other.Taken));
            if (otherEffects is null || otherEffects.Unknown)
            {
                return why.Refuse<List<IFieldSymbol>>(NoFixReasons.ThreadStaticRegion, "another region of the same lock does something the analysis cannot see through");
            }

            if (otherEffects.SharedWrites.FirstOrDefault(w => touched.Contains(w) && !stateSymbols.Contains(w)) is { } clash)
            {
                return why.Refuse<List<IFieldSymbol>>(NoFixReasons.ThreadStaticRegion, $"another region of the same lock writes '{clash.Name}', which the locked code uses");
            }
        }

        return state;
    }

    /// <summary>
    /// A static field of a non-generic class or struct declared in the project's source, that other assemblies cannot see
    /// (so every use of it is in this compilation) and that is not per thread already.
    /// </summary>
    private static bool IsOwnStaticField(IFieldSymbol field)
    {
        if (field.DeclaringSyntaxReferences.Length != 1 || field.IsImplicitlyDeclared || field.Type.IsRefLikeType
            || field.GetAttributes().Any(a => a.AttributeClass?.Name == "ThreadStaticAttribute"))
        {
            return false;
        }

        var visibleOutside = field.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;
        for (var type = field.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType || type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return false;
            }

            visibleOutside &= type.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;
        }

        return !visibleOutside;
    }

    /// <summary>
    /// Why a field reset in place cannot become a property that creates each thread's object, or null: it must hold an
    /// object (not a struct, whose copy a property would return), be assigned nowhere but in its initialiser, never be
    /// used by reference, and its initialiser must make the same object again on any thread.
    /// </summary>
    private static string? WhyNotLazy(ThreadStaticCallGraph graph, IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.Type.IsValueType || field.Type.TypeKind == TypeKind.TypeParameter)
        {
            return $"'{field.Name}' is reset in place but holds a value, not an object each thread could have its own of";
        }

        if (graph.IsAssignedOrByRef(field))
        {
            return $"'{field.Name}' is reset in place and also assigned or used by reference, which a per-thread property cannot keep";
        }

        var declarator = (VariableDeclaratorSyntax)field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
        var initializer = declarator.Initializer is { } init
            ? graph.Compilation.GetSemanticModel(declarator.SyntaxTree).GetOperation(init.Value, cancellationToken)
            : null;
        return initializer is not null && ThreadStaticRewrite.IsRecreatable(initializer)
            ? null
            : $"'{field.Name}' is reset in place, so each thread needs its own object, but its initialiser is not a new array or collection that can be made again";
    }
}
