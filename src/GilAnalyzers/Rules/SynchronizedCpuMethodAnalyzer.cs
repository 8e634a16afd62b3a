using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Rules
{
    /// <summary>
    /// GIL002: <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> on a method whose body is CPU-bound. The attribute
    /// is a hidden lock on <c>this</c> (or on the type, for a static method) around the whole body, so the body is costed
    /// as a lock body: bookkeeping of the object's own small collections and rare "new best" branches are not CPU work.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SynchronizedCpuMethodAnalyzer : GilAnalyzer
    {
        /// <summary>MethodImplOptions.Synchronized.</summary>
        private const int SynchronizedFlag = 0x20;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SynchronizedCpuMethod);

        private protected override bool HasRequiredTypes(KnownTypes types) => types.MethodImplAttribute is not null;

        private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
        {
            var costModel = WorkCostModel.For(types);
            context.RegisterOperationBlockAction(c =>
            {
                if (c.OwningSymbol is not IMethodSymbol method || !IsSynchronized(method, types) || c.OperationBlocks.IsEmpty)
                {
                    return;
                }

                var cost = costModel.AnalyzeLockBody(c.OperationBlocks, c.CancellationToken);
                var location = method.Locations.Length > 0 ? method.Locations[0] : null;
                if (!cost.IsCpuBound || location is null || !location.IsInSource
                    || cost.Strength < GilOptions.MinWorkStrength(c.Options, location.SourceTree!))
                {
                    return;
                }

                var target = method.IsStatic ? "the type '" + method.ContainingType.Name + "'" : "the instance";
                c.ReportDiagnostic(Diagnostic.Create(Descriptors.SynchronizedCpuMethod, location, method.Name, cost.Reason, target));
            });
        }

        internal static bool IsSynchronized(IMethodSymbol method, KnownTypes types)
        {
            foreach (var attribute in method.GetAttributes())
            {
                // The name first: it resolves no type.
                if (attribute.AttributeClass is not { Name: "MethodImplAttribute" } attributeClass
                    || !KnownTypes.Is(attributeClass, types.MethodImplAttribute)
                    || attribute.ConstructorArguments.Length == 0)
                {
                    continue;
                }

                var value = attribute.ConstructorArguments[0].Value;
                var flags = value switch
                {
                    int i => i,
                    short s => s,
                    _ => 0,
                };
                if ((flags & SynchronizedFlag) != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
