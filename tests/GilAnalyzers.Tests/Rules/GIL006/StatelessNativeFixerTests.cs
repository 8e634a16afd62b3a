using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer, GilAnalyzers.CodeFixes.ProcessGlobalStateUnderLockFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A process-wide gate around C functions that keep no state between calls — zlib's one-shot <c>compress2</c> /
/// <c>compressBound</c>, the math library's <c>lgamma</c> — guards nothing threads must take turns on: GIL006 still reports
/// the gate (the team treats the binding as not thread-safe), and the thread-level fixes now see through those calls (they
/// write only the output array they are handed) instead of refusing the site as native state (<c>GIL006-N4</c>). Stateful
/// C functions (<c>rand</c>, <c>strtok</c>) and imports that take pointers stay refused.
/// </summary>
public class StatelessNativeFixerTests
{
    private const string Zlib = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.InteropServices;
        using System.Threading.Tasks;

        static class Z
        {
            public static readonly object Gate = new object();

            [DllImport("libz.so.1", EntryPoint = "compress2")]
            public static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

            [DllImport("libz.so.1")]
            public static extern nuint compressBound(nuint sourceLen);
        }

        sealed class Block
        {
            public byte[] Raw = new byte[0];
            public byte[] Packed = new byte[0];
        }

        """;

    private static VerifyCS.Test Test(string source, string fixedSource)
    {
        var test = new VerifyCS.Test { TestCode = source, FixedCode = fixedSource };
        return test;
    }

    [Fact]
    public async Task ZlibCompressUnderAStaticGate_MovesOutOfTheGate()
    {
        var source = Zlib + """
            static class Packer
            {
                public static void PackAll(IList<Block> blocks)
                {
                    Parallel.ForEach(blocks, block =>
                    {
                        {|GIL006:lock (Z.Gate)|}
                        {
                            nuint bound = Z.compressBound((nuint)block.Raw.Length);
                            var buffer = new byte[(int)bound];
                            nuint length = bound;
                            int rc = Z.Compress2(buffer, ref length, block.Raw, (nuint)block.Raw.Length, 9);
                            if (rc != 0) throw new InvalidOperationException("compress2 failed: " + rc);
                            block.Packed = buffer.AsSpan(0, (int)length).ToArray();
                        }
                    });
                }
            }
            """;
        var fixedSource = Zlib + """
            static class Packer
            {
                public static void PackAll(IList<Block> blocks)
                {
                    Parallel.ForEach(blocks, block =>
                    {
                        nuint bound = Z.compressBound((nuint)block.Raw.Length);
                        var buffer = new byte[(int)bound];
                        nuint length = bound;
                        int rc = Z.Compress2(buffer, ref length, block.Raw, (nuint)block.Raw.Length, 9);
                        if (rc != 0) throw new InvalidOperationException("compress2 failed: " + rc);
                        var value = buffer.AsSpan(0, (int)length).ToArray();
                        lock (Z.Gate)
                        {
                            block.Packed = value;
                        }
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    private const string LogGamma = """
        using System;
        using System.Runtime.InteropServices;
        using System.Threading.Tasks;

        static class NativeMath
        {
            public static readonly object Gate = new object();

            [DllImport("libm.so.6", EntryPoint = "lgamma")]
            public static extern double LogGamma(double x);
        }

        """;

    [Fact]
    public async Task MathLibraryLoopUnderAStaticGate_LeavesTheGate()
    {
        var source = LogGamma + """
            static class Likelihood
            {
                public static double NegativeBinomial(int[] counts, double[] means, double shape)
                {
                    double logLikelihood = 0;
                    {|GIL006:lock (NativeMath.Gate)|}
                    {
                        for (int step = 1; step <= 64; step++)
                        {
                            for (int day = 0; day < counts.Length; day++)
                            {
                                double r = shape * step / 16.0, p = r / (r + means[day]);
                                logLikelihood += NativeMath.LogGamma(counts[day] + r) - NativeMath.LogGamma(r)
                                                 - NativeMath.LogGamma(counts[day] + 1.0) + r * Math.Log(p) + counts[day] * Math.Log(1 - p);
                            }
                        }
                    }
                    return logLikelihood;
                }

                public static double[] Fit(int[] observed, double[][] candidates)
                {
                    var scores = new double[candidates.Length];
                    Parallel.For(0, candidates.Length, c => scores[c] = NegativeBinomial(observed, candidates[c], 1.5));
                    return scores;
                }
            }
            """;
        var fixedSource = LogGamma + """
            static class Likelihood
            {
                public static double NegativeBinomial(int[] counts, double[] means, double shape)
                {
                    double logLikelihood = 0;
                    for (int step = 1; step <= 64; step++)
                    {
                        for (int day = 0; day < counts.Length; day++)
                        {
                            double r = shape * step / 16.0, p = r / (r + means[day]);
                            logLikelihood += NativeMath.LogGamma(counts[day] + r) - NativeMath.LogGamma(r)
                                             - NativeMath.LogGamma(counts[day] + 1.0) + r * Math.Log(p) + counts[day] * Math.Log(1 - p);
                        }
                    }
                    return logLikelihood;
                }

                public static double[] Fit(int[] observed, double[][] candidates)
                {
                    var scores = new double[candidates.Length];
                    Parallel.For(0, candidates.Length, c => scores[c] = NegativeBinomial(observed, candidates[c], 1.5));
                    return scores;
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }

    [Fact]
    public async Task FixAll_TwoGatedCompressions_BothLeaveTheGate()
    {
        const string Site = """
                    Parallel.ForEach(blocks, block =>
                    {
                        {|GIL006:lock (Z.Gate)|}
                        {
                            var buffer = new byte[(int)Z.compressBound((nuint)block.Raw.Length)];
                            nuint length = (nuint)buffer.Length;
                            Z.Compress2(buffer, ref length, block.Raw, (nuint)block.Raw.Length, LEVEL);
                            block.Packed = buffer.AsSpan(0, (int)length).ToArray();
                        }
                    });
            """;
        const string FixedSite = """
                    Parallel.ForEach(blocks, block =>
                    {
                        var buffer = new byte[(int)Z.compressBound((nuint)block.Raw.Length)];
                        nuint length = (nuint)buffer.Length;
                        Z.Compress2(buffer, ref length, block.Raw, (nuint)block.Raw.Length, LEVEL);
                        var value = buffer.AsSpan(0, (int)length).ToArray();
                        lock (Z.Gate)
                        {
                            block.Packed = value;
                        }
                    });
            """;
        string Program(string site) => Zlib + "static class Packer\n{\n    public static void Fast(IList<Block> blocks)\n    {\n"
                                       + site.Replace("LEVEL", "1") + "    }\n\n    public static void Best(IList<Block> blocks)\n    {\n"
                                       + site.Replace("LEVEL", "9") + "    }\n}\n";
        var test = new VerifyCS.Test { TestCode = Program(Site), FixedCode = Program(FixedSite) };
        test.NumberOfFixAllIterations = 1;
        await test.RunAsync();
    }

    [Theory]
    [InlineData("the C library's generator keeps its seed between calls",
        "[DllImport(\"libc.so.6\", EntryPoint = \"rand\")] public static extern int Next();", "Z.Next()")]
    [InlineData("a zlib import that takes a pointer: the call could write anywhere",
        "[DllImport(\"libz.so.1\", EntryPoint = \"compressBound\")] public static extern nuint Bound(IntPtr state);", "(int)Z.Bound(IntPtr.Zero)")]
    [InlineData("a function of that name in a library nobody documented as stateless",
        "[DllImport(\"liblegacy.so\", EntryPoint = \"compressBound\")] public static extern nuint Bound(nuint n);", "(int)Z.Bound(16)")]
    [InlineData("zlib's stream functions keep the stream's state",
        "[DllImport(\"libz.so.1\", EntryPoint = \"deflate\")] public static extern int Deflate(int flush);", "Z.Deflate(4)")]
    public async Task StatefulOrUnknownNativeCalls_StayRefused(string why, string import, string call)
    {
        var source = $$"""
            using System;
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;

            static class Z
            {
                public static readonly object Gate = new object();
                {{import}}
            }

            static class Runner
            {
                public static void Run(int[] results)
                {
                    Parallel.For(0, results.Length, i =>
                    {
                        int value;
                        lock (Z.Gate)
                        {
                            value = 0;
                            for (int k = 0; k < 100_000; k++) value += {{call}} % 7;
                        }
                        results[i] = value;
                    });
                }
            }
            """;
        var reason = await FixRefusals.OnlyAsync(source, "GIL006");
        Assert.True(reason is not null && reason.Contains("GIL006-N4", StringComparison.Ordinal), why + ": " + (reason ?? "an action is offered"));
    }

    [Fact]
    public async Task WrapperThatResizesItsBuffer_AndAVersionReadUnderTheSameGate_MovesOutOfTheGate()
    {
        const string Wrapper = """
            using System;
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;

            static class Zlib
            {
                public static readonly object Gate = new object();

                [DllImport("libz.so.1")]
                private static extern int compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

                [DllImport("libz.so.1")]
                private static extern nuint compressBound(nuint sourceLen);

                [DllImport("libz.so.1")]
                private static extern IntPtr zlibVersion();

                public static string Version()
                {
                    lock (Gate)
                    {
                        return Marshal.PtrToStringAnsi(zlibVersion()) ?? "?";
                    }
                }

                public static byte[] Compress(byte[] data, int level)
                {
                    var dest = new byte[(int)compressBound((nuint)data.Length)];
                    nuint len = (nuint)dest.Length;
                    if (compress2(dest, ref len, data, (nuint)data.Length, level) != 0) throw new InvalidOperationException();
                    Array.Resize(ref dest, (int)len);
                    return dest;
                }
            }

            sealed class Tile
            {
                public byte[] Raw = new byte[0];
                public byte[] Packed = new byte[0];
            }

            """;
        var source = Wrapper + """
            static class Tiles
            {
                public static void Pack(Tile[] tiles)
                {
                    Parallel.ForEach(tiles, tile =>
                    {
                        {|GIL006:lock (Zlib.Gate)|}
                        {
                            tile.Packed = Zlib.Compress(tile.Raw, 9);
                        }
                    });
                }
            }
            """;
        var fixedSource = Wrapper + """
            static class Tiles
            {
                public static void Pack(Tile[] tiles)
                {
                    Parallel.ForEach(tiles, tile =>
                    {
                        var value = Zlib.Compress(tile.Raw, 9);
                        lock (Zlib.Gate)
                        {
                            tile.Packed = value;
                        }
                    });
                }
            }
            """;
        await Test(source, fixedSource).RunAsync();
    }
}
