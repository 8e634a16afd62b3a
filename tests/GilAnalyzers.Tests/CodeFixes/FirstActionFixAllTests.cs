using System.Collections.Immutable;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// Fix all as <c>dotnet format analyzers</c> drives it: it asks the fixer for the actions of the first diagnostic of the
/// rule and then for a solution-wide fix with that action's equivalence key — null when that site has no action. The
/// fixers' shared provider must still fix every fixable site then (the batch fixer fixes none), in every project, and
/// leave the unfixable ones as they are; with a key it stays the batch fixer.
/// </summary>
public sealed class FirstActionFixAllTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    // Refused: the computation reads what another region on the same lock writes.
    private const string Unfixable = Usings + """
        class Refused
        {
            static readonly object Gate = new object();
            static double total;
            static double factor;
            static void Run(int n)
            {
                Parallel.For(0, n, i =>
                {
                    lock (Gate)
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += factor * k;
                        total += s;
                    }
                });
                lock (Gate) { factor = n; }
            }
        }
        """;

    private static string Fixable(string name) => Usings + $$"""
        class {{name}}
        {
            static readonly object Gate = new object();
            static double total;
            static double Heavy(int i)
            {
                double s = 0;
                for (int k = 0; k < 100000; k++) s += Math.Sqrt(k * i);
                return s;
            }
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
        """;

    [Fact]
    public async Task Without_a_key_every_fixable_site_in_every_project_gets_its_first_action_and_unfixable_ones_stay()
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var solution = workspace.CurrentSolution;
        (solution, var refused) = AddProject(solution, "A", ("Refused.cs", Unfixable));
        (solution, var fixable) = AddProject(solution, "B", ("Fixable1.cs", Fixable("First")), ("Fixable2.cs", Fixable("Second")));

        var diagnostics = new Dictionary<ProjectId, ImmutableArray<Diagnostic>>();
        foreach (var project in solution.Projects)
        {
            // The whole project's diagnostics (AnalyzeAsync analyses the document's compilation).
            var found = await SampleFixPipeline.AnalyzeAsync(project.Documents.First());
            diagnostics[project.Id] = found.Where(d => d.Id == DiagnosticIds.SharedLockAroundCpuWork).ToImmutableArray();
        }

        Assert.Single(diagnostics[refused.ProjectId]);
        Assert.Equal(2, diagnostics[fixable.ProjectId].Length);

        var fixer = new SharedLockAroundCpuWorkFixer();
        var firstDocument = solution.GetDocument(refused)!;
        var firstDiagnostic = diagnostics[refused.ProjectId][0];
        Assert.Empty(await SampleFixPipeline.OfferedActionsAsync(firstDocument, firstDiagnostic));

        // What dotnet format does: the first site's (missing) key, the whole solution.
        var context = new FixAllContext(firstDocument, fixer, FixAllScope.Solution, null, [DiagnosticIds.SharedLockAroundCpuWork],
            new Provider(diagnostics), CancellationToken.None);

        var batch = await WellKnownFixAllProviders.BatchFixer.GetFixAsync(context);
        var batchSolution = batch is null ? solution : await ApplyAsync(batch);
        Assert.Empty(batchSolution.GetChanges(solution).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()));

        var action = await fixer.GetFixAllProvider().GetFixAsync(context);
        Assert.NotNull(action);
        var fixedSolution = await ApplyAsync(action!);

        Assert.Equal(Unfixable, (await fixedSolution.GetDocument(refused)!.GetTextAsync()).ToString());
        foreach (var document in fixedSolution.GetProject(fixable.ProjectId)!.Documents)
        {
            var text = (await document.GetTextAsync()).ToString();
            var lockAt = text.IndexOf("lock (Gate)", StringComparison.Ordinal);
            Assert.True(lockAt > 0, text);
            Assert.True(text.IndexOf("Heavy(i)", StringComparison.Ordinal) < lockAt, "Heavy(i) still runs under the lock:\n" + text);
        }

        foreach (var project in fixedSolution.Projects)
        {
            var compilation = await project.GetCompilationAsync();
            Assert.Empty(compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    [Fact]
    public async Task With_a_key_it_is_the_batch_fixer_for_that_action()
    {
        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var (solution, document) = AddProject(workspace.CurrentSolution, "B", ("Fixable1.cs", Fixable("First")));
        var diagnostic = (await SampleFixPipeline.AnalyzeAsync(solution.GetDocument(document)!)).Single(d => d.Id == DiagnosticIds.SharedLockAroundCpuWork);
        var first = (await SampleFixPipeline.OfferedActionsAsync(solution.GetDocument(document)!, diagnostic))[0];
        var fixer = new SharedLockAroundCpuWorkFixer();
        var context = new FixAllContext(solution.GetDocument(document)!, fixer, FixAllScope.Document, first.EquivalenceKey,
            [DiagnosticIds.SharedLockAroundCpuWork], new Provider(new() { [document.ProjectId] = [diagnostic] }), CancellationToken.None);

        var ours = await ApplyAsync((await fixer.GetFixAllProvider().GetFixAsync(context))!);
        var batch = await ApplyAsync((await WellKnownFixAllProviders.BatchFixer.GetFixAsync(context))!);

        Assert.Equal((await batch.GetDocument(document)!.GetTextAsync()).ToString(), (await ours.GetDocument(document)!.GetTextAsync()).ToString());
        Assert.NotEqual(Fixable("First"), (await ours.GetDocument(document)!.GetTextAsync()).ToString());
    }

    private static (Solution Solution, DocumentId First) AddProject(Solution solution, string name, params (string Path, string Text)[] documents)
    {
        var projectId = ProjectId.CreateNewId();
        solution = solution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            compilationOptions: SampleFixPipeline.CompilationOptions(),
            parseOptions: SampleFixPipeline.ParseOptions(),
            metadataReferences: SampleFixPipeline.PlatformReferences));
        DocumentId? first = null;
        foreach (var (path, text) in documents)
        {
            var id = DocumentId.CreateNewId(projectId);
            first ??= id;
            solution = solution.AddDocument(id, path, SourceText.From(text), filePath: "/" + name + "/" + path);
        }

        return (solution, first!);
    }

    private static async Task<Solution> ApplyAsync(CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
    }

    private sealed class Provider(Dictionary<ProjectId, ImmutableArray<Diagnostic>> byProject) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(byProject.TryGetValue(project.Id, out var found) ? found : []);

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            return (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
