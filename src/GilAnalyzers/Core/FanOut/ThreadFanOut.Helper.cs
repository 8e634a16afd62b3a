using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

internal static partial class ThreadFanOut
{
    /// <summary>
    /// A small method of the compilation that makes a worker thread and returns it (and may start it):
    /// <c>Thread Spawn(int id) { var t = new Thread(() =&gt; Work(id)); t.Start(); return t; }</c>.
    /// </summary>
    private static class Helper
    {
        /// <summary>
        /// A helper that returns a local collection of threads, each made by the one <c>new Thread(...)</c> in a loop of its
        /// body and stored in that collection (<c>list.Add(t)</c>, <c>array[i] = ...</c>); plain workers only.
        /// </summary>
        public static bool TryResolveCollection(IInvocationOperation call, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool started)
        {
            @delegate = null;
            started = false;
            var method = call.TargetMethod;
            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null)
            {
                return false;
            }

            IObjectCreationOperation? creation = null;
            ISymbol? returned = null;
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                switch (operation)
                {
                    case IObjectCreationOperation candidate when OperationFacts.IsThread(candidate.Type, types):
                        if (creation is not null)
                        {
                            return false;
                        }

                        creation = candidate;
                        break;
                    case IReturnOperation { ReturnedValue: { } value }:
                        if (OperationFacts.StripConversions(value) is not ILocalReferenceOperation back
                            || (returned is not null && !SymbolEqualityComparer.Default.Equals(returned, back.Local)))
                        {
                            return false;
                        }

                        returned = back.Local;
                        break;
                    case IInvocationOperation { TargetMethod: { Name: "SetApartmentState" or "TrySetApartmentState" } }:
                    case IPropertyReferenceOperation { Property: { Name: "IsBackground" or "ApartmentState" } }:
                        return false;
                    case IInvocationOperation { TargetMethod: { Name: "Start" } } start when OperationFacts.IsThread(start.Instance?.Type, types):
                        started = true;
                        break;
                }
            }

            if (creation is null || returned is null || !ThreadHandle.IsPlainWorkerCreation(creation, out _)
                || OperationFacts.EnclosingLoop(creation, body) is not { } loop)
            {
                return false;
            }

