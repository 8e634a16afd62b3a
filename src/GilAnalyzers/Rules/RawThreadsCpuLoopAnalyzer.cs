using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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
            // Every thread site of a function asks for the same fan-outs: found once per function (weakly held).
            var found = new ConditionalWeakTable<IOperation, Box>();
            context.RegisterOperationAction(c => AnalyzeCreation(c, types, costModel, found), OperationKind.ObjectCreation);
            context.RegisterOperationAction(c => AnalyzeHelperCall(c, types, costModel, found), OperationKind.Invocation);
        }

        private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel, ConditionalWeakTable<IOperation, Box> found)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            // The name first: necessary for the type check, and it resolves nothing.
            if (creation.Type is not { Name: "Thread" } || !KnownTypes.Is(creation.Type, types.Thread))
            {
                return;
            }

            Report(context, creation, types, costModel, found);
        }

        /// <summary>A call of a small helper that makes (and maybe starts) a worker thread: <c>threads[i] = StartWorker(i);</c>.</summary>
        private static void AnalyzeHelperCall(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel, ConditionalWeakTable<IOperation, Box> found)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!ThreadFanOut.IsHelperCandidate(invocation.TargetMethod, types))
            {
                return;
            }

            Report(context, invocation, types, costModel, found);
        }

        private sealed class Box
        {
            public Box(ImmutableArray<FanOut> fanOuts) => FanOuts = fanOuts;

            public ImmutableArray<FanOut> FanOuts { get; }
        }

        private static void Report(OperationAnalysisContext context, IOperation site, KnownTypes types, WorkCostModel costModel, ConditionalWeakTable<IOperation, Box> found)
        {
            var root = FanOutFacts.FunctionRoot(site);
            var fanOuts = found.GetValue(root, r => new Box(ThreadFanOut.Find(r, types, costModel))).FanOuts;
            foreach (var fanOut in fanOuts)
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
