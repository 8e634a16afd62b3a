using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Real native code, really called: a packer that compresses blocks with the machine's zlib (<c>libz.so.1</c>) and scores
/// them with the C math library's <c>lgamma</c> behind process-wide gates, run from <c>Parallel.For</c> before and after
/// its first (FixAll) actions. The compressed bytes, their CRC-32s and the scores must be the same once the calls leave
/// the gates and run on several threads at once.
/// </summary>
public class StatelessNativeExecutionTests
{
    private const string Program = """
        using System;
        using System.Runtime.InteropServices;
        using System.Text;
        using System.Threading.Tasks;

        public static class NativePacker
        {
            private static readonly object ZGate = new object();
            private static readonly object MathGate = new object();

            [DllImport("libz.so.1", EntryPoint = "compress2")]
            private static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

            [DllImport("libz.so.1", EntryPoint = "compressBound")]
            private static extern nuint CompressBound(nuint sourceLen);

            [DllImport("libz.so.1", EntryPoint = "crc32")]
            private static extern uint Crc32(uint crc, byte[] buffer, uint length);

            [DllImport("libm.so.6", EntryPoint = "lgamma")]
            private static extern double LogGamma(double x);

            private static byte[] Pack(byte[] raw)
            {
                byte[] packed;
                lock (ZGate)
                {
                    var buffer = new byte[(int)CompressBound((nuint)raw.Length)];
                    nuint length = (nuint)buffer.Length;
                    int rc = Compress2(buffer, ref length, raw, (nuint)raw.Length, 9);
                    if (rc != 0) throw new InvalidOperationException("compress2: " + rc);
                    packed = buffer.AsSpan(0, (int)length).ToArray();
                }
                return packed;
            }

            private static double Score(int[] counts)
            {
                double total = 0;
                lock (MathGate)
                {
                    for (int i = 0; i < counts.Length; i++)
                        total += LogGamma(counts[i] + 1.0) - LogGamma(i + 1.0);
                }
                return total;
            }

            public static string Run(int blocks)
            {
                var lines = new string[blocks];
                Parallel.For(0, blocks, b =>
                {
                    var random = new Random(b);
                    var raw = new byte[20_000 + b * 311];
                    for (int i = 0; i < raw.Length; i++) raw[i] = (byte)(random.Next(0, 4) == 0 ? random.Next(256) : 'a' + i % 7);
                    var counts = new int[256];
                    foreach (var x in raw) counts[x]++;
                    byte[] packed = Pack(raw);
                    uint crc = Crc32(0, packed, (uint)packed.Length);
                    lines[b] = packed.Length + ":" + crc.ToString("x8") + ":" + Score(counts).ToString("R");
                });
                return string.Join(",", lines);
            }
        }
        """;

    [Fact]
    public async Task GatedZlibAndLgamma_SameBytesAndScoresOffTheGates()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);
        // Both gates guarded only stateless calls and the method's own locals: the work leaves them and they go.
        Assert.Equal(2, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL006.MoveOutOfLock"));
        Assert.DoesNotContain("lock (", outcome.Source, StringComparison.Ordinal);
        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "NativePacker.Before"), "NativePacker.Run", 48);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "NativePacker.After"), "NativePacker.Run", 48);
        Assert.NotNull(before);
        Assert.Equal(before, after);
    }
}
