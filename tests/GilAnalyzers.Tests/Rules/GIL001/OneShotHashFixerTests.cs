using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// One shared hasher behind a lock — <c>lock (s_md5) return s_md5.ComputeHash(data);</c> — is how real libraries hash
/// per call. The framework's static one-shot (<c>MD5.HashData</c>) computes the same digest with no shared object, so the
/// fix rewrites the call and drops the lock; it is the first action. Refused when the hasher carries state between
/// calls, the lock also guards other state, or the algorithm is not known.
/// </summary>
public class OneShotHashFixerTests
{
    private const string Usings = "using System;\nusing System.IO;\nusing System.Security.Cryptography;\nusing System.Text;\nusing System.Threading;\n";

    [Fact]
    public async Task StaticMd5LockedOnItself_BecomesHashData_AndTheLockGoes()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            static class ContentIds
            {
                private static readonly MD5CryptoServiceProvider Md5 = new MD5CryptoServiceProvider();

                public static Guid ForContent(byte[] content)
                {
                    {|GIL001:lock (Md5)|}
                    {
                        return new Guid(Md5.ComputeHash(content));
                    }
                }
            }
            """, Usings + """
            static class ContentIds
            {
                private static readonly MD5CryptoServiceProvider Md5 = new MD5CryptoServiceProvider();

                public static Guid ForContent(byte[] content)
                {
                    return new Guid(MD5.HashData(content));
                }
            }
            """, SharedLockAroundCpuWorkFixer.OneShotHashKey);
    }

    [Fact]
    public async Task HasherTypedHashAlgorithm_MadeByCreate_UnbracedLock_WithOffsetAndCount()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            class Signer
            {
                private static readonly HashAlgorithm s_sha = SHA256.Create();
                private static readonly object s_gate = new object();

                public byte[] Sign(byte[] buffer, int offset, int count)
                {
                    byte[] digest;
                    {|GIL001:lock (s_gate)|}
                        digest = s_sha.ComputeHash(buffer, offset, count);
                    return digest;
                }
            }
            """, Usings + """
            class Signer
            {
                private static readonly HashAlgorithm s_sha = SHA256.Create();
                private static readonly object s_gate = new object();

                public byte[] Sign(byte[] buffer, int offset, int count)
                {
                    byte[] digest;
                    digest = SHA256.HashData(new ReadOnlySpan<byte>(buffer, offset, count));
                    return digest;
                }
            }
            """, SharedLockAroundCpuWorkFixer.OneShotHashKey);
    }

    [Fact]
    public async Task StreamOverload_UnderASemaphoreGate_TheWholeTryFinallyGoes()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            static class FileDigests
            {
                private static readonly SHA1 Sha1 = SHA1.Create();
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

                public static string Of(Stream stream)
                {
                    {|GIL001:Gate.Wait()|};
                    try
                    {
                        var hash = Sha1.ComputeHash(stream);
                        return Convert.ToHexString(hash);
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }
            }
            """, Usings + """
            static class FileDigests
            {
                private static readonly SHA1 Sha1 = SHA1.Create();
                private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

                public static string Of(Stream stream)
                {
                    var hash = SHA1.HashData(stream);
                    return Convert.ToHexString(hash);
                }
            }
            """, SharedLockAroundCpuWorkFixer.OneShotHashKey);
    }

    [Fact]
    public async Task AResetAfterTheHash_GoesWithTheSharedHasher()
    {
        await VerifyCS.VerifyCodeFixAsync(Usings + """
            static class ImageKeys
            {
                private static readonly MD5 s_hasher = MD5.Create();

                public static string Key(byte[] pixels)
                {
                    byte[] digest;
                    {|GIL001:lock (s_hasher)|}
                    {
                        digest = s_hasher.ComputeHash(pixels);
                        s_hasher.Initialize();
                    }

                    return Convert.ToHexString(digest);
                }
            }
            """, Usings + """
            static class ImageKeys
            {
                private static readonly MD5 s_hasher = MD5.Create();

                public static string Key(byte[] pixels)
                {
                    byte[] digest;
                    digest = MD5.HashData(pixels);

                    return Convert.ToHexString(digest);
                }
            }
            """, SharedLockAroundCpuWorkFixer.OneShotHashKey);
    }

    [Fact]
    public async Task FixAll_RewritesEveryLockedHashInTheDocument()
    {
        var source = Usings + """
            static class Digests
            {
                private static readonly SHA512 Hasher = SHA512.Create();

                public static byte[] Of(byte[] data)
                {
                    {|GIL001:lock (Hasher)|}
                    {
                        return Hasher.ComputeHash(data);
                    }
                }

                public static string HexOf(byte[] data)
                {
                    {|GIL001:lock (Hasher)|}
                    {
                        return BitConverter.ToString(Hasher.ComputeHash(data));
                    }
                }
            }
            """;
        var fixedSource = Usings + """
            static class Digests
            {
                private static readonly SHA512 Hasher = SHA512.Create();

                public static byte[] Of(byte[] data)
                {
                    return SHA512.HashData(data);
                }

                public static string HexOf(byte[] data)
                {
                    return BitConverter.ToString(SHA512.HashData(data));
                }
            }
            """;
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.OneShotHashKey,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FirstAction_IsTheOneShotHash()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            static class ContentIds
            {
                private static readonly SHA256 Sha = SHA256.Create();

                public static byte[] Of(byte[] content)
                {
                    lock (Sha)
                    {
                        return Sha.ComputeHash(content);
                    }
                }
            }
            """);
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Equal(SharedLockAroundCpuWorkFixer.OneShotHashKey, gil001.Keys.First());
    }

    [Theory]
    [InlineData("the hasher is also fed incrementally elsewhere (its state spans calls)", """
            static class Digests
            {
                private static readonly SHA256 Sha = SHA256.Create();

                public static byte[] Of(byte[] data)
                {
                    lock (Sha)
                    {
                        return Sha.ComputeHash(data);
                    }
                }

                public static void Feed(byte[] block)
                {
                    lock (Sha)
                    {
                        Sha.TransformBlock(block, 0, block.Length, null, 0);
                    }
                }
            }
            """)]
    [InlineData("the lock also guards a shared counter", """
            static class Digests
            {
                private static readonly SHA256 Sha = SHA256.Create();
                private static long s_hashed;

                public static byte[] Of(byte[] data)
                {
                    lock (Sha)
                    {
                        s_hashed += data.Length;
                        return Sha.ComputeHash(data);
                    }
                }
            }
            """)]
    [InlineData("the algorithm is not known (a keyed HMAC)", """
            static class Digests
            {
                private static readonly HMACSHA256 Mac = new HMACSHA256(new byte[32]);

                public static byte[] Of(byte[] data)
                {
                    lock (Mac)
                    {
                        return Mac.ComputeHash(data);
                    }
                }
            }
            """)]
    [InlineData("a source helper runs under the lock", """
            static class Digests
            {
                private static readonly SHA256 Sha = SHA256.Create();

                public static byte[] Of(byte[] data)
                {
                    lock (Sha)
                    {
                        return Sha.ComputeHash(Salted(data));
                    }
                }

                private static byte[] Salted(byte[] data) => data;
            }
            """)]
    public async Task Refusal_NoOneShotHash(string why, string source)
    {
        var offers = await CodeFixOffers.ForAsync(Usings + source);
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.False(gil001.Keys.Contains(SharedLockAroundCpuWorkFixer.OneShotHashKey), why + ": offered " + string.Join(", ", gil001.Keys));
    }
}
