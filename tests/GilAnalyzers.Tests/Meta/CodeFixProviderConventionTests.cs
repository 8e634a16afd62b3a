using System.Collections.Immutable;
using System.Composition;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace GilAnalyzers.Tests.Meta;

/// <summary>
/// Every code fix provider in GilAnalyzers.CodeFixes is sealed, exported for C# under its own name, shared,
/// fixes known GilAnalyzers rules and supports Fix All. (Vacuous while there are no fixers; the probes below
/// show the check itself catches each violation.)
/// </summary>
public sealed class CodeFixProviderConventionTests
{
    public static TheoryData<string> CodeFixProviderNames =>
        RuleCatalog.CodeFixProviderTypes.IsEmpty
            ? new TheoryData<string> { "(none yet)" }
            : new TheoryData<string>(RuleCatalog.CodeFixProviderTypes.Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(CodeFixProviderNames))]
    public void Code_fix_provider_follows_the_conventions(string typeName)
    {
        if (RuleCatalog.CodeFixProviderTypes.IsEmpty)
        {
            Assert.Equal("(none yet)", typeName);
            return;
        }

        var type = RuleCatalog.CodeFixAssembly.GetType(typeName, throwOnError: true)!;
        var knownIds = RuleCatalog.Descriptors.Select(d => d.Id).ToImmutableHashSet(StringComparer.Ordinal);
        var problems = Problems(type, knownIds);
        Assert.True(problems.Count == 0, $"{type.Name}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Well_formed_probe_passes()
    {
        Assert.Empty(Problems(typeof(WellFormedProbeFixer), ImmutableHashSet.Create("GIL001")));
    }

    [Fact]
    public void Ill_formed_probe_fails_on_every_convention()
    {
        var problems = Problems(typeof(IllFormedProbeFixer), ImmutableHashSet.Create("GIL001"));

        Assert.Contains(problems, p => p.Contains("sealed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("[ExportCodeFixProvider", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("[Shared]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("FixAllProvider", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("GIL999", StringComparison.Ordinal));
    }

    private static List<string> Problems(Type type, ImmutableHashSet<string> knownIds)
    {
        var problems = new List<string>();
        if (!type.IsSealed)
        {
            problems.Add("is not sealed");
        }

        var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>(inherit: false);
        if (export is null)
        {
            problems.Add("has no [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(...))]");
        }
        else
        {
            if (export.Name != type.Name)
            {
                problems.Add($"[ExportCodeFixProvider] Name is '{export.Name}', expected nameof({type.Name})");
            }

            if (!export.Languages.Contains(LanguageNames.CSharp))
            {
                problems.Add("[ExportCodeFixProvider] does not list C#");
            }
        }

        if (type.GetCustomAttribute<SharedAttribute>(inherit: false) is null)
        {
            problems.Add("has no [Shared]");
        }

        var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
        if (provider.GetFixAllProvider() is null)
        {
            problems.Add("GetFixAllProvider() returns null; return WellKnownFixAllProviders.BatchFixer or a custom FixAllProvider");
        }

        if (provider.FixableDiagnosticIds.IsDefaultOrEmpty)
        {
            problems.Add("fixes no diagnostic IDs");
        }
        else
        {
            problems.AddRange(provider.FixableDiagnosticIds.Where(id => !knownIds.Contains(id)).Select(id => $"fixes '{id}', which no descriptor declares"));
        }

        return problems;
    }

    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WellFormedProbeFixer)), Shared]
    private sealed class WellFormedProbeFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ["GIL001"];

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => Task.CompletedTask;
    }

    private class IllFormedProbeFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ["GIL999"];

        public override FixAllProvider? GetFixAllProvider() => null;

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => Task.CompletedTask;
    }
}
