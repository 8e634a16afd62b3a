using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using System.Linq;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a row kernel that reads one image and writes another through the same indexer (<c>dst[x, y] = v</c>, <c>src[sx, sy]</c>)
/// under a lock next to a histogram. The output image is made just before the parallel loop and reached only through its
/// local, so its writes are writes of that local, not of "every image": the reads of the input move in front of the lock.
/// </summary>
public class ConfinedOutputObjectFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n";

    private const string Plane = """
        sealed class Plane
        {
            public Plane(int width, int height)
            {
                Width = width;
                Height = height;
                Cells = new short[width * height];
            }

            public int Width { get; }
            public int Height { get; }
            public short[] Cells { get; }

            public short this[int x, int y]
            {
                get => Cells[y * Width + x];
                set => Cells[y * Width + x] = value;
            }
        }

        """;

    private static string Program(string body) => Usings + Plane + """
        static class Smoother
        {
            static readonly object Sync = new object();

            public static long[] Run(Plane input, int reach)
            {
                var counts = new long[64];
        """ + "\n" + body + "\n" + """
                return counts;
            }
        }
        """;

    private const string LockedKernel = """
                    var output = new Plane(input.Width, input.Height);
                    Parallel.For(0, input.Height, row =>
                    {
                        {|GIL001:lock (Sync)|}
                        {
                            for (int col = 0; col < input.Width; col++)
                            {
                                int total = 0;
                                for (int d = -reach; d <= reach; d++)
                                {
                                    int c = Math.Min(Math.Max(col + d, 0), input.Width - 1);
                                    total += input[c, row];
                                }

                                short mean = (short)(total / (2 * reach + 1));
                                output[col, row] = mean;
                                counts[mean & 63]++;
                            }
                        }
                    });
        """;

    [Fact]
    public async Task OutputPlaneMadeBeforeTheLoop_ItemsComputedOutsideTheLock()
    {
        var fixedBody = """
                    var output = new Plane(input.Width, input.Height);
                    Parallel.For(0, input.Height, row =>
                    {
                        var pending = new List<(int col, short mean)>();
                        try
                        {
                            for (int col = 0; col < input.Width; col++)
                            {
                                int total = 0;
                                for (int d = -reach; d <= reach; d++)
                                {
                                    int c = Math.Min(Math.Max(col + d, 0), input.Width - 1);
                                    total += input[c, row];
                                }

                                short mean = (short)(total / (2 * reach + 1));
                                pending.Add((col, mean));
                            }
                        }
                        finally
                        {
                            lock (Sync)
                            {
                                foreach (var (col, mean) in pending)
                                {
                                    output[col, row] = mean;
                                    counts[mean & 63]++;
                                }
                            }
                        }
                    });
        """;
        await VerifyCS.VerifyCodeFixAsync(Program(LockedKernel), Program(fixedBody), SharedLockAroundCpuWorkFixer.SplitLoopKey);
    }

    private static async Task AssertNoSplitAsync(string body)
    {
        var offers = await CodeFixOffers.ForAsync(Program(body).Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty));
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
    }

    [Fact]
    public async Task OutputIsTheInputPassedIn_NoSplit()
    {
        // The "output" is a parameter: it may be the very image the kernel reads.
        var body = LockedKernel.Replace("var output = new Plane(input.Width, input.Height);", "var output = input;");
        await AssertNoSplitAsync(body);
    }

    [Fact]
    public async Task OutputHandedAwayBeforeTheLoop_NoSplit()
    {
        // Stored in a list the kernel could read from before the loop runs: no longer reachable through its local only.
        var body = LockedKernel.Replace(
            "var output = new Plane(input.Width, input.Height);",
            "var output = new Plane(input.Width, input.Height);\n            var all = new List<Plane> { input, output };");
        await AssertNoSplitAsync(body);
    }

    [Fact]
    public async Task KernelReadsTheOutputItWrites_NoSplit()
    {
        // A recursive filter reads the output's previous column: the reads cannot move in front of other rows' writes.
        var body = LockedKernel.Replace("total += input[c, row];", "total += input[c, row] + (col > 0 ? output[col - 1, row] : 0);");
        await AssertNoSplitAsync(body);
    }

    [Fact]
    public async Task CellsArrayReachedDirectlyInsideTheBody_NoSplit()
    {
        // output.Cells hands the array out: what the body does with it is no longer confined to the local.
        var body = LockedKernel.Replace("output[col, row] = mean;", "output.Cells[row * input.Width + col] = mean;");
        await AssertNoSplitAsync(body);
    }

    [Fact]
    public async Task OutputSizeReadBeforeTheLoopAndTheLockOnTheOutput_StillSplit()
    {
        // Reading output.Height for the loop bound and locking on the output itself hand nothing of it away.
        var body = LockedKernel
            .Replace("Parallel.For(0, input.Height, row =>", "Parallel.For(0, output.Height, row =>")
            .Replace("{|GIL001:lock (Sync)|}", "{|GIL001:lock (output)|}");
        var offers = await CodeFixOffers.ForAsync(Program(body).Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty));
        Assert.Equal(SharedLockAroundCpuWorkFixer.SplitLoopKey, Assert.Single(offers).Keys.FirstOrDefault());
    }

    [Fact]
    public async Task OutputRegisteredByItsConstructor_NoSplit()
    {
        // The constructor hands every plane to a static list: code could reach the output through it.
        var body = LockedKernel;
        var source = Program(body).Replace("{|GIL001:", string.Empty).Replace("|}", string.Empty)
            .Replace("        Cells = new short[width * height];", "        Cells = new short[width * height];\n        All.Add(this);")
            .Replace("    public int Width { get; }", "    public static readonly List<Plane> All = new List<Plane>();\n    public int Width { get; }");
        Assert.Contains("All.Add(this);", source);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.SplitLoopKey));
    }
}
