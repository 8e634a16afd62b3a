using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A process-wide lock with no parallel code in sight is reported only for heavy work (nested loops and up); a single
/// library call that processes the caller's data — a hash, a compression — is heavy enough: every request queues for it.
/// </summary>
public class RealLocksBulkCallTests
{
    private const string Usings = "using System; using System.IO; using System.IO.Compression; using System.Security.Cryptography; using System.Text;\n";

    [Fact]
    public async Task SharedHasherUnderStaticLock_InAHelperEveryRequestCalls_Reports()
    {
        var source = Usings + """
            static class ItemIds
            {
                private static readonly MD5 Hasher = MD5.Create();

                public static Guid ForContent(byte[] content)
                {
                    {|#0:lock (Hasher)|}
                    {
                        return new Guid(Hasher.ComputeHash(content));
                    }
                }

                // The bytes of one string (a path, a key): microseconds of hashing, a short update.
                public static Guid ForPath(string path)
                {
                    lock (Hasher)
                    {
                        return new Guid(Hasher.ComputeHash(Encoding.Unicode.GetBytes(path)));
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("Hasher", "HashAlgorithm.ComputeHash (hashing/cryptography)", "'ForContent', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task CompressionUnderStaticLock_Reports()
    {
        var source = Usings + """
            static class Packer
            {
                private static readonly object PackGate = new object();
                private static readonly MemoryStream Scratch = new MemoryStream();

                public static byte[] Pack(byte[] payload)
                {
                    {|#0:lock (PackGate)|}
                    {
                        Scratch.SetLength(0);
                        using (var zip = new DeflateStream(Scratch, CompressionLevel.Optimal, leaveOpen: true))
                        {
                            zip.Write(payload, 0, payload.Length);
                        }

                        return Scratch.ToArray();
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("PackGate", "DeflateStream.Write (compression)", "'Pack', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task LookAlikes_OneTimeHasherCreation_SortOfTheGuardedList_AndAFileWrite_AreQuiet()
    {
        var source = Usings + """
            using System.Collections.Generic;

            static class Registry
            {
                private static readonly object Gate = new object();
                private static readonly List<string> Names = new List<string>();
                private static SHA256 s_hasher;

                public static SHA256 Hasher()
                {
                    lock (Gate)
                    {
                        if (s_hasher == null)
                        {
                            s_hasher = SHA256.Create();
                        }

                        return s_hasher;
                    }
                }

                public static void Add(string name)
                {
                    lock (Gate)
                    {
                        Names.Add(name);
                        Names.Sort(StringComparer.Ordinal);
                    }
                }

                public static void Save(string path, byte[] data)
                {
                    lock (Gate)
                    {
                        File.WriteAllBytes(path, SHA256.HashData(data));
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    /// <summary>A private hash helper whose every caller hashes the bytes of a string is as short as hashing the string inline.</summary>
    [Fact]
    public async Task PrivateHashHelper_EveryCallerPassesTheBytesOfAString_IsQuiet_AnotherCallerWithContentReports()
    {
        const string template = """
            static class Names
            {
                private static readonly MD5 Md5 = MD5.Create();

                private static byte[] Hash(byte[] buffer)
                {
                    LOCK (Md5)
                    {
                        return Md5.ComputeHash(buffer);
                    }
                }

                public static Guid Of(string name) => new Guid(Hash(Encoding.UTF8.GetBytes(name)));

                public static Guid OfPath(string path) => new Guid(Hash(Encoding.Unicode.GetBytes(path.ToLowerInvariant())));
                EXTRA
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(Usings + template.Replace("LOCK", "lock", StringComparison.Ordinal).Replace("EXTRA", string.Empty, StringComparison.Ordinal));
        await VerifyCS.VerifyAnalyzerAsync(
            Usings + template.Replace("LOCK", "{|#0:lock", StringComparison.Ordinal).Replace("(Md5)\n", "(Md5)|}\n", StringComparison.Ordinal)
                .Replace("EXTRA", "public static Guid OfContent(byte[] content) => new Guid(Hash(content));", StringComparison.Ordinal),
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("Md5", "HashAlgorithm.ComputeHash (hashing/cryptography)", "'Hash', a process-wide lock that every calling thread queues for"));
    }
}

/// <summary>A cryptographic random-number generator fills a few bytes: a lock around it is a short update.</summary>
public class RealLocksRandomGeneratorTests
{
    [Fact]
    public async Task RejectionSamplingFromASharedCryptoRng_UnderStaticLock_IsQuiet()
    {
        var source = """
            using System;
            using System.Security.Cryptography;

            static class SecureRandom
            {
                private static readonly object RandomGate = new object();
                private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();
                private static readonly byte[] Buffer4 = new byte[4];

                public static int Next(int minValue, int maxValue)
                {
                    long diff = maxValue - minValue;
                    lock (RandomGate)
                    {
                        while (true)
                        {
                            Rng.GetBytes(Buffer4);
                            uint rand = BitConverter.ToUInt32(Buffer4, 0);
                            long max = 1 + (long)uint.MaxValue;
                            if (rand < max - max % diff)
                            {
                                return (int)(minValue + rand % diff);
                            }
                        }
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}

