using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Statements that run while a lock is held, in one of the shapes the fixes can rewrite:
/// <c>lock (x) { ... }</c>, or an acquire call followed by <c>try { ... } finally { release }</c>
/// (<c>SemaphoreSlim.Wait/Release</c>, <c>Semaphore/Mutex.WaitOne/Release(Mutex)</c>, <c>Monitor.Enter/Exit</c>).
/// </summary>
internal sealed class GuardedRegion
{
    private GuardedRegion(BlockSyntax container, StatementSyntax first, StatementSyntax last, ExpressionSyntax lockExpression, BlockSyntax body, bool isWholeBody = false)
    {
        IsWholeBody = isWholeBody;
        Container = container;
        First = first;
        Last = last;
        LockExpression = lockExpression;
        Body = body;
    }

    /// <summary>The block that holds the region's statements.</summary>
    public BlockSyntax Container { get; }

    /// <summary>The first statement of the region in <see cref="Container"/> (the lock statement or the acquire call).</summary>
    public StatementSyntax First { get; }

    /// <summary>The last statement of the region in <see cref="Container"/> (the lock or try statement).</summary>
    public StatementSyntax Last { get; }

    /// <summary>The object locked on, as written.</summary>
    public ExpressionSyntax LockExpression { get; }

    /// <summary>The statements run under the lock.</summary>
    public BlockSyntax Body { get; }

    public bool IsLockStatement => First is LockStatementSyntax;

    /// <summary>Whether <see cref="Body"/> is a node of the document (false for a synthesized block around an unbraced body).</summary>
    public bool BodyIsInTree => Body.SyntaxTree == First.SyntaxTree;

    /// <summary>
    /// The statements under the lock as nodes of the document's tree, for semantic queries. <see cref="Body"/> is a
    /// synthesized, detached block when a <c>lock</c> statement's body has no braces; its statement is used then.
    /// </summary>
    public IReadOnlyList<StatementSyntax> StatementsInTree
        => BodyIsInTree
            ? Body.Statements
            : First is LockStatementSyntax lockStatement ? new[] { lockStatement.Statement } : (IReadOnlyList<StatementSyntax>)System.Array.Empty<StatementSyntax>();

    /// <summary>
    /// The region is a whole method body under a hidden lock (<c>MethodImplOptions.Synchronized</c>);
    /// <see cref="Rebuild"/> then wraps statements in <c>lock (LockExpression)</c>.
    /// </summary>
    public bool IsWholeBody { get; }

    /// <summary>A method body that runs under a lock the method does not spell out; rebuilt as <c>lock (newLock) { ... }</c>.</summary>
    public static GuardedRegion? ForMethodBody(BlockSyntax body, ExpressionSyntax newLock)
    {
        if (body.Statements.Count == 0)
        {
            return null;
        }

        return new GuardedRegion(body, body.Statements.First(), body.Statements.Last(), newLock, body, isWholeBody: true);
    }

    /// <summary>The statements of <see cref="Container"/> that make up the region.</summary>
    public IReadOnlyList<StatementSyntax> Statements
        => IsWholeBody ? Container.Statements.ToArray() : First == Last ? new[] { First } : new[] { First, Last };

