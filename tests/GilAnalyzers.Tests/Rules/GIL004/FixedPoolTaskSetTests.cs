using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on a fixed set of pool tasks — two or more <c>Task.Run</c> / <c>Task.Factory.StartNew</c> launches outside any
/// loop, kept in locals, in the constant slots of a local array or written out in an array, all joined by one blocking
/// <c>Task.WaitAll</c> or <c>Task.WhenAll(…).Result</c> — when every task is CPU-bound. Reported once, at the first
/// launch. Look-alikes that stay quiet: a set with one cheap or I/O task, awaited joins, async lambdas, a single task, a
/// join that misses a task, and an array slot filled twice.
/// </summary>
public class FixedPoolTaskSetTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Tracer = """
        static class Tracer
        {
            public static void Trace(float[] image, int width, int fromRow, int toRow)
            {
                for (int y = fromRow; y < toRow; y++)
                    for (int x = 0; x < width; x++)
                    {
                        float v = 0;
                        for (int s = 0; s < 64; s++) v += MathF.Sin(x * 0.01f + s) * MathF.Cos(y * 0.01f - s);
                        image[y * width + x] = v;
                    }
            }
        }
        """;

    [Fact]
    public async Task TaskFactoryStartNewLocals_WaitAll_ReportsOnceAtTheFirst()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    Task top = {|#0:Task.Factory.StartNew(() => Tracer.Trace(image, width, 0, height / 3))|};
                    Task middle = Task.Factory.StartNew(() => Tracer.Trace(image, width, height / 3, 2 * height / 3));
                    Task bottom = Task.Factory.StartNew(() => Tracer.Trace(image, width, 2 * height / 3, height));
                    Task.WaitAll(top, middle, bottom);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("3", "Task.Factory.StartNew (a fixed set of tasks) + Task.WaitAll", "calls 'Trace' (nested loop, 3 levels)"));
    }

    [Fact]
    public async Task TaskRunIntoConstantArraySlots_WaitAll_Reports()
    {
        var source = Usings + """
            sealed class Node { public Node Left, Right; public int Value; }

            static class TreeBuilder
            {
                static Node Build(int[] keys, int from, int to)
                {
                    if (from >= to) return null;
                    int mid = (from + to) / 2;
                    int best = mid;
                    for (int i = from; i < to; i++)
                        for (int j = from; j < to; j++)
                            if (keys[i] * 31 + keys[j] > keys[best]) best = i;
                    return new Node { Value = keys[best], Left = Build(keys, from, mid), Right = Build(keys, mid + 1, to) };
                }

                public static (Node, Node) BuildBoth(int[] keys)
                {
                    Node left = null, right = null;
                    var halves = new Task[2];
                    halves[0] = {|#0:Task.Run(() => { left = Build(keys, 0, keys.Length / 2); })|};
                    halves[1] = Task.Run(() => { right = Build(keys, keys.Length / 2, keys.Length); });
                    Task.WaitAll(halves);
                    return (left, right);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("2", "Task.Run (a fixed set of tasks) + Task.WaitAll", "calls 'Build' (nested loop, 2 levels)"));
    }

    [Fact]
    public async Task WrittenOutArray_WhenAllResult_Reports()
    {
        var source = Usings + """
            static class Boards
            {
                static int[] Generate(int n, int seed)
                {
                    var board = new int[n * n];
                    var random = new Random(seed);
                    for (int attempt = 0; attempt < n * n; attempt++)
                        for (int cell = 0; cell < board.Length; cell++)
                            board[cell] = (board[cell] * 7 + random.Next(n) + attempt) % n;
                    return board;
                }

                public static int[] First(int n)
                {
                    var tasks = new[]
                    {
                        {|#0:Task.Run(() => Generate(n, 1))|},
                        Task.Run(() => Generate(n, 2)),
                        Task.Run(() => Generate(n, 3)),
                        Task.Run(() => Generate(n, 4)),
                    };
                    return Task.WhenAll(tasks).Result.First(b => b != null);
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("4", "Task.Run (a fixed set of tasks) + Task.WhenAll", "calls 'Generate' (nested loop, 2 levels)"));
    }

    [Fact]
    public async Task LongRunningLocalsJoinedInTheCall_Reports()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    Task.WaitAll(
                        {|#0:Task.Factory.StartNew(() => Tracer.Trace(image, width, 0, height / 2), TaskCreationOptions.LongRunning)|},
                        Task.Factory.StartNew(() => Tracer.Trace(image, width, height / 2, height), TaskCreationOptions.LongRunning));
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0).WithArguments("2", "Task.Factory.StartNew (a fixed set of tasks) + Task.WaitAll", "calls 'Trace' (nested loop, 3 levels)"));
    }

    [Fact]
    public async Task OneTaskOnlyPrints_NoDiagnostic()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    var work = Task.Run(() => Tracer.Trace(image, width, 0, height));
                    var banner = Task.Run(() => Console.WriteLine("rendering " + width + "x" + height));
                    Task.WaitAll(work, banner);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task TasksReadFiles_NoDiagnostic()
    {
        var source = Usings + """
            static class Loader
            {
                public static string[][] Load(string a, string b)
                {
                    var first = Task.Run(() => File.ReadAllLines(a));
                    var second = Task.Run(() => File.ReadAllLines(b));
                    Task.WaitAll(first, second);
                    return new[] { first.Result, second.Result };
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AwaitedWhenAll_NoDiagnostic()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static async Task<float[]> RenderAsync(int width, int height)
                {
                    var image = new float[width * height];
                    var top = Task.Run(() => Tracer.Trace(image, width, 0, height / 2));
                    var bottom = Task.Run(() => Tracer.Trace(image, width, height / 2, height));
                    await Task.WhenAll(top, bottom);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SingleTaskWaited_NoDiagnostic()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    var all = Task.Run(() => Tracer.Trace(image, width, 0, height));
                    Task.WaitAll(all);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SlotFilledTwice_NoDiagnostic()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height, bool again)
                {
                    var image = new float[width * height];
                    var parts = new Task[2];
                    parts[0] = Task.Run(() => Tracer.Trace(image, width, 0, height / 2));
                    parts[1] = Task.Run(() => Tracer.Trace(image, width, height / 2, height));
                    if (again) parts[1] = Task.Run(() => Tracer.Trace(image, width, 0, height));
                    Task.WaitAll(parts);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task AsyncLambdas_NoDiagnostic()
    {
        var source = Usings + Tracer + """

            static class Renderer
            {
                public static float[] Render(int width, int height)
                {
                    var image = new float[width * height];
                    var top = Task.Run(async () => { await Task.Yield(); Tracer.Trace(image, width, 0, height / 2); });
                    var bottom = Task.Run(async () => { await Task.Yield(); Tracer.Trace(image, width, height / 2, height); });
                    Task.WaitAll(top, bottom);
                    return image;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
