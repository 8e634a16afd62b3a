using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

public class SequentialAsyncCpuWorkTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Net.Http; using System.Threading; using System.Threading.Tasks;\n";

    private const string Crc = """
            static async Task<uint> CrcAsync(byte[] data)
            {
                uint crc = 0xFFFFFFFF;
                foreach (var b in data)
                {
                    crc ^= b;
                    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
                }
                await Task.Yield();
                return ~crc;
            }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WhenAllOverSelect_WrapsCallInTaskRun(LanguageVersion version)
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(List<byte[]> blocks)
                {
                    return await {|#0:Task.WhenAll(blocks.Select(b => CrcAsync(b)))|};
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(List<byte[]> blocks)
                {
                    return await Task.WhenAll(blocks.Select(b => Task.Run(() => CrcAsync(b))));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'blocks'", "CrcAsync", "foreach loop"));
    }

    [Fact]
    public async Task WhenAllOverMethodGroupSelectAndToArray_WrapsCall()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    var tasks = blocks.Select(CrcAsync).ToArray();
                    return [|Task.WhenAll(tasks)|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    var tasks = blocks.Select(item => Task.Run(() => CrcAsync(item))).ToArray();
                    return Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task WaitAllOverExplicitTasks_WrapsEachCall()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static uint Run(byte[] a, byte[] b)
                {
                    var first = CrcAsync(a);
                    var second = CrcAsync(b);
                    {|#0:Task.WaitAll(first, second)|};
                    return first.Result ^ second.Result;
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static uint Run(byte[] a, byte[] b)
                {
                    var first = Task.Run(() => CrcAsync(a));
                    var second = Task.Run(() => CrcAsync(b));
                    Task.WaitAll(first, second);
                    return first.Result ^ second.Result;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WaitAll", "2 calls", "CrcAsync", "foreach loop"));
    }

    [Fact]
    public async Task PlainTaskReturningMethodThatComputesAndReturnsFromResult_ReportsAndWraps()
    {
        // Not async, no await: the whole body runs inside the call, so the "parallel" scores run one after another.
        var source = Usings + """
            class Scorer
            {
                static Task<double> ScoreAsync(double[] genes)
                {
                    double fitness = 0;
                    for (int i = 0; i < genes.Length; i++)
                        fitness += Math.Sin(genes[i]) * Math.Cos(genes[i] * 0.5);
                    return Task.FromResult(fitness);
                }

                static Task<double[]> ScoreAll(double[][] population) => {|#0:Task.WhenAll(population.Select(g => ScoreAsync(g)))|};
            }
            """;
        var fixedSource = Usings + """
            class Scorer
            {
                static Task<double> ScoreAsync(double[] genes)
                {
                    double fitness = 0;
                    for (int i = 0; i < genes.Length; i++)
                        fitness += Math.Sin(genes[i]) * Math.Cos(genes[i] * 0.5);
                    return Task.FromResult(fitness);
                }

                static Task<double[]> ScoreAll(double[][] population) => Task.WhenAll(population.Select(g => Task.Run(() => ScoreAsync(g))));
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'population'", "ScoreAsync", "for loop"));
    }

    [Fact]
    public async Task FixAll_WrapsEveryJoin()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> A(byte[][] blocks) => [|Task.WhenAll(blocks.Select(b => CrcAsync(b)))|];
                static Task<uint[]> B(byte[] x, byte[] y) => [|Task.WhenAll(CrcAsync(x), CrcAsync(y))|];
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> A(byte[][] blocks) => Task.WhenAll(blocks.Select(b => Task.Run(() => CrcAsync(b))));
                static Task<uint[]> B(byte[] x, byte[] y) => Task.WhenAll(Task.Run(() => CrcAsync(x)), Task.Run(() => CrcAsync(y)));
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task CompletedAwaitsAreLookedThrough_Reports()
    {
        var source = Usings + """
            class C
            {
                static async Task<long> SumAsync(int[] data)
                {
                    await Task.CompletedTask;
                    long s = 0;
                    foreach (var d in data) s += d * (long)d;
                    return s;
                }

                static Task<long[]> Run(int[] a, int[] b) => {|#0:Task.WhenAll(SumAsync(a), SumAsync(b))|};
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0).WithArguments("WhenAll", "2 calls", "SumAsync", "foreach loop"));
    }

    [Fact]
    public async Task ListFilledInForeach_WrapsEachAdd()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(List<byte[]> blocks)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var block in blocks)
                    {
                        tasks.Add(CrcAsync(block));
                    }
                    return await {|#0:Task.WhenAll(tasks)|};
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(List<byte[]> blocks)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var block in blocks)
                    {
                        tasks.Add(Task.Run(() => CrcAsync(block)));
                    }
                    return await Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, LanguageVersion.Latest,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "the calls added to 'tasks'", "CrcAsync", "foreach loop"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ListFilledInForLoopFromArray_TheElementIsReadInFrontOfTheStatement(LanguageVersion version)
    {
        // blocks[i] read inside Task.Run would see the loop's later i: it is read where the call read it, into a local.
        var source = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    var tasks = new List<Task<uint>>();
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        tasks.Add(CrcAsync(blocks[i]));
                    }
                    return [|Task.WhenAll(tasks)|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    var tasks = new List<Task<uint>>();
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        var data = blocks[i];
                        tasks.Add(Task.Run(() => CrcAsync(data)));
                    }
                    return Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey, version);
    }

    [Fact]
    public async Task DictionaryReadAsArgument_ReadInFrontOfTheStatement()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(IReadOnlyList<string> names, Dictionary<string, byte[]> contents)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var name in names)
                    {
                        tasks.Add(CrcAsync(contents[name]));
                    }
                    return await [|Task.WhenAll(tasks)|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(IReadOnlyList<string> names, Dictionary<string, byte[]> contents)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var name in names)
                    {
                        var data = contents[name];
                        tasks.Add(Task.Run(() => CrcAsync(data)));
                    }
                    return await Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task ListFilledInALoopWithoutBraces_TheLoopBodyGetsBracesAndTheElementIsReadInFront()
    {
        // foreach (…) tasks.Add(F(contents[name])); — the body is one statement: the read goes in front of it in a new block.
        var source = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(IReadOnlyList<string> names, Dictionary<string, byte[]> contents)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var name in names)
                        tasks.Add(CrcAsync(contents[name]));
                    return await [|Task.WhenAll(tasks)|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static async Task<uint[]> Run(IReadOnlyList<string> names, Dictionary<string, byte[]> contents)
                {
                    var tasks = new List<Task<uint>>();
                    foreach (var name in names)
                    {
                        var data = contents[name];
                        tasks.Add(Task.Run(() => CrcAsync(data)));
                    }

                    return await Task.WhenAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task GenuinelyAsyncIo_DoesNotReport()
    {
        var source = Usings + """
            class C
            {
                static readonly HttpClient Http = new HttpClient();

                static async Task<int> FetchAsync(string url)
                {
                    var text = await Http.GetStringAsync(url);
                    int words = 0;
                    foreach (var c in text) if (c == ' ') words++;
                    return words;
                }

                static async Task<int> ReadAsync(string path)
                {
                    using (var reader = new StreamReader(path))
                    {
                        var text = await reader.ReadToEndAsync();
                        return text.Length;
                    }
                }

                static Task<int[]> Run(string[] urls, string path)
                {
                    Task.WaitAll(ReadAsync(path), ReadAsync(path));
                    return Task.WhenAll(urls.Select(u => FetchAsync(u)));
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LightPrefixOrNonAsyncOrAlreadyTaskRun_DoesNotReport()
    {
        var source = Usings + "class C\n{\n" + Crc + """

                static async Task<int> LightAsync(int x)
                {
                    int y = x * 2;
                    await Task.Delay(1);
                    return y;
                }

                static Task<int> Sync(int[] data) => Task.Run(() => { int s = 0; foreach (var d in data) s += d; return s; });

                static async Task Run(byte[][] blocks, int[] data)
                {
                    await Task.WhenAll(LightAsync(1), LightAsync(2));
                    await Task.WhenAll(Sync(data), Sync(data));
                    await Task.WhenAll(blocks.Select(b => Task.Run(() => CrcAsync(b))));
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ArgumentsThatChange_EachIsReadWhereItsCallReadIt()
    {
        // 'current' changes between the calls: each task gets the value its call saw, read into a local in front.
        var source = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    byte[] current = blocks[0];
                    var first = CrcAsync(current);
                    current = blocks[1];
                    var second = CrcAsync(current);
                    return [|Task.WhenAll(first, second)|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Crc + """

                static Task<uint[]> Run(byte[][] blocks)
                {
                    byte[] current = blocks[0];
                    var data = current;
                    var first = Task.Run(() => CrcAsync(data));
                    current = blocks[1];
                    var data2 = current;
                    var second = Task.Run(() => CrcAsync(data2));
                    return Task.WhenAll(first, second);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    private const string Shared = """
            static readonly List<uint> s_seen = new List<uint>();
            static readonly System.Collections.Concurrent.ConcurrentBag<uint> s_bag = new System.Collections.Concurrent.ConcurrentBag<uint>();

            static async Task<uint> RecordedCrcAsync(byte[] data)
            {
                uint crc = 0xFFFFFFFF;
                foreach (var b in data)
                {
                    crc ^= b;
                    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
                }
                s_seen.Add(crc);
                await Task.Yield();
                return ~crc;
            }

            static async Task<uint> BaggedCrcAsync(byte[] data)
            {
                uint crc = 0xFFFFFFFF;
                foreach (var b in data)
                {
                    crc ^= b;
                    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
                }
                s_bag.Add(crc);
                await Task.Yield();
                return ~crc;
            }
        """;

    [Fact]
    public async Task CallsWriteASharedListBeforeTheirFirstAwait_ReportsWithoutFix()
    {
        // Run together on the pool, the calls would add to one List<T> at the same time.
        var source = Usings + "class C\n{\n" + Shared + """

                static async Task<uint[]> Run(byte[][] blocks)
                {
                    return await [|Task.WhenAll(blocks.Select(b => RecordedCrcAsync(b)))|];
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task CallsAddToAConcurrentBag_StillFixed()
    {
        var source = Usings + "class C\n{\n" + Shared + """

                static async Task<uint[]> Run(byte[][] blocks)
                {
                    return await [|Task.WhenAll(blocks.Select(b => BaggedCrcAsync(b)))|];
                }
            }
            """;
        var fixedSource = Usings + "class C\n{\n" + Shared + """

                static async Task<uint[]> Run(byte[][] blocks)
                {
                    return await Task.WhenAll(blocks.Select(b => Task.Run(() => BaggedCrcAsync(b))));
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }
}
