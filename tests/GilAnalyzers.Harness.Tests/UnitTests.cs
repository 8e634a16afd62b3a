using GilAnalyzers.Harness.Diagnosing;
using GilAnalyzers.Harness.Reporting;
using GilAnalyzers.Harness.Running;

namespace GilAnalyzers.Harness.Tests;

public class StatisticsTests
{
    [Fact]
    public void ClearSpeedup_IsSignificant_AndCiBracketsIt()
    {
        var before = new double[] { 1000, 1010, 990, 1005, 995 };
        var after = new double[] { 500, 505, 495, 502, 498 };
        Speedup s = Statistics.Compare(before, after);
        Assert.Equal(2.0, s.Median, 2);
        Assert.True(s.CiLow <= s.Median && s.Median <= s.CiHigh);
        Assert.True(s.CiLow > 1.9 && s.CiHigh < 2.1);
        Assert.True(s.Significant);
        Assert.True(s.PValue < 0.05);
    }

    [Fact]
    public void Noise_IsNotSignificant()
    {
        var before = new double[] { 1000, 1100, 900, 1050, 950 };
        var after = new double[] { 1020, 980, 1080, 920, 1000 };
        Assert.False(Statistics.Compare(before, after).Significant);
    }

    [Theory]
    [InlineData(2.0, 2, 1.0)]
    [InlineData(1.5, 2, 0.6667)]
    [InlineData(1.0, 8, 0.0)]
    [InlineData(0.8, 8, 0.0)]   // slower: clamped
    [InlineData(3.0, 2, 1.0)]   // super-linear: clamped
    public void AmdahlParallelFraction(double speedup, int cores, double expected)
    {
        Assert.Equal(expected, Statistics.ParallelFraction(speedup, cores)!.Value, 3);
    }

    [Fact]
    public void AmdahlParallelFraction_OneCore_IsUnknown() => Assert.Null(Statistics.ParallelFraction(1.5, 1));
}

public class ResultComparerTests
{
    [Fact]
    public void Decimals_WithinTolerance_AreEqual() =>
        Assert.Null(new ResultComparer(1e-9, null).Difference("sum = 12345.678901234567\n", "sum = 12345.678901234569\n"));

    [Fact]
    public void Integers_MustMatchExactly() =>
        Assert.NotNull(new ResultComparer(1e-9, null).Difference("total 1000000000000", "total 1000000000001"));

    [Fact]
    public void Text_MustMatch() =>
        Assert.Contains("line 2", new ResultComparer(1e-9, null).Difference("a\nb", "a\nc"));

    [Fact]
    public void IgnoredLines_AreSkipped() =>
        Assert.Null(new ResultComparer(0, "^elapsed").Difference("x 1\nelapsed 123 ms", "x 1\nelapsed 77 ms"));
}

public class UnifiedDiffTests
{
    [Fact]
    public void ChangedLine_GivesOneHunkWithContext()
    {
        string diff = UnifiedDiff.Create("a/f.cs", "b/f.cs", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4x\n5\n6\n7\n8\n");
        Assert.Equal("--- a/f.cs\n+++ b/f.cs\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+4x\n 5\n 6\n 7\n", diff);
    }

    [Fact]
    public void SameText_GivesNoDiff() => Assert.Equal("", UnifiedDiff.Create("a", "b", "x\ny\n", "x\ny\n"));
}

public class FileBasedProgramTests
{
    [Fact]
    public void Directives_BecomeProjectItems_AndLinesStay()
    {
        string source = "#!/usr/bin/env dotnet\n#:package Humanizer@2.14.1\n#:property LangVersion=preview\nConsole.WriteLine(1);\n";
        var (code, project) = GilAnalyzers.Harness.Inputs.FileBasedProgram.ToProject(source, "/src");

        Assert.Equal(source.Split('\n').Length, code.Split('\n').Length);
        Assert.Contains("// #:package Humanizer@2.14.1", code);
        Assert.Contains("\nConsole.WriteLine(1);\n", code);
        Assert.Contains("<PackageReference Include=\"Humanizer\" Version=\"2.14.1\" />", project);
        Assert.Contains("<LangVersion>preview</LangVersion>", project);
        Assert.Contains("<OutputType>Exe</OutputType>", project);
    }

    [Fact]
    public void UnknownDirective_IsAUsageError()
    {
        var ex = Assert.Throws<GilAnalyzers.Harness.Cli.HarnessException>(() => GilAnalyzers.Harness.Inputs.FileBasedProgram.ToProject("#:bogus x\n", "/src"));
        Assert.Equal(GilAnalyzers.Harness.Cli.ExitCodes.BadUsage, ex.ExitCode);
    }
}

public class UncoveredSiteTests
{
    private static ContentionSite Site(string method, double waitMs, string? diagnostic = null) =>
        new() { Method = method, WaitMs = waitMs, Count = 1, Diagnostic = diagnostic };

    [Fact]
    public void OneOffRuntimeWait_BesideACoveredHotLock_IsNotARecallGap()
    {
        var sites = new[] { Site("Simulation.Step", 4200, "GIL002 at Program.cs:28"), Site("Sample.Run", 0.4) };
        Assert.Empty(ContentionAnalysis.Uncovered(sites));
    }

    [Fact]
    public void MaterialSiteWithoutDiagnostic_IsListed_CoveredOnesAreNot()
    {
        var sites = new[] { Site("A.Hot", 900, "GIL001 at A.cs:3"), Site("B.Missed", 300), Site("C.Tiny", 1) };
        Assert.Equal(new[] { "B.Missed" }, ContentionAnalysis.Uncovered(sites).Select(s => s.Method));
    }

    [Fact]
    public void NoWaitRecorded_EverySiteWithoutDiagnosticIsListed()
    {
        var sites = new[] { Site("A.One", 0), Site("B.Two", 0, "GIL001 at B.cs:1") };
        Assert.Equal(new[] { "A.One" }, ContentionAnalysis.Uncovered(sites).Select(s => s.Method));
    }
}
