using System.Reflection;
using System.Text;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>
/// The severity presets shipped in the package's <c>buildTransitive/config/</c>: global analyzer config files whose
/// rule lists are generated from <see cref="DiagnosticIds"/> (by reflection), so a new rule cannot be left out.
/// Run the tests with <c>GIL_UPDATE_DOCS=1</c> to rewrite the files from the generator.
/// </summary>
public static class SeverityPresets
{
    /// <summary>The modes that ship a config file (Recommended is the package's own defaults: no file).</summary>
    public static readonly IReadOnlyList<string> ModesWithFiles = ["All", "Strict", "None"];

    public static IReadOnlyList<string> RuleIds { get; } = typeof(DiagnosticIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    public static bool UpdateRequested =>
        Environment.GetEnvironmentVariable("GIL_UPDATE_DOCS") is "1" or "true" or "True";

    public static string PathOf(string mode) =>
        Path.Combine(RepositoryPaths.Root, "src", "GilAnalyzers.Package", "buildTransitive", "config", $"GilAnalyzers.{mode}.globalconfig");

    /// <summary>The severity every GIL rule gets in <paramref name="mode"/>.</summary>
    public static string SeverityOf(string mode) => mode switch
    {
        "All" => "warning",
        "Strict" => "error",
        "None" => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only All, Strict and None ship a config file."),
    };

    public static string Render(string mode)
    {
        var severity = SeverityOf(mode);
        var text = new StringBuilder()
            .Append("# GilAnalyzersMode=").Append(mode).Append(": ").Append(Purpose(mode)).Append('\n')
            .Append("# Generated from GilAnalyzers.DiagnosticIds by the integration tests (GIL_UPDATE_DOCS=1 rewrites it): do not edit.\n")
            .Append("# global_level -1: the project's own .globalconfig (level 0 or 100) and .editorconfig settings win.\n")
            .Append("is_global = true\n")
            .Append("global_level = -1\n");
        if (mode != "None")
        {
            text.Append('\n').Append("gil_analyzers.min_work = loop\n");
        }

        text.Append('\n');
        foreach (var id in RuleIds)
        {
            text.Append("dotnet_diagnostic.").Append(id).Append(".severity = ").Append(severity).Append('\n');
        }

        return text.ToString();
    }

    private static string Purpose(string mode) => mode switch
    {
        "All" => "every GilAnalyzers rule is a warning, at the most sensitive work threshold.",
        "Strict" => "every GilAnalyzers rule is an error, at the most sensitive work threshold.",
        _ => "every GilAnalyzers rule is off.",
    };
}
