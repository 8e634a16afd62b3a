using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL003: two or more <c>Thread</c>s created (directly or by a small helper), started and joined to run CPU-bound work — a hand-made
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
            context.RegisterOperationAction(c => AnalyzeHelperCall(c, types, costModel), OperationKind.Invocation);
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            // The name first: necessary for the type check, and it resolves nothing.
            if (creation.Type is not { Name: "Thread" } || !KnownTypes.Is(creation.Type, types.Thread))
            {
                return;
            }

            Report(context, creation, types, costModel);
        }

        /// <summary>A call of a small helper that makes (and maybe starts) a worker thread: <c>threads[i] = StartWorker(i);</c>.</summary>
        private static void AnalyzeHelperCall(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!ThreadFanOut.IsHelperCandidate(invocation.TargetMethod, types))
            {
                return;
            }

            Report(context, invocation, types, costModel);
        }

        private static void Report(OperationAnalysisContext context, IOperation site, KnownTypes types, WorkCostModel costModel)
        {
            foreach (var fanOut in ThreadFanOut.Find(FanOutFacts.FunctionRoot(site), types, costModel))
            {
                if (fanOut.Launch != site || fanOut.Cost.Strength < GilOptions.MinWorkStrength(context.Options, site.Syntax.SyntaxTree))
                {
                    continue;
                }

                var suggestion = fanOut.Shape == FanOutShape.Explicit ? "Parallel.Invoke" : "Parallel.For";
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.RawThreadsCpuLoop,
                    site.Syntax.GetLocation(),
                    fanOut.Count,
                    fanOut.Cost.Reason,
                    suggestion));
            }
        }
    }
}
