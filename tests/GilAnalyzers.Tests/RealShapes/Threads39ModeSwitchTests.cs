using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on queue workers that pick their transform by mode in one expression (issue 14, the block-compressor exercise
/// with a compress/decompress switch): <c>var coded = _packing ? Pack(block) : Unpack(block);</c>. Each of the two source
/// methods is weighed inside, at the statement's loop level, as a plain call to one of them is: the compression in
/// <c>Pack</c> is CPU work even though closing the stream and the decompressing copy in <c>Unpack</c> count as I/O. The
/// look-alike, a worker whose two alternatives only write and read files, stays quiet.
/// </summary>
public class Threads39ModeSwitchTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.IO.Compression; using System.Threading;\n";

    private const string Coder = """
        sealed class BlockCoder
        {
            private readonly Queue<byte[]> _inbox = new Queue<byte[]>();
            private readonly List<byte[]> _outbox = new List<byte[]>();
            private readonly bool _packing;

            public BlockCoder(bool packing) { _packing = packing; }

            public void Process(IEnumerable<byte[]> blocks, int lanes)
            {
                var crew = new List<Thread>();
                for (int i = 0; i < lanes; i++)
                {
                    var lane = {|#0:new Thread(Lane)|};
                    crew.Add(lane);
                    lane.Start();
                }

                foreach (var block in blocks) Hand(block);
                for (int i = 0; i < lanes; i++) Hand(null);
                foreach (var lane in crew) lane.Join();
            }

            private void Hand(byte[] block)
            {
                lock (_inbox) { _inbox.Enqueue(block); Monitor.Pulse(_inbox); }
            }

            private void Lane()
            {
                while (true)
                {
                    byte[] block;
                    lock (_inbox)
                    {
                        while (_inbox.Count == 0) Monitor.Wait(_inbox);
                        block = _inbox.Dequeue();
                    }

                    if (block == null) return;
                    var coded = _packing ? Pack(block) : Unpack(block);
                    lock (_outbox) _outbox.Add(coded);
                }
            }

            private static byte[] Pack(byte[] raw)
            {
                using (var memory = new MemoryStream())
                {
                    var gzip = new GZipStream(memory, CompressionMode.Compress);
                    gzip.Write(raw, 0, raw.Length);
                    gzip.Close();
                    return memory.ToArray();
                }
            }

            private static byte[] Unpack(byte[] packed)
            {
                using (var source = new MemoryStream(packed))
                using (var gzip = new GZipStream(source, CompressionMode.Decompress))
                using (var target = new MemoryStream())
                {
                    gzip.CopyTo(target);
                    return target.ToArray();
                }
            }
        }
        """;

    private const string Spooler = """
        sealed class BlockCoder
        {
            private readonly Queue<byte[]> _inbox = new Queue<byte[]>();
            private readonly List<byte[]> _outbox = new List<byte[]>();
            private readonly bool _packing;

            public BlockCoder(bool packing) { _packing = packing; }

            public void Process(IEnumerable<byte[]> blocks, int lanes)
            {
                var crew = new List<Thread>();
                for (int i = 0; i < lanes; i++)
                {
                    var lane = new Thread(Lane);
                    crew.Add(lane);
                    lane.Start();
                }

                foreach (var block in blocks) Hand(block);
                for (int i = 0; i < lanes; i++) Hand(null);
                foreach (var lane in crew) lane.Join();
            }

            private void Hand(byte[] block)
            {
                lock (_inbox) { _inbox.Enqueue(block); Monitor.Pulse(_inbox); }
            }

            private void Lane()
            {
                while (true)
                {
                    byte[] block;
                    lock (_inbox)
                    {
                        while (_inbox.Count == 0) Monitor.Wait(_inbox);
                        block = _inbox.Dequeue();
                    }

                    if (block == null) return;
                    var coded = _packing ? Pack(block) : Unpack(block);
                    lock (_outbox) _outbox.Add(coded);
                }
            }

            private static byte[] Pack(byte[] raw)
            {
                var path = Path.GetTempFileName();
                File.WriteAllBytes(path, raw);
                return File.ReadAllBytes(path);
            }

            private static byte[] Unpack(byte[] packed)
            {
                using (var target = new MemoryStream())
                using (var file = File.OpenRead(Path.GetTempFileName()))
                {
                    file.CopyTo(target);
                    return target.ToArray();
                }
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersChoosingCompressOrDecompressPerBlock_Report(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Coder, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'lanes'", "GZipStream.Write (compression)", "Parallel.For"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersChoosingBetweenTwoFileRoundTrips_AreQuiet(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Spooler, version);
    }
}
