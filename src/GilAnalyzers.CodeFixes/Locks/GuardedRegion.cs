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
/// (<c>SemaphoreSlim.Wait/Release</c>, <c>Semaphore/Mutex.WaitOne/Release(Mutex)</c>, <c>Monitor.Enter/Exit</c>,
/// <c>ReaderWriterLockSlim.EnterWriteLock/ExitWriteLock</c>, <c>Lock.Enter/Exit</c>; the acquiring call before the try or as its
/// first statement), <c>using (gate.EnterScope()) { … }</c> or <c>using var scope = gate.EnterScope();</c> and the rest of its block, or
/// <c>Monitor.Enter(x, ref taken)</c> behind a <c>bool taken = false;</c> flag, before or inside a <c>try</c> whose finally is
/// <c>if (taken) Monitor.Exit(x);</c>.
/// </summary>
internal sealed class GuardedRegion
{
    private GuardedRegion(BlockSyntax container, StatementSyntax first, StatementSyntax last, ExpressionSyntax lockExpression, BlockSyntax body, bool isWholeBody = false,
        StatementSyntax? acquire = null, int lockedFrom = 0, bool keepsHiddenLock = false)
    {
        IsWholeBody = isWholeBody;
        KeepsHiddenLock = keepsHiddenLock;
        Container = container;
        First = first;
        Last = last;
        LockExpression = lockExpression;
        Body = body;
        Acquire = acquire ?? (!isWholeBody && first is ExpressionStatementSyntax ? first : null);
        _lockedFrom = lockedFrom;
    }

    /// <summary>How many statements of <see cref="Body"/> run before the lock is held (the acquiring call inside the try).</summary>
    private readonly int _lockedFrom;

    /// <summary>The statement with the acquiring call (<c>gate.Wait();</c>, <c>Monitor.Enter(x, ref taken);</c>); null for <c>lock</c>, <c>using</c> and whole bodies.</summary>
    public StatementSyntax? Acquire { get; }

    /// <summary>The block that holds the region's statements.</summary>
    public BlockSyntax Container { get; }

    /// <summary>The first statement of the region in <see cref="Container"/> (the lock statement or the acquire call).</summary>
    public StatementSyntax First { get; }

    /// <summary>The last statement of the region in <see cref="Container"/> (the lock or try statement).</summary>
    public StatementSyntax Last { get; }

    /// <summary>The object locked on, as written.</summary>
    public ExpressionSyntax LockExpression { get; }

    /// <summary>The block that holds the statements run under the lock (see <see cref="Locked"/>).</summary>
    public BlockSyntax Body { get; }

    /// <summary>
    /// The statements run under the lock, in order: <see cref="Body"/>'s statements, without the acquiring call when it is
    /// the first statement of the try (<c>try { Monitor.Enter(x, ref taken); … }</c>).
    /// </summary>
    public IReadOnlyList<StatementSyntax> Locked
        => _lockedFrom == 0 ? Body.Statements : Body.Statements.Skip(_lockedFrom).ToArray();

    public bool IsLockStatement => First is LockStatementSyntax;

