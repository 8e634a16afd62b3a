using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL003: two or more <c>Thread</c>s created, started and joined in one method to run CPU-bound work — a hand-made
    /// Parallel.For / Parallel.Invoke with static partitions and a thread creation per partition.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RawThreadsCpuLoopAnalyzer : GilAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.RawThreadsCpuLoop);

        private protected override bool HasRequiredTypes(KnownTypes types) => types.Thread is not null;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
        {
            var costModel = WorkCostModel.For(types);
            context.RegisterOperationAction(c => AnalyzeCreation(c, types, costModel), OperationKind.ObjectCreation);
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            // The name first: necessary for the type check, and it resolves nothing.
            if (creation.Type is not { Name: "Thread" } || !KnownTypes.Is(creation.Type, types.Thread))
            {
                return;
            }

            foreach (var fanOut in ThreadFanOut.Find(FanOutFacts.FunctionRoot(creation), types, costModel))
            {
                if (fanOut.Launch != creation || fanOut.Cost.Strength < GilOptions.MinWorkStrength(context.Options, creation.Syntax.SyntaxTree))
                {
                    continue;
                }

                var suggestion = fanOut.Shape == FanOutShape.Explicit ? "Parallel.Invoke" : "Parallel.For";
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.RawThreadsCpuLoop,
                    creation.Syntax.GetLocation(),
                    fanOut.Count,
                    fanOut.Cost.Reason,
                    suggestion));
            }
        }
    }
}
