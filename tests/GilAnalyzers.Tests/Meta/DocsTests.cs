using Microsoft.CodeAnalysis;
using Xunit;

namespace GilAnalyzers.Tests.Meta;

/// <summary>
/// Keeps the docs in step with the descriptors. With <c>GIL_UPDATE_DOCS=1</c> the README rule table is
/// rewritten and missing rule pages are created from the template (existing pages are never overwritten).
/// </summary>
public sealed class DocsTests
{
    public static TheoryData<string> DescriptorIds => new(RuleCatalog.Rules.Select(d => d.Id));

    [Fact]
    public void Descriptors_sharing_an_id_agree_on_what_users_see()
    {
        Assert.NotEmpty(RuleCatalog.Descriptors);
        foreach (var rule in RuleCatalog.Descriptors.GroupBy(d => d.Id, StringComparer.Ordinal))
        {
            var first = rule.First();
            Assert.All(rule, d =>
            {
                Assert.Equal(first.Title.ToString(), d.Title.ToString());
                Assert.Equal(first.MessageFormat.ToString(), d.MessageFormat.ToString());
                Assert.Equal(first.Category, d.Category);
                Assert.Equal(first.DefaultSeverity, d.DefaultSeverity);
                Assert.Equal(first.IsEnabledByDefault, d.IsEnabledByDefault);
            });
        }
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Help_link_points_at_the_rule_page(string id)
    {
        Assert.All(RuleCatalog.Descriptors.Where(d => d.Id == id), descriptor =>
            Assert.Equal(Descriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri));
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Rule_page_exists_with_the_title_and_every_section(string id)
    {
        var descriptor = Descriptor(id);
        var path = RepositoryFiles.RulePage(id);
        if (!File.Exists(path) && RepositoryFiles.UpdateRequested)
        {
            Directory.CreateDirectory(RepositoryFiles.RulesDirectory);
            File.WriteAllText(path, RuleDocs.PageTemplate(descriptor, RuleCatalog.FixableIds.Contains(id)));
        }

        Assert.True(File.Exists(path), $"{id} has no page at {path}. Run the tests with GIL_UPDATE_DOCS=1 to create one from the template, then write it.");
        var page = RepositoryFiles.ReadNormalized(path);
        var firstLine = page.Split('\n')[0];
        Assert.True(firstLine == RuleDocs.PageTitle(descriptor),
            $"The first line of {path} must be '{RuleDocs.PageTitle(descriptor)}' but is '{firstLine}'.");

        var headings = page.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l[3..].Trim()).ToList();
        var missing = RuleDocs.Sections.Where(s => !headings.Contains(s)).ToList();
        Assert.True(missing.Count == 0, $"{path} lacks the section(s): {string.Join(", ", missing.Select(s => "## " + s))}.");
        Assert.True(!page.Contains(RuleDocs.Placeholder, StringComparison.Ordinal),
            $"{path} still has template sections marked '{RuleDocs.Placeholder}'; write them.");
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Rule_has_a_release_tracking_row(string id)
    {
        var rows = RepositoryFiles.ReleaseTrackingFiles
            .Where(File.Exists)
            .SelectMany(path => RepositoryFiles.ReadNormalized(path).Split('\n'))
            .Select(line => line.Split('|')[0].Trim());
        Assert.True(rows.Contains(id, StringComparer.Ordinal),
            $"{id} has no row in src/GilAnalyzers/AnalyzerReleases.Unshipped.md or AnalyzerReleases.Shipped.md.");
    }

    [Fact]
    public void Every_rule_page_belongs_to_a_descriptor()
    {
        var ids = RuleCatalog.Rules.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.Exists(RepositoryFiles.RulesDirectory)
            ? Directory.EnumerateFiles(RepositoryFiles.RulesDirectory, "GIL*.md")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(name => !ids.Contains(name!))
                .ToList()
            : [];
        Assert.True(orphans.Count == 0, "docs/rules has pages for rules without a descriptor: " + string.Join(", ", orphans));
    }

    [Fact]
    public void Readme_rule_table_matches_the_descriptors()
    {
        Assert.True(File.Exists(RepositoryFiles.Readme), $"{RepositoryFiles.Readme} is missing.");
        var readme = RepositoryFiles.ReadNormalized(RepositoryFiles.Readme);
        var expected = RuleDocs.RuleTable(RuleCatalog.Rules, RuleCatalog.FixableIds);
        var current = RuleDocs.CurrentBlock(readme);
        Assert.True(current is not null, $"README.md has no '{RuleDocs.BeginMarker}' … '{RuleDocs.EndMarker}' block for the rule table.");

        if (current != expected && RepositoryFiles.UpdateRequested)
        {
            File.WriteAllText(RepositoryFiles.Readme, RuleDocs.ReplaceBlock(readme, expected));
            current = expected;
        }

        Assert.True(current == expected,
            "README.md's rule table is out of date with the descriptors. Run the tests with GIL_UPDATE_DOCS=1 to regenerate it.\n"
            + $"Expected:\n{expected}\nActual:\n{current}");
    }

    private static DiagnosticDescriptor Descriptor(string id) => RuleCatalog.Rules.Single(d => d.Id == id);
}
