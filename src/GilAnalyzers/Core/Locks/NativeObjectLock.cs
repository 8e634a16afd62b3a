using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// A lock taken on an object that owns a native handle, around that object's own bulk work:
/// <c>lock (_predictor) { …; _predictor.Run(); … }</c>, <c>lock (_session) { return _session.Run(inputs); }</c>,
/// <c>lock (_engine) { using var page = _engine.Process(image); … }</c>. Such objects (an inference predictor, a codec
/// context, an OCR engine) are not thread-safe, and the lock is there because threads share the object: every thread
/// that shares it queues for the whole native run, with or without parallel code in sight.
/// </summary>
internal static class NativeObjectLock
{
    /// <summary>
    /// The name of the locked object when <paramref name="region"/> locks an object of this instance (a field or
    /// property of <c>this</c>, a parameter, or a local that holds one) that owns a native handle, and calls a method of
    /// that same object which does bulk work (native bulk work, directly or through the object's own methods); else null.
    /// <paramref name="unresolvedCost"/> is the cost of that call when the object's type does not resolve (a project
    /// compiled without its packages): the cost model cannot see it, the names say it.
    /// </summary>
    public static string? DrivenObject(LockRegion region, WorkCostModel costModel, CancellationToken cancellationToken, out WorkCost? unresolvedCost)
    {
        unresolvedCost = null;
        var locked = OperationFacts.StripConversions(region.LockedValue);
        ISymbol? symbol = locked switch
        {
            IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Property.IsStatic: false, Arguments.IsEmpty: true, Instance: IInstanceReferenceOperation } property => property.Property,
            IParameterReferenceOperation parameter => parameter.Parameter,
            ILocalReferenceOperation local when !IsCreatedHere(local.Local) => local.Local,
            _ => null,
        };
        if (symbol is null || locked.Type is not INamedTypeSymbol type)
        {
            return null;
        }

        if (type.TypeKind == TypeKind.Error)
        {
            return NamesNativeEngine(type.Name) && UnresolvedBulkCall(region, symbol) is { } called
                ? Driven(symbol, called, out unresolvedCost)
                : null;
        }

        var processor = IsUnsafeProcessor(type);
        if (!processor && !OwnsNativeHandle(type))
        {
            return null;
        }

