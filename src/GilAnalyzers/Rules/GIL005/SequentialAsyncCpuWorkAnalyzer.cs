using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL005: <c>Task.WhenAll</c> / <c>Task.WaitAll</c> over calls to async methods that compute before their first
/// await that can yield: each call finishes its computation before the next call starts.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SequentialAsyncCpuWorkAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SequentialAsyncCpuWork);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.Task is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        context.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        // The method name first: it resolves no type.
        if ((invocation.TargetMethod.Name != "WhenAll" && invocation.TargetMethod.Name != "WaitAll")
            || !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Task))
        {
            return;
        }

        var fanIn = AsyncFanIn.Analyze(invocation, types, WorkCostModel.For(types));
        if (fanIn is null || fanIn.Cost.Strength < GilOptions.MinWorkStrength(context.Options, invocation.Syntax.SyntaxTree))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.SequentialAsyncCpuWork,
            invocation.Syntax.GetLocation(),
            invocation.TargetMethod.Name,
            fanIn.Count,
            fanIn.MethodName,
            fanIn.Cost.Reason));
    }
}
