using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers;

/// <summary>
/// Base of every GilAnalyzers analyzer: concurrent execution, no generated code, and the per-compilation
/// <see cref="KnownTypes"/> handed to the rule.
/// </summary>
/// <remarks>
/// Nothing is resolved at compilation start. The first <c>GetTypeByMetadataName</c> on a compilation walks every
/// referenced assembly (~0.1 s in a cold compiler process with 150 references), and whichever analyzer asks first is
/// charged for it: a project without threads would pay that for nothing. Each rule instead filters candidates by
/// name and syntax first and checks <see cref="HasRequiredTypes"/> only when a candidate appears; a rule whose
/// required types are missing reports nothing.
/// </remarks>
public abstract class GilAnalyzer : DiagnosticAnalyzer
{
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start => OnCompilationStart(start, KnownTypes.For(start.Compilation)));
    }

    /// <summary>
    /// Whether the compilation references what this rule needs; when false, the rule reports nothing. Resolves types:
    /// call it after the cheap filters of a callback, not at compilation start.
    /// </summary>
    private protected abstract bool HasRequiredTypes(KnownTypes types);

    private protected abstract void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types);
}
