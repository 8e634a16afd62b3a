using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A lock on a framework object that holds the state of one bulk computation and is not thread-safe — a
/// <c>ZipArchive</c> being written, a <c>HashAlgorithm</c> — around that object's bulk work: compressing data into an
/// entry it handed out, hashing a stream. As with a native engine, the lock is there because threads share the object,
/// so every sharing thread queues for the whole compression or hash, with no parallel code in sight. Creating an empty
/// entry, hashing a short key, or counting under the same lock stays quiet.
/// </summary>
public class Locks41UnsafeProcessorLockTests
{
    [Fact]
    public async Task CompressionIntoTheLockedArchiveAndHashOfAStreamWithTheLockedHasher_AreReported()
    {
        var source = """
            using System.IO;
            using System.IO.Compression;
            using System.Security.Cryptography;

            public sealed class BundleWriter
            {
                public BundleWriter(ZipArchive archive) { Archive = archive; }

                public ZipArchive Archive { get; }

                public void Put(string name, Stream content)
                {
                    {|#0:lock (Archive)|}
                    {
                        var entry = Archive.CreateEntry(name, CompressionLevel.Optimal);
                        using var target = entry.Open();
                        content.CopyTo(target);
                    }
                }
            }

            public sealed class Fingerprints
            {
                private readonly SHA256 _sha = SHA256.Create();

                public byte[] Of(Stream content)
                {
                    {|#1:lock (_sha)|}
                    {
                        return _sha.ComputeHash(content);
                    }
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "Archive", "Stream.CopyTo (compression)", "'Put', a lock on the non-thread-safe ZipArchive 'Archive' that every thread sharing it queues for"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments(
                "_sha", "HashAlgorithm.ComputeHash (hashing/cryptography)", "'Of', a lock on the non-thread-safe SHA256 '_sha' that every thread sharing it queues for"));
    }

    [Fact]
    public async Task EmptyEntryShortKeyOrCounterUnderTheSameLocks_NoDiagnostic()
    {
        var source = """
            using System.IO.Compression;
            using System.Security.Cryptography;
            using System.Text;

            public sealed class BundleWriter
            {
                private int _entries;

                public BundleWriter(ZipArchive archive) { Archive = archive; }

                public ZipArchive Archive { get; }

                public void Folder(string name)
                {
                    lock (Archive)
                    {
                        Archive.CreateEntry(name + "/");
                        _entries++;
                    }
                }
            }

            public sealed class KeyIds
            {
                private readonly MD5 _md5 = MD5.Create();

                public byte[] Of(string key)
                {
                    lock (_md5)
                    {
                        return _md5.ComputeHash(Encoding.UTF8.GetBytes(key));
                    }
                }
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
        await Gil006.VerifyAnalyzerAsync(source);
    }
}
