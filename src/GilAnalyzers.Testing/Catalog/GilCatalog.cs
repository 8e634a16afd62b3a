using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.Testing;

/// <summary>
/// Every C# analyzer of GilAnalyzers.dll and every C# code fix provider of GilAnalyzers.CodeFixes.dll, found by
/// reflection in one place, so a new rule or fixer needs no change in the tests, tools or harness that run them all.
/// A type counts when it is concrete, has a parameterless constructor and carries <see cref="DiagnosticAnalyzerAttribute"/>
/// or <see cref="ExportCodeFixProviderAttribute"/> for C# (what a compiler or an IDE would load). Ordered by full name.
/// </summary>
public static class GilCatalog
{
    public static Assembly AnalyzerAssembly { get; } = typeof(DiagnosticIds).Assembly;

    public static Assembly CodeFixAssembly { get; } = typeof(GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer).Assembly;

    public static ImmutableArray<Type> AnalyzerTypes { get; } = AnalyzerTypesIn(AnalyzerAssembly);

    public static ImmutableArray<Type> FixerTypes { get; } = FixerTypesIn(CodeFixAssembly);

    /// <summary>Fresh instances of every GilAnalyzers analyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers() => Create<DiagnosticAnalyzer>(AnalyzerTypes);

    /// <summary>Fresh instances of every GilAnalyzers code fix provider.</summary>
    public static ImmutableArray<CodeFixProvider> CreateFixers() => Create<CodeFixProvider>(FixerTypes);

    /// <summary>The C# analyzers of any assembly (e.g. one a user names with gil-bench --fixers).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> AnalyzersIn(Assembly assembly) => Create<DiagnosticAnalyzer>(AnalyzerTypesIn(assembly));

    /// <summary>The C# code fix providers of any assembly.</summary>
    public static ImmutableArray<CodeFixProvider> FixersIn(Assembly assembly) => Create<CodeFixProvider>(FixerTypesIn(assembly));

    public static ImmutableArray<Type> AnalyzerTypesIn(Assembly assembly) =>
        ConcreteTypes<DiagnosticAnalyzer>(assembly)
            .Where(t => t.GetCustomAttributes<DiagnosticAnalyzerAttribute>(inherit: false).Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .ToImmutableArray();

    public static ImmutableArray<Type> FixerTypesIn(Assembly assembly) =>
        ConcreteTypes<CodeFixProvider>(assembly)
            .Where(t => t.GetCustomAttributes<ExportCodeFixProviderAttribute>(inherit: false).Any(a => a.Languages.Contains(LanguageNames.CSharp)))
            .ToImmutableArray();

    /// <summary>
    /// Every concrete class of <paramref name="assembly"/> assignable to <typeparamref name="T"/> with a parameterless
    /// constructor, attributes not checked (the meta-tests use this to find types that forgot theirs), ordered by full
    /// name. Types that fail to load are skipped.
    /// </summary>
    public static ImmutableArray<Type> ConcreteTypes<T>(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }

        return types
            .Where(t => t.IsClass && !t.IsAbstract && typeof(T).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    private static ImmutableArray<T> Create<T>(ImmutableArray<Type> types) =>
        types.Select(t => (T)Activator.CreateInstance(t)!).ToImmutableArray();
}
