using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Core;

/// <summary>
/// Options read from .editorconfig / .globalconfig.
/// <c>gil_analyzers.min_work = loop | nested_loop</c> (or a number, 1 = a loop, 2 = nested loops / recursion):
/// the least CPU-bound work that a rule reports. Default: <c>loop</c>.
/// The number is compared with <see cref="WorkCost.Strength"/>: one level per loop whose trip count is not a small
/// constant (more than <see cref="WorkCostModel.SmallLoopLimit"/> iterations), LINQ pass or heavy framework call; loops
/// with constant bounds count by the product of their trip counts, one level each time it passes the limit (two
/// nested loops of 8 — 64 iterations — are a loop; four — 4,096 — are nested loops; 3 × 3 is nothing).
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
