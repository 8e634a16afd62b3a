using GilAnalyzers.CodeFixes;
using GilAnalyzers.Rules;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// For each GIL003–GIL005 sample: apply the fix through Roslyn, compile BEFORE and AFTER, run both at a reduced size
/// in collectible load contexts, and require equal results (and that the fix really changed the code).
/// </summary>
public class ThreadSamplesExecutionTests
{
    public static TheoryData<string, string, int> Samples() => new()
    {
        { "GIL003.ThreadArraySumOfSquares", RawThreadsCpuLoopFixer.ParallelForPartitionsKey, 2_000_003 },
        { "GIL003.TwoThreadFibonacci", RawThreadsCpuLoopFixer.ParallelInvokeKey, 24 },
        { "GIL003.UnevenTriangularSplit", RawThreadsCpuLoopFixer.ParallelForRangeKey, 3_001 },
        { "GIL003.UnevenTriangularSplit", RawThreadsCpuLoopFixer.ParallelForPartitionsKey, 3_001 },
        { "GIL004.ThreadPoolMatrixMultiply", HandRolledPoolFanOutFixer.ParallelForKey, 61 },
        { "GIL005.WhenAllCrc", SequentialAsyncCpuWorkFixer.TaskRunKey, 5 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task FixedSampleComputesTheSameResult(string sample, string equivalenceKey, int size)
    {
        var (analyzer, fixer) = RuleFor(equivalenceKey);
        var before = ThreadFixPipeline.SampleSource(sample);
        var after = await ThreadFixPipeline.ApplyFixAsync(before, analyzer, fixer, equivalenceKey);

        Assert.NotEqual(before, after);
        Assert.DoesNotContain(equivalenceKey.StartsWith("GIL005", StringComparison.Ordinal) ? "blocks.Select(block => CrcAsync(block))" : "new Thread(", after);

        using var beforeRun = new ThreadFixPipeline.LoadedSample(ThreadFixPipeline.Compile(before, sample + ".Before"), "before");
        using var afterRun = new ThreadFixPipeline.LoadedSample(ThreadFixPipeline.Compile(after, sample + ".After"), "after");
        var expected = beforeRun.Run(size);
        var actual = afterRun.Run(size);
        Assert.Equal(expected, actual);
    }

    internal static (DiagnosticAnalyzer Analyzer, CodeFixProvider Fixer) RuleFor(string equivalenceKey) => equivalenceKey.Substring(0, 6) switch
    {
        "GIL003" => (new RawThreadsCpuLoopAnalyzer(), new RawThreadsCpuLoopFixer()),
        "GIL004" => (new HandRolledPoolFanOutAnalyzer(), new HandRolledPoolFanOutFixer()),
        "GIL005" => (new SequentialAsyncCpuWorkAnalyzer(), new SequentialAsyncCpuWorkFixer()),
        _ => throw new ArgumentException("Unknown rule for " + equivalenceKey),
    };
}
