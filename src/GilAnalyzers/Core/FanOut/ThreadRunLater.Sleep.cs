using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// <c>Thread.Sleep</c> in the code that starts the threads (<c>threads[i].Start(); Thread.Sleep(16);</c>, often "so the random
/// numbers get another seed"). A sleep is no synchronisation: the threads may get no core while the starter sleeps, so
/// running their work after the starting code is still one of the schedules the original allows. The sleep stays where it
/// is, so whatever the starting code does with the time (objects it makes between sleeps) is unchanged; only the work runs
/// later and closer together — refused when the work reads the clock.
/// </summary>
internal static partial class ThreadRunLater
{
    private const int ClockDepth = 3;

    /// <summary>Whether <paramref name="statement"/> waits in any way other than a <c>Thread.Sleep(…)</c> statement of its own (in blocks and loops).</summary>
    private static bool WaitsBesidesSleep(IOperation statement, KnownTypes types, WorkCostModel costModel)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Sleep", Instance: null } sleep }
                when OperationFacts.IsThread(sleep.TargetMethod.ContainingType, types):
                return sleep.Arguments.Any(a => OperationFacts.WaitingCall(a.Value, types, costModel) is not null);
            case IBlockOperation block:
                return block.Operations.Any(o => WaitsBesidesSleep(o, types, costModel));
            case IForLoopOperation loop:
                return loop.Before.Concat(loop.AtLoopBottom).Any(o => OperationFacts.WaitingCall(o, types, costModel) is not null)
                       || (loop.Condition is not null && OperationFacts.WaitingCall(loop.Condition, types, costModel) is not null)
                       || WaitsBesidesSleep(loop.Body, types, costModel);
            case IForEachLoopOperation loop:
                return OperationFacts.WaitingCall(loop.Collection, types, costModel) is not null || WaitsBesidesSleep(loop.Body, types, costModel);
            default:
                return OperationFacts.WaitingCall(statement, types, costModel) is not null;
        }
    }

    /// <summary>
    /// What in the work reads the time — <c>new Random()</c> without a seed, <c>DateTime.Now</c> / <c>UtcNow</c> / <c>Today</c>,
    /// <c>DateTimeOffset.Now</c> / <c>UtcNow</c>, <c>Environment.TickCount</c>, a <c>Stopwatch</c> — in its body or the
    /// source methods and constructors it calls (a few calls deep); null when nothing does.
    /// </summary>
    private static string? ReadsClock(IOperation? body, KnownTypes types, WorkCostModel costModel)
        => body is null ? null : ReadsClock(body, costModel, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), 0);

    private static string? ReadsClock(IOperation body, WorkCostModel costModel, HashSet<IMethodSymbol> visited, int depth)
    {
        foreach (var operation in OperationFacts.Descendants(body))
        {
            IMethodSymbol? callee = null;
            switch (operation)
            {
                case IObjectCreationOperation creation:
                    if (IsSystemType(creation.Type, "Random") && creation.Arguments.Length == 0)
                    {
                        return "new Random()";
                    }

                    if (IsDiagnosticsStopwatch(creation.Type))
                    {
                        return "Stopwatch";
                    }

                    callee = creation.Constructor;
                    break;
                case IPropertyReferenceOperation property:
                    var owner = property.Property.ContainingType;
                    if ((IsSystemType(owner, "DateTime") && property.Property.Name is "Now" or "UtcNow" or "Today")
                        || (IsSystemType(owner, "DateTimeOffset") && property.Property.Name is "Now" or "UtcNow")
                        || (IsSystemType(owner, "Environment") && property.Property.Name is "TickCount" or "TickCount64")
                        || IsDiagnosticsStopwatch(owner))
                    {
                        return owner.Name + "." + property.Property.Name;
                    }

                    break;
                case IInvocationOperation invocation:
                    if (IsDiagnosticsStopwatch(invocation.TargetMethod.ContainingType))
                    {
                        return "Stopwatch." + invocation.TargetMethod.Name;
                    }

                    callee = invocation.TargetMethod;
                    break;
            }

            if (callee is not null && depth < ClockDepth && visited.Add(callee.OriginalDefinition)
                && costModel.GetBody(callee.OriginalDefinition, System.Threading.CancellationToken.None) is { } calleeBody
                && ReadsClock(calleeBody, costModel, visited, depth + 1) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static bool IsSystemType(ITypeSymbol? type, string name)
        => type is { } t && t.Name == name && t.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

    private static bool IsDiagnosticsStopwatch(ITypeSymbol? type)
        => type is { Name: "Stopwatch" } t && t.ContainingNamespace?.ToDisplayString() == "System.Diagnostics";
}
