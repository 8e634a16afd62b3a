using System.Collections.Immutable;
using System.Reflection;
using GilAnalyzers.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Tests.Meta;

/// <summary>What the shipped assemblies declare, found by reflection: descriptors, analyzers and code fixes.</summary>
public static class RuleCatalog
{
    public static Assembly AnalyzerAssembly { get; } = typeof(Descriptors).Assembly;

    public static Assembly CodeFixAssembly { get; } = Assembly.Load("GilAnalyzers.CodeFixes");

    /// <summary>
    /// Every public static <see cref="DiagnosticDescriptor"/> field of <see cref="Descriptors"/>, ordered by ID. One rule
    /// may have several (e.g. GIL001's compilation-end variant); they must agree on everything a user sees.
    /// </summary>
    public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } =
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();

    /// <summary>One descriptor per rule ID (the first declared), ordered by ID: what the docs describe.</summary>
    public static ImmutableArray<DiagnosticDescriptor> Rules { get; } =
        Descriptors.GroupBy(d => d.Id, StringComparer.Ordinal).Select(g => g.First()).ToImmutableArray();

    public static ImmutableArray<Type> AnalyzerTypes { get; } = GilCatalog.ConcreteTypes<DiagnosticAnalyzer>(AnalyzerAssembly);

    public static ImmutableArray<Type> CodeFixProviderTypes { get; } = GilCatalog.ConcreteTypes<CodeFixProvider>(CodeFixAssembly);

    /// <summary>The IDs some code fix provider can fix.</summary>
    public static ImmutableHashSet<string> FixableIds { get; } =
        CodeFixProviderTypes
            .SelectMany(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds)
            .ToImmutableHashSet(StringComparer.Ordinal);

    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers() =>
        AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
}
