using Microsoft.CodeAnalysis;
using Xunit;

namespace GilAnalyzers.Tests.Meta;

/// <summary>The generator behind the docs check, on made-up rules.</summary>
public sealed class RuleDocsGeneratorTests
{
#pragma warning disable RS2008 // Made-up descriptors for the generator; they are never shipped.
    private static readonly DiagnosticDescriptor Fixable = new("GIL998", "Title with | pipe", "m", "Performance", DiagnosticSeverity.Warning, true);
    private static readonly DiagnosticDescriptor NotFixable = new("GIL997", "Other rule", "m", "Performance", DiagnosticSeverity.Info, true);
#pragma warning restore RS2008

    [Fact]
    public void Table_lists_rules_by_id_with_link_title_severity_and_fix()
    {
        var table = RuleDocs.RuleTable([Fixable, NotFixable], new HashSet<string> { "GIL998" });

        Assert.Equal(
            """
            <!-- rules:begin -->
            | Rule | Title | Default severity | Code fix |
            | --- | --- | --- | --- |
            | [GIL997](docs/rules/GIL997.md) | Other rule | Info | No |
            | [GIL998](docs/rules/GIL998.md) | Title with \| pipe | Warning | Yes |
            <!-- rules:end -->
            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public void Replacing_the_block_keeps_everything_around_it()
    {
        var readme = "# Title\n\nIntro.\n\n<!-- rules:begin -->\nold\n<!-- rules:end -->\n\n## After\n";
        var updated = RuleDocs.ReplaceBlock(readme, "<!-- rules:begin -->\nnew\n<!-- rules:end -->");
        Assert.Equal("# Title\n\nIntro.\n\n<!-- rules:begin -->\nnew\n<!-- rules:end -->\n\n## After\n", updated);
    }

    [Fact]
    public void Replacing_without_markers_fails_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RuleDocs.ReplaceBlock("# Title\n", "x"));
        Assert.Contains("<!-- rules:begin -->", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_template_has_the_title_every_section_and_placeholders_to_fill()
    {
        var page = RuleDocs.PageTemplate(NotFixable, hasCodeFix: false);

        Assert.StartsWith("# GIL997: Other rule\n", page, StringComparison.Ordinal);
        Assert.All(RuleDocs.Sections, section => Assert.Contains($"\n## {section}\n", page, StringComparison.Ordinal));
        Assert.Contains(RuleDocs.Placeholder, page, StringComparison.Ordinal);
        Assert.Contains("dotnet_diagnostic.GIL997.severity", page, StringComparison.Ordinal);
    }
}
