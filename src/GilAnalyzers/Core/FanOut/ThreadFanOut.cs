using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Finds raw-thread fan-outs in one function: two or more <c>Thread</c>s created (in a loop into an array, list,
/// dictionary or other collection — a local or a field of the type —, or as explicit locals), directly or through a
/// small helper that wraps <c>new Thread(...)</c>, started and joined (in the same function, or for threads kept in a
/// field, in any method of the type), and plans the rewrite to <c>Parallel.For</c> / <c>Parallel.Invoke</c> when it
/// keeps behaviour.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>Every CPU-bound raw-thread fan-out whose threads are created (or obtained from a helper) directly in <paramref name="functionRoot"/>.</summary>
    public static ImmutableArray<FanOut> Find(IOperation functionRoot, KnownTypes types, WorkCostModel costModel)
    {
        if (types.Thread is null)
        {
            return ImmutableArray<FanOut>.Empty;
        }

        var sites = new List<IOperation>();
        foreach (var operation in OperationFacts.Descendants(functionRoot, enterFunctions: false))
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when OperationFacts.IsThread(creation.Type, types):
                    sites.Add(creation);
                    break;
                case IInvocationOperation invocation when IsHelperCandidate(invocation.TargetMethod, types):
                    sites.Add(invocation);
                    break;
            }
        }

        if (sites.Count == 0)
        {
            return ImmutableArray<FanOut>.Empty;
        }

        sites.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
        var results = ImmutableArray.CreateBuilder<FanOut>();
        var explicitThreads = new List<ThreadHandle>();
        var seenCollections = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var site in sites)
        {
            var handle = ThreadHandle.Create(site, functionRoot, types, costModel);
            if (handle is null)
            {
                continue;
            }

            if (handle.QueryRoot is not null)
            {
                if (seenCollections.Add(handle.Collection!))
                {
                    var queryFanOut = AnalyzeQuery(handle, types, costModel);
                    if (queryFanOut is not null)
                    {
                        results.Add(queryFanOut);
                    }
                }
            }
            else if (handle.Loop is not null)
            {
                if (handle.Collection is null || seenCollections.Add(handle.Collection))
                {
                    var loopFanOut = AnalyzeLoop(handle, functionRoot, types, costModel);
                    if (loopFanOut is not null)
                    {
                        results.Add(loopFanOut);
                    }
                }
            }
            else if (handle.Local is not null)
            {
                explicitThreads.Add(handle);
            }
        }

        var explicitFanOut = AnalyzeExplicit(explicitThreads, functionRoot, types, costModel);
        if (explicitFanOut is not null)
        {
            results.Add(explicitFanOut);
        }

        return results.ToImmutable();
    }

    /// <summary>A call that may return a thread made by a small helper of this compilation (the name is tested first).</summary>
    public static bool IsHelperCandidate(IMethodSymbol method, KnownTypes types)
        => method.ReturnType is { } returnType
           && (returnType.Name == "Thread" || IsThreadCollectionName(returnType))
           && method.DeclaringSyntaxReferences.Length > 0
           && !method.IsAbstract
           && !method.IsVirtual
           && (OperationFacts.IsThread(returnType, types) || OperationFacts.HoldsThreads(returnType, types));

    /// <summary><c>Thread[]</c>, <c>List&lt;Thread&gt;</c> and the like, by name only (resolves nothing).</summary>
    private static bool IsThreadCollectionName(ITypeSymbol type)
        => type is IArrayTypeSymbol { ElementType: { Name: "Thread" } }
           || (type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Length == 1 && named.TypeArguments[0].Name == "Thread");

    public static string Describe(IOperation count)
    {
        var value = OperationFacts.StripConversions(count);
        if (value.ConstantValue.HasValue && value.ConstantValue.Value is not null)
        {
            return System.Convert.ToString(value.ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture) ?? value.Syntax.ToString();
        }

        return "'" + value.Syntax + "'";
    }
}
