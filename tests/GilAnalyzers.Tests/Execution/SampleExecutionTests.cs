using GilAnalyzers.CodeFixes;
using GilAnalyzers.SamplesBench;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Fixed code must run the same: each sample is compiled BEFORE (as written) and AFTER (every GIL diagnostic's
/// preferred code action applied through a Roslyn workspace), both are run at a small size in their own collectible
/// load context, and the results must be equal. Timing is the samples benchmark's job, not these tests'.
/// </summary>
public class SampleExecutionTests
{
    private static readonly string Root = SampleCatalog.FindRepositoryRoot(AppContext.BaseDirectory);

    [Theory]
    [InlineData("MonteCarlo", SharedLockAroundCpuWorkFixer.ThreadLocalKey)]
    [InlineData("Mandelbrot", SharedLockAroundCpuWorkFixer.MoveOutOfLockKey)]
    [InlineData("HashChain", SharedLockAroundCpuWorkFixer.ThreadLocalKey)]
    [InlineData("Simulation", SynchronizedCpuMethodFixer.NarrowLockKey)]
    public async Task FixedSample_ComputesTheSameResult(string name, string expectedFix)
    {
        var sample = SampleCatalog.All.Single(s => s.Name == name);
        var before = await File.ReadAllTextAsync(sample.SourcePath(Root));

        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(before);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == expectedFix);
        Assert.Empty(outcome.RemainingDiagnostics);
        Assert.NotEqual(before, outcome.Source);

        var beforeResult = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(before, name + ".Before"), sample.Entry, sample.TestSize);
        var afterResult = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, name + ".After"), sample.Entry, sample.TestSize);

        Assert.NotNull(beforeResult);
        Assert.Equal(beforeResult, afterResult);
    }
}
