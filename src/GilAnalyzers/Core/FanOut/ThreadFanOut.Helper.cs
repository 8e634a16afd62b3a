using System.Collections.Generic;
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
