using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Callee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A lock kept next to a native object, or taken on a non-thread-safe archive, around bulk work is reported where it is
/// (SerialisedLockSite), whoever calls it. When parallel code also calls the method on one shared object, the
/// parallel-callee analysis must not report the same lock a second time.
/// </summary>
public class Locks41CompanionLockInParallelCalleeTests
{
    private const string Source = """
        using System.IO;
        using System.IO.Compression;
        using System.Threading.Tasks;

        public sealed class Screen
        {
            public object Gate { get; } = new object();
            public Bitmap Frame { get; set; }
        }

        public static class Thumbnails
        {
            public static void Draw(Screen screen, Graphics target)
            {
                {|#0:lock (screen.Gate)|}
                {
                    target.DrawImage(screen.Frame, 0, 0, 64, 64);
                }
            }

            public static void DrawAll(Screen screen, Graphics[] targets)
                => Parallel.For(0, targets.Length, i => Draw(screen, targets[i]));
        }

        public sealed class BundleWriter
        {
            public BundleWriter(ZipArchive archive) { Archive = archive; }

            public ZipArchive Archive { get; }

            public void Put(string name, Stream content)
            {
                {|#1:lock (Archive)|}
                {
                    var entry = Archive.CreateEntry(name, CompressionLevel.Optimal);
                    using var target = entry.Open();
                    content.CopyTo(target);
                }
            }

            public void PutAll(string[] names, Stream[] contents)
                => Parallel.For(0, names.Length, i => Put(names[i], contents[i]));
        }
        """;

    [Fact]
    public async Task SitesReportedWhereTheyAre_AreNotReportedAgainAsParallelCallees()
    {
        // System.Drawing is not referenced: Graphics and Bitmap do not resolve, their names are what is left.
        var callee = new Callee.Test { TestCode = Source.Replace("{|#0:", string.Empty).Replace("{|#1:", string.Empty).Replace(")|}", ")"), CompilerDiagnostics = CompilerDiagnostics.None };
        await callee.RunAsync();

        var site001 = new Gil001.Test { TestCode = Source.Replace("{|#0:", string.Empty).Replace("(screen.Gate)|}", "(screen.Gate)"), CompilerDiagnostics = CompilerDiagnostics.None };
        site001.ExpectedDiagnostics.Add(Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments(
            "Archive", "Stream.CopyTo (compression)", "'Put', a lock on the non-thread-safe ZipArchive 'Archive' that every thread sharing it queues for"));
        await site001.RunAsync();

        var site006 = new Gil006.Test { TestCode = Source.Replace("{|#1:", string.Empty).Replace("(Archive)|}", "(Archive)"), CompilerDiagnostics = CompilerDiagnostics.None };
        site006.ExpectedDiagnostics.Add(Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
            "screen.Gate", "'DrawImage' (bulk work in a native library)",
            "'Draw', a lock kept with the native object 'screen.Frame' that every thread sharing it queues for",
            "the work calls native code ('DrawImage')"));
        await site006.RunAsync();
    }
}