            // The creation goes into the returned collection, directly or through a per-iteration local.
            var parent = creation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            var store = parent switch
            {
                ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } => ThreadHandle.Storage(element.ArrayReference),
                ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { IsIndexer: true } } indexer } => ThreadHandle.Storage(indexer.Instance),
                IArgumentOperation { Parent: IInvocationOperation add } when ThreadHandle.IsStoreMethod(add.TargetMethod.Name) => ThreadHandle.Storage(add.Instance),
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => StoredLocal(loop.Body, declarator.Symbol),
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => StoredLocal(loop.Body, assigned.Local),
                _ => null,
            };
            if (!SymbolEqualityComparer.Default.Equals(store, returned))
            {
                return false;
            }

            var argument = creation.Arguments[0].Value;
            @delegate = OperationFacts.UnwrapDelegate(argument);
            return @delegate is not null;
        }

        /// <summary>The collection a per-iteration thread local is added to: <c>list.Add(t)</c> / <c>array[i] = t</c>.</summary>
        private static ISymbol? StoredLocal(IOperation loopBody, ILocalSymbol local)
        {
            foreach (var operation in OperationFacts.Descendants(loopBody, enterFunctions: false))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (reference.Parent)
                {
                    case IArgumentOperation { Parent: IInvocationOperation add } when ThreadHandle.IsStoreMethod(add.TargetMethod.Name):
                        return ThreadHandle.Storage(add.Instance);
                    case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } assignment when assignment.Value == reference:
                        return ThreadHandle.Storage(element.ArrayReference);
                }
            }

            return null;
        }

        public static bool TryResolve(IInvocationOperation call, KnownTypes types, WorkCostModel costModel, out IOperation? @delegate, out bool started)
        {
            @delegate = null;
            started = false;
            var method = call.TargetMethod;
            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null)
            {
                return false;
            }

            var returns = new List<IOperation>();
            var creation = SingleThreadCreation(body, types, returns);
            if (creation is null || !ThreadHandle.IsPlainWorkerCreation(creation, out _))
            {
                return false;
            }

            // An expression-bodied helper: `Thread Make(int i) => new Thread(...);`
            if (returns.Count == 0 && OperationFacts.StripConversions(body) == creation)
            {
                returns.Add(creation);
            }

            var parent = creation.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            var local = parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } => assigned.Local,
                _ => null,
            };
            // Thread Fork(...) { if (small) { Work(...); return null; } var t = new Thread(...); t.Start(); return t; }: a
            // thread or none — the helper runs a small part itself and hands back no thread; every thread made is returned.
            if (returns.Count == 0
                || !returns.Any(r => r is not ILiteralOperation)
                || !returns.All(r => r == creation || r is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }
                                     || (local is not null && r is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, local))))
            {
                return false;
            }

            if (local is not null && !IsPlainlyStarted(body, local, ref started))
            {
                return false;
            }

            @delegate = CreationDelegate(call, creation);
            return @delegate is not null;
        }

        /// <summary>
        /// For a helper that only makes, labels and starts the thread, the caller's arguments its work's parameters stand
        /// for: <c>threads[i] = Spawn(from, to)</c> with <c>Thread Spawn(int a, int b) { var t = new Thread(() =&gt; Sum(a, b));
        /// t.Start(); return t; }</c> runs <c>Sum(from, to)</c>. Null when the work can run at the call with those
        /// arguments written in place of the parameters, else why not. The names the work uses besides the parameters are
        /// checked where the fix writes them (they must mean the same there).
        /// </summary>
        public static string? Bind(IInvocationOperation call, IOperation @delegate, IOperation root, KnownTypes types, WorkCostModel costModel, out ImmutableDictionary<IParameterSymbol, IOperation> bindings)
        {
            bindings = ImmutableDictionary<IParameterSymbol, IOperation>.Empty;
            var method = call.TargetMethod;
            var body = costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None);
            if (body is null || method.IsGenericMethod || method.IsExtensionMethod)
            {
                return "the helper is generic or its body is not known";
            }

            if (body.Syntax.SyntaxTree != root.Syntax.SyntaxTree)
            {
                // Another file may import other namespaces: the work's names could mean something else at the call.
                return "the helper is declared in another file";
            }

            if (!OperationFacts.IsWithin(@delegate, body))
            {
                // Thread Spawn(ThreadStart work): the caller's own delegate runs — nothing of the helper's to bind.
                return OnlyMakesTheThread(body, types) ? null : "the helper does more than make, label and start the thread";
            }

            if (!OnlyMakesTheThread(body, types))
            {
                return "the helper does more than make, label and start the thread";
            }

            if (WorkScopeBlocker(call, @delegate, body, root) is { } scopeBlocker)
            {
                return scopeBlocker;
            }

            var allowedChanging = OperationFacts.EnclosingLoop(call, root) is IForLoopOperation { Locals.Length: 1 } counting ? counting.Locals[0] : null;
            var builder = ImmutableDictionary.CreateBuilder<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default);
            foreach (var reference in OperationFacts.Descendants(@delegate).OfType<IParameterReferenceOperation>())
            {
                var parameter = reference.Parameter;
                if (!SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method.OriginalDefinition) || builder.ContainsKey(parameter))
                {
                    continue;
                }

                var argument = call.Arguments.FirstOrDefault(a => a.Parameter is { } p && p.Ordinal == parameter.Ordinal);
                if (parameter.RefKind != RefKind.None || argument is not { ArgumentKind: ArgumentKind.Explicit }
                    || OperationFacts.IsWrittenIn(parameter, body))
                {
                    return "the helper's parameter '" + parameter.Name + "' is not a plain value the work reads";
                }

                // The argument goes where the parameter was: a name or a constant of the parameter's own type (no
                // conversion that could change what an expression means), with the same value when the work runs.
                var value = argument.Value;
                if ((value is IConversionOperation { IsImplicit: true } conversion && !conversion.Conversion.IsIdentity)
                    || !IsPlainArgument(OperationFacts.StripConversions(value))
                    || !OperationFacts.IsStableValue(value, root, allowedChanging))
                {
                    return "the argument for the helper's parameter '" + parameter.Name + "' cannot be written into the work with the same value";
                }

                builder.Add(parameter, OperationFacts.StripConversions(value));
            }

            bindings = builder.ToImmutable();
            return null;
        }

        /// <summary>
        /// Whether the work reaches only what the caller can name: no local of the helper outside the work, and <c>this</c>
        /// only when the caller is an instance member of the helper's type. Null when so, else why not.
        /// </summary>
        private static string? WorkScopeBlocker(IInvocationOperation call, IOperation @delegate, IOperation body, IOperation root)
        {
            if (@delegate is IAnonymousFunctionOperation { Symbol.Parameters.Length: > 0 })
            {
                return "the helper's thread takes Start's argument";
            }

            var caller = root.SemanticModel?.GetEnclosingSymbol(root.Syntax.SpanStart);
            foreach (var operation in OperationFacts.Descendants(@delegate))
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local when OperationFacts.IsDeclaredIn(local.Local, body) && !OperationFacts.IsDeclaredIn(local.Local, @delegate):
                        return "the helper's work uses the helper's local '" + local.Local.Name + "'";
                    case IInstanceReferenceOperation when call.TargetMethod.IsStatic || caller is null || caller.IsStatic
                                                          || !SymbolEqualityComparer.Default.Equals(caller.ContainingType, call.TargetMethod.ContainingType)
                                                          || call.Instance is not (null or IInstanceReferenceOperation):
                        return "the helper's work uses the object the helper runs on";
                }
            }

            return null;
        }

        /// <summary>A caller's argument that can be written in place of a parameter as it is: a local, a parameter, a literal or a constant.</summary>
        private static bool IsPlainArgument(IOperation value)
            => value is ILocalReferenceOperation or IParameterReferenceOperation or ILiteralOperation
               || (value.ConstantValue.HasValue && value.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax);

        /// <summary>
        /// Whether the helper's statements only make the thread (<c>var t = new Thread(work)</c>, or <c>return new
        /// Thread(work)</c>), label it (<c>t.Name = ...</c> / <c>t.IsBackground = true</c>, from values whose reading runs
        /// no code), start it without an argument and return it: nothing the rewrite would lose with the thread.
        /// </summary>
        private static bool OnlyMakesTheThread(IOperation body, KnownTypes types)
        {
            if (body is not IBlockOperation block)
            {
                return OperationFacts.StripConversions(body) is IObjectCreationOperation made && OperationFacts.IsThread(made.Type, types) && IsPlainLabelling(made);
            }

            foreach (var statement in block.Operations)
            {
                var plain = statement switch
                {
                    IVariableDeclarationGroupOperation group => group.Declarations.SelectMany(d => d.Declarators).All(d =>
                        d.Initializer?.Value is { } value && OperationFacts.StripConversions(value) is IObjectCreationOperation made
                        && OperationFacts.IsThread(made.Type, types) && IsPlainLabelling(made)),
                    IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 0, Instance: ILocalReferenceOperation } } => true,
                    IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Name" or "IsBackground", Instance: ILocalReferenceOperation } } label } => HasNoEffect(label.Value),
                    IReturnOperation { ReturnedValue: null, IsImplicit: true } => true,
                    IReturnOperation { ReturnedValue: { } returned } => OperationFacts.StripConversions(returned) is ILocalReferenceOperation
                                                                       || (OperationFacts.StripConversions(returned) is IObjectCreationOperation made && IsPlainLabelling(made)),
                    _ => false,
                };
                if (!plain)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A <c>new Thread(...)</c> whose initializer (if any) only labels it from values whose reading runs no code.</summary>
        private static bool IsPlainLabelling(IObjectCreationOperation creation)
            => creation.Initializer is null
               || creation.Initializer.Initializers.All(i => i is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "Name" or "IsBackground" } } label
                                                             && HasNoEffect(label.Value));

        /// <summary>A value whose computing runs no code of its own: literals, names, arithmetic and string interpolation of those.</summary>
        internal static bool HasNoEffect(IOperation value)
            => OperationFacts.Descendants(value).All(o => o is ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation
                or IFieldReferenceOperation or IBinaryOperation or IConversionOperation or IInterpolatedStringOperation or IInterpolationOperation
                or IInterpolatedStringTextOperation or IInstanceReferenceOperation || o.ConstantValue.HasValue);

        /// <summary>The helper's one <c>new Thread(...)</c> (null when there are none or several), collecting its returned values into <paramref name="returns"/>.</summary>
        private static IObjectCreationOperation? SingleThreadCreation(IOperation body, KnownTypes types, List<IOperation> returns)
        {
            IObjectCreationOperation? creation = null;
            foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
            {
                switch (operation)
                {
                    case IObjectCreationOperation candidate when OperationFacts.IsThread(candidate.Type, types):
                        if (creation is not null)
                        {
                            return null;
                        }

                        creation = candidate;
                        break;
                    case IReturnOperation { ReturnedValue: { } value }:
                        returns.Add(OperationFacts.StripConversions(value));
                        break;
                }
            }

            return creation;
        }

        /// <summary>
        /// Whether the helper's thread local is used plainly: false when the helper sets its apartment or background flag;
        /// sets <paramref name="started"/> when the helper starts it.
        /// </summary>
        private static bool IsPlainlyStarted(IOperation body, ILocalSymbol local, ref bool started)
        {
            foreach (var operation in OperationFacts.Descendants(body))
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (reference.Parent)
                {
                    case IInvocationOperation { TargetMethod: { Name: "Start" } } start when start.Instance == reference:
                        started = true;
                        break;
                    case IInvocationOperation { TargetMethod: { Name: "SetApartmentState" or "TrySetApartmentState" } }:
                        return false;
                    case IPropertyReferenceOperation { Property: { Name: "IsBackground" or "ApartmentState" } }:
                        return false;
                }
            }

            return true;
        }

        /// <summary>The delegate the helper's thread runs: its own, or the caller's when the helper passes a delegate parameter on.</summary>
        private static IOperation? CreationDelegate(IInvocationOperation call, IObjectCreationOperation creation)
        {
            var argument = creation.Arguments[0].Value;
            var @delegate = OperationFacts.UnwrapDelegate(argument);
            if (@delegate is null
                && OperationFacts.StripConversions(argument) is IParameterReferenceOperation parameter
                && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, call.TargetMethod.OriginalDefinition))
            {
                // Thread Spawn(ThreadStart work) { ... new Thread(work) ... }: the caller's delegate runs.
                var passed = call.Arguments.FirstOrDefault(a => a.Parameter is { } p && p.Ordinal == parameter.Parameter.Ordinal);
                @delegate = passed is null ? null : OperationFacts.UnwrapDelegate(passed.Value);
            }

            return @delegate;
        }
    }
}
