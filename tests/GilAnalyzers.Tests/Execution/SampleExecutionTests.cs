using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing;
using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// Fixed code must run the same: each sample of <see cref="SampleCatalog"/> that runs in-process is compiled BEFORE (as
/// written) and AFTER (fixed by the kit's fix loop through a Roslyn workspace: every GIL diagnostic's preferred action,
/// or only the named action where a sample has a second rewrite worth running), both are run at the catalogue's test
/// size in their own collectible load context, and the results must be equal. Timing is <c>gil-bench samples</c>' job.
/// GIL006's sample needs worker processes: <see cref="ProcessPoolSampleExecutionTests"/>.
/// </summary>
public class SampleExecutionTests
{
    public static TheoryData<string, string> Fixes()
    {
        var data = new TheoryData<string, string>();
        foreach (var sample in SampleCatalog.All.Where(s => s.RunsInProcess))
        {
            data.Add(sample.Name, sample.PreferredFix);
        }

        // Not the first action there, but a rewrite users pick: the uneven split kept as four Parallel.For partitions.
        data.Add("GIL003.UnevenTriangularSplit", RawThreadsCpuLoopFixer.ParallelForPartitionsKey);
        return data;
    }

    [Theory]
    [MemberData(nameof(Fixes))]
    public async Task FixedSample_ComputesTheSameResult(string name, string fix)
    {
        var sample = SampleCatalog.Named(name);
        var before = sample.ReadSource();
        var preferred = fix == sample.PreferredFix;

        // The preferred fix is what "Fix all" and dotnet format apply: no key named. Another action is asked for by key.
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(before, only: preferred ? null : [fix]);

        Assert.Contains(outcome.Applied, applied => applied.EquivalenceKey == fix);
        Assert.DoesNotContain(outcome.RemainingDiagnostics, d => d.Id == sample.Rule);
        if (preferred)
        {
            Assert.Empty(outcome.RemainingDiagnostics);
        }

        Assert.NotEqual(before, outcome.Source);

        var beforeResult = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(before, name + ".Before"), sample.Entry, sample.TestSize);
        var afterResult = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, name + ".After"), sample.Entry, sample.TestSize);

        Assert.NotNull(beforeResult);
        Assert.Equal(beforeResult, afterResult);
    }
}
