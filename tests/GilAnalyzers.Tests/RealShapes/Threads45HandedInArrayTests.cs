using Xunit;
using Verify003 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A method that fills the thread array its caller hands in (one compressing thread per block, started there), and the
/// caller hands the same local array to a sibling method that joins the threads: the fan-out is split over two helpers
/// of one type, but it is still one batch of CPU-bound work started and joined by hand. Threads nothing joins stay out.
/// </summary>
public class Threads45HandedInArrayTests
{
    private const string Packer = """
        using System;
        using System.IO;
        using System.IO.Compression;
        using System.Threading;

        public sealed class BatchPacker
        {
            private readonly byte[][] _input;
            private readonly byte[][] _packed;

            public BatchPacker(byte[][] input)
            {
                _input = input;
                _packed = new byte[input.Length][];
            }

            private void PackOne(object slot)
            {
                var index = (int)slot;
                using var target = new MemoryStream();
                using (var gzip = new GZipStream(target, CompressionLevel.Optimal))
                {
                    gzip.Write(_input[index], 0, _input[index].Length);
                }

                _packed[index] = target.ToArray();
            }

            private void StartBatch(Thread[] workers)
            {
                for (int n = 0; n < workers.Length && n < _input.Length; n++)
                {
                    workers[n] = {|#0:new Thread(PackOne)|};
                    workers[n].Start(n);
                }
            }

        """;

    [Fact]
    public async Task ArrayFilledInOneHelperAndJoinedInAnother_IsGil003()
    {
        var source = Packer + """
                private void FinishBatch(Thread[] workers, Stream output)
                {
                    for (int n = 0; n < workers.Length && workers[n] != null; n++)
                    {
                        workers[n].Join();
                        output.Write(_packed[n], 0, _packed[n].Length);
                    }
                }

                public void Run(Stream output)
                {
                    var workers = new Thread[Environment.ProcessorCount];
                    StartBatch(workers);
                    FinishBatch(workers, output);
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source.Replace("{|#0:new Thread(PackOne)|}", "{|GIL003:new Thread(PackOne)|}"));
    }

    [Fact]
    public async Task ArrayFilledInAHelperAndNeverJoined_NoDiagnostic()
    {
        // The caller starts the batch and leaves: nothing waits for the threads (fire-and-forget).
        var source = Packer + """
                public void Run()
                {
                    var workers = new Thread[Environment.ProcessorCount];
                    StartBatch(workers);
                    Console.WriteLine(workers.Length);
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source.Replace("{|#0:new Thread(PackOne)|}", "new Thread(PackOne)"));
    }
}
