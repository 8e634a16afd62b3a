using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL006: a GIL001-shaped site (a shared lock around CPU-bound work in parallel code, or a process-global lock around
/// CPU-bound work) whose work is entangled with process-global state: it reads static fields it also writes, calls
/// native code, or calls types configured as not thread-safe. Reported instead of GIL001: only processes help.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessGlobalStateUnderLockAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.ProcessGlobalStateUnderLock);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.Monitor is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        SerialisedLockSite.RegisterLockRegions(context, types, (c, region) =>
        {
            if (HasRequiredTypes(types)
                && SerialisedLockSite.Classify(c, region, types, WorkCostModel.For(types)) is { Entanglement: { } entanglement } site)
            {
                c.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ProcessGlobalStateUnderLock,
                    region.Location,
                    site.LockName,
                    site.Reason,
                    site.Where,
                    entanglement));
            }
        });
    }
}
