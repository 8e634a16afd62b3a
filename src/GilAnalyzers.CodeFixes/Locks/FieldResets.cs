using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>How a statement sets a whole buffer or collection back to a known state.</summary>
internal enum FieldResetKind
{
    /// <summary><c>f = value;</c></summary>
    Assigned,

    /// <summary><c>Array.Clear(f)</c> or <c>Array.Clear(f, 0, f.Length)</c>.</summary>
    ArrayCleared,

    /// <summary><c>Array.Fill(f, value)</c>.</summary>
    ArrayFilled,

    /// <summary><c>f.Clear()</c> (a collection, a span) or <c>f.AsSpan().Clear()</c>.</summary>
    InstanceCleared,

    /// <summary><c>f.Fill(value)</c> or <c>f.AsSpan().Fill(value)</c>.</summary>
    InstanceFilled,
}

/// <summary>A statement that resets <see cref="Target"/> whole, how, and with what value (for an assignment or a fill).</summary>
internal sealed class FieldReset
{
    public FieldReset(IOperation target, FieldResetKind kind, IOperation? value, IMethodSymbol? method)
    {
        Target = target;
        Kind = kind;
        Value = value;
        Method = method;
    }

    /// <summary>The reference to what is reset (conversions stripped).</summary>
    public IOperation Target { get; }

    public FieldResetKind Kind { get; }

    /// <summary>The assigned value or the fill value; null for a clear.</summary>
    public IOperation? Value { get; }

    /// <summary>The clearing or filling method; null for an assignment.</summary>
    public IMethodSymbol? Method { get; }
}

/// <summary>
/// The one recogniser of statements that reset a buffer whole, for the fixes that need to know a field starts every call
/// from a known state: GIL001's per-call scratch buffers (<see cref="ScratchBuffers"/>) and GIL006's per-item check of
/// the state a worker process keeps. Each takes the kinds it can use.
/// </summary>
internal static class FieldResets
{
    public static FieldReset? Of(IOperation statement)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }:
                return new FieldReset(OperationFacts.StripConversions(assignment.Target), FieldResetKind.Assigned, assignment.Value, null);
            case IExpressionStatementOperation { Operation: IInvocationOperation call }:
                return OfCall(call);
            default:
                return null;
        }
    }

    private static FieldReset? OfCall(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        var name = method.Name;
        if (name != "Clear" && name != "Fill")
        {
            return null;
        }

        if (call.Instance is null)
        {
            if (!method.IsStatic || method.ContainingType.SpecialType != SpecialType.System_Array || call.Arguments.Length == 0)
            {
                return null;
            }

            var array = OperationFacts.StripConversions(call.Arguments[0].Value);
            if (name == "Clear" && (call.Arguments.Length == 1 || (call.Arguments.Length == 3 && IsWholeLength(call, array))))
            {
                return new FieldReset(array, FieldResetKind.ArrayCleared, null, method);
            }

            return name == "Fill" && call.Arguments.Length == 2
                ? new FieldReset(array, FieldResetKind.ArrayFilled, call.Arguments[1].Value, method)
                : null;
        }

        var target = OperationFacts.StripConversions(call.Instance);
        if (target is IInvocationOperation { TargetMethod.Name: "AsSpan", Arguments.Length: 1 } asSpan)
        {
            target = OperationFacts.StripConversions(asSpan.Arguments[0].Value);
        }

        if (name == "Clear")
        {
            return call.Arguments.Length == 0 ? new FieldReset(target, FieldResetKind.InstanceCleared, null, method) : null;
        }

        return call.Arguments.Length == 1 ? new FieldReset(target, FieldResetKind.InstanceFilled, call.Arguments[0].Value, method) : null;
    }

    /// <summary><c>Array.Clear(f, 0, f.Length)</c>: from 0, the length of the same field (read through the same instance kind).</summary>
    private static bool IsWholeLength(IInvocationOperation call, IOperation array)
        => call.Arguments[1].Value.ConstantValue is { HasValue: true, Value: 0 }
           && OperationFacts.StripConversions(call.Arguments[2].Value) is IPropertyReferenceOperation { Property.Name: "Length", Instance: { } lengthOf }
           && OperationFacts.StripConversions(lengthOf) is IFieldReferenceOperation lengthField
           && array is IFieldReferenceOperation arrayField
           && SymbolEqualityComparer.Default.Equals(lengthField.Field.OriginalDefinition, arrayField.Field.OriginalDefinition)
           && (lengthField.Field.IsStatic || (lengthField.Instance is IInstanceReferenceOperation && arrayField.Instance is IInstanceReferenceOperation));

}
