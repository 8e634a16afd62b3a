using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL004: CPU-bound work items fanned out by hand — <c>ThreadPool.QueueUserWorkItem</c> joined by a
/// CountdownEvent / event array / Interlocked counter, or LongRunning / <c>new Task</c> chunks joined by
/// <c>Task.WaitAll</c> / <c>WhenAll</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandRolledPoolFanOutAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.HandRolledPoolFanOut);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.ThreadPool is not null || types.TaskFactory is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        context.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation, OperationKind.ObjectCreation);
    }

    private void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var launch = context.Operation;
        // Names first: they are necessary for the type checks below and cost no symbol work or type resolution.
        var isLaunch = launch is Microsoft.CodeAnalysis.Operations.IInvocationOperation invocation
            ? ParallelContextFinder.IsPoolLaunch(invocation.TargetMethod, types)
              || (invocation.TargetMethod is { Name: "Run", ContainingType.Name: "Task" } && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task))
              || (PoolFanOut.IsWrapperCandidate(invocation) && OperationFacts.EnclosingLoop(invocation, OperationFacts.FunctionRoot(invocation)) is not null
                  && PoolFanOut.WrapperOf(invocation.TargetMethod, types, WorkCostModel.For(types)) is not null)
            : launch.Type is { Name: "Task" } && PoolFanOut.IsTaskType(launch.Type, types);
        if (!isLaunch || !HasRequiredTypes(types))
        {
            return;
        }

        foreach (var fanOut in PoolFanOut.Find(OperationFacts.FunctionRoot(launch), types, WorkCostModel.For(types)))
        {
            if (fanOut.Launch != launch || fanOut.Cost.Strength < GilOptions.MinWorkStrength(context.Options, launch.Syntax.SyntaxTree))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.HandRolledPoolFanOut,
                launch.Syntax.GetLocation(),
                fanOut.Count,
                fanOut.Mechanism,
                fanOut.Cost.Reason));
        }
    }
}
