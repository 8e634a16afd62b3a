using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The body of the <c>Parallel.*</c> delegate a thread's work becomes, and which statements around the threads are
/// per-thread bookkeeping (declarations, argument bags, adjustments) that can move into it or go.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>How a lambda / method group becomes the body of a Parallel.* delegate.</summary>
    public static FanOutBody? BodyOf(IOperation @delegate, IOperation? argument, IOperation? dropStatement = null)
    {
        switch (@delegate)
        {
            case IAnonymousFunctionOperation function:
                if (function.Symbol.IsAsync || !function.Symbol.ReturnsVoid || function.Symbol.Parameters.Length > 1)
                {
                    return null;
                }

                var statements = function.Body.Operations
                    .Where(s => !(s is IReturnOperation { IsImplicit: true, ReturnedValue: null }))
                    .Where(s => s != dropStatement)
                    .ToImmutableArray();
                var parameter = function.Symbol.Parameters.Length == 1 ? function.Symbol.Parameters[0] : null;
                return new FanOutBody(statements, null, parameter, argument, @delegate);
            case IMethodReferenceOperation reference:
                if (!reference.Method.ReturnsVoid || reference.Method.Parameters.Length > 1 || reference.Method.IsAsync)
                {
                    return null;
                }

                return new FanOutBody(ImmutableArray<IOperation>.Empty, reference, null, argument, @delegate);
            default:
                return null;
        }
    }

    /// <summary>A local declaration whose initialisers only compute (no calls except Math, no writes, no allocation of threads).</summary>
    public static bool IsPureDeclaration(IOperation statement, KnownTypes types)
        => OnlyComputes(statement, types, allowArgumentBags: false);

    /// <summary>
    /// A declaration the rewrite can run inside each partition: pure (<see cref="IsPureDeclaration"/>), or one that also
    /// builds per-thread argument objects (<c>var band = new Band(progress, min, max);</c>) whose constructor only
    /// stores its parameters in the new object's own fields and properties.
    /// </summary>
    private static bool IsPerThreadDeclaration(IOperation statement, KnownTypes types)
        => OnlyComputes(statement, types, allowArgumentBags: true);

    /// <summary>
    /// A declaration group whose initialisers call nothing but Math and write, create and capture nothing — except, with
    /// <paramref name="allowArgumentBags"/>, argument objects (<see cref="IsArgumentBag"/>) and their initialisers' members.
    /// </summary>
    private static bool OnlyComputes(IOperation statement, KnownTypes types, bool allowArgumentBags)
    {
        if (statement is not IVariableDeclarationGroupOperation group)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(group))
        {
            switch (operation)
            {
                case IObjectCreationOperation creation when allowArgumentBags && (IsArgumentBag(creation) || IsTupleType(creation.Type)):
                    break;
                case IInvocationOperation { TargetMethod: { Name: "Create", IsStatic: true } factory } when allowArgumentBags && IsTupleType(factory.ContainingType):
                    // Tuple.Create(data, from, to, slot): the tuple only stores its arguments, as an argument object does.
                    break;
                case ISimpleAssignmentOperation { Parent: IObjectOrCollectionInitializerOperation, Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } }
                    when allowArgumentBags:
                    break;
                case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                case IObjectCreationOperation:
                case IAnonymousFunctionOperation:
                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                case IAwaitOperation:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>System.Tuple</c> / <c>System.ValueTuple</c> (the static factories' types) and their generic forms: their
    /// constructors and <c>Create</c> only store the arguments.
    /// </summary>
    private static bool IsTupleType(ITypeSymbol? type)
        => type is INamedTypeSymbol { Name: "Tuple" or "ValueTuple", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>
    /// <c>new Band(progress, min, max)</c> / <c>new Job { From = a }</c> of a source class whose constructor (if any) only
    /// assigns its parameters or constants to the object's own fields and auto-properties.
    /// </summary>
    private static bool IsArgumentBag(IObjectCreationOperation creation)
    {
        if (creation.Constructor is not { } constructor || creation.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class } type
            || type.DeclaringSyntaxReferences.Length == 0 || type.BaseType is { SpecialType: not SpecialType.System_Object })
        {
            return false;
        }

        if (constructor.IsImplicitlyDeclared)
        {
            return IsPlainStorage(type);
        }

        if (constructor.DeclaringSyntaxReferences.Length != 1
            || constructor.DeclaringSyntaxReferences[0].GetSyntax() is not ConstructorDeclarationSyntax { Initializer: null } declaration
            || creation.SemanticModel is not { } model
            || declaration.SyntaxTree != model.SyntaxTree
            || model.GetOperation(declaration) is not { } body)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(body))
        {
            switch (operation)
            {
                case IConstructorBodyOperation:
                case IBlockOperation:
                case IExpressionStatementOperation:
                case IParameterReferenceOperation:
                case ILiteralOperation:
                case IConversionOperation:
                case IInstanceReferenceOperation:
                case IFieldReferenceOperation { Instance: IInstanceReferenceOperation }:
                case IReturnOperation { ReturnedValue: null }:
                    break;
                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.Constructor, ContainingType.SpecialType: SpecialType.System_Object } }:
                    // The implicit `: base()` call of object.
                    break;
                case IPropertyReferenceOperation { Instance: IInstanceReferenceOperation, Property: { } property } when FreshState.IsAutoProperty(property):
                    break;
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment
                    when (assignment.Target as IMemberReferenceOperation)?.Instance is IInstanceReferenceOperation:
                    break;
                default:
                    return false;
            }
        }

        return IsPlainStorage(type);
    }

    /// <summary>A class whose field initializers, if any, are constants: making one runs no other code.</summary>
    private static bool IsPlainStorage(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field
                && field.DeclaringSyntaxReferences.Length == 1
                && field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: { } initializer }
                && initializer.Value is not LiteralExpressionSyntax)
            {
                return false;
            }

            if (member is IPropertySymbol { IsStatic: false } property
                && property.DeclaringSyntaxReferences.Length == 1
                && property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax { Initializer: { } propertyInitializer }
                && propertyInitializer.Value is not LiteralExpressionSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A private field of a type declared in one place, whose nested types never name it: every use of it is in the
    /// methods and accessors the thread usage walk visits.
    /// </summary>
    private static bool IsPrivateToThisFile(IFieldSymbol field)
    {
        if (field.DeclaredAccessibility != Accessibility.Private
            || field.ContainingType is not { DeclaringSyntaxReferences.Length: 1 } type
            || field.DeclaringSyntaxReferences.Length != 1
            || type.DeclaringSyntaxReferences[0].GetSyntax() is not TypeDeclarationSyntax declaration)
        {
            return false;
        }

        foreach (var member in declaration.Members)
        {
            if (member is BaseTypeDeclarationSyntax nested
                && nested.DescendantTokens().Any(t => t.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken) && t.ValueText == field.Name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>if (i == n - 1) end = total;</c> after <c>int end = …;</c>: a branch that only sets values declared for this thread
    /// by the statements before it, from pure expressions — it moves into the partition's body unchanged.
    /// </summary>
    private static bool IsPerThreadAdjustment(IOperation statement, IList<IOperation> declarations, KnownTypes types)
    {
        if (statement is not IConditionalOperation { Type: null } branch)
        {
            return false;
        }

        var declared = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var declaration in declarations)
        {
            foreach (var operation in OperationFacts.Descendants(declaration, enterFunctions: false))
            {
                if (operation is IVariableDeclaratorOperation declarator)
                {
                    declared.Add(declarator.Symbol);
                }
            }
        }

        foreach (var operation in OperationFacts.Descendants(branch))
        {
            switch (operation)
            {
                case IInvocationOperation invocation when !KnownTypes.Is(invocation.TargetMethod.ContainingType, types.MathType):
                case IObjectCreationOperation:
                case IAnonymousFunctionOperation:
                case IAwaitOperation:
                case IBranchOperation:
                case IReturnOperation:
                case IThrowOperation:
                case IVariableDeclarationGroupOperation:
                case ILoopOperation:
                    return false;
                case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation:
                    var target = operation switch
                    {
                        IAssignmentOperation assignment => assignment.Target,
                        IIncrementOrDecrementOperation increment => increment.Target,
                        _ => null,
                    };
                    if (target is not ILocalReferenceOperation local || !declared.Contains(local.Local))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static bool IsPureCollectionCreation(IOperation declaration)
    {
        foreach (var operation in OperationFacts.Descendants(declaration))
        {
            if ((operation is IInvocationOperation invocation && !IsArrayShapeRead(invocation)) || operation is IAnonymousFunctionOperation)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>grid.GetLength(0)</c>, <c>GetUpperBound</c>, <c>GetLowerBound</c> on an array: reads its shape, nothing else.</summary>
    private static bool IsArrayShapeRead(IInvocationOperation invocation)
        => invocation.TargetMethod.Name is "GetLength" or "GetUpperBound" or "GetLowerBound" or "GetLongLength"
           && invocation.Instance?.Type is IArrayTypeSymbol
           && invocation.Arguments.Length == 1;

    /// <summary>
    /// Whether <c>Parallel.For(0, bound, …)</c>, which reads the thread count once before any partition runs, reads the
    /// same count as the creation loop, which reads it again before each thread is made while the earlier ones already
    /// run. The operands the rewrite accepts: what <see cref="OperationFacts.IsStableValue"/> accepts, plus fields,
    /// auto-properties and array shapes (<c>grid.GetLength(0)</c>) that the threads' own work (the delegate's body and the
    /// source methods it calls directly) never writes — nothing else runs between the creation and the join.
    /// </summary>
    internal static bool BoundKept(IOperation bound, IOperation root, IOperation @delegate, KnownTypes types)
    {
        if (OperationFacts.IsStableValue(bound, root))
        {
            return true;
        }

        HashSet<ISymbol>? written = null;
        foreach (var operation in OperationFacts.Descendants(bound))
        {
            switch (operation)
            {
                case ILiteralOperation:
                case IConversionOperation:
                case IBinaryOperation:
                case IUnaryOperation:
                case IInstanceReferenceOperation:
                case IParenthesizedOperation:
                    continue;
                case IParameterReferenceOperation parameter when parameter.Parameter.RefKind == RefKind.None:
                    continue;
                case ILocalReferenceOperation local when !local.Local.IsRef && !OperationFacts.IsWrittenAfterDeclaration(local.Local, root):
                    continue;
                case IFieldReferenceOperation field:
                    written ??= WrittenByWork(@delegate, types);
                    if (field.Field.IsReadOnly || field.Field.IsConst || !written.Contains(field.Field.OriginalDefinition))
                    {
                        continue;
                    }

                    return false;
                case IPropertyReferenceOperation { Property: { Name: "Length" or "Count" or "LongLength" }, Instance: { } }:
                    continue;
                case IPropertyReferenceOperation { Property: { IsIndexer: false } property } when FreshState.IsAutoProperty(property):
                    written ??= WrittenByWork(@delegate, types);
                    if (!written.Contains(property.OriginalDefinition))
                    {
                        continue;
                    }

                    return false;
                case IInvocationOperation invocation when IsArrayShapeRead(invocation):
                    continue;
                case IArgumentOperation:
                    continue;
                default:
                    if (operation.ConstantValue.HasValue)
                    {
                        continue;
                    }

                    return false;
            }
        }

        return true;
    }

    /// <summary>The fields and properties the thread's work writes: in its body and in the source methods that body calls.</summary>
    private static HashSet<ISymbol> WrittenByWork(IOperation @delegate, KnownTypes types)
    {
        var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in WorkOperations(@delegate, types))
        {
            switch (operation)
            {
                case IFieldReferenceOperation field when OperationFacts.IsWrite(field):
                    written.Add(field.Field.OriginalDefinition);
                    break;
                case IPropertyReferenceOperation property when OperationFacts.IsWrite(property):
                    written.Add(property.Property.OriginalDefinition);
                    break;
            }
        }

        return written;
    }
}