        foreach (var root in region.Body)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation { Instance: { } instance } invocation
                    && (Refers(instance, symbol) || (processor && HandsOut(invocation, symbol, root)))
                    && !NamesStatementExecution(invocation.TargetMethod.Name)
                    && costModel.AnalyzeComputation(new[] { invocation }, cancellationToken) is { IsCpuBound: true, BulkData: true })
                {
                    return symbol.Name;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A framework object that keeps the state of one bulk computation and is not thread-safe: a <c>ZipArchive</c> being
    /// written (its entries compress what is copied into them) or a <c>HashAlgorithm</c> (MD5, SHA-256, HMAC…). A lock on
    /// one of these, like a lock on a native engine, is there because threads share it.
    /// </summary>
    public static bool IsUnsafeProcessor(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            switch (current.Name)
            {
                case "ZipArchive" when current.ContainingNamespace is { Name: "Compression", ContainingNamespace.Name: "IO" }:
                case "HashAlgorithm" when current.ContainingNamespace is { Name: "Cryptography", ContainingNamespace.Name: "Security" }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>data.CopyTo(stream)</c> where <c>var stream = entry.Open(); var entry = Archive.CreateEntry(…);</c>: the call
    /// works on something the locked object handed out, through at most six steps (a local's initializer, a call's receiver).
    /// </summary>
    private static bool HandsOut(IInvocationOperation invocation, ISymbol symbol, IOperation root)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (DerivesFrom(argument.Value, symbol, root, 6))
            {
                return true;
            }
        }

        return invocation.Instance is { } instance && DerivesFrom(instance, symbol, root, 6);
    }

    private static bool DerivesFrom(IOperation value, ISymbol symbol, IOperation root, int depth)
    {
        var current = OperationFacts.StripConversions(value);
        if (Refers(current, symbol))
        {
            return true;
        }

        if (depth == 0)
        {
            return false;
        }

        if (current is ILocalReferenceOperation local
            && OperationFacts.InitializerOf(local.Local, OperationFacts.FunctionRoot(root), enterFunctions: false) is { } initializer)
        {
            return DerivesFrom(initializer, symbol, root, depth - 1);
        }

        return current is IInvocationOperation { Instance: { } instance } && DerivesFrom(instance, symbol, root, depth - 1);
    }

    /// <summary>
    /// The native object a companion lock guards: <c>lock (provider.Lock) { g.DrawImage(provider.Bitmap, …); }</c>,
    /// <c>lock (_screen.Gate) { _encoder.Encode(_screen.Frame); }</c>. The lock is another member of the object that owns a
    /// native wrapper object (<c>provider</c> — a parameter, a local or a field of this instance, not <c>this</c>), and
    /// under it that wrapper object is handed to, or called by, bulk native work (<see cref="NativeWork.BulkNativeCall"/>).
    /// The owner keeps a lock next to its bitmap, matrix or engine because threads share them: every thread that shares
    /// the object queues for the whole native run, with or without parallel code in sight. The guarded member's text
    /// (<c>provider.Bitmap</c>), or null.
    /// </summary>
    public static string? GuardedCompanion(LockRegion region)
    {
        if (OperationFacts.StripConversions(region.LockedValue) is not IMemberReferenceOperation { Member: { IsStatic: false } lockMember } locked
            || Owner(locked) is not { } owner)
        {
            return null;
        }

        foreach (var root in region.Body)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is not (IInvocationOperation or IInvalidOperation) || NativeWork.BulkNativeCall(operation) is null)
                {
                    continue;
                }

                foreach (var part in operation.DescendantsAndSelf())
                {
                    if (part is IMemberReferenceOperation { Member: { IsStatic: false } member } reference
                        && !SymbolEqualityComparer.Default.Equals(member, lockMember)
                        && member is IFieldSymbol or IPropertySymbol
                        && IsNativeObject(reference.Type)
                        && Owner(reference) is { } partOwner
                        && SymbolEqualityComparer.Default.Equals(partOwner, owner))
                    {
                        return reference.Syntax.ToString();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whose member <paramref name="member"/> is: the parameter, local or instance field it is read through; null for
    /// anything else — <c>this</c> (a class's own private lock beside its own back buffer is as often one UI thread
    /// painting while one worker swaps the buffer: tuned row 615), a call's result, an element. An object that exposes
    /// its lock as a member for its callers to take is made to be shared.
    /// </summary>
    private static ISymbol? Owner(IMemberReferenceOperation member)
        => member.Instance is null ? null : OperationFacts.StripConversions(member.Instance) switch
        {
            IParameterReferenceOperation parameter => parameter.Parameter,
            ILocalReferenceOperation local when !IsCreatedHere(local.Local) => local.Local,
            IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } field => field.Field,
            _ => null,
        };

    /// <summary>A native wrapper's object (a bitmap, a matrix, an engine), its type resolved or known by its name only.</summary>
    private static bool IsNativeObject(ITypeSymbol? type)
        => type is INamedTypeSymbol named
           && (named.TypeKind == TypeKind.Error ? NamesNativeEngine(named.Name) : NativeWork.IsWrapperType(named) || OwnsNativeHandle(named));

    private static string Driven(ISymbol symbol, string called, out WorkCost? cost)
    {
        cost = new WorkCost(WorkKind.CpuBound, "'" + called + "' on '" + symbol.Name + "' (bulk work of a native engine)", WorkCost.NestedStrength, bulkData: true);
        return symbol.Name;
    }

    /// <summary>
    /// Words of the type names of engines that wrap a native model or codec (<c>PaddlePredictor</c>, <c>InferenceSession</c>,
    /// <c>TesseractEngine</c>, <c>VideoEncoder</c>): with the package missing, the type's name is all there is to go on.
    /// </summary>
    private static readonly System.Collections.Generic.HashSet<string> EngineNouns = new System.Collections.Generic.HashSet<string>(System.StringComparer.Ordinal)
    {
        "Predictor", "Detector", "Recognizer", "Recogniser", "Classifier", "Encoder", "Decoder", "Codec", "Interpreter",
        "Engine", "Session", "Renderer", "Compressor", "Tracker",
    };

    private static bool NamesNativeEngine(string typeName)
    {
        if (NativeWork.IsWrapperTypeName(typeName))
        {
            return true;
        }

        foreach (var word in NativeWork.Words(typeName))
        {
            if (EngineNouns.Contains(word))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>predictor.Run()</c> with the predictor's type unresolved: an invalid call on the locked object whose name is a
    /// bulk-work verb (<see cref="NativeWork.NamesBulkWork"/>); its name, or null.
    /// </summary>
    private static string? UnresolvedBulkCall(LockRegion region, ISymbol symbol)
    {
        foreach (var root in region.Body)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IInvalidOperation { Syntax: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }, SemanticModel: { } model }
                    && NativeWork.NamesBulkWork(access.Name.Identifier.ValueText)
                    && !NamesStatementExecution(access.Name.Identifier.ValueText)
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(access.Expression).Symbol, symbol))
                {
                    return access.Name.Identifier.ValueText;
                }
            }
        }

        return null;
    }

    /// <summary>Words of calls that run a statement against a database: <c>ExecuteNonQuery</c>, <c>Query</c>, <c>ExecuteScalar</c>.</summary>
    private static readonly System.Collections.Generic.HashSet<string> StatementWords = new System.Collections.Generic.HashSet<string>(System.StringComparer.OrdinalIgnoreCase)
    {
        "Execute", "Query", "Sql", "Statement", "Transaction", "Commit",
    };

    /// <summary>
    /// <c>insertCommand.ExecuteNonQuery(values)</c> under <c>lock (insertCommand)</c>: a prepared database statement (a native
    /// SQLite statement, say) run for one operation — database I/O, whatever native code steps it.
    /// </summary>
    private static bool NamesStatementExecution(string name)
    {
        foreach (var word in NativeWork.Words(name))
        {
            if (StatementWords.Contains(word))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>var m = new Mat(…); lock (m) { … }</c>: an object made by the method itself is no one else's.</summary>
    private static bool IsCreatedHere(ILocalSymbol local)
        => local.DeclaringSyntaxReferences.Length != 1
           || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } value }
           || value is ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax;

    private static bool Refers(IOperation instance, ISymbol symbol)
        => OperationFacts.StripConversions(instance) switch
        {
            IFieldReferenceOperation { Instance: IInstanceReferenceOperation } field => SymbolEqualityComparer.Default.Equals(field.Field, symbol),
            IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } property => SymbolEqualityComparer.Default.Equals(property.Property, symbol),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            _ => false,
        };

    /// <summary>
    /// A native library's managed wrapper (GDI+, OpenCV, ONNX Runtime… see <see cref="NativeWork"/>), or a class of the
    /// code's own (or a base class of it) that keeps a native handle in an instance field: an <c>IntPtr</c>, a pointer,
    /// a <c>SafeHandle</c>.
    /// </summary>
    private static bool OwnsNativeHandle(INamedTypeSymbol type)
    {
        if (NativeWork.IsWrapperType(type))
        {
            return true;
        }

        var depth = 0;
        for (INamedTypeSymbol? current = type; current is { TypeKind: TypeKind.Class } && depth < 4; current = current.BaseType, depth++)
        {
            if (current.DeclaringSyntaxReferences.Length == 0)
            {
                break;
            }

            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field && IsNativeHandle(field.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsNativeHandle(ITypeSymbol type)
    {
        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr || type is IPointerTypeSymbol)
        {
            return true;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.Name == "SafeHandle" && current.ContainingNamespace is { Name: "InteropServices" })
            {
                return true;
            }
        }

        return false;
    }
}
