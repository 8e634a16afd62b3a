using GilAnalyzers.RealCode;
using GilAnalyzers.RealCode.Corpus;
using Xunit;

namespace GilAnalyzers.RealCode.Tests;

/// <summary>The corpus scorer on a checkout written here: each outcome, the scores, and bad label files.</summary>
public sealed class CorpusScorerTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    // Line numbers matter: the labels below point at them.
    private const string Program = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Work
        {
            private static readonly object Gate = new object();
            private static double total;
            private static long count;

            public static void Heavy(int n)
            {
                Parallel.For(0, n, i =>
                {
                    lock (Gate)
                    {
                        double s = 0;
                        for (int k = 0; k < 100000; k++) s += Math.Sqrt(k + i);
                        total += s;
                    }
                });
            }

            public static void Light(int n)
            {
                Parallel.For(0, n, i =>
                {
                    double s = Math.Sqrt(i);
                    lock (Gate)
                    {
                        total += s;
                        count++;
                    }
                });
            }

            public static void HeavyAgain(int n)
            {
                Parallel.For(0, n, i =>
                {
                    lock (Gate)
                    {
                        for (int k = 0; k < n; k++) total += Math.Sin(k * i);
                    }
                });
            }
        }
        """;

    private readonly string root = Directory.CreateTempSubdirectory("gil-corpus-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Scores_each_row_and_lists_unlabelled_diagnostics()
    {
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(Path.Combine(checkout, "src"));
        await File.WriteAllTextAsync(Path.Combine(checkout, "src", "Numerics.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(checkout, "src", "Work.cs"), Program);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[]
        {
            "# comment lines and blank lines are skipped",
            "",
            Row("15-20", "GIL001", "lock-parallel-body"),          // the heavy lock: found
            Row("29-33", "none", "short-update"),                  // the short update: quiet
            Row("40-43", "none", "short-update"),                  // a real site labelled none: a false positive
        });
        var heldOut = Path.Combine(root, "held-out.tsv");
        await File.WriteAllLinesAsync(heldOut, new[]
        {
            Row("27-27", "GIL003", "thread-array"),                // nothing there: a miss
            "someone/absent\t" + Commit + "\tWork.cs\t1-2\tGIL001\tlock-parallel-body\tno checkout for it",
        });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels, heldOut }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Empty(run.Failures);
        var outcomes = run.Rows.OrderBy(r => r.Row.Set).ThenBy(r => r.Row.FileLine).Select(r => (r.Row.Set, r.Outcome)).ToList();
        Assert.Equal(new[]
        {
            ("held-out", Outcome.FalseNegative), ("held-out", Outcome.Unscored),
            ("tuned", Outcome.TruePositive), ("tuned", Outcome.TrueNegative), ("tuned", Outcome.FalsePositive),
        }, outcomes);
        var tuned = run.Score(r => r.Row.Set == "tuned");
        Assert.Equal((1.0, 0.5), (tuned.Recall, tuned.Precision));
        Assert.Equal(0.0, run.Score(r => r.Row.Set == "held-out").Recall);
        Assert.Equal(1, Score.OfRule(run.Rows, "GIL001").FalsePositives);
        Assert.Contains(run.Rows, r => r.Outcome == Outcome.Unscored && r.Why!.Contains("no checkout folder someone+absent@0123456789ab", StringComparison.Ordinal));
        Assert.Empty(run.Unlabelled);
        var markdown = report.ToMarkdown();
        Assert.Contains("| tuned | 3 | 1 | 0 | 1 | 1 | 0 | 1.00 | 0.50 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| GIL001 | 0/0/0 | – | – | 1/0/1 | 1.00 | 0.50 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_no_csproj_owns_are_scored_as_a_project_of_their_folder()
    {
        // A repository whose projects a build tool generates (Prebuild, CMake): no .csproj in the checkout. The row's
        // folder is compiled on its own; a second folder with a clashing type must not leak into it.
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(Path.Combine(checkout, "src", "Physics"));
        Directory.CreateDirectory(Path.Combine(checkout, "tools"));
        await File.WriteAllTextAsync(Path.Combine(checkout, "src", "Work.cs"), Program);
        await File.WriteAllTextAsync(Path.Combine(checkout, "src", "Physics", "Helper.cs"), "public static class Helper { public static int One => 1; }");
        await File.WriteAllTextAsync(Path.Combine(checkout, "tools", "Work.cs"), "public static class Work { }");
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("15-20", "GIL001", "lock-parallel-body"), Row("29-33", "none", "short-update") });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Empty(run.Failures);
        Assert.Equal(new[] { Outcome.TruePositive, Outcome.TrueNegative }, run.Rows.OrderBy(r => r.Row.Start).Select(r => r.Outcome));
        var project = Assert.Single(run.Projects);
        Assert.Equal("src/(loose files)", project.ProjectFile);
        Assert.Equal(0, project.CompilerErrors);
        Assert.Contains("no .csproj", project.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_of_independent_programs_is_compiled_program_by_program()
    {
        // Benchmark variants or exercise solutions side by side, each with its own Main and the same class name, built one
        // by one by a script: compiled together they clash (CS0101) and nothing binds. Each labelled file is compiled
        // with the folder's files that have no Main.
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(Path.Combine(checkout, "bench"));
        var withMain = Program.Replace("public static class Work", "public static class Work\n{\n    public static void Main() => WorkBody.Heavy(4);\n}\npublic static class WorkBody");
        await File.WriteAllTextAsync(Path.Combine(checkout, "bench", "v1.cs"), withMain);
        await File.WriteAllTextAsync(Path.Combine(checkout, "bench", "v2.cs"), withMain);
        await File.WriteAllTextAsync(Path.Combine(checkout, "bench", "shared.cs"), "public static class Shared { public static int One => 1; }");
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("19-24", "GIL001", "lock-parallel-body", "bench/v1.cs"), Row("19-24", "GIL001", "lock-parallel-body", "bench/v2.cs") });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Empty(run.Failures);
        Assert.All(run.Rows, r => Assert.Equal(Outcome.TruePositive, r.Outcome));
        Assert.Equal(2, run.Projects.Count);
        Assert.All(run.Projects, p => Assert.Equal(0, p.CompilerErrors));
        Assert.All(run.Projects, p => Assert.Contains("several programs", p.Note, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_application_project_is_compiled_as_an_application()
    {
        // OutputType Exe: top-level statements bind (as a library they are error CS8805), and the code fixes see a closed world.
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(checkout);
        await File.WriteAllTextAsync(Path.Combine(checkout, "App.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup></Project>");
        await File.WriteAllTextAsync(Path.Combine(checkout, "Main.cs"), "Work.Heavy(args.Length + 4);\n");
        await File.WriteAllTextAsync(Path.Combine(checkout, "Work.cs"), Program);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("15-20", "GIL001", "lock-parallel-body", path: "Work.cs") });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        Assert.Equal(0, Assert.Single(run.Projects).CompilerErrors);
        Assert.Equal(Outcome.TruePositive, Assert.Single(run.Rows).Outcome);
    }

    [Fact]
    public async Task A_NET_Framework_project_is_compiled_against_NET_Framework_reference_assemblies()
    {
        // An old-style project: its types come from System.Drawing and System.Windows.Forms, which .NET 10's reference
        // assemblies do not hold (CS0246 there); against .NET Framework 4.8's they bind, as in the project's real build,
        // with the language version its Release configuration names.
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(checkout);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Numerics.csproj"), """
            <?xml version="1.0" encoding="utf-8"?>
            <Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
              <PropertyGroup>
                <OutputType>Library</OutputType>
                <TargetFrameworkVersion>v4.7.2</TargetFrameworkVersion>
              </PropertyGroup>
              <PropertyGroup Condition=" '$(Configuration)|$(Platform)' == 'Release|AnyCPU' ">
                <DefineConstants>TRACE</DefineConstants>
                <LangVersion>8.0</LangVersion>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="System" />
                <Reference Include="System.Drawing, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a" />
                <Reference Include="System.Windows.Forms" />
              </ItemGroup>
              <ItemGroup>
                <Compile Include="Work.cs" />
              </ItemGroup>
              <Import Project="$(MSBuildToolsPath)\Microsoft.CSharp.targets" />
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Work.cs"), Program);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Picture.cs"), """
            using System.Drawing;
            using System.Windows.Forms;

            public sealed class Picture : UserControl
            {
                private readonly Bitmap frame = new Bitmap(64, 48);

            #if NETFRAMEWORK
                public Color Corner() => frame.GetPixel(0, 0);
            #endif

                // C# 8 (the LangVersion of the Release group); 7.3, a .NET Framework target's default, would refuse it.
                public string Size(int side) => side switch { 1 => "one", _ => "many" };
            }
            """);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("15-20", "GIL001", "lock-parallel-body", path: "Work.cs") });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var run = Assert.Single(report.Runs);
        var project = Assert.Single(run.Projects);
        Assert.True(project.NetFramework);
        Assert.Equal(0, project.CompilerErrors);
        Assert.Contains(".NET Framework 4.8", project.Note, StringComparison.Ordinal);
        Assert.Equal(Outcome.TruePositive, Assert.Single(run.Rows).Outcome);
        Assert.Contains("1 against .NET Framework 4.8", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TargetFrameworkVersion", "v4.7.2", true)]
    [InlineData("TargetFrameworkVersion", "v3.5", true)]
    [InlineData("TargetFramework", "net48", true)]
    [InlineData("TargetFrameworks", "net461;net48", true)]
    [InlineData("TargetFrameworks", "netstandard2.0;net48", false)]
    [InlineData("TargetFramework", "net8.0", false)]
    [InlineData("TargetFramework", "net8.0-windows", false)]
    [InlineData("TargetFramework", "netcoreapp3.1", false)]
    [InlineData("LangVersion", "latest", false)]
    public void A_project_targets_NET_Framework_only_when_every_target_is_one(string property, string value, bool expected) =>
        Assert.Equal(expected, SourceProjects.TargetsOnlyNetFramework(new Dictionary<string, string> { [property] = value }));

    [Fact]
    public async Task Diagnostics_outside_every_row_are_listed_not_counted()
    {
        var checkout = Path.Combine(root, "checkouts", "someone+numerics@0123456789ab");
        Directory.CreateDirectory(checkout);
        await File.WriteAllTextAsync(Path.Combine(checkout, "Numerics.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        await File.WriteAllTextAsync(Path.Combine(checkout, "Work.cs"), Program);
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("15-20", "GIL001", "lock-parallel-body", path: "Work.cs") });

        var report = await new CorpusScorer(new CorpusOptions(Path.Combine(root, "checkouts"), new[] { labels }, new[] { ReferenceMode.Framework }), TextWriter.Null)
            .RunAsync(CancellationToken.None);

        var unlabelled = Assert.Single(Assert.Single(report.Runs).Unlabelled);
        Assert.StartsWith("someone+numerics@0123456789ab:Work.cs:41 GIL001", unlabelled, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("someone/numerics\t" + Commit + "\tWork.cs\t20-10\tGIL001\tx\tend before start", "bad repo")]
    [InlineData("someone/numerics\t" + Commit + "\tWork.cs\t1-2\tGIL009\tx\tunknown rule", "GIL009")]
    [InlineData("someone/numerics\t" + Commit + "\tWork.cs\t1-2\tnone\tx", "expected 7 tab-separated fields")]
    public async Task Malformed_label_lines_are_named_by_line(string line, string message)
    {
        var labels = Path.Combine(root, "bad.tsv");
        await File.WriteAllLinesAsync(labels, new[] { "# header", line });

        var error = Assert.Throws<UsageException>(() => CorpusLabels.Read(labels));

        Assert.Contains("bad.tsv:2", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overlapping_rows_are_refused()
    {
        var labels = Path.Combine(root, "tuned.tsv");
        await File.WriteAllLinesAsync(labels, new[] { Row("10-20", "GIL001", "a"), Row("20-25", "none", "b") });

        var error = Assert.Throws<UsageException>(() => CorpusLabels.Read(labels));

        Assert.Contains("overlap", error.Message, StringComparison.Ordinal);
    }

    private static string Row(string lines, string expected, string shape, string path = "src/Work.cs") =>
        $"someone/numerics\t{Commit}\t{path}\t{lines}\t{expected}\t{shape}\ta reason";
}
