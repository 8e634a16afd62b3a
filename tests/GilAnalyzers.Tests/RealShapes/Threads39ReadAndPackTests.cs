using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on queue workers that read their item and transform it in one expression (issue 14, the block-compressor
/// exercise): <c>var packed = _packer.Pack(_source.Fetch(at, size));</c> weighs the compression the same as the two
/// statements <c>var raw = _source.Fetch(at, size); var packed = _packer.Pack(raw);</c> would — the read counts as I/O
/// at that level, the compression as CPU work, and the compression outweighs reading the block. The look-alike, a worker
/// that reads its block and only hands it on (<c>Keep(_source.Fetch(...))</c>, no work), stays quiet.
/// </summary>
public class Threads39ReadAndPackTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.IO.Compression; using System.Threading;\n";

    private const string Crew = """
        interface IChunkSource { byte[] Fetch(long offset, int length); }
        interface IPacker { byte[] Pack(byte[] raw); }

        sealed class FileChunkSource : IChunkSource
        {
            private readonly string _path;
            public FileChunkSource(string path) { _path = path; }
            public byte[] Fetch(long offset, int length)
            {
                using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    stream.Seek(offset, SeekOrigin.Begin);
                    var buffer = new byte[length];
                    stream.Read(buffer, 0, length);
                    return buffer;
                }
            }
        }

        sealed class DeflatePacker : IPacker
        {
            public byte[] Pack(byte[] raw)
            {
                using (var memory = new MemoryStream())
                {
                    using (var deflate = new DeflateStream(memory, CompressionLevel.Optimal))
                    {
                        deflate.Write(raw, 0, raw.Length);
                    }
                    return memory.ToArray();
                }
            }
        }

        sealed class PackingCrew
        {
            private readonly Queue<long> _offsets = new Queue<long>();
            private readonly object _gate = new object();
            private readonly Dictionary<long, byte[]> _packed = new Dictionary<long, byte[]>();
            private readonly IChunkSource _source;
            private readonly IPacker _packer;
            private readonly int _chunk;

            public PackingCrew(IChunkSource source, IPacker packer, int chunk) { _source = source; _packer = packer; _chunk = chunk; }

            public void Run(long length, int crewSize)
            {
                var crew = new List<Thread>();
                for (int c = 0; c < crewSize; c++)
                {
                    var member = {|#0:new Thread(Loop)|};
                    crew.Add(member);
                    member.Start();
                }

                for (long at = 0; at < length; at += _chunk) Offer(at);
                for (int c = 0; c < crewSize; c++) Offer(-1);
                crew.ForEach(member => member.Join());
            }

            private void Offer(long at)
            {
                lock (_gate) { _offsets.Enqueue(at); Monitor.Pulse(_gate); }
            }

            private void Loop()
            {
                while (true)
                {
                    long at;
                    lock (_gate)
                    {
                        while (_offsets.Count == 0) Monitor.Wait(_gate);
                        at = _offsets.Dequeue();
                    }

                    if (at < 0) return;
                    var packed = _packer.Pack(_source.Fetch(at, _chunk));
                    lock (_packed) _packed[at] = packed;
                }
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersReadingAndCompressingBlocksInOneExpression_Report(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Crew, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'crewSize'", "DeflateStream.Write (compression)", "Parallel.For"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersReadingBlocksAndOnlyHandingThemOn_AreQuiet(LanguageVersion version)
    {
        var source = Crew
            .Replace("var packed = _packer.Pack(_source.Fetch(at, _chunk));", "var packed = Keep(_source.Fetch(at, _chunk));")
            .Replace("    private void Loop()", "    private static byte[] Keep(byte[] raw) => raw;\n\n    private void Loop()")
            .Replace("{|#0:new Thread(Loop)|}", "new Thread(Loop)");
        Assert.Contains("Keep(_source.Fetch", source);
        await VerifyCS.VerifyAnalyzerAsync(Usings + source, version);
    }
}
