using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>GIL005 on the shapes real code has: async lambdas in Select, delegates and local functions awaited together.</summary>
public class RealAsyncLambdaFanInTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Net.Http; using System.Threading; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task AsyncLambdaInSelect_ComputesBeforeItsFirstAwait_WrappedInTaskRun(LanguageVersion version)
    {
        var source = Usings + """
            class ThumbnailWriter
            {
                public async Task WriteAll(IEnumerable<float[]> frames, Stream output)
                {
                    await {|#0:Task.WhenAll(frames.Select(async frame =>
                    {
                        var pixels = new byte[frame.Length];
                        for (int p = 0; p < frame.Length; p++)
                        {
                            float v = frame[p];
                            for (int pass = 0; pass < 4; pass++) v = v * 0.5f + (float)Math.Sqrt(Math.Abs(v));
                            pixels[p] = (byte)Math.Min(255f, v);
                        }
                        await output.WriteAsync(pixels, 0, pixels.Length);
                    }))|};
                }
            }
            """;
        var fixedSource = Usings + """
            class ThumbnailWriter
            {
                public async Task WriteAll(IEnumerable<float[]> frames, Stream output)
                {
                    await Task.WhenAll(frames.Select(frame => Task.Run(async () =>
                    {
                        var pixels = new byte[frame.Length];
                        for (int p = 0; p < frame.Length; p++)
                        {
                            float v = frame[p];
                            for (int pass = 0; pass < 4; pass++) v = v * 0.5f + (float)Math.Sqrt(Math.Abs(v));
                            pixels[p] = (byte)Math.Min(255f, v);
                        }
                        await output.WriteAsync(pixels, 0, pixels.Length);
                    })));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'frames'", "async frame => ...", "for loop"));
    }

    [Fact]
    public async Task AsyncLambdaWithIndexAndCompletedAwaitFirst_ReportsAndWraps()
    {
        var source = Usings + """
            class Scorer
            {
                static async Task<double> Score(IReadOnlyList<double[]> rows)
                {
                    var sums = await [|Task.WhenAll(rows.Select(async (row, index) =>
                    {
                        await Task.CompletedTask.ConfigureAwait(false);
                        double acc = 0;
                        foreach (var x in row) acc += Math.Log(1 + x * x) * index;
                        return acc;
                    }).ToList())|];
                    return sums.Sum();
                }
            }
            """;
        var fixedSource = Usings + """
            class Scorer
            {
                static async Task<double> Score(IReadOnlyList<double[]> rows)
                {
                    var sums = await Task.WhenAll(rows.Select((row, index) => Task.Run(async () =>
                    {
                        await Task.CompletedTask.ConfigureAwait(false);
                        double acc = 0;
                        foreach (var x in row) acc += Math.Log(1 + x * x) * index;
                        return acc;
                    })).ToList());
                    return sums.Sum();
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task ExpressionBodiedAsyncLambda_CallingCpuBoundAsyncMethod_ReportsAndWraps()
    {
        var source = Usings + """
            class Hasher
            {
                private async Task<ulong> DigestAsync(byte[] chunk)
                {
                    ulong h = 1469598103934665603UL;
                    foreach (var b in chunk) { h ^= b; h *= 1099511628211UL; }
                    await Task.Yield();
                    return h;
                }

                public Task<ulong[]> DigestAll(byte[][] chunks) =>
                    [|Task.WhenAll(chunks.Select(async c => await DigestAsync(c)))|];
            }
            """;
        var fixedSource = Usings + """
            class Hasher
            {
                private async Task<ulong> DigestAsync(byte[] chunk)
                {
                    ulong h = 1469598103934665603UL;
                    foreach (var b in chunk) { h ^= b; h *= 1099511628211UL; }
                    await Task.Yield();
                    return h;
                }

                public Task<ulong[]> DigestAll(byte[][] chunks) =>
                    Task.WhenAll(chunks.Select(c => Task.Run(async () => await DigestAsync(c))));
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task ListFilledWithDelegateInvocations_WrapsEachCall()
    {
        var source = Usings + """
            class Renderer
            {
                public async Task RenderAsync(IEnumerable<int[]> tiles, TextWriter log)
                {
                    Func<int[], Task> shade = async tile =>
                    {
                        for (int i = 0; i < tile.Length; i++)
                        {
                            int c = tile[i];
                            for (int k = 0; k < 16; k++) c = (c * 1103515245 + 12345) & 0x7fffffff;
                            tile[i] = c;
                        }
                        await log.WriteLineAsync("tile done");
                    };
                    var pending = new List<Task>();
                    foreach (var tile in tiles)
                    {
                        pending.Add(shade(tile));
                    }
                    await {|#0:Task.WhenAll(pending)|};
                }
            }
            """;
        var fixedSource = Usings + """
            class Renderer
            {
                public async Task RenderAsync(IEnumerable<int[]> tiles, TextWriter log)
                {
                    Func<int[], Task> shade = async tile =>
                    {
                        for (int i = 0; i < tile.Length; i++)
                        {
                            int c = tile[i];
                            for (int k = 0; k < 16; k++) c = (c * 1103515245 + 12345) & 0x7fffffff;
                            tile[i] = c;
                        }
                        await log.WriteLineAsync("tile done");
                    };
                    var pending = new List<Task>();
                    foreach (var tile in tiles)
                    {
                        pending.Add(Task.Run(() => shade(tile)));
                    }
                    await Task.WhenAll(pending);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "the calls added to 'pending'", "shade", "for loop"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task AsyncLocalFunctionsAwaitedTogether_WrapsEachCall(LanguageVersion version)
    {
        var source = Usings + """
            class Splitter
            {
                static async Task<long> CountBoth(int[] left, int[] right)
                {
                    async Task<long> CountPrimes(int[] values)
                    {
                        long found = 0;
                        foreach (var v in values)
                        {
                            bool prime = v > 1;
                            for (int d = 2; d * d <= v; d++) if (v % d == 0) { prime = false; break; }
                            if (prime) found++;
                        }
                        await Task.Delay(1);
                        return found;
                    }

                    var counts = await [|Task.WhenAll(CountPrimes(left), CountPrimes(right))|];
                    return counts[0] + counts[1];
                }
            }
            """;
        var fixedSource = Usings + """
            class Splitter
            {
                static async Task<long> CountBoth(int[] left, int[] right)
                {
                    async Task<long> CountPrimes(int[] values)
                    {
                        long found = 0;
                        foreach (var v in values)
                        {
                            bool prime = v > 1;
                            for (int d = 2; d * d <= v; d++) if (v % d == 0) { prime = false; break; }
                            if (prime) found++;
                        }
                        await Task.Delay(1);
                        return found;
                    }

                    var counts = await Task.WhenAll(Task.Run(() => CountPrimes(left)), Task.Run(() => CountPrimes(right)));
                    return counts[0] + counts[1];
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version);
    }

    [Fact]
    public async Task AsyncLambdasThatYieldOrDoIoFirst_DoNotReport()
    {
        var source = Usings + """
            class Crawler
            {
                private readonly HttpClient _client = new HttpClient();

                public async Task<int[]> WordCounts(string[] urls)
                {
                    return await Task.WhenAll(urls.Select(async url =>
                    {
                        var page = await _client.GetStringAsync(url);
                        int words = 0;
                        for (int i = 0; i < page.Length; i++) if (char.IsWhiteSpace(page[i])) words++;
                        return words;
                    }));
                }

                public async Task<long[]> LineLengths(string[] paths)
                {
                    var jobs = paths.Select(async path =>
                    {
                        using (var reader = new StreamReader(path))
                        {
                            string text = await reader.ReadToEndAsync();
                            long total = 0;
                            foreach (var line in text.Split('\n')) foreach (var ch in line) total += ch;
                            return total;
                        }
                    });
                    return await Task.WhenAll(jobs);
                }

                public Task Yielding(List<double[]> blocks)
                {
                    return Task.WhenAll(blocks.Select(async block =>
                    {
                        await Task.Yield();
                        for (int i = 0; i < block.Length; i++)
                            for (int k = 0; k < 8; k++) block[i] = Math.Sqrt(block[i] + k);
                    }));
                }

                public Task Delayed(List<double[]> blocks)
                {
                    return Task.WhenAll(blocks.Select(async block =>
                    {
                        await Task.Delay(10).ConfigureAwait(false);
                        for (int i = 0; i < block.Length; i++) block[i] = Math.Sqrt(block[i]);
                    }));
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LightAsyncLambdasOrAlreadyOffloaded_DoNotReport()
    {
        var source = Usings + """
            class Dispatcher
            {
                public async Task Notify(IList<int> ids, TextWriter sink)
                {
                    await Task.WhenAll(ids.Select(async id =>
                    {
                        var line = "id=" + id;
                        await sink.WriteLineAsync(line);
                    }));

                    await Task.WhenAll(ids.Select(id => Task.Run(async () =>
                    {
                        long h = id;
                        for (int r = 0; r < 1000; r++)
                            for (int k = 0; k < 64; k++) h = h * 31 + k;
                        await sink.WriteLineAsync(h.ToString());
                    })));

                    await Task.WhenAll(ids.Select(async id => await Task.Run(() =>
                    {
                        double s = 0;
                        for (int k = 0; k < 100000; k++) s += Math.Cos(k * id);
                        return s;
                    })));

                    await Task.WhenAll(ids.Select(async id =>
                    {
                        var total = await Task.Run(() => Enumerable.Range(0, 100000).Sum(k => (long)k * id)).ConfigureAwait(false);
                        await sink.WriteLineAsync(total.ToString());
                    }));

                    await Task.WhenAll(ids.Select(async id =>
                    {
                        var pending = Task.Run(() =>
                        {
                            long h = id;
                            for (int r = 0; r < 100000; r++) h = h * 31 + r;
                            return h;
                        });
                        await sink.WriteLineAsync("started " + id);
                        await sink.WriteLineAsync((await pending).ToString());
                    }));

                    var offloaded = new List<Task>();
                    foreach (var id in ids)
                    {
                        offloaded.Add(Task.Run(async () =>
                        {
                            double s = 0;
                            for (int k = 0; k < 100000; k++) s += Math.Sin(k * id);
                            await sink.WriteLineAsync(s.ToString());
                        }));
                    }
                    await Task.WhenAll(offloaded);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AsyncLambdaAwaitingWriteOfComputedBuffer_ComputationRunsBeforeTheAwait_Reports()
    {
        var source = Usings + """
            class Packer
            {
                static byte[] Pack(int[] samples)
                {
                    var packed = new byte[samples.Length * 2];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        int v = samples[i];
                        for (int bit = 0; bit < 16; bit++) v ^= (v << 1) & 0x5555;
                        packed[2 * i] = (byte)v;
                        packed[2 * i + 1] = (byte)(v >> 8);
                    }
                    return packed;
                }

                public static Task PackAll(IEnumerable<int[]> blocks, Stream sink)
                {
                    return [|Task.WhenAll(blocks.Select(async block => await sink.WriteAsync(Pack(block), 0, block.Length * 2)))|];
                }
            }
            """;
        var fixedSource = Usings + """
            class Packer
            {
                static byte[] Pack(int[] samples)
                {
                    var packed = new byte[samples.Length * 2];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        int v = samples[i];
                        for (int bit = 0; bit < 16; bit++) v ^= (v << 1) & 0x5555;
                        packed[2 * i] = (byte)v;
                        packed[2 * i + 1] = (byte)(v >> 8);
                    }
                    return packed;
                }

                public static Task PackAll(IEnumerable<int[]> blocks, Stream sink)
                {
                    return Task.WhenAll(blocks.Select(block => Task.Run(async () => await sink.WriteAsync(Pack(block), 0, block.Length * 2))));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task StaticAsyncLambda_KeepsStaticWhenWrapped()
    {
        var source = Usings + """
            static class Checksums
            {
                public static async Task<int[]> Adler(IEnumerable<byte[]> files)
                {
                    return await [|Task.WhenAll(files.Select(static async bytes =>
                    {
                        int a = 1, b = 0;
                        foreach (var x in bytes) { a = (a + x) % 65521; b = (b + a) % 65521; }
                        await Task.Delay(0);
                        return (b << 16) | a;
                    }))|];
                }
            }
            """;
        var fixedSource = Usings + """
            static class Checksums
            {
                public static async Task<int[]> Adler(IEnumerable<byte[]> files)
                {
                    return await Task.WhenAll(files.Select(static bytes => Task.Run(async () =>
                    {
                        int a = 1, b = 0;
                        foreach (var x in bytes) { a = (a + x) % 65521; b = (b + a) % 65521; }
                        await Task.Delay(0);
                        return (b << 16) | a;
                    })));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task AsyncLambdaAwaitingUnresolvedDatabaseCallFirst_DoesNotReport()
    {
        // The real-code runner compiles without NuGet references: the data-access type is an error type.
        var source = Usings + """
            class Importer
            {
                private readonly {|CS0246:OrderStore|} _store;

                public Importer({|CS0246:OrderStore|} store) { _store = store; }

                public Task ImportAll(IEnumerable<int> ids) => Task.WhenAll(ids.Select(async id =>
                {
                    var order = await _store.LoadAsync(id).ConfigureAwait(false);
                    long digest = 17;
                    for (int pass = 0; pass < 64; pass++)
                        for (int k = 0; k < 1024; k++) digest = digest * 31 + k + id;
                    await _store.SaveDigestAsync(order, digest);
                }));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
