using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Rules;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffers per call for a synthesiser whose response is cleared per call and whose energy curve is a suffix sum
/// written from the top down (<see cref="ScratchSuffixSumFixerTests"/>): run before and after the first (FixAll) action
/// from a Parallel.For, the decay indexes must sum the same and the lock must be gone.
/// </summary>
public class ScratchSuffixSumExecutionTests
{
    [Fact]
    public async Task SynthWithoutTheLock_SameResultsAfterTheFirstAction()
    {
        var program = ScratchSuffixSumFixerTests.Source;
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(program, "SuffixSum", "Driver.Run", 80);

        Assert.Equal(1, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.ScratchToLocal"));
        Assert.DoesNotContain("lock (_sync)", outcome.Source, StringComparison.Ordinal);

        Assert.NotNull(before);
        Assert.False(double.IsNaN((double)before!));
        Assert.Equal(before, after);
    }
}
