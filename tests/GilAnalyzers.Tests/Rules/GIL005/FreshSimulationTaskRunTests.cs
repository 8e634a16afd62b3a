using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Each call builds its own simulation object — a grid the constructor fills, two buffers swapped after every step —
/// advances it and summarises it before its first await. Everything written before the await belongs to the new object.
/// </summary>
public class FreshSimulationTaskRunTests
{
    private const string Usings = "using System; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static string Program(string gridField, string constructorExtra, string advanceExtra) => Usings + """
        sealed class Flow
        {
            private readonly bool[] _solid;
        """ + gridField + """

            private double[] _f, _next;

            public Flow(int n)
            {
                _solid = new bool[n];
                _f = new double[n];
                _next = new double[n];
                for (int i = 0; i < n; i++) { _solid[i] = i % 7 == 0; _f[i] = 1.0 / (i + 1); }
        """ + constructorExtra + """

            }

            public void Advance(int steps)
            {
                for (int s = 0; s < steps; s++)
                {
                    for (int i = 1; i < _f.Length - 1; i++)
                        _next[i] = _solid[i] ? _f[i] : 0.5 * (_f[i - 1] + _f[i + 1]);
        """ + advanceExtra + """

                    (_f, _next) = (_next, _f);
                }
            }

            public double Sum() => _f.Sum();
        }

        static class Sweep
        {
            static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);

            static async Task<double> RunCaseAsync(int n, string path)
            {
                var flow = new Flow(n);
                flow.Advance(400);
                double sum = flow.Sum();
                await Gate.WaitAsync();
                try { await File.AppendAllTextAsync(path, sum + Environment.NewLine); }
                finally { Gate.Release(); }
                return sum;
            }

            public static Task<double[]> RunAll(int[] sizes, string path)
                => MARK;
        }
        """;

    [Fact]
    public async Task EachCallAdvancesItsOwnSimulation_CallsStartedWithTaskRun()
    {
        var source = Program(string.Empty, string.Empty, string.Empty).Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        var fixedSource = Program(string.Empty, string.Empty, string.Empty).Replace("MARK", "Task.WhenAll(sizes.Select(n => Task.Run(() => RunCaseAsync(n, path))))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task TheSimulationWritesAStaticTally_NoFix()
    {
        // A static step counter every simulation bumps: shared by the calls, so started together they would race on it.
        const string field = "    internal static long Steps;";
        var source = Program(field, string.Empty, "            Steps++;").Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
    [Fact]
    public async Task TheSpareBufferIsASharedOne_NoFix()
    {
        // The second buffer is one array all simulations share; after the first swap every step writes into it.
        var source = Program(string.Empty, string.Empty, string.Empty)
            .Replace("_next = new double[n];", "_next = Sweep.Spare;")
            .Replace("static readonly SemaphoreSlim Gate", "internal static readonly double[] Spare = new double[4096];\n    static readonly SemaphoreSlim Gate")
            .Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task ABufferIsGivenThroughATuple_NoFix()
    {
        // (_f, _next) = (new double[n], Sweep.Spare): the tuple hands the shared array over too.
        var source = Program(string.Empty, string.Empty, string.Empty)
            .Replace("_f = new double[n];\n        _next = new double[n];", "(_f, _next) = (new double[n], Sweep.Spare);")
            .Replace("static readonly SemaphoreSlim Gate", "internal static readonly double[] Spare = new double[4096];\n    static readonly SemaphoreSlim Gate")
            .Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        Assert.Contains("(_f, _next) = (new double[n], Sweep.Spare);", source, System.StringComparison.Ordinal);
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public async Task ABufferGoesOutByRef_NoFix()
    {
        // Fill(ref _next): a helper may give the field any array, so it is not known to be the simulation's own.
        var source = Program(string.Empty, string.Empty, string.Empty)
            .Replace("_next = new double[n];", "_next = new double[n]; Sweep.Fill(ref _next);")
            .Replace("static readonly SemaphoreSlim Gate", "internal static readonly double[] Spare = new double[4096];\n    internal static void Fill(ref double[] buffer) => buffer = Spare;\n    static readonly SemaphoreSlim Gate")
            .Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
    [Fact]
    public async Task AReadonlyGridIsGivenASharedArrayThroughATuple_NoFix()
    {
        // readonly, but (_solid, _steps) = (Sweep.Mask, 0) hands every simulation the one shared mask, which Advance writes.
        var source = Program("    private int _steps;", string.Empty, "            _solid[0] = !_solid[0];")
            .Replace("_solid = new bool[n];", "(_solid, _steps) = (Sweep.Mask, 0);")
            .Replace("static readonly SemaphoreSlim Gate", "internal static readonly bool[] Mask = new bool[4096];\n    static readonly SemaphoreSlim Gate")
            .Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        Assert.Contains("(_solid, _steps) = (Sweep.Mask, 0);", source, System.StringComparison.Ordinal);
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
    [Fact]
    public async Task TheSimulationWritesItsOwnGetOnlyCells_CallsStartedWithTaskRun()
    {
        // Cells is a get-only auto-property the constructor gives a new array: each simulation's own.
        const string field = "    public bool[] Cells { get; }";
        var source = Program(field, "        Cells = new bool[n];", "            Cells[s % Cells.Length] = !Cells[s % Cells.Length];");
        await VerifyCS.VerifyCodeFixAsync(
            source.Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]"),
            source.Replace("MARK", "Task.WhenAll(sizes.Select(n => Task.Run(() => RunCaseAsync(n, path))))"),
            SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task GetOnlyCellsGivenASharedArrayThroughATuple_NoFix()
    {
        // (Cells, _steps) = (Sweep.Mask, 0): every simulation writes the one shared mask through its Cells.
        const string field = "    public bool[] Cells { get; }\n    private int _steps;";
        var source = Program(field, "        (Cells, _steps) = (Sweep.Mask, 0);", "            Cells[s % Cells.Length] = !Cells[s % Cells.Length];")
            .Replace("static readonly SemaphoreSlim Gate", "internal static readonly bool[] Mask = new bool[4096];\n    static readonly SemaphoreSlim Gate")
            .Replace("MARK", "[|Task.WhenAll(sizes.Select(n => RunCaseAsync(n, path)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
