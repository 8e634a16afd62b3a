using Microsoft.CodeAnalysis.Testing;

namespace GilAnalyzers.Tests.Verifiers;

/// <summary>
/// Reference assemblies the tests compile against. Net90/Net100 use patch versions this machine's NuGet serves
/// (Microsoft.CodeAnalysis.Testing's own Net90 asks for 9.0.0, which is not served).
/// </summary>
public static class TestReferences
{
    public static ReferenceAssemblies Net80 { get; } = ReferenceAssemblies.Net.Net80;

    public static ReferenceAssemblies Net90 { get; } = new(
        "net9.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "9.0.16"), Path.Combine("ref", "net9.0"));

    public static ReferenceAssemblies Net100 { get; } = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    /// <summary>What tests use unless they say otherwise.</summary>
    public static ReferenceAssemblies Default => Net80;
}
