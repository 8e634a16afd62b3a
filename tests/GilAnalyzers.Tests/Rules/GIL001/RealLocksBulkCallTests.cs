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

