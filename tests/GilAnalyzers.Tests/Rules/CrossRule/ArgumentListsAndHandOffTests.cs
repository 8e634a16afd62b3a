using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil001Callee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using Gil002 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using Gil005 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14, fourth round (shapes from the tuned corpus half, written in our own words): a loop over an argument list
/// (a <c>params</c> array, an <c>object[]</c> of format arguments or cells) is a handful of steps, not data; threads
/// collected in a list and started from it later with one shared state object reach that object's locks; and a
/// process-wide lock held while each instance initialises its own member is not one-time initialisation.
/// </summary>
public class ArgumentListsAndHandOffTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Collections.Concurrent; using System.Linq; using System.Runtime.CompilerServices; using System.Threading; using System.Threading.Tasks;\n";

    // ---- argument lists ----

    [Fact]
    public async Task SynchronizedAddBuildingAnEntryFromParamsMatches_DoesNotReport()
    {
        var source = Usings + """
            sealed class Hit { public readonly int Score; public Hit(int score) { Score = score; } }
            sealed class Bucket
            {
                private readonly ConcurrentDictionary<int, Hit> _best = new ConcurrentDictionary<int, Hit>();
                public Bucket(int key, params Hit[] hits) { foreach (var h in hits) Offer(key, h); }
                public void Offer(int key, Hit h) => _best.AddOrUpdate(key, h, (k, old) => old.Score >= h.Score ? old : h);
            }
            class Tally
            {
                private readonly Dictionary<int, Bucket> _buckets = new Dictionary<int, Bucket>();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Record(int sequence, int key, int score)
                {
                    var hit = new Hit(score);
                    if (!_buckets.TryGetValue(sequence, out var bucket)) _buckets.Add(sequence, new Bucket(key, hit));
                    else bucket.Offer(key, hit);
                }

                public static Tally Run(int[] sequences)
                {
                    var tally = new Tally();
                    Parallel.ForEach(sequences, s => tally.Record(s, s % 11, s * 5));
                    return tally;
                }
            }
            """;
        await Gil002.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SynchronizedRowFormattingOverObjectCells_DoesNotReport()
    {
        var source = Usings + """
            class CsvLog
            {
                private readonly System.Text.StringBuilder _text = new System.Text.StringBuilder();

                [MethodImpl(MethodImplOptions.Synchronized)]
                private void WriteRow(object[] cells)
                {
                    var parts = new string[cells.Length];
                    for (int i = 0; i < cells.Length; i++)
                    {
                        object cell = cells[i];
                        if (cell is string) cell = "'" + cell + "'";
                        parts[i] = cell.ToString();
                    }
                    _text.AppendLine(string.Join(";", parts));
                }

                public void LogAll(int[] runs)
                {
                    Parallel.ForEach(runs, r => WriteRow(new object[] { r, r * 0.5, "run" + r }));
                }
            }
            """;
        await Gil002.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SynchronizedRowFormattingOverNumericSamples_Reports()
    {
        var source = Usings + """
            class CsvLog
            {
                private readonly System.Text.StringBuilder _text = new System.Text.StringBuilder();

                [MethodImpl(MethodImplOptions.Synchronized)]
                private void {|#0:WriteRow|}(double[] samples)
                {
                    var parts = new string[samples.Length];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        parts[i] = Math.Round(samples[i], 3).ToString();
                    }
                    _text.AppendLine(string.Join(";", parts));
                }

                public void LogAll(double[][] runs)
                {
                    Parallel.ForEach(runs, r => WriteRow(r));
                }
            }
            """;
        await Gil002.VerifyAnalyzerAsync(source, Gil002.Diagnostic(Descriptors.SynchronizedCpuMethodReached).WithLocation(0).WithArguments("WriteRow", "for loop", "the instance, shared by a Parallel.ForEach body"));
    }

    // ---- threads started from the list they were collected in ----

    private const string CrunchClass = """
        public class Crunch
        {
            private readonly object _gate = new object();
            public long Amount = 50000;
            public long Step()
            {
                long result = 0;
                {|#0:lock (_gate)|}
                {
                    int x = 7;
                    for (long l = 0; l < Amount; l++)
                    {
                        x = x + (int)l;
                        if (l % 3 == 0) result = x * 31 + l;
                    }
                }
                return result;
            }
        }
        """;

    [Fact]
    public async Task ThreadsStartedFromTheirListWithOneSharedState_Reports()
    {
        var source = Usings + CrunchClass + """

            public static class Runner
            {
                public static void Start(int count)
                {
                    var crunch = new Crunch();
                    var workers = new List<Thread>();
                    for (int i = 0; i < count; i++)
                    {
                        var t = new Thread(Loop);
                        workers.Add(t);
                    }
                    foreach (var w in workers)
                    {
                        w.Start(crunch);
                    }
                    foreach (var w in workers) w.Join();
                }

                private static void Loop(object state)
                {
                    var c = (Crunch)state;
                    for (int round = 0; round < 100; round++) c.Step();
                }
            }
            """;
        await Gil001Callee.VerifyAnalyzerAsync(source, Gil001Callee.Diagnostic(Descriptors.SharedLockAroundCpuWorkInCallee).WithLocation(0).WithArguments("_gate", "for loop", "'Step', called from a Thread started in a loop"));
    }

    [Fact]
    public async Task ThreadsStartedFromTheirListEachWithItsOwnState_DoesNotReport()
    {
        var source = Usings + CrunchClass.Replace("{|#0:lock (_gate)|}", "lock (_gate)") + """

            public static class Runner
            {
                public static void Start(int count)
                {
                    var workers = new List<Thread>();
                    for (int i = 0; i < count; i++)
                    {
                        var t = new Thread(Loop);
                        workers.Add(t);
                    }
                    foreach (var w in workers)
                    {
                        w.Start(new Crunch());
                    }
                    foreach (var w in workers) w.Join();
                }

                private static void Loop(object state)
                {
                    var c = (Crunch)state;
                    for (int round = 0; round < 100; round++) c.Step();
                }
            }
            """;
        await Gil001Callee.VerifyAnalyzerAsync(source);
    }

    // ---- per-instance initialisation under a process-wide lock ----

    private const string AssetTemplate = """
        public sealed class Asset
        {
            private static readonly object Locker = new object();
            private readonly byte[] _bytes;
            private MEMBER double[] _decoded;
            public Asset(byte[] b) { _bytes = b; }
            public double[] Decoded(byte[] source)
            {
                LOCK
                {
                    return _decoded ??= Decode(source);
                }
            }
            private static double[] Decode(byte[] b)
            {
                var r = new double[b.Length];
                for (int i = 0; i < b.Length; i++)
                    for (int k = 0; k < b.Length; k++) r[(i + k) % r.Length] += Math.Sqrt(b[i] * (k + 1));
                return r;
            }
        }
        """;

    [Fact]
    public async Task InstanceMemberInitialisedUnderStaticLock_Reports()
    {
        var source = Usings + AssetTemplate.Replace("MEMBER ", string.Empty).Replace("LOCK", "{|#0:lock (Locker)|}");
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Locker", "calls 'Decode' (nested loop, 2 levels)", "'Decoded', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task StaticMemberInitialisedOnceUnderStaticLock_DoesNotReport()
    {
        var source = Usings + AssetTemplate.Replace("MEMBER ", "static ").Replace("LOCK", "lock (Locker)");
        await Gil001.VerifyAnalyzerAsync(source);
    }

    // ---- what a loop evaluates once ----

    private const string Absorber = """
        static class Absorber
        {
            private static readonly object Gate = new object();
            private static double Total;

            public static void Absorb(double[][] rows)
            {
                LOCK
                {
                    foreach (var row in rows.Where(r => r.Length > 0).ToArray())
                    {
                        BODY
                    }
                }
            }
        }
        """;

    [Fact]
    public async Task LoopOverAFilteredCopy_IsOnePass_DoesNotReport()
    {
        var source = Usings + Absorber.Replace("LOCK", "lock (Gate)").Replace("BODY", "Total += row.Length;");
        await Gil001.VerifyAnalyzerAsync(source);
        await Gil006.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LoopOverAFilteredCopyWithANestedPassPerItem_Reports()
    {
        var source = Usings + Absorber.Replace("LOCK", "{|#0:lock (Gate)|}").Replace("BODY", "for (int i = 0; i < row.Length; i++) Total += Math.Sqrt(row[i]);");
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("Gate", "nested loop, 2 levels", "'Absorb', a process-wide lock that every calling thread queues for"));
    }

    // ---- native metadata queries ----

    private const string AudioCodec = """
        [StructLayout(LayoutKind.Sequential)] struct CodecDetails { public int Size; public int Flags; }
        [StructLayout(LayoutKind.Sequential)] struct StreamHeader { public IntPtr Source; public int SourceLength; public IntPtr Dest; public int DestLength; }
        static class Codec
        {
            private static readonly object CodecLock = new object();
            [DllImport("codec.dll")] private static extern int codec_driver_details(IntPtr driver, ref CodecDetails details, int reserved);
            [DllImport("codec.dll")] private static extern int codec_stream_convert(IntPtr stream, ref StreamHeader header, int flags);

            public static int DriverDetails(IntPtr driver, ref CodecDetails details)
            {
                LOCK_A return codec_driver_details(driver, ref details, 0);
            }

            public static int StreamConvert(IntPtr stream, ref StreamHeader header)
            {
                LOCK_B return codec_stream_convert(stream, ref header, 0);
            }
        }
        """;

    [Fact]
    public async Task NativeDetailsQueryUnderStaticLock_DoesNotReport_ConversionDoes()
    {
        var source = "using System; using System.Runtime.InteropServices;\n" + AudioCodec
            .Replace("LOCK_A", "lock (CodecLock)")
            .Replace("LOCK_B", "{|#0:lock (CodecLock)|}");
        await Gil006.VerifyAnalyzerAsync(source, Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0)
            .WithArguments("CodecLock", "'codec_stream_convert' (bulk work in a native library)", "'StreamConvert', a process-wide lock that every calling thread queues for", "the work calls native code ('codec_stream_convert')"));
    }

    // ---- element-wise merges ----

    private const string GradientSum = """
        class Trainer
        {
            private readonly object _sumLock = new object();
            public double[] Weights = new double[512];

            private double[] Estimate(double[] sample)
            {
                var g = new double[Weights.Length];
                for (int j = 0; j < g.Length; j++)
                    for (int k = 0; k < sample.Length; k++) g[j] += Weights[j] * sample[k];
                return g;
            }

            public double[] Epoch(double[][] samples)
            {
                var gradient = new double[Weights.Length];
                Parallel.For(0, samples.Length, i =>
                {
                    double[] estimate = Estimate(samples[i]);
                    LOCK
                    {
                        for (int j = 0; j < estimate.Length; j++)
                            MERGE;
                    }
                });
                return gradient;
            }
        }
        """;

    [Fact]
    public async Task VectorComputedOutsideTheLockMergedUnderIt_DoesNotReport()
    {
        var source = Usings + GradientSum.Replace("LOCK", "lock (_sumLock)").Replace("MERGE", "gradient[j] += estimate[j]");
        await Gil001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MergeThatComputesPerElementUnderTheLock_Reports()
    {
        var source = Usings + GradientSum.Replace("LOCK", "{|#0:lock (_sumLock)|}").Replace("MERGE", "gradient[j] += Math.Tanh(estimate[j]) * Weights[j]");
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("_sumLock", "for loop", "a Parallel.For body"));
    }

    // ---- GIL005: an async prefix costed as a whole ----

    private const string CachedFetch = """
        static class Fetcher
        {
            private static readonly string Root = Path.Combine(Path.GetTempPath(), "fetch-cache");

            public static async Task<string> FetchAsync(string url, CancellationToken token)
            {
                string path = Path.Combine(Root, NameFor(url) + ".bin");
                Directory.CreateDirectory(Root);
                PREFIX
                if (!File.Exists(path))
                {
                    await File.WriteAllTextAsync(path, url, token);
                }
                return path;
            }

            private static string NameFor(string url)
            {
                byte[] hash = MD5.HashData(Encoding.UTF8.GetBytes(url));
                return string.Concat(Enumerable.Range(0, hash.Length / 2).Select(i => ((byte)(hash[i] * 23 + hash[i + 1])).ToString("x2")));
            }

            public static async Task<string[]> BothAsync(CancellationToken token)
                => await {|#0:Task.WhenAll(FetchAsync("a", token), FetchAsync("b", token))|};
        }
        """;

    private const string AsyncUsings = "using System; using System.IO; using System.Linq; using System.Security.Cryptography; using System.Text; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task CacheNameHashedNextToFileSystemChecksBeforeTheFirstAwait_DoesNotReport()
    {
        var source = AsyncUsings + CachedFetch.Replace("PREFIX", string.Empty).Replace("{|#0:", string.Empty).Replace("|};", ";");
        await Gil005.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LoopNestBeforeTheFirstAwait_NextToTheSameChecks_Reports()
    {
        var source = AsyncUsings + CachedFetch.Replace("PREFIX", "var grid = new double[256, 256]; for (int r = 0; r < 256; r++) for (int c = 0; c < 256; c++) grid[r, c] = Math.Sqrt(r * c + url.Length);");
        await Gil005.VerifyAnalyzerAsync(source, Gil005.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
            .WithArguments("WhenAll", "2 calls", "FetchAsync", "nested loops, 65,536 iterations"));
    }

    // ---- a static array only added into is accumulation, not process-global entanglement ----

    private const string LumaHistogram = """
        static class Luma
        {
            private static readonly object HistGate = new object();
            private static readonly long[] Histogram = new long[256];

            public static void Count(byte[][] rows)
            {
                Parallel.For(0, rows.Length, r =>
                {
                    var row = rows[r];
                    LOCK
                    {
                        for (int x = 0; x < row.Length; x++)
                        {
                            UPDATE;
                        }
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task StaticHistogramOnlyAddedInto_IsGil001_NotGil006()
    {
        var source = Usings + LumaHistogram.Replace("LOCK", "{|#0:lock (HistGate)|}").Replace("UPDATE", "Histogram[row[x]]++");
        await Gil001.VerifyAnalyzerAsync(source, Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("HistGate", "for loop", "a Parallel.For body"));
        await Gil006.VerifyAnalyzerAsync(source.Replace("{|#0:", string.Empty).Replace("|}", string.Empty));
    }

    [Fact]
    public async Task StaticTableReadAndWritten_StaysGil006()
    {
        var source = Usings + LumaHistogram.Replace("LOCK", "{|#0:lock (HistGate)|}").Replace("UPDATE", "Histogram[row[x]] = Histogram[(row[x] + 1) & 255] + 1");
        await Gil006.VerifyAnalyzerAsync(source, Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0)
            .WithArguments("HistGate", "for loop", "a Parallel.For body", "'Luma.Histogram' is read and written by the work"));
    }
}

