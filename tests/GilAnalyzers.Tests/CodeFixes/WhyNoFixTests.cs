using System.Reflection;
using System.Text.RegularExpressions;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using GilAnalyzers.Tests.Meta;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// Issue 17 item 3: why a GIL diagnostic has no code fix. The fixers never offer a do-nothing action; instead
/// <see cref="WhyNoFix.ExplainAsync"/> names the documented reasons (<c>GIL00x-Nk: title (detail)</c>) for a site, and every
/// reason id is listed in its rule's page. Before this, a refused site said nothing at all (gil-bench: "no code fix is
/// offered for it"; dotnet format: nothing, or "didn't return a Fix All action").
/// </summary>
public class WhyNoFixTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>Per GIL diagnostic of the source, in order: its id and WhyNoFix's answer.</summary>
    private static async Task<List<(string Id, string? Why)>> ExplainAllAsync(string source)
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Test", "Test", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(),
                metadataReferences: SampleFixPipeline.PlatformReferences))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var result = new List<(string, string?)>();
        foreach (var diagnostic in await SampleFixPipeline.AnalyzeAsync(document))
        {
            result.Add((diagnostic.Id, await WhyNoFix.ExplainAsync(document, diagnostic)));
        }

        return result;
    }

    private static async Task<string> OnlyReasonAsync(string source, string id)
    {
        var all = await ExplainAllAsync(source);
        var (foundId, why) = Assert.Single(all);
        Assert.Equal(id, foundId);
        Assert.NotNull(why);
        return why!;
    }

    [Fact]
    public async Task LockedWorkCallsADelegate_ReasonNamesTheOpaqueCall()
    {
        var why = await OnlyReasonAsync(Usings + """
            class Scores
            {
                static readonly object Gate = new object();
                static long total;
                static void Run(int[] items, Func<int, long> score)
                {
                    Parallel.For(0, items.Length, i =>
                    {
                        lock (Gate)
                        {
                            long s = 0;
                            for (int k = 0; k < items[i]; k++) s += score(k);
                            total += s;
                        }
                    });
                }
            }
            """, "GIL001");

        Assert.StartsWith("GIL001-N3: ", why, StringComparison.Ordinal);
        Assert.Contains("delegate call", why, StringComparison.Ordinal);
        Assert.Contains("GIL001-N7: ", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockedWorkReadsWhatTheLockGuards_ReasonNamesTheField()
    {
        var why = await OnlyReasonAsync(Usings + """
            class Drift
            {
                static readonly object Gate = new object();
                static void Run(int n)
                {
                    double scale = 1.0;
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < 10_000; k++) s += Math.Sqrt(k * scale);
                            scale = s / 1e6;
                        }
                    });
                }
            }
            """, "GIL001");

        Assert.Contains("GIL001-N2: ", why, StringComparison.Ordinal);
        Assert.Contains("'scale'", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FixableSite_HasNoReason()
    {
        var all = await ExplainAllAsync(Usings + """
            class Totals
            {
                static readonly object Gate = new object();
                static long total;
                static long Heavy(int x) { long s = 0; for (int k = 0; k < x; k++) s += k % 7; return s; }
                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            total += Heavy(i);
                        }
                    });
                }
            }
            """);

        var (id, why) = Assert.Single(all);
        Assert.Equal("GIL001", id);
        Assert.Null(why);
    }

    [Fact]
    public async Task SynchronizedMethodBesideAnotherThatMutatesWhatItCouldBeHanded_ReasonNamesTheSibling()
    {
        var why = await OnlyReasonAsync(Usings + """
            class Buffers
            {
                private readonly int[] _seen = new int[16];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public long Sum(int[] data)
                {
                    long s = 0;
                    for (int r = 0; r < 100; r++)
                        for (int i = 0; i < data.Length; i++) s += data[i] * r;
                    return s;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Note(int x) => _seen[x & 15]++;
            }

            // A derived type may lock the instance too: no reader/writer lock for the type either.
            class CountedBuffers : Buffers { }

            static class Driver
            {
                static void Run()
                {
                    var buffers = new Buffers();
                    var data = new int[1000];
                    Parallel.For(0, 8, i => { buffers.Sum(data); buffers.Note(i); });
                }
            }
            """, "GIL002");

        Assert.StartsWith("GIL002-N1: ", why, StringComparison.Ordinal);
        Assert.Contains("'Note'", why, StringComparison.Ordinal);
        Assert.Contains("GIL002-N5: ", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessGlobalStateWithoutTheProcessesPackage_ReasonSaysSo()
    {
        var why = await OnlyReasonAsync(Usings + """
            static class Legacy
            {
                static int[] scratch = new int[64];
                public static int Solve(int seed)
                {
                    for (int i = 0; i < scratch.Length; i++) scratch[i] = (scratch[(i + 1) % scratch.Length] + seed * i) % 1000;
                    int s = 0;
                    for (int r = 0; r < 1000; r++) for (int i = 0; i < scratch.Length; i++) s += scratch[i] ^ r;
                    return s;
                }
            }
            class Runner
            {
                static readonly object Gate = new object();
                static void Run(int[] inputs, int[] outputs)
                {
                    Parallel.For(0, inputs.Length, k =>
                    {
                        lock (Gate)
                        {
                            outputs[k] = Legacy.Solve(inputs[k]);
                        }
                    });
                }
            }
            """, "GIL006");

        // The thread-level rewrites are tried first (their reasons come first): the scratch is read before it is written.
        Assert.Contains("GIL006-N1: ", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryRefusalOfTheAsyncAndThreadFixersNamesADocumentedReason()
    {
        // A thread fan-out whose threads live in a field: GIL003's rewrite refuses it; the reason must be a documented id.
        var all = await ExplainAllAsync(Usings + """
            class Workers
            {
                private Thread[] _threads = new Thread[4];
                static long Work(int part) { long s = 0; for (int i = 0; i < 5_000_000; i++) s += (i ^ part) % 7; return s; }
                void Run()
                {
                    var results = new long[4];
                    for (int t = 0; t < 4; t++)
                    {
                        int part = t;
                        _threads[t] = new Thread(() => results[part] = Work(part));
                        _threads[t].Start();
                    }
                    foreach (var thread in _threads) thread.Join();
                }
            }
            """);

        foreach (var (id, why) in all)
        {
            if (why is not null)
            {
                Assert.Matches("^" + id + "-N[0-9]+: ", why);
            }
        }
    }

    [Fact]
    public async Task NotAGilDiagnostic_HasNoReason()
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var document = workspace.CurrentSolution
            .AddProject("P", "P", LanguageNames.CSharp)
            .AddDocument("A.cs", SourceText.From("class A { }"));
        var other = Diagnostic.Create(new DiagnosticDescriptor("XY0001", "t", "m", "c", DiagnosticSeverity.Warning, true), Location.None);

        Assert.Null(await WhyNoFix.ExplainAsync(document, other));
    }

    /// <summary>Every reason a fixer can give is listed, with its id and title, in the page of its rule (GIL000: clients.md).</summary>
    [Fact]
    public void EveryReasonIsDocumentedInItsRulePage()
    {
        var catalogue = typeof(WhyNoFix).Assembly.GetType("GilAnalyzers.CodeFixes.Refusals.NoFixReasons", throwOnError: true)!;
        var reasons = catalogue.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)!)
            .Select(r => (Id: (string)r.GetType().GetProperty("Id")!.GetValue(r)!, Title: (string)r.GetType().GetProperty("Title")!.GetValue(r)!))
            .ToList();
        Assert.True(reasons.Count >= 20, "the catalogue was not found by reflection");
        Assert.Equal(reasons.Count, reasons.Select(r => r.Id).Distinct().Count());

        var missing = new List<string>();
        foreach (var (id, title) in reasons)
        {
            var rule = id[..id.IndexOf('-', StringComparison.Ordinal)];
            var page = rule == "GIL000" ? Path.Combine(RepositoryFiles.Root, "docs", "clients.md") : RepositoryFiles.RulePage(rule);
            var text = Regex.Replace(RepositoryFiles.ReadNormalized(page), @"\s+", " ");
            if (!text.Contains("`" + id + "` " + title, StringComparison.Ordinal))
            {
                missing.Add($"{id} in {Path.GetFileName(page)}: \"`{id}` {title}\"");
            }
        }

        Assert.True(missing.Count == 0, "Reasons not documented word for word:\n" + string.Join("\n", missing));
    }
}
