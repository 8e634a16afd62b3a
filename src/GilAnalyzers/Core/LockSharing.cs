using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>How widely a lock object is shared between the threads that take it.</summary>
    internal enum LockScope
    {
        /// <summary>The analysis cannot tell (e.g. the lock comes from a call).</summary>
        Unknown,

        /// <summary>Each worker or item has its own lock object (created inside, or selected by the item).</summary>
        PerItem,

        /// <summary>One object taken by every worker: a field, <c>this</c>, a captured local.</summary>
        Shared,

        /// <summary>Shared by the whole process: a static field, <c>typeof(...)</c>, a string literal.</summary>
        ProcessGlobal,
    }

    internal readonly struct LockIdentity
    {
        public LockIdentity(LockScope scope, string name)
        {
            Scope = scope;
            Name = name;
        }

        public LockScope Scope { get; }

        /// <summary>The lock as written in source, for messages.</summary>
        public string Name { get; }

        public bool IsShared => Scope == LockScope.Shared || Scope == LockScope.ProcessGlobal;
    }

    /// <summary>Answers "is this lock shared?" for the expression a thread locks on.</summary>
    internal static class LockSharing
    {
        /// <param name="lockedValue">The operation naming the lock object.</param>
        /// <param name="perWorkerRegion">Code that runs once per item or worker (a parallel body); symbols declared in it are per item. May be null.</param>
        public static LockIdentity Classify(IOperation lockedValue, IOperation? perWorkerRegion)
        {
            var value = FanOutFacts.StripConversions(lockedValue);
            var name = value.Syntax.ToString();
            var region = perWorkerRegion?.Syntax;
            return new LockIdentity(ClassifyScope(value, region), name);
        }

        /// <summary>The identity of a lock region's lock; a named Mutex is process-global (machine-wide, in fact).</summary>
        public static LockIdentity Classify(LockRegion region, IOperation? perWorkerRegion)
        {
            var identity = Classify(region.LockedValue, perWorkerRegion);
            return region.IsSystemWide ? new LockIdentity(LockScope.ProcessGlobal, identity.Name) : identity;
        }

        private static LockScope ClassifyScope(IOperation value, SyntaxNode? region)
        {
            switch (value)
            {
                case ITypeOfOperation:
                    return LockScope.ProcessGlobal;
                case ILiteralOperation { ConstantValue: { HasValue: true, Value: string } }:
                    return LockScope.ProcessGlobal;
                case IInstanceReferenceOperation:
                    return LockScope.Shared;
                case IObjectCreationOperation:
                    return LockScope.PerItem;
                case ILocalReferenceOperation local:
                    return IsDeclaredIn(local.Local, region) ? LockScope.PerItem : LockScope.Shared;
                case IParameterReferenceOperation parameter:
                    return IsDeclaredIn(parameter.Parameter, region) ? LockScope.PerItem : LockScope.Shared;
                case IFieldReferenceOperation field:
                    if (field.Field.IsStatic)
                    {
                        return LockScope.ProcessGlobal;
                    }

                    return field.Instance is null ? LockScope.Unknown : ScopeOfInstance(field.Instance, region);
                case IPropertyReferenceOperation property:
                    if (property.Property.IsStatic)
                    {
                        return LockScope.ProcessGlobal;
                    }

                    if (property.Instance is null)
                    {
                        return LockScope.Unknown;
                    }

                    if (SelectsByRegionSymbol(property.Arguments, region))
                    {
                        return LockScope.PerItem;
                    }

                    return ScopeOfInstance(property.Instance, region);
                case IArrayElementReferenceOperation element:
                    foreach (var index in element.Indices)
                    {
                        if (ReferencesRegionSymbol(index, region))
                        {
                            return LockScope.PerItem;
                        }
                    }

                    return ScopeOfInstance(element.ArrayReference, region);
                default:
                    return LockScope.Unknown;
            }
        }

        /// <summary>An instance member's lock is as shared as the instance it hangs off.</summary>
        private static LockScope ScopeOfInstance(IOperation instance, SyntaxNode? region)
            => ClassifyScope(FanOutFacts.StripConversions(instance), region);

        private static bool SelectsByRegionSymbol(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, SyntaxNode? region)
        {
            foreach (var argument in arguments)
            {
                if (ReferencesRegionSymbol(argument.Value, region))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool ReferencesRegionSymbol(IOperation operation, SyntaxNode? region)
        {
            if (region is null)
            {
                return false;
            }

            foreach (var descendant in operation.DescendantsAndSelf())
            {
                switch (descendant)
                {
                    case ILocalReferenceOperation local when IsDeclaredIn(local.Local, region):
                    case IParameterReferenceOperation parameter when IsDeclaredIn(parameter.Parameter, region):
                        return true;
                }
            }

            return false;
        }

        private static bool IsDeclaredIn(ISymbol symbol, SyntaxNode? region)
        {
            if (region is null)
            {
                return false;
            }

            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == region.SyntaxTree && region.FullSpan.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
