using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>How the code takes its lock.</summary>
    internal enum LockKind
    {
        /// <summary><c>lock (x) { … }</c>, on an object or a System.Threading.Lock.</summary>
        Statement,

        /// <summary><c>Monitor.Enter/TryEnter(x) … Monitor.Exit(x)</c>.</summary>
        Monitor,

        /// <summary>A <c>SemaphoreSlim</c>/<c>Semaphore</c> created with one slot: <c>Wait … Release</c>.</summary>
        Semaphore,

        /// <summary><c>Mutex.WaitOne … ReleaseMutex</c>.</summary>
        Mutex,

        /// <summary><c>using (gate.EnterScope())</c> or <c>gate.Enter() … gate.Exit()</c> on a System.Threading.Lock.</summary>
        LockObject,
    }

    /// <summary>A piece of code that runs while holding one lock.</summary>
    internal sealed class LockRegion
    {
        public LockRegion(LockKind kind, IOperation anchor, IOperation lockedValue, ImmutableArray<IOperation> body, Location location, bool isSystemWide)
        {
            Kind = kind;
            Anchor = anchor;
            LockedValue = lockedValue;
            Body = body;
            Location = location;
            IsSystemWide = isSystemWide;
        }

        public LockKind Kind { get; }

        /// <summary>The lock statement, or the call that acquires the lock.</summary>
        public IOperation Anchor { get; }

        /// <summary>The expression naming the lock object.</summary>
        public IOperation LockedValue { get; }

        /// <summary>The operations executed while the lock is held, in order.</summary>
        public ImmutableArray<IOperation> Body { get; }

        /// <summary>Where the squiggle goes: <c>lock (x)</c> or the acquiring call.</summary>
        public Location Location { get; }

        /// <summary>A named Mutex: shared by every process on the machine.</summary>
        public bool IsSystemWide { get; }
    }

    /// <summary>Recognises the ways C# code takes a lock and finds the code that runs under it.</summary>
    internal static class LockRegionFinder
    {
        public static LockRegion? FromLockStatement(ILockOperation operation)
        {
            if (operation.LockedValue is null || operation.Body is null || operation.Syntax is not LockStatementSyntax statement)
            {
                return null;
            }

            var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statement.LockKeyword.SpanStart, statement.CloseParenToken.Span.End);
            return new LockRegion(LockKind.Statement, operation, operation.LockedValue, ImmutableArray.Create(operation.Body),
                Location.Create(statement.SyntaxTree, span), isSystemWide: false);
        }

        /// <summary>Cheap name filter before any symbol work.</summary>
        public static bool IsAcquireName(string name)
            => name == "Enter" || name == "TryEnter" || name == "Wait" || name == "WaitAsync" || name == "WaitOne";

        /// <summary>A call that acquires a lock: Monitor.Enter/TryEnter, a one-slot semaphore's Wait, Mutex.WaitOne, Lock.Enter.</summary>
        public static LockRegion? FromAcquireCall(IInvocationOperation invocation, KnownTypes types)
        {
            var method = invocation.TargetMethod;
            if (!IsAcquireName(method.Name))
            {
                return null;
            }

            var type = method.ContainingType;
            // WaitOne is declared on WaitHandle: what matters is the receiver's type.
            var receiverType = invocation.Instance?.Type;
            LockKind kind;
            IOperation? lockedValue;
            var systemWide = false;
            // In each test the method and type names come before KnownTypes.Is: they are necessary for it and resolve no type.
            var name = method.Name;
            var isEnter = name == "Enter" || name == "TryEnter";
            if (isEnter && type?.Name == "Monitor" && KnownTypes.Is(type, types.Monitor) && invocation.Arguments.Length > 0)
            {
                kind = LockKind.Monitor;
                lockedValue = ArgumentInOrder(invocation, 0);
            }
            else if (((name == "Wait" || name == "WaitAsync") && type?.Name == "SemaphoreSlim" && KnownTypes.Is(type, types.SemaphoreSlim))
                     || (name == "WaitOne" && receiverType?.Name == "Semaphore" && KnownTypes.Is(receiverType, types.Semaphore)))
            {
                kind = LockKind.Semaphore;
                lockedValue = invocation.Instance;
                if (lockedValue is null || !IsSingleSlotGate(lockedValue))
                {
                    return null;
                }
            }
            else if (name == "WaitOne" && receiverType?.Name == "Mutex" && KnownTypes.Is(receiverType, types.Mutex))
            {
                kind = LockKind.Mutex;
                lockedValue = invocation.Instance;
                systemWide = lockedValue is not null && IsNamedMutex(lockedValue);
            }
            else if (isEnter && type?.Name == "Lock" && KnownTypes.Is(type, types.Lock))
            {
                kind = LockKind.LockObject;
                lockedValue = invocation.Instance;
            }
            else
            {
                return null;
            }

            if (lockedValue is null)
            {
                return null;
            }

            var body = FindBodyAfterAcquire(invocation, lockedValue);
            return body.IsDefaultOrEmpty
                ? null
                : new LockRegion(kind, invocation, lockedValue, body, invocation.Syntax.GetLocation(), systemWide);
        }

        /// <summary><c>using (gate.EnterScope()) { … }</c> and <c>using var scope = gate.EnterScope();</c>.</summary>
        public static LockRegion? FromUsing(IOperation operation, KnownTypes types)
        {
            switch (operation)
            {
                case IUsingOperation usingOperation when FindEnterScope(usingOperation.Resources, types) is { } call:
                    return new LockRegion(LockKind.LockObject, call, call.Instance!, ImmutableArray.Create(usingOperation.Body),
                        call.Syntax.GetLocation(), isSystemWide: false);
                case IUsingDeclarationOperation declaration when FindEnterScope(declaration.DeclarationGroup, types) is { } call:
                    var rest = StatementsAfter(declaration);
                    return rest.IsDefaultOrEmpty
                        ? null
                        : new LockRegion(LockKind.LockObject, call, call.Instance!, rest, call.Syntax.GetLocation(), isSystemWide: false);
                default:
                    return null;
            }
        }

        private static IInvocationOperation? FindEnterScope(IOperation? resources, KnownTypes types)
        {
            if (resources is null)
            {
                return null;
            }

            foreach (var operation in resources.DescendantsAndSelf())
            {
                // The name first: it resolves no type (and without System.Threading.Lock in the references, Is is false).
                if (operation is IInvocationOperation { Instance: not null } call
                    && call.TargetMethod.Name == "EnterScope"
                    && KnownTypes.Is(call.TargetMethod.ContainingType, types.Lock))
                {
                    return call;
                }
            }

            return null;
        }

        private static IOperation? ArgumentInOrder(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// The statements that run after the acquiring call and before the matching release:
        /// <c>if (TryEnter(x)) { … }</c> → the if branch; <c>Enter(x); try { … } finally { Exit(x); }</c> → the try body;
        /// otherwise the following statements of the same block, up to the first statement that releases the lock.
        /// </summary>
        private static ImmutableArray<IOperation> FindBodyAfterAcquire(IInvocationOperation invocation, IOperation lockedValue)
        {
            IOperation current = invocation;
            while (current.Parent is IAwaitOperation || current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            if (current.Parent is IConditionalOperation { WhenTrue: { } whenTrue } conditional && conditional.Condition == current)
            {
                return ImmutableArray.Create(whenTrue);
            }

            if (current.Parent is not IExpressionStatementOperation statement || statement.Parent is not IBlockOperation block)
            {
                return default;
            }

            var index = block.Operations.IndexOf(statement);
            if (index < 0)
            {
                return default;
            }

            var lockText = Normalize(lockedValue);
            if (index + 1 < block.Operations.Length && block.Operations[index + 1] is ITryOperation { Finally: { } @finally } tryOperation
                && ContainsRelease(@finally, lockText))
            {
                return ImmutableArray.Create<IOperation>(tryOperation.Body);
            }

            var builder = ImmutableArray.CreateBuilder<IOperation>();
            for (var i = index + 1; i < block.Operations.Length; i++)
            {
                if (ContainsRelease(block.Operations[i], lockText))
                {
                    break;
                }

                builder.Add(block.Operations[i]);
            }

            return builder.ToImmutable();
        }

        private static ImmutableArray<IOperation> StatementsAfter(IOperation statement)
        {
            if (statement.Parent is not IBlockOperation block)
            {
                return default;
            }

            var index = block.Operations.IndexOf(statement);
            return index < 0 ? default : ImmutableArray.Create(block.Operations, index + 1, block.Operations.Length - index - 1);
        }

        private static bool ContainsRelease(IOperation operation, string lockText)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is not IInvocationOperation call)
                {
                    continue;
                }

                var name = call.TargetMethod.Name;
                if (name == "Exit" && call.Instance is null && call.Arguments.Length > 0 && Normalize(call.Arguments[0].Value) == lockText)
                {
                    return true;
                }

                if ((name == "Release" || name == "ReleaseMutex" || name == "Exit") && call.Instance is not null && Normalize(call.Instance) == lockText)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Normalize(IOperation operation)
        {
            var text = FanOutFacts.StripConversions(operation).Syntax.ToString();
            return text.StartsWith("this.", StringComparison.Ordinal) ? text.Substring(5) : text;
        }

        /// <summary>A semaphore declared with one slot: <c>new SemaphoreSlim(1, 1)</c> or <c>new SemaphoreSlim(1)</c>.</summary>
        private static bool IsSingleSlotGate(IOperation instance)
        {
            var arguments = InitializerArguments(instance);
            if (arguments is null || arguments.Count == 0 || !IsLiteralOne(arguments[0].Expression))
            {
                return false;
            }

            return arguments.Count == 1 || IsLiteralOne(arguments[1].Expression);
        }

        /// <summary><c>new Mutex(false, "Global\\name")</c>: a named mutex is shared machine-wide.</summary>
        private static bool IsNamedMutex(IOperation instance)
        {
            var arguments = InitializerArguments(instance);
            return arguments is not null && arguments.Count >= 2;
        }

        private static IReadOnlyList<ArgumentSyntax>? InitializerArguments(IOperation instance)
        {
            ISymbol? symbol = FanOutFacts.StripConversions(instance) switch
            {
                IFieldReferenceOperation field => field.Field,
                ILocalReferenceOperation local => local.Local,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            };
            if (symbol is null)
            {
                return null;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax();
                var initializer = node switch
                {
                    VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    _ => null,
                };
                switch (initializer)
                {
                    case ObjectCreationExpressionSyntax creation when creation.ArgumentList is not null:
                        return creation.ArgumentList.Arguments;
                    case ImplicitObjectCreationExpressionSyntax implicitCreation:
                        return implicitCreation.ArgumentList.Arguments;
                }
            }

            return null;
        }

        private static bool IsLiteralOne(ExpressionSyntax expression)
            => expression is LiteralExpressionSyntax literal
               && literal.IsKind(SyntaxKind.NumericLiteralExpression)
               && literal.Token.Value is int value && value == 1;
    }
}
