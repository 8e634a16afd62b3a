using System.Text;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Tests.Meta;

/// <summary>Generates the docs that follow from the descriptors: the README rule table and new rule pages.</summary>
public static class RuleDocs
{
    public const string BeginMarker = "<!-- rules:begin -->";
    public const string EndMarker = "<!-- rules:end -->";

    /// <summary>The sections every rule page has, in order.</summary>
    public static readonly string[] Sections = ["Cause", "Why it is slow", "How to fix", "When to suppress", "Configuration"];

    /// <summary>Left in a page created from the template until someone writes the section.</summary>
    public const string Placeholder = "TO BE WRITTEN";

    public static string PageTitle(DiagnosticDescriptor descriptor) => $"# {descriptor.Id}: {descriptor.Title}";

    /// <summary>The table between the markers, markers included.</summary>
    public static string RuleTable(IEnumerable<DiagnosticDescriptor> descriptors, ISet<string> fixableIds)
    {
        var table = new StringBuilder();
        table.Append(BeginMarker).Append('\n');
        table.Append("| Rule | Title | Default severity | Code fix |\n");
        table.Append("| --- | --- | --- | --- |\n");
        foreach (var descriptor in descriptors.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            table.Append($"| [{descriptor.Id}](docs/rules/{descriptor.Id}.md) | {Escape(descriptor.Title.ToString())} | "
                + $"{descriptor.DefaultSeverity} | {(fixableIds.Contains(descriptor.Id) ? "Yes" : "No")} |\n");
        }

        table.Append(EndMarker);
        return table.ToString();
    }

    /// <summary>The README's current block between the markers (markers included), or null when the markers are missing.</summary>
    public static string? CurrentBlock(string readme)
    {
        var begin = readme.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(EndMarker, StringComparison.Ordinal);
        return begin < 0 || end < begin ? null : readme[begin..(end + EndMarker.Length)];
    }

    public static string ReplaceBlock(string readme, string block)
    {
        var current = CurrentBlock(readme)
            ?? throw new InvalidOperationException($"README.md has no '{BeginMarker}' … '{EndMarker}' block to rewrite; add the two markers where the rule table belongs.");
        var begin = readme.IndexOf(BeginMarker, StringComparison.Ordinal);
        return readme[..begin] + block + readme[(begin + current.Length)..];
    }

    /// <summary>A new rule page: the title and facts from the descriptor, each section left to be written.</summary>
    public static string PageTemplate(DiagnosticDescriptor descriptor, bool hasCodeFix)
    {
        var page = new StringBuilder();
        page.Append(PageTitle(descriptor)).Append("\n\n");
        page.Append("| | |\n| --- | --- |\n");
        page.Append($"| ID | {descriptor.Id} |\n");
        page.Append($"| Category | {descriptor.Category} |\n");
        page.Append($"| Default severity | {descriptor.DefaultSeverity} |\n");
        page.Append($"| Code fix | {(hasCodeFix ? "Yes" : "No")} |\n\n");
        page.Append(descriptor.Description).Append("\n");
        foreach (var section in Sections.Where(s => s != "Configuration"))
        {
            page.Append($"\n## {section}\n\n{Placeholder}\n");
        }

        page.Append("\n## Configuration\n\nSet the severity in `.editorconfig`:\n\n```ini\n[*.cs]\n");
        page.Append($"dotnet_diagnostic.{descriptor.Id}.severity = warning   # error, warning, suggestion, silent or none\n```\n");

        return page.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
