using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Three cost facts seen in real code: writing into a compressing stream (a zip entry, a GZip stream) is compression, not
/// I/O; work that runs its own Parallel.For or PLINQ under a lock keeps the cores busy (not a GIL); a LINQ look through the
/// collection the lock guards (a concurrent collection, a field of objects) is bookkeeping like a guarded-collection loop.
/// </summary>
public class RealLocksCompressionAndInnerParallelTests
{
    private const string Usings = "using System; using System.IO; using System.IO.Compression; using System.Linq; using System.Threading.Tasks; using System.Collections.Generic; using System.Collections.Concurrent;\n";

    [Fact]
    public async Task ZipEntriesWrittenUnderTheArchiveLock_InParallelForEach_Report()
    {
        var source = Usings + """
            class Packager
            {
                private readonly ZipArchive _archive;

                public Packager(ZipArchive archive) => _archive = archive;

                public void AddAll(string[] paths)
                {
                    Parallel.ForEach(paths, path =>
                    {
                        var bytes = File.ReadAllBytes(path);
                        {|#0:lock (_archive)|}
                        {
                            var entry = _archive.CreateEntry(path, CompressionLevel.Optimal);
                            using var stream = entry.Open();
                            stream.Write(bytes, 0, bytes.Length);
                        }
                    });
                }

                public void CopyAll(string[] paths)
                {
                    Parallel.ForEach(paths, path =>
                    {
                        using var data = new MemoryStream(File.ReadAllBytes(path));
                        {|#1:lock (_archive)|}
                        {
                            using var stream = _archive.CreateEntry(path).Open();
                            data.CopyTo(stream);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_archive", "Stream.Write (compression)", "a Parallel.ForEach body"),
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1)
                .WithArguments("_archive", "Stream.CopyTo (compression)", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task GZipStreamMadeToCompress_UnderAStaticLock_Reports_ButAFileWriteAndADecompressionSourceDoNot()
    {
        var source = Usings + """
            static class Archiver
            {
                private static readonly object Gate = new object();

                public static void Pack(Stream input, Stream output)
                {
                    {|#0:lock (Gate)|}
                    {
                        using var zip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
                        input.CopyTo(zip);
                    }
                }

                // Plain I/O: the time goes to the disk.
                public static void Save(Stream input, string path)
                {
                    lock (Gate)
                    {
                        using var file = File.Create(path);
                        input.CopyTo(file);
                    }
                }

                // Writing to the underlying stream of a decompressor is not compression.
                public static void Raw(Stream compressed, Stream output)
                {
                    lock (Gate)
                    {
                        var unzip = new GZipStream(compressed, CompressionMode.Decompress);
                        output.Write(new byte[16], 0, 16);
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("Gate", "Stream.CopyTo (compression)", "'Pack', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task WorkThatRunsItsOwnParallelFor_UnderALock_IsQuiet_TheSameWorkSerialReports()
    {
        var source = Usings + """
            static class Renderer
            {
                private static readonly object RenderGate = new object();

                public static double[] FrameInParallel(int width, int height)
                {
                    lock (RenderGate)
                    {
                        var buffer = new double[width * height];
                        Parallel.For(0, height, y =>
                        {
                            for (var x = 0; x < width; x++)
                            {
                                double v = 0;
                                for (var k = 0; k < 200; k++) v += Math.Sin(x * k + y);
                                buffer[y * width + x] = v;
                            }
                        });
                        return buffer;
                    }
                }

                public static double[] FrameWithPlinq(double[] input)
                {
                    lock (RenderGate)
                    {
                        return input.AsParallel().AsOrdered().Select(v => { double s = 0; for (var k = 0; k < 200; k++) s += Math.Sin(v * k); return s; }).ToArray();
                    }
                }

                public static double[] FrameSerial(int width, int height)
                {
                    {|#0:lock (RenderGate)|}
                    {
                        var buffer = new double[width * height];
                        for (var y = 0; y < height; y++)
                        {
                            for (var x = 0; x < width; x++)
                            {
                                double v = 0;
                                for (var k = 0; k < 200; k++) v += Math.Sin(x * k + y);
                                buffer[y * width + x] = v;
                            }
                        }

                        return buffer;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("RenderGate", "nested loop, 3 levels", "'FrameSerial', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task LinqLookThroughTheGuardedCollection_InParallelCode_IsQuiet_ButAPassOverNumbersReports()
    {
        var source = Usings + """
            class Search
            {
                private readonly object _gate = new object();
                private readonly List<string> _seen = new List<string>();
                private readonly double[] _samples = new double[4096];
                private double _energy;

                private bool Known(BlockingCollection<(double[] Point, double Score)> tried, double[] point)
                {
                    lock (_gate)
                    {
                        return tried.Any(t => Equals(t.Point, point));
                    }
                }

                public void Run(double[][] points, string[] names)
                {
                    var tried = new BlockingCollection<(double[] Point, double Score)>();
                    Parallel.ForEach(points, p =>
                    {
                        if (!Known(tried, p))
                        {
                            tried.Add((p, 1.0));
                        }
                    });

                    Parallel.ForEach(names, n =>
                    {
                        lock (_gate)
                        {
                            if (!_seen.Where(s => s.Length == n.Length).Any(s => s == n))
                            {
                                _seen.Add(n);
                            }
                        }
                    });

                    Parallel.For(0, 8, i =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            _energy += _samples.Sum(x => x * x);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(
            source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_gate", "LINQ pipeline", "a Parallel.For body"));
    }
}
