using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Threads started on an abstract or virtual method of the class (<c>new Thread(ProcessBlocks)</c> in a base archiver whose
/// compressor and decompressor override it): the body is whichever override the object has, costed like a dispatched call —
/// by the most CPU-bound of the bodies the source declares. Overrides that only wait or write files stay quiet.
/// </summary>
public class AbstractThreadBodyTests
{
    private const string Usings = "using System; using System.IO; using System.Threading;\n";

    private static string Archiver(string overrideBody) => Usings + """
        abstract class BlockArchiver
        {
            protected readonly byte[][] Blocks;

            protected BlockArchiver(byte[][] blocks) { Blocks = blocks; }

            protected abstract void ProcessBlocks(object slot);

            public void Run(int threadCount)
            {
                var threads = new Thread[threadCount];
                for (int i = 0; i < threadCount; i++)
                {
                    threads[i] = {|#0:new Thread(ProcessBlocks)|};
                    threads[i].Start(i);
                }

                foreach (var thread in threads) thread.Join();
            }
        }

        sealed class Scrambler : BlockArchiver
        {
            public Scrambler(byte[][] blocks) : base(blocks) { }

            protected override void ProcessBlocks(object slot)
            {
        """ + "\n" + overrideBody + "\n" + """
            }
        }
        """;

    [Fact]
    public async Task OverrideDoesCpuWork_Reports()
    {
        var source = Archiver("""
                int first = (int)slot;
                for (int b = first; b < Blocks.Length; b += 4)
                {
                    var block = Blocks[b];
                    for (int round = 0; round < 64; round++)
                        for (int i = 0; i < block.Length; i++) block[i] = (byte)(block[i] * 31 + round);
                }
        """);
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0).WithArguments("'threadCount'", "nested loop, 3 levels", "Parallel.For"));
    }

    [Fact]
    public async Task OverrideOnlyWritesFiles_StaysQuiet()
    {
        var source = Archiver("""
                int first = (int)slot;
                for (int b = first; b < Blocks.Length; b += 4)
                {
                    File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "block" + b), Blocks[b]);
                }
        """).Replace("{|#0:new Thread(ProcessBlocks)|}", "new Thread(ProcessBlocks)");
        await VerifyCS.VerifyAnalyzerAsync(source, LanguageVersion.Latest);
    }
}
