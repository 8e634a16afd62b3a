using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL001: a lock shared by all workers of a parallel loop, held around CPU-bound work, so only one core computes.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SharedLockAroundCpuWorkAnalyzer : GilAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SharedLockAroundCpuWork);

        private protected override bool HasRequiredTypes(KnownTypes types) => types.Parallel is not null;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
        {
            var costModel = new WorkCostModel(types);
            context.RegisterOperationAction(c => AnalyzeLock(c, types, costModel), OperationKind.Lock);
        }

        private static void AnalyzeLock(OperationAnalysisContext context, KnownTypes types, WorkCostModel costModel)
        {
            var lockOperation = (ILockOperation)context.Operation;
            if (lockOperation.LockedValue is null || lockOperation.Body is null)
            {
                return;
            }

            var parallel = ParallelContextFinder.FindEnclosing(lockOperation, types);
            if (parallel is null)
            {
                return;
            }

            var identity = LockSharing.Classify(lockOperation.LockedValue, parallel.Region);
            if (!identity.IsShared)
            {
                return;
            }

            var cost = costModel.Analyze(lockOperation.Body);
            if (!cost.IsCpuBound)
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.SharedLockAroundCpuWork,
                LockHeaderLocation(lockOperation),
                identity.Name,
                cost.Reason,
                parallel.Description));
        }

        /// <summary>The squiggle covers <c>lock (x)</c>, not the whole block.</summary>
        private static Location LockHeaderLocation(ILockOperation lockOperation)
        {
            if (lockOperation.Syntax is LockStatementSyntax statement)
            {
                var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statement.LockKeyword.SpanStart, statement.CloseParenToken.Span.End);
                return Location.Create(statement.SyntaxTree, span);
            }

            return lockOperation.Syntax.GetLocation();
        }
    }
}
