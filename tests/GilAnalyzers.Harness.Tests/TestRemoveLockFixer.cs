using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.Harness.Tests;

/// <summary>
/// A test-only fix for GIL001 that replaces `lock (x) { ... }` by its block. Correct for the test
/// programs, where each parallel iteration writes only its own slot; it lets the harness be tested
/// end to end before (and independently of) the real GIL001 fixers.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TestRemoveLockFixer)), Shared]
public sealed class TestRemoveLockFixer : CodeFixProvider
{
    public const string EquivalenceKey = "GILTEST.RemoveLock";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("GIL001");

    public override FixAllProvider? GetFixAllProvider() => null;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        LockStatementSyntax? lockStatement = root?.FindNode(context.Span, getInnermostNodeForTie: true)
            .AncestorsAndSelf().OfType<LockStatementSyntax>().FirstOrDefault();
        if (root is null || lockStatement is null)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Remove the lock (test fixer)",
                ct => Task.FromResult(context.Document.WithSyntaxRoot(
                    root.ReplaceNode(lockStatement, lockStatement.Statement.WithTriviaFrom(lockStatement)))),
                EquivalenceKey),
            context.Diagnostics);
    }
}
