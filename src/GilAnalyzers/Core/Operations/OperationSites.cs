using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Core;

/// <summary>
/// One operation of some kinds, met in a member's operation blocks: what an operation action's context gave the rules
/// (<see cref="Operation"/>, the member, the options, reporting), taken from the member's operation block context.
/// </summary>
internal readonly struct OperationSite
{
    private readonly OperationBlockAnalysisContext _block;

    public OperationSite(OperationBlockAnalysisContext block, IOperation operation)
    {
        _block = block;
        Operation = operation;
    }

    public IOperation Operation { get; }

    /// <summary>The member whose operation blocks hold <see cref="Operation"/> (an operation action's ContainingSymbol).</summary>
    public ISymbol ContainingSymbol => _block.OwningSymbol;

    public AnalyzerOptions Options => _block.Options;

    public CancellationToken CancellationToken => _block.CancellationToken;

    public void ReportDiagnostic(Diagnostic diagnostic) => _block.ReportDiagnostic(diagnostic);
}

/// <summary>
/// Registers a callback for every operation of some kinds as ONE operation block action per member, which walks the
/// member's operation blocks itself, instead of one operation action per kind, which the analyzer driver calls once per
/// operation. The operations met are the same (the driver's operation actions see every descendant of the same operation
/// blocks, nested functions included), and so are the member, options and reporting. The difference is cost: the driver
/// times every callback of an analyzer (a stopwatch read before and after, and whatever garbage collection suspends the
/// thread in between is charged to the analyzer), and with an operation action per kind the GIL analyzers took five to
/// seven callbacks for each invocation of a compilation — nearly all of which return after a name check.
/// </summary>
internal static class OperationSites
{
    public static void Register(CompilationStartAnalysisContext context, Action<OperationSite> action, params OperationKind[] kinds)
    {
        context.RegisterOperationBlockAction(c => Walk(c, action, kinds));
    }

    private static void Walk(OperationBlockAnalysisContext context, Action<OperationSite> action, OperationKind[] kinds)
    {
        Stack<IOperation>? stack = null;
        foreach (var block in context.OperationBlocks)
        {
            stack ??= new Stack<IOperation>(32);
            stack.Push(block);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                if (IsOneOf(current.Kind, kinds))
                {
                    action(new OperationSite(context, current));
                }

                foreach (var child in current.ChildOperations.Reverse())
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static bool IsOneOf(OperationKind kind, OperationKind[] kinds)
    {
        // A loop of this assembly's own: a generic Array.IndexOf instantiation is not in a ReadyToRun image of it.
        for (var i = 0; i < kinds.Length; i++)
        {
            if (kinds[i] == kind)
            {
                return true;
            }
        }

        return false;
    }
}