    /// <summary>The same lock around other statements.</summary>
    public StatementSyntax[] Rebuild(IEnumerable<StatementSyntax> body)
    {
        var block = SyntaxFactory.Block(body);
        body = block.Statements;
        if (IsWholeBody)
        {
            var statements = body as IReadOnlyList<StatementSyntax> ?? body.ToList();
            var indentation = statements.Count > 0 ? statements[0].GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)) : Enumerable.Empty<SyntaxTrivia>();
            return new StatementSyntax[]
            {
                SyntaxFactory.LockStatement(LockExpression, block)
                    .WithLeadingTrivia(indentation)
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine("\n")),
            };
        }

        if (First is LockStatementSyntax lockStatement)
        {
            return new StatementSyntax[] { lockStatement.WithStatement(block.WithTriviaFrom(lockStatement.Statement)) };
        }

        if (First is UsingStatementSyntax usingStatement)
        {
            return new StatementSyntax[] { usingStatement.WithStatement(block.WithTriviaFrom(usingStatement.Statement)) };
        }

        var tryStatement = (TryStatementSyntax)Last;
        return new StatementSyntax[] { First, tryStatement.WithBlock(block.WithTriviaFrom(tryStatement.Block)) };
    }

    /// <summary>The region a diagnostic at <paramref name="span"/> points at, or null.</summary>
    public static GuardedRegion? Find(SyntaxNode root, TextSpan span, SemanticModel model, CancellationToken cancellationToken)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        for (var current = node; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case LockStatementSyntax lockStatement:
                    return FromLock(lockStatement);
                case UsingStatementSyntax usingStatement:
                    var fromScope = FromEnterScope(usingStatement, model, cancellationToken);
                    if (fromScope is not null)
                    {
                        return fromScope;
                    }

                    break;
                case ExpressionStatementSyntax expressionStatement:
                    var fromAcquire = FromAcquire(expressionStatement, model, cancellationToken);
                    if (fromAcquire is not null)
                    {
                        return fromAcquire;
                    }

                    break;
                case TryStatementSyntax tryStatement when tryStatement.Parent is BlockSyntax block:
                    var index = block.Statements.IndexOf(tryStatement);
                    if (index > 0 && block.Statements[index - 1] is ExpressionStatementSyntax acquire)
                    {
                        var fromTry = FromAcquire(acquire, model, cancellationToken);
                        if (fromTry is not null && fromTry.Last == tryStatement)
                        {
                            return fromTry;
                        }
                    }

                    break;
            }

            // The diagnostic sits in the statement that takes the lock: past it (an `if (!gate.Wait(t)) throw …;`
            // guard, a lambda, an enclosing lock) the region is one the fixes do not know how to rewrite.
            if (current is StatementSyntax || current is MemberDeclarationSyntax)
            {
                break;
            }
        }

        return null;
    }

    private static GuardedRegion? FromLock(LockStatementSyntax lockStatement)
    {
        if (lockStatement.Parent is not BlockSyntax container)
        {
            return null;
        }

        var body = lockStatement.Statement as BlockSyntax ?? SyntaxFactory.Block(lockStatement.Statement);
        return new GuardedRegion(container, lockStatement, lockStatement, lockStatement.Expression, body);
    }

    /// <summary><c>using (gate.EnterScope()) { ... }</c> on a <c>System.Threading.Lock</c>, as the analyzers recognise it.</summary>
    private static GuardedRegion? FromEnterScope(UsingStatementSyntax usingStatement, SemanticModel model, CancellationToken cancellationToken)
    {
        if (usingStatement.Parent is not BlockSyntax container
            || usingStatement.Declaration is not null
            || LockRegionFinder.FromSyntax(model, usingStatement, KnownTypes.For(model.Compilation), cancellationToken) is not { Kind: LockKind.LockObject } region
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression)
        {
            return null;
        }

        var body = usingStatement.Statement as BlockSyntax ?? SyntaxFactory.Block(usingStatement.Statement);
        return new GuardedRegion(container, usingStatement, usingStatement, lockExpression, body);
    }

    /// <summary>
    /// An acquiring call that the analyzers recognise as taking a lock, in the one shape the fixes rewrite: the call as a
    /// statement, then <c>try { … } finally { release; }</c> with nothing else in the finally and no catch.
    /// </summary>
    private static GuardedRegion? FromAcquire(ExpressionStatementSyntax acquire, SemanticModel model, CancellationToken cancellationToken)
    {
        // await gate.WaitAsync(); — the awaited acquire of a one-slot SemaphoreSlim (without ConfigureAwait or a timeout).
        var awaited = acquire.Expression is AwaitExpressionSyntax { Expression: InvocationExpressionSyntax asyncAcquire } ? asyncAcquire : null;
        if (acquire.Parent is not BlockSyntax container
            || (awaited ?? acquire.Expression) is not InvocationExpressionSyntax invocation)
        {
            return null;
        }

        var index = container.Statements.IndexOf(acquire);
        if (index < 0 || index + 1 >= container.Statements.Count
            || container.Statements[index + 1] is not TryStatementSyntax tryStatement
            || tryStatement.Catches.Count > 0
            || tryStatement.Finally is null
            || tryStatement.Finally.Block.Statements.Count != 1
            || tryStatement.Finally.Block.Statements[0] is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release })
        {
            return null;
        }

        if (LockRegionFinder.FromSyntax(model, invocation, KnownTypes.For(model.Compilation), cancellationToken) is not { } region
            || region.Anchor is not IInvocationOperation { TargetMethod: var acquireMethod }
            || region.Body.Length != 1 || region.Body[0].Syntax != tryStatement.Block
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression
            || model.GetSymbolInfo(release, cancellationToken).Symbol is not IMethodSymbol releaseMethod)
        {
            return null;
        }

        // The rewrite keeps the acquiring statement as written and rebuilds the try: only the plain forms, whose release
        // takes no argument but the lock (Monitor.Exit(x)) or none.
        var expectedRelease = region.Kind switch
        {
            LockKind.Semaphore when acquireMethod.Name is "Wait" or "WaitOne" && acquireMethod.Parameters.Length == 0 && awaited is null => "Release",
            LockKind.Semaphore when acquireMethod.Name == "WaitAsync" && acquireMethod.Parameters.Length == 0 && awaited is not null => "Release",
            LockKind.Mutex when acquireMethod.Parameters.Length == 0 => "ReleaseMutex",
            LockKind.LockObject when acquireMethod.Name == "Enter" && acquireMethod.Parameters.Length == 0 => "Exit",
            LockKind.Monitor when acquireMethod.Name == "Enter" && invocation.ArgumentList.Arguments.Count == 1 => "Exit",
            _ => null,
        };
        if (expectedRelease is null || releaseMethod.Name != expectedRelease || releaseMethod.Parameters.Length > 1)
        {
            return null;
        }

        ExpressionSyntax? releasedOn = releaseMethod.IsStatic
            ? release.ArgumentList.Arguments.FirstOrDefault()?.Expression
            : (release.Expression as MemberAccessExpressionSyntax)?.Expression;
        if (releasedOn is null || !SyntaxFactory.AreEquivalent(releasedOn, lockExpression)
            || (!releaseMethod.IsStatic && release.ArgumentList.Arguments.Count > 0))
        {
            return null;
        }

        return new GuardedRegion(container, acquire, tryStatement, lockExpression, tryStatement.Block);
    }
}
