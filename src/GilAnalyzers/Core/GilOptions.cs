using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// Options read from .editorconfig / .globalconfig.
    /// <c>gil_analyzers.min_work = loop | nested_loop</c> (or a number, 1 = a loop, 2 = nested loops / recursion):
    /// the least CPU-bound work that a rule reports. Default: <c>loop</c>.
    /// </summary>
    internal static class GilOptions
    {
        public const string MinWorkKey = "gil_analyzers.min_work";

        public static int MinWorkStrength(AnalyzerOptions options, SyntaxTree tree)
        {
            var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
            if (!config.TryGetValue(MinWorkKey, out var value) && !options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(MinWorkKey, out value))
            {
                return WorkCost.LoopStrength;
            }

            switch (value.Trim().ToLowerInvariant())
            {
                case "loop":
                    return WorkCost.LoopStrength;
                case "nested_loop":
                case "nested":
                    return WorkCost.NestedStrength;
                default:
                    return int.TryParse(value, out var number) && number > 0 ? number : WorkCost.LoopStrength;
            }
        }
    }
}