    /// <summary>
    /// <c>using var scope = gate.EnterScope();</c>: the lock is held to the end of the enclosing block, so nothing can run
    /// after its release there; the statements that follow the declaration are the region.
    /// </summary>
    public bool HeldToEndOfBlock => !IsWholeBody && First is LocalDeclarationStatementSyntax declaration && declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword);

    /// <summary>Whether <see cref="Body"/> is a node of the document (false for a synthesized block around an unbraced body).</summary>
    public bool BodyIsInTree => Body.SyntaxTree == First.SyntaxTree;

    /// <summary>
    /// The statements under the lock as nodes of the document's tree, for semantic queries. <see cref="Body"/> is a
    /// synthesized, detached block when a <c>lock</c> statement's body has no braces; its statement is used then.
    /// </summary>
    public IReadOnlyList<StatementSyntax> StatementsInTree
        => BodyIsInTree
            ? Locked
            : First is LockStatementSyntax lockStatement ? new[] { lockStatement.Statement } : (IReadOnlyList<StatementSyntax>)System.Array.Empty<StatementSyntax>();

    /// <summary>
    /// The region is a whole method body under a hidden lock (<c>MethodImplOptions.Synchronized</c>);
    /// <see cref="Rebuild"/> then wraps statements in <c>lock (LockExpression)</c>.
    /// </summary>
    public bool IsWholeBody { get; }

    /// <summary>
    /// The whole body is rebuilt around the lock the method already took without spelling it out — <c>this</c> or
    /// <c>typeof(T)</c> for a Synchronized method — rather than around a new private one: every other place that takes that
    /// lock (the type's other Synchronized methods, its <c>lock (this)</c>) still excludes what stays under it.
    /// </summary>
    public bool KeepsHiddenLock { get; }

    /// <summary>
    /// A method body that runs under a lock the method does not spell out; rebuilt as <c>lock (newLock) { ... }</c>.
    /// With <paramref name="keepsHiddenLock"/>, <paramref name="newLock"/> names that same hidden lock (see <see cref="KeepsHiddenLock"/>).
    /// </summary>
    public static GuardedRegion? ForMethodBody(BlockSyntax body, ExpressionSyntax newLock, bool keepsHiddenLock = false)
    {
        if (body.Statements.Count == 0)
        {
            return null;
        }

        return new GuardedRegion(body, body.Statements.First(), body.Statements.Last(), newLock, body, isWholeBody: true, keepsHiddenLock: keepsHiddenLock);
    }

    /// <summary>The statements of <see cref="Container"/> that make up the region, from <see cref="First"/> to <see cref="Last"/>.</summary>
    public IReadOnlyList<StatementSyntax> Statements
    {
        get
        {
            if (IsWholeBody)
            {
                return Container.Statements.ToArray();
            }

            var first = Container.Statements.IndexOf(First);
            var last = Container.Statements.IndexOf(Last);
            return Container.Statements.Skip(first).Take(last - first + 1).ToArray();
        }
    }

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

        if (HeldToEndOfBlock)
        {
            // using var scope = gate.EnterScope(); stays, what is kept follows it to the end of the block.
            return new[] { First }.Concat(block.Statements).ToArray();
        }

        // The acquiring call and anything before the try stay as written; inside the try, so does the acquiring call.
        var tryStatement = (TryStatementSyntax)Last;
        var newBlock = block.WithStatements(SyntaxFactory.List(tryStatement.Block.Statements.Take(_lockedFrom).Concat(block.Statements)));
        var before = Statements.Take(Statements.Count - 1);
        return before.Concat(new StatementSyntax[] { tryStatement.WithBlock(newBlock.WithTriviaFrom(tryStatement.Block)) }).ToArray();
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
                case LocalDeclarationStatementSyntax declaration:
                    var fromDeclaration = FromEnterScopeDeclaration(declaration, model, cancellationToken);
                    if (fromDeclaration is not null)
                    {
                        return fromDeclaration;
                    }

                    break;
                case ExpressionStatementSyntax expressionStatement:
                    var fromAcquire = FromAcquire(expressionStatement, model, cancellationToken)
                                      ?? FromTakenFlag(expressionStatement, model, cancellationToken);
                    if (fromAcquire is not null)
                    {
                        return fromAcquire;
                    }

                    break;
                case IfStatementSyntax guard:
                    var fromGuard = FromGuard(guard, model, cancellationToken);
                    if (fromGuard is not null)
                    {
                        return fromGuard;
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

    /// <summary>
    /// Why the lock a diagnostic at <paramref name="span"/> points at is in no form <see cref="Find"/> rewrites, for the
    /// refusal's detail; null when there is nothing more to say than the reason itself.
    /// </summary>
    public static string? WhyNoForm(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var statementNode = node.FirstAncestorOrSelf<StatementSyntax>();
        if (statementNode is LockStatementSyntax lockStatement)
        {
            return lockStatement.Parent is BlockSyntax ? null : "a lock statement that is not in a block";
        }

        // The acquiring call, within the statement the diagnostic sits in (not a Parallel.For around it).
        var call = node.AncestorsAndSelf().TakeWhile(n => n != statementNode).OfType<InvocationExpressionSyntax>().FirstOrDefault();
        if (call?.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name })
        {
            return null;
        }

        if (LockRegionFinder.MayBeRunnerCall(call))
        {
            return name + "(…) runs the lambda under its callee's lock: the rewrite would have to change the callee";
        }

        if (call.Parent is ExpressionStatementSyntax statement && statement.Parent is BlockSyntax block
            && !block.Statements.Skip(block.Statements.IndexOf(statement) + 1).Take(1).Any(s => s is TryStatementSyntax)
            && statement.Parent.Parent is not TryStatementSyntax)
        {
            // Monitor.Enter(x); …; Monitor.Exit(x); — honest only on the path that throws nothing.
            return name + "(…) with no try/finally around what it guards: an exception there leaves the lock held, which no rewrite"
                   + " that moves code across the release can keep (write it as lock (…) { … } or with try/finally first)";
        }

        return name == "EnterScope"
            ? "EnterScope() whose scope is named again, or not directly in a block"
            : name + "(…) in a form not rewritten (a timeout or flag, a catch, or more than the release in the finally)";
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
    /// <c>using var scope = gate.EnterScope();</c> on a <c>System.Threading.Lock</c>, as the analyzers recognise it: the region is
    /// every statement after it in its block. The scope variable is named nowhere else (the rewrite may drop it with the
    /// lock), and the block is not a switch section's.
    /// </summary>
    private static GuardedRegion? FromEnterScopeDeclaration(LocalDeclarationStatementSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || declaration.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword)
            || declaration.Parent is not BlockSyntax container
            || declaration.Declaration.Variables.Count != 1
            || container.Statements.IndexOf(declaration) is var index && index + 1 >= container.Statements.Count
            || LockRegionFinder.FromSyntax(model, declaration, KnownTypes.For(model.Compilation), cancellationToken) is not { Kind: LockKind.LockObject } region
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression
            // (the implicit return at the end of a lambda's or void method's block is one of the operations after it)
            || !region.Body.Where(o => !o.IsImplicit).Select(o => o.Syntax).SequenceEqual(container.Statements.Skip(index + 1))
            || model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is not ILocalSymbol scope
            || FlagUsedElsewhere(container, scope, System.Array.Empty<IdentifierNameSyntax>(), model, cancellationToken))
        {
            return null;
        }

        return new GuardedRegion(container, declaration, container.Statements.Last(), lockExpression, container, acquire: declaration, lockedFrom: index + 1);
    }

    /// <summary>
    /// <c>Monitor.Enter(x, ref taken)</c> with its flag: <c>bool taken = false;</c> right before it, and the call either right
    /// before <c>try { … } finally { if (taken) Monitor.Exit(x); }</c> or the first statement of that try. The flag is used
    /// nowhere else (the rewrite may drop it with the lock), the try has no catch and its finally only that release.
    /// </summary>
    private static GuardedRegion? FromTakenFlag(ExpressionStatementSyntax acquire, SemanticModel model, CancellationToken cancellationToken)
    {
        if (acquire.Expression is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 2 } arguments } invocation
            || arguments[0].NameColon is not null || arguments[1].NameColon is not null
            || !arguments[1].RefKindKeyword.IsKind(SyntaxKind.RefKeyword)
            || arguments[1].Expression is not IdentifierNameSyntax flagName
            || acquire.Parent is not BlockSyntax acquireBlock)
        {
            return null;
        }

        BlockSyntax container;
        TryStatementSyntax tryStatement;
        StatementSyntax? declaration;
        int lockedFrom;
        if (acquireBlock.Parent is TryStatementSyntax inner && inner.Block == acquireBlock && acquireBlock.Statements.IndexOf(acquire) == 0
            && inner.Parent is BlockSyntax outer)
        {
            // bool taken = false; try { Monitor.Enter(x, ref taken); … } finally { … }
            container = outer;
            tryStatement = inner;
            lockedFrom = 1;
            var index = outer.Statements.IndexOf(inner);
            declaration = index > 0 ? outer.Statements[index - 1] : null;
        }
        else
        {
            // bool taken = false; Monitor.Enter(x, ref taken); try { … } finally { … }
            container = acquireBlock;
            lockedFrom = 0;
            var index = container.Statements.IndexOf(acquire);
            if (index < 1 || index + 1 >= container.Statements.Count || container.Statements[index + 1] is not TryStatementSyntax next)
            {
                return null;
            }

            tryStatement = next;
            declaration = container.Statements[index - 1];
        }

        var flagText = flagName.Identifier.ValueText;
        if (declaration is not LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } flagDeclaration
            || flagDeclaration.IsConst || flagDeclaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
            || variables[0].Identifier.ValueText != flagText
            || variables[0].Initializer?.Value is not LiteralExpressionSyntax initial || !initial.IsKind(SyntaxKind.FalseLiteralExpression)
            || tryStatement.Catches.Count > 0
            || tryStatement.Finally is not { Block.Statements: { Count: 1 } finallyStatements }
            || finallyStatements[0] is not IfStatementSyntax { Else: null, Condition: IdentifierNameSyntax condition } releaseIf
            || condition.Identifier.ValueText != flagText
            || (releaseIf.Statement is BlockSyntax { Statements: { Count: 1 } releaseBlock } ? releaseBlock[0] : releaseIf.Statement)
                is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release })
        {
            return null;
        }

        // The analyzers' own model of the region: Monitor.Enter(object, ref bool), its statements those of the try after it.
        if (LockRegionFinder.FromSyntax(model, invocation, KnownTypes.For(model.Compilation), cancellationToken) is not { Kind: LockKind.Monitor } region
            || region.Anchor is not IInvocationOperation { TargetMethod: { Name: "Enter", Parameters.Length: 2 } }
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression
            || !region.Body.Select(o => o.Syntax).SequenceEqual(lockedFrom == 0 ? new SyntaxNode[] { tryStatement.Block } : tryStatement.Block.Statements.Skip(1))
            || model.GetSymbolInfo(release, cancellationToken).Symbol is not IMethodSymbol { Name: "Exit", IsStatic: true, Parameters.Length: 1 } releaseMethod
            || !SymbolEqualityComparer.Default.Equals(releaseMethod.ContainingType, region.Anchor is IInvocationOperation call ? call.TargetMethod.ContainingType : null)
            || release.ArgumentList.Arguments.Count != 1
            || !SyntaxFactory.AreEquivalent(release.ArgumentList.Arguments[0].Expression, lockExpression)
            || model.GetDeclaredSymbol(variables[0], cancellationToken) is not ILocalSymbol { Type.SpecialType: SpecialType.System_Boolean } flag)
        {
            return null;
        }

        // The flag says whether the lock is held; code that reads it elsewhere would see it change when the lock goes.
        return FlagUsedElsewhere(container, flag, new[] { flagName, condition }, model, cancellationToken)
            ? null
            : new GuardedRegion(container, flagDeclaration, tryStatement, lockExpression, tryStatement.Block, acquire: acquire, lockedFrom: lockedFrom);
    }

    /// <summary>Whether <paramref name="flag"/> is named in <paramref name="container"/> anywhere but at <paramref name="known"/> (the Enter's ref and the finally's test; for a scope, nowhere).</summary>
    private static bool FlagUsedElsewhere(BlockSyntax container, ILocalSymbol flag, IdentifierNameSyntax[] known, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var identifier in container.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (!known.Contains(identifier) && identifier.Identifier.ValueText == flag.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, flag))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An acquiring call that the analyzers recognise as taking a lock, in the shapes the fixes rewrite: the call as a
    /// statement, then <c>try { … } finally { release; }</c> with nothing else in the finally and no catch; or the call as the
    /// first statement of that try (<c>try { Monitor.Enter(x); … } finally { Monitor.Exit(x); }</c>), the region then being
    /// the try's other statements. The write side of a <c>ReaderWriterLockSlim</c> (<c>EnterWriteLock</c> …
    /// <c>ExitWriteLock</c>) is one of them: readers never write, so what the writers write is all that moved code must
    /// not read, as for any other lock.
    /// </summary>
    private static GuardedRegion? FromAcquire(ExpressionStatementSyntax acquire, SemanticModel model, CancellationToken cancellationToken)
    {
        // await gate.WaitAsync(); — the awaited acquire of a one-slot SemaphoreSlim (without a timeout), also
        // await gate.WaitAsync(ct).ConfigureAwait(false): where the continuation runs does not change what the gate guards.
        var awaited = acquire.Expression is AwaitExpressionSyntax { Expression: InvocationExpressionSyntax asyncAcquire } ? WithoutConfigureAwait(asyncAcquire) : null;
        if (acquire.Parent is not BlockSyntax container
            || (awaited ?? acquire.Expression) is not InvocationExpressionSyntax invocation)
        {
            return null;
        }

        // try { Monitor.Enter(x); … } finally { Monitor.Exit(x); }: the acquiring call is the try's first statement.
        var insideTry = container.Parent is TryStatementSyntax enclosing && enclosing.Block == container && container.Statements.IndexOf(acquire) == 0
                        && enclosing.Parent is BlockSyntax;
        var index = container.Statements.IndexOf(acquire);
        var tryStatement = insideTry ? (TryStatementSyntax)container.Parent! : index >= 0 && index + 1 < container.Statements.Count ? container.Statements[index + 1] as TryStatementSyntax : null;
        if (tryStatement is null || OnlyReleaseIn(tryStatement) is not { } release)
        {
            return null;
        }

        if (LockRegionFinder.FromSyntax(model, invocation, KnownTypes.For(model.Compilation), cancellationToken) is not { } region
            || region.Anchor is not IInvocationOperation { TargetMethod: var acquireMethod }
            || !region.Body.Select(o => o.Syntax).SequenceEqual(insideTry ? tryStatement.Block.Statements.Skip(1) : new SyntaxNode[] { tryStatement.Block })
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression
            || model.GetSymbolInfo(release, cancellationToken).Symbol is not IMethodSymbol releaseMethod)
        {
            return null;
        }

        // The rewrite keeps the acquiring statement as written and rebuilds the try: only the plain forms, whose release
        // takes no argument but the lock (Monitor.Exit(x)) or none.
        // A SemaphoreSlim wait may take a CancellationToken: work moved in front of it runs before a cancelled wait throws,
        // and touches nothing shared (as in front of a timeout guard); the same exception follows.
        var plainWait = acquireMethod.Parameters.Length == 0 || (acquireMethod.Name is "Wait" or "WaitAsync" && IsCancellationTokenOnly(acquireMethod, KnownTypes.For(model.Compilation)));
        var expectedRelease = region.Kind switch
        {
            LockKind.Semaphore when acquireMethod.Name is "Wait" or "WaitOne" && plainWait && awaited is null => "Release",
            LockKind.Semaphore when acquireMethod.Name == "WaitAsync" && plainWait && awaited is not null => "Release",
            LockKind.Mutex when acquireMethod.Parameters.Length == 0 => "ReleaseMutex",
            LockKind.LockObject when acquireMethod.Name == "Enter" && acquireMethod.Parameters.Length == 0 => "Exit",
            LockKind.Monitor when acquireMethod.Name == "Enter" && invocation.ArgumentList.Arguments.Count == 1 => "Exit",
            LockKind.ReaderWriter when acquireMethod.Name == "EnterWriteLock" && acquireMethod.Parameters.Length == 0 && awaited is null => "ExitWriteLock",
            _ => null,
        };
        if (expectedRelease is null || releaseMethod.Name != expectedRelease || releaseMethod.Parameters.Length > 1)
        {
            return null;
        }

        if (!ReleasesOn(release, releaseMethod, lockExpression))
        {
            return null;
        }

        return insideTry
            ? new GuardedRegion((BlockSyntax)tryStatement.Parent!, tryStatement, tryStatement, lockExpression, tryStatement.Block, acquire: acquire, lockedFrom: 1)
            : new GuardedRegion(container, acquire, tryStatement, lockExpression, tryStatement.Block);
    }

    /// <summary><c>x.ConfigureAwait(…)</c> → <c>x</c> when <c>x</c> is itself a call; the call otherwise.</summary>
    private static InvocationExpressionSyntax WithoutConfigureAwait(InvocationExpressionSyntax invocation)
        => invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: InvocationExpressionSyntax inner }
            ? inner
            : invocation;

    /// <summary>The method's one parameter is a <c>System.Threading.CancellationToken</c>.</summary>
    private static bool IsCancellationTokenOnly(IMethodSymbol method, KnownTypes types)
        => method.Parameters.Length == 1 && KnownTypes.Is(method.Parameters[0].Type, types.CancellationToken);

    /// <summary>
    /// <c>if (!Monitor.TryEnter(x, timeout)) throw …;</c> (or <c>return …;</c>), <c>if (!gate.Wait(timeout)) …</c>,
    /// <c>mutex.WaitOne(timeout)</c>, <c>rw.TryEnterWriteLock(timeout)</c>, <c>gate.TryEnter(timeout)</c> on a <c>Lock</c>, followed by
    /// <c>try { … } finally { release; }</c>: the lock is held in the try. The guard stays as written in front of the rebuilt try,
    /// so what moves out of the lock runs before the attempt to take it (when the attempt times out, work that touches nothing
    /// shared has run for nothing; the exception is the same).
    /// </summary>
    private static GuardedRegion? FromGuard(IfStatementSyntax guard, SemanticModel model, CancellationToken cancellationToken)
    {
        if (guard.Parent is not BlockSyntax container || guard.Else is not null
            || guard.Condition is not PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression, Operand: var operand }
            || StripParentheses(operand) is not InvocationExpressionSyntax invocation
            || !LeavesTheMethod(guard.Statement)
            || container.Statements.IndexOf(guard) is var index && index + 1 >= container.Statements.Count
            || container.Statements[index + 1] is not TryStatementSyntax tryStatement
            || OnlyReleaseIn(tryStatement) is not { } release)
        {
            return null;
        }

        if (LockRegionFinder.FromSyntax(model, invocation, KnownTypes.For(model.Compilation), cancellationToken) is not { } region
            || region.Anchor is not IInvocationOperation { TargetMethod: var acquireMethod }
            || !region.Body.Select(o => o.Syntax).SequenceEqual(new SyntaxNode[] { tryStatement.Block })
            || region.LockedValue.Syntax is not ExpressionSyntax lockExpression
            || model.GetSymbolInfo(release, cancellationToken).Symbol is not IMethodSymbol releaseMethod)
        {
            return null;
        }

        var expectedRelease = (region.Kind, acquireMethod.Name) switch
        {
            (LockKind.Semaphore, "Wait" or "WaitOne") => "Release",
            (LockKind.Mutex, "WaitOne") => "ReleaseMutex",
            (LockKind.LockObject, "TryEnter") => "Exit",
            (LockKind.Monitor, "TryEnter") when invocation.ArgumentList.Arguments.Count == 2 => "Exit",
            (LockKind.ReaderWriter, "TryEnterWriteLock") => "ExitWriteLock",
            _ => null,
        };
        if (expectedRelease is null || releaseMethod.Name != expectedRelease || releaseMethod.Parameters.Length > 1
            || acquireMethod.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        if (!ReleasesOn(release, releaseMethod, lockExpression))
        {
            return null;
        }

        return new GuardedRegion(container, guard, tryStatement, lockExpression, tryStatement.Block, acquire: guard);
    }

    /// <summary><c>throw …;</c> or <c>return …;</c>, alone or as the last statement of a block (which runs only when the lock was not taken).</summary>
    private static bool LeavesTheMethod(StatementSyntax statement)
        => statement is ThrowStatementSyntax or ReturnStatementSyntax
           || (statement is BlockSyntax { Statements.Count: > 0 } block && block.Statements.Last() is ThrowStatementSyntax or ReturnStatementSyntax
               && !block.DescendantNodes().OfType<StatementSyntax>().Any(s => s is BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax or YieldStatementSyntax));

    private static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>The release call of a <c>try</c> with no <c>catch</c> whose <c>finally</c> holds only that call; null otherwise.</summary>
    private static InvocationExpressionSyntax? OnlyReleaseIn(TryStatementSyntax tryStatement)
        => tryStatement is { Catches.Count: 0, Finally.Block.Statements: { Count: 1 } finallyStatements }
           && finallyStatements[0] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release }
            ? release
            : null;

    /// <summary>
    /// <c>Monitor.Exit(x)</c> or <c>x.Release()</c> on the same object as written in the acquire, with no argument but the lock.
    /// </summary>
    private static bool ReleasesOn(InvocationExpressionSyntax release, IMethodSymbol releaseMethod, ExpressionSyntax lockExpression)
    {
        ExpressionSyntax? releasedOn = releaseMethod.IsStatic
            ? release.ArgumentList.Arguments.FirstOrDefault()?.Expression
            : (release.Expression as MemberAccessExpressionSyntax)?.Expression;
        return releasedOn is not null && SyntaxFactory.AreEquivalent(releasedOn, lockExpression)
               && (releaseMethod.IsStatic || release.ArgumentList.Arguments.Count == 0);
    }
}
