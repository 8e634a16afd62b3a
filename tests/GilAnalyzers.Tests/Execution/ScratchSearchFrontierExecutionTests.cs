using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Rules;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffers per call for a search planner whose scratch is cleared per call and per step and whose search returns
/// from inside its loop (<see cref="ScratchSearchFrontierFixerTests"/>): run before and after the first (FixAll) action
/// from a Parallel.For over many goals, the summed path lengths must be the same and the lock gone.
/// </summary>
public class ScratchSearchFrontierExecutionTests
{
    [Fact]
    public async Task SearchWithoutTheLock_SameResultsAfterTheFirstAction()
    {
        var program = ScratchSearchFrontierFixerTests.Source;
        var (outcome, before, after) = await SampleFixPipeline.RunBeforeAndAfterAsync(program, "SearchFrontier", "Driver.Run", 300);

        Assert.Equal(1, outcome.Applied.Count(fix => fix.EquivalenceKey == "GIL001.ScratchToLocal"));
        Assert.DoesNotContain("lock (_gate)", outcome.Source, StringComparison.Ordinal);

        Assert.NotNull(before);
        Assert.True((int)before! > 300, "every goal is reached in at least two cells");
        Assert.Equal(before, after);
    }
}
