namespace GilAnalyzers;

internal static class DiagnosticCategories
{
    public const string Performance = "Performance";
}
