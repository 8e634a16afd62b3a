using System.IO.Compression;
using System.Reflection.PortableExecutable;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>Reading assemblies straight out of a packed .nupkg.</summary>
public static class PackageEntries
{
    /// <summary>Opens the assembly at <paramref name="entryName"/> in <paramref name="package"/> and hands its PE reader to <paramref name="read"/>.</summary>
    public static T ReadAssembly<T>(ZipArchive package, string entryName, Func<PEReader, T> read)
    {
        var entry = package.GetEntry(entryName) ?? throw new InvalidOperationException($"{entryName} is missing from the package.");
        using var buffer = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var pe = new PEReader(buffer);
        return read(pe);
    }
}
