using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL001: a lock that every worker takes, held around CPU-bound work, so only one core computes.
/// Fires when a shared lock's region is CPU-bound inside parallel code (Parallel.*, PLINQ, tasks or threads
/// started in a loop), or when a process-global lock (static field, typeof, string literal, named Mutex) is
/// held around CPU-bound work anywhere: every thread that calls that code queues for it. Sites whose work is
/// entangled with process-global state are GIL006's instead.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedLockAroundCpuWorkAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.SharedLockAroundCpuWork);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.Monitor is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        SerialisedLockSite.RegisterLockRegions(context, types, (c, region) =>
        {
            if (HasRequiredTypes(types)
                && SerialisedLockSite.Classify(c, region, types, WorkCostModel.For(types)) is { Entanglement: null } site)
            {
                c.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.SharedLockAroundCpuWork, region.Location, site.LockName, site.Reason, site.Where));
            }
        });
    }
}
