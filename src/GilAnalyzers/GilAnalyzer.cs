using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers
{
    /// <summary>
    /// Base of every GilAnalyzers analyzer: concurrent execution, no generated code, and the per-compilation
    /// <see cref="KnownTypes"/> handed to the rule. A rule whose required types are missing registers nothing.
    /// </summary>
    public abstract class GilAnalyzer : DiagnosticAnalyzer
    {
        public sealed override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var types = KnownTypes.For(start.Compilation);
                if (HasRequiredTypes(types))
                {
                    OnCompilationStart(start, types);
                }
            });
        }

        /// <summary>Whether the compilation references what this rule needs; when false, nothing is registered.</summary>
        private protected abstract bool HasRequiredTypes(KnownTypes types);

        private protected abstract void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types);
    }
}
