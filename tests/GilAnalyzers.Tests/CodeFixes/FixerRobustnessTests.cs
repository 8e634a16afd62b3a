using GilAnalyzers.CodeFixes;
using GilAnalyzers.Testing.Programs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// The fixers run in the IDE on code being typed: a diagnostic left over from an earlier analysis can point at
/// half-written code. They must then offer nothing (or something that still parses), never throw.
/// </summary>
public class FixerRobustnessTests
{
    public static TheoryData<string, string> HalfTypedLocks => new()
    {
        { "GIL001", "class C { static object G = new object(); static double t; void M(int n) { System.Threading.Tasks.Parallel.For(0, n, i => { [|lock (G)|] { for (int k = 0; k < n; k++) t += Undefined(k); t += } }); } }" },
        { "GIL001", "class C { static object G = new object(); void M(int n) { System.Threading.Tasks.Parallel.For(0, n, i => { [|lock (G)|] { var x = ; for (;;) } }); } }" },
        { "GIL001", "class C { void M() { [|lock ()|] { while (true) { } } } }" },
        { "GIL001", "class C { static System.Threading.SemaphoreSlim S; void M(int n) { [|S.Wait()|]; try { for (int k = 0; k < n; k++) { } } finally { S.Release( } } }" },
        { "GIL002", "using System.Runtime.CompilerServices; class C { long _t; [MethodImpl(MethodImplOptions.Synchronized)] public void [|M|](int n) { long s = 0; for (int i = 0; i < n; i++) s += Missing(i); _t += s; } }" },
        { "GIL002", "using System.Runtime.CompilerServices; class C { [MethodImpl(MethodImplOptions.Synchronized | )] public void [|M|](int n) { for (;;) { } } }" },
        { "GIL002", "using System.Runtime.CompilerServices; class C { [MethodImpl((MethodImplOptions)32)] public void [|M|](int n) { for (int i = 0; i < n; i++) { } } }" },
    };

    [Theory]
    [MemberData(nameof(HalfTypedLocks))]
    public async Task HalfTypedCode_FixerDoesNotThrow(string id, string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal) - 2;
        var source = markup.Replace("[|", string.Empty, StringComparison.Ordinal).Replace("|]", string.Empty, StringComparison.Ordinal);

        using var workspace = new AdhocWorkspace(MefHostServices.DefaultHost);
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "Broken", "Broken", LanguageNames.CSharp,
                compilationOptions: SampleFixPipeline.CompilationOptions(),
                parseOptions: SampleFixPipeline.ParseOptions(),
                metadataReferences: SampleFixPipeline.PlatformReferences))
            .AddDocument(documentId, "Broken.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var tree = (await document.GetSyntaxTreeAsync())!;
        var descriptor = id == DiagnosticIds.SharedLockAroundCpuWork ? Descriptors.SharedLockAroundCpuWork : Descriptors.SynchronizedCpuMethod;
        var diagnostic = Diagnostic.Create(descriptor, Location.Create(tree, TextSpan.FromBounds(start, end)), "x", "y", "z");
        CodeFixProvider fixer = id == DiagnosticIds.SharedLockAroundCpuWork ? new SharedLockAroundCpuWorkFixer() : new SynchronizedCpuMethodFixer();

        var actions = new List<CodeAction>();
        await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));

        foreach (var action in actions)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            Assert.NotEmpty(operations);
        }
    }
}
