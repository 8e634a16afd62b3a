using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// GIL004 fix: the queued work items / LongRunning chunks become one Parallel.For over the same items; the
/// CountdownEvent / task array and the wait go away.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandRolledPoolFanOutFixer)), Shared]
public sealed class HandRolledPoolFanOutFixer : CodeFixProvider
{
    public const string ParallelForKey = "GIL004.ParallelFor";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandRolledPoolFanOut);

    public override FixAllProvider GetFixAllProvider() => FixAll.FirstActionFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var launch = FanOutRewrite.OperationAt(root, model, diagnostic.Location.SourceSpan, context.CancellationToken);
            if (launch is null)
            {
                continue;
            }

            var types = KnownTypes.For(model.Compilation);
            var plan = PoolFanOut.Find(OperationFacts.FunctionRoot(launch), types, WorkCostModel.For(types))
                .FirstOrDefault(f => f.Launch.Syntax.Span == launch.Syntax.Span)?.Plan;
            if (plan is null)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create("Run the work items with Parallel.For", c => FanOutRewrite.ApplyAsync(document, plan, FanOutRewriteKind.Partitions, c), ParallelForKey),
                diagnostic);
        }
    }
}
