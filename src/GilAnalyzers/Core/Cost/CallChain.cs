using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// The source methods the cost model is summarising, outermost first, each with how it was entered: directly, or
/// through a forwarding dispatch (an adapter or decorator handing one call to another object; see
/// <c>WorkCostModel.IsForwardingCall</c>). A call back to a method on the chain is recursion unless the way back went
/// through such a hop.
/// </summary>
internal sealed class CallChain
{
    private readonly List<(IMethodSymbol Method, bool Forwarded)> _frames = new List<(IMethodSymbol, bool)>();

    public int Count => _frames.Count;

    public bool Contains(IMethodSymbol method) => IndexOf(method) >= 0;

    public void Push(IMethodSymbol method, bool forwarded) => _frames.Add((method, forwarded));

    public void Pop() => _frames.RemoveAt(_frames.Count - 1);

    /// <summary>Whether a method entered after <paramref name="method"/> (on the way back to it) was entered by forwarding.</summary>
    public bool ForwardedSince(IMethodSymbol method)
    {
        for (var i = IndexOf(method) + 1; i < _frames.Count; i++)
        {
            if (_frames[i].Forwarded)
            {
                return true;
            }
        }

        return false;
    }

    private int IndexOf(IMethodSymbol method)
    {
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            if (SymbolEqualityComparer.Default.Equals(_frames[i].Method, method))
            {
                return i;
            }
        }

        return -1;
    }
}
