using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.CodeFixes.Locks;

/// <summary>
/// Computes <see cref="StateEffects"/> over IOperation trees, seeing through calls into methods of the same
/// compilation (summarised once per analyzer instance, depth-bounded; recursion counts as unknown) and a short
/// list of framework APIs known to touch nothing but their arguments. Everything else it cannot see through makes
/// the effects <see cref="StateEffects.Unknown"/>: the fixes then refuse, which is the point.
/// </summary>
internal sealed partial class StateEffectsWalker
{
    private const int MaxCallDepth = 8;

    /// <summary>How many more visits of a self-recursive method's body may be needed before its summary settles.</summary>
    private const int MaxRecursionRounds = 4;

    /// <summary>The methods whose bodies <see cref="SummarizeBody"/> is visiting, innermost on top.</summary>
    private readonly Stack<IMethodSymbol> _bodyStack = new Stack<IMethodSymbol>();

    /// <summary>Self-recursive methods and the summary their recursive calls stand for in the current visit.</summary>
    private readonly Dictionary<IMethodSymbol, StateEffects> _provisional = new Dictionary<IMethodSymbol, StateEffects>(SymbolEqualityComparer.Default);

    /// <summary>The methods on <see cref="_bodyStack"/> whose current visit met a call of themselves.</summary>
    private readonly HashSet<IMethodSymbol> _calledItself = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

    /// <summary>The local functions whose bodies <see cref="AddLocalFunction"/> is visiting inline (in their caller's scope).</summary>
    private readonly Dictionary<IMethodSymbol, ThreadScope> _inlineLocalFunctions = new Dictionary<IMethodSymbol, ThreadScope>(SymbolEqualityComparer.Default);

    /// <summary>How many locals deep a mutation is followed to the container the object came from.</summary>
    private const int MaxAliasDepth = 4;

    private int _aliasDepth;

    /// <summary>Framework types whose static members only compute from their arguments.</summary>
    private static readonly HashSet<string> PureStaticTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "System.Math", "System.MathF", "System.BitConverter", "System.Numerics.BitOperations",
        "System.Boolean", "System.Char", "System.SByte", "System.Byte", "System.Int16", "System.UInt16",
        "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double",
        "System.Decimal", "System.String", "System.Linq.Enumerable", "System.Guid", "System.TimeSpan",
        "System.Numerics.Complex", "System.Numerics.Vector", "System.HashCode",
        "System.Numerics.Vector2", "System.Numerics.Vector3", "System.Numerics.Vector4", "System.Numerics.Quaternion",
        "System.Numerics.Plane", "System.Numerics.Matrix3x2", "System.Numerics.Matrix4x4",
    };

    /// <summary>
    /// Framework types whose static methods, given only strings, numbers, enums and read-only spans of them, compute a new
    /// value from those and touch nothing else (not <c>System.IO.Path</c>: <c>GetTempFileName()</c> makes a file).
    /// </summary>
    private static readonly HashSet<string> ValueConversionStaticTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "System.Net.WebUtility", "System.Uri", "System.Convert", "System.Text.RegularExpressions.Regex",
        "System.Globalization.CharUnicodeInfo", "System.Buffers.Binary.BinaryPrimitives",
    };

    /// <summary>Framework types whose instances cannot change, so instance calls on them are pure.</summary>
    private static readonly HashSet<string> ImmutableTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "System.String", "System.Numerics.Complex", "System.Numerics.BigInteger", "System.TimeSpan", "System.DateTime",
        "System.Guid", "System.Decimal",
        // Shared read-only services whose instance methods change nothing a caller can see (Encoding.UTF8.GetBytes).
        "System.Text.Encoding", "System.Globalization.CultureInfo", "System.Globalization.CompareInfo", "System.Globalization.TextInfo",
        "System.StringComparer",
    };

    /// <summary>
    /// The names the framework lists above are written in: <c>System.Char</c>, not the C# keyword <c>char</c> that the default
    /// display format gives for special types (with it, <c>char.IsLetter</c> or <c>int.Parse</c> were never recognised).
    /// </summary>
    private static readonly SymbolDisplayFormat FrameworkTypeFormat =
        SymbolDisplayFormat.CSharpErrorMessageFormat.RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IMethodSymbol, StateEffects> _summaries = new Dictionary<IMethodSymbol, StateEffects>(SymbolEqualityComparer.Default);
    private readonly Dictionary<IMethodSymbol, StateEffects> _bodySummaries = new Dictionary<IMethodSymbol, StateEffects>(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
    private readonly Dictionary<SyntaxNode, HashSet<ILocalSymbol>> _freshLocals = new Dictionary<SyntaxNode, HashSet<ILocalSymbol>>();
    private readonly Dictionary<IFieldSymbol, bool> _lookupTables = new Dictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);

    public StateEffectsWalker(Compilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The effects of <paramref name="operations"/>, run inside the function <paramref name="scope"/>.</summary>
    public StateEffects Analyze(IEnumerable<IOperation> operations, ThreadScope scope)
    {
        var effects = new StateEffects();
        foreach (var operation in operations)
        {
            Visit(operation, effects, scope, 0);
        }

        if (effects.ParameterMutations.Count > 0)
        {
            // The function's own parameters: their objects are the caller's, and no call site is in sight here.
            effects.MarkUnknown("mutation through a parameter");
            effects.ParameterMutations.Clear();
        }

        return effects;
    }

    public StateEffects Analyze(IOperation operation, ThreadScope scope) => Analyze(new[] { operation }, scope);

    /// <summary>The innermost function (lambda, local function, method, accessor) around <paramref name="node"/>.</summary>
    public ThreadScope ScopeOf(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case BaseMethodDeclarationSyntax:
                case AccessorDeclarationSyntax:
                    return new ThreadScope(current, current is ConstructorDeclarationSyntax, this);
            }
        }

        return new ThreadScope(node.SyntaxTree.GetRoot(_cancellationToken), false, this);
    }

    internal bool IsFresh(ILocalSymbol local, ThreadScope scope)
    {
        if (!_freshLocals.TryGetValue(scope.Function, out var fresh))
        {
            fresh = ComputeFreshLocals(scope.Function);
            _freshLocals[scope.Function] = fresh;
        }

        return fresh.Contains(local);
    }

    private HashSet<ILocalSymbol> ComputeFreshLocals(SyntaxNode function)
    {
        if (!_compilation.ContainsSyntaxTree(function.SyntaxTree))
        {
            return new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        }

        var root = _compilation.GetSemanticModel(function.SyntaxTree).GetOperation(function, _cancellationToken);
        if (root is null)
        {
            return new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        }

        var pass = new FreshLocalsPass(this);
        foreach (var operation in root.DescendantsAndSelf())
        {
            pass.Observe(operation);
        }

        return pass.Settle();
    }

    /// <summary>
    /// One walk over a function's operations for <see cref="ComputeFreshLocals"/>: the locals given a new object (or another
    /// local's), the locals spoiled by any other store, and which local took whose object.
    /// </summary>
    private sealed class FreshLocalsPass
    {
        private readonly StateEffectsWalker _walker;
        private readonly HashSet<ILocalSymbol> _fresh = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _spoiled = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);

        // A local given another local's object (next = u; (u, next) = (next, u)) is fresh only while that one is.
        private readonly Dictionary<ILocalSymbol, List<ILocalSymbol>> _aliases = new Dictionary<ILocalSymbol, List<ILocalSymbol>>(SymbolEqualityComparer.Default);

        public FreshLocalsPass(StateEffectsWalker walker)
        {
            _walker = walker;
        }

        /// <summary>Notes what <paramref name="operation"/> stores into locals.</summary>
        public void Observe(IOperation operation)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when declarator.Symbol.RefKind == RefKind.None:
                    var init = declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value;
                    if (init is not null)
                    {
                        Assign(declarator.Symbol, init);
                    }

                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                    Assign(target.Local, assignment.Value);
                    break;
                case IDeconstructionAssignmentOperation { Target: ITupleOperation targets } swap
                    when Unwrap(swap.Value) is ITupleOperation values
                         && targets.Elements.Length == values.Elements.Length && targets.Elements.All(e => e is ILocalReferenceOperation):
                    // (u, next) = (next, u): the locals trade objects they already held.
                    for (var i = 0; i < targets.Elements.Length; i++)
                    {
                        Assign(((ILocalReferenceOperation)targets.Elements[i]).Local, values.Elements[i]);
                    }

                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target }:
                    _spoiled.Add(target.Local);
                    break;
                case ICoalesceAssignmentOperation { Target: ILocalReferenceOperation target }:
                    // buffer ??= Shared.Buffer: from here on the local may hold an object the code did not make.
                    _spoiled.Add(target.Local);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    // The locals the tuple assigns; a local only indexed there ((a[0], a[j]) = (a[j], a[0])) keeps its object.
                    foreach (var local in deconstruction.Target.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
                    {
                        if (local.Parent is not IArrayElementReferenceOperation element || element.ArrayReference != local)
                        {
                            _spoiled.Add(local.Local);
                        }
                    }

                    break;
                case IArgumentOperation { Value: ILocalReferenceOperation argument } arg when arg.Parameter?.RefKind is RefKind.Ref or RefKind.Out:
                    if (!IsArrayResize(arg))
                    {
                        _spoiled.Add(argument.Local);
                    }

                    break;
                case IDeclarationExpressionOperation declaration:
                    _spoiled.UnionWith(declaration.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Select(local => local.Local));
                    break;
                case IForEachLoopOperation forEach:
                    _spoiled.UnionWith(forEach.Locals);
                    break;
            }
        }

        /// <summary>
        /// <c>Array.Resize(ref dest, n)</c>: the local keeps its own array (same length) or gets a new one the call made and
        /// filled from it — either way an array only this function holds.
        /// </summary>
        private static bool IsArrayResize(IArgumentOperation argument)
            => argument.Parent is IInvocationOperation { TargetMethod: { Name: "Resize", IsStatic: true, ContainingType: { SpecialType: SpecialType.System_Array } } };

        /// <summary>The fresh locals: never spoiled, and every local they took an object from fresh as well.</summary>
        public HashSet<ILocalSymbol> Settle()
        {
            _fresh.ExceptWith(_spoiled);
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var pair in _aliases)
                {
                    if (_fresh.Contains(pair.Key) && pair.Value.Any(source => !_fresh.Contains(source)))
                    {
                        _fresh.Remove(pair.Key);
                        changed = true;
                    }
                }
            }

            return _fresh;
        }

        private void Assign(ILocalSymbol target, IOperation value)
        {
            var sources = new List<ILocalSymbol>();
            if (!_walker.IsCreationOrAlias(value, sources))
            {
                _spoiled.Add(target);
                return;
            }

            _fresh.Add(target);
            if (sources.Count > 0)
            {
                if (!_aliases.TryGetValue(target, out var list))
                {
                    _aliases[target] = list = new List<ILocalSymbol>();
                }

                list.AddRange(sources);
            }
        }
    }

    /// <summary>
    /// A new object (<see cref="IsCreation"/>), a call to a source method that only ever returns new objects
    /// (<c>static double[,] NewPlate() =&gt; new double[n, n]</c>), another local (<paramref name="sources"/>: fresh only if
    /// it is), or a conditional between such values.
    /// </summary>
    private bool IsCreationOrAlias(IOperation value, List<ILocalSymbol> sources)
    {
        value = Unwrap(value);
        switch (value)
        {
            case ILocalReferenceOperation local when local.Local.RefKind == RefKind.None:
                sources.Add(local.Local);
                return true;
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return IsCreationOrAlias(conditional.WhenTrue, sources) && IsCreationOrAlias(whenFalse, sources);
            case IInvocationOperation invocation when ReturnsOnlyNewObjects(invocation.TargetMethod):
                return true;
            default:
                return IsCreation(value);
        }
    }

    /// <summary>A source method whose every return is a <c>new</c> object or array: it cannot hand out a cached one.</summary>
    private bool ReturnsOnlyNewObjects(IMethodSymbol method)
    {
        if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern || method.IsAsync
            || method.ReturnsByRef || method.ReturnsVoid || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
        if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree) || syntax is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax))
        {
            return false;
        }

        if (_compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, _cancellationToken) is not { } body)
        {
            return false;
        }

        var returns = 0;
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation.Kind == OperationKind.YieldReturn)
            {
                return false;
            }

            if (operation is IReturnOperation { ReturnedValue: { } returned } && OperationFacts.FunctionRoot(operation) == OperationFacts.FunctionRoot(body))
            {
                if (!IsCreation(returned) && !IsFilledLocalArray(Unwrap(returned), body))
                {
                    return false;
                }

                returns++;
            }
        }

        return returns > 0;
    }

    /// <summary>
    /// <c>var plate = new double[n, n]; … plate[0, j] = top; … return plate;</c>: a local array made by <c>new</c> and
    /// otherwise only indexed (or asked its length) — nothing else can hold it when it is returned.
    /// </summary>
    private static bool IsFilledLocalArray(IOperation returned, IOperation body)
    {
        if (returned is not ILocalReferenceOperation { Local: { Type: IArrayTypeSymbol } local })
        {
            return false;
        }

        var created = false;
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    created = declarator.Initializer?.Value is { } init && Unwrap(init) is IArrayCreationOperation;
                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    var parent = reference.Parent;
                    var onlyIndexedOrReturned = parent is IReturnOperation
                        || (parent is IArrayElementReferenceOperation element && element.ArrayReference == reference)
                        || parent is IPropertyReferenceOperation { Property.Name: "Length" or "LongLength" or "Rank" }
                        || parent is IInvocationOperation { TargetMethod.Name: "GetLength" or "GetUpperBound" or "GetLowerBound" };
                    if (!onlyIndexedOrReturned)
                    {
                        return false;
                    }

                    break;
            }
        }

        return created;
    }

    private static bool IsCreation(IOperation value)
    {
        value = Unwrap(value);
        if (value.Syntax is StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax)
        {
            // Span<int> s = stackalloc int[n]: memory of this call's own stack frame.
            return true;
        }

        return value is IArrayCreationOperation || value is IObjectCreationOperation || value is IAnonymousObjectCreationOperation
               || IsFrameworkFactory(value) || IsCopyingLinqCall(value) || IsNewArrayFromFramework(value) || IsArrayClone(value);
    }

    /// <summary><c>(int[])board.Clone()</c>: an array's Clone returns a new array (a shallow copy) for the caller.</summary>
    private static bool IsArrayClone(IOperation value)
        => value is IInvocationOperation { TargetMethod: { Name: "Clone", Parameters.Length: 0, ContainingType.SpecialType: SpecialType.System_Array }, Instance.Type: IArrayTypeSymbol };

    /// <summary>
    /// A framework call that returns an array it makes for the caller: <c>word.ToCharArray()</c>, <c>line.Split(',')</c>,
    /// <c>Encoding.UTF8.GetBytes(s)</c>, <c>BitConverter.GetBytes(x)</c>, <c>span.ToArray()</c>, <c>stream.ToArray()</c>,
    /// <c>Convert.FromBase64String(s)</c>, <c>guid.ToByteArray()</c> (an empty result may be a shared empty array, which has no
    /// element to write).
    /// </summary>
    private static bool IsNewArrayFromFramework(IOperation value)
        => value is IInvocationOperation { TargetMethod: { ReturnType: IArrayTypeSymbol, Name: "ToCharArray" or "ToArray" or "Split" or "GetBytes" or "ToByteArray" or "FromBase64String" } method }
           && !IsInSource(method)
           && method.ContainingType?.ContainingNamespace?.ToDisplayString() is { } ns
           && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));

    /// <summary>
    /// <c>xs.ToArray()</c>, <c>ToList()</c>, <c>ToHashSet()</c>, <c>ToDictionary(…)</c> of <c>System.Linq.Enumerable</c>: a new
    /// collection every call (an empty <c>ToArray()</c> may be the shared empty array, which has no element to write).
    /// </summary>
    private static bool IsCopyingLinqCall(IOperation value)
        => value is IInvocationOperation { TargetMethod: { IsStatic: true, Name: "ToArray" or "ToList" or "ToHashSet" or "ToDictionary" } method }
           && value.SemanticModel is { } model && KnownTypes.Is(method.ContainingType, KnownTypes.For(model.Compilation).Enumerable);

    /// <summary>
    /// A framework factory that returns a new instance of its own type family: <c>SHA256.Create()</c>,
    /// <c>Aes.Create()</c>, <c>Stopwatch.StartNew()</c>, <c>Channel.CreateBounded&lt;T&gt;(n)</c> — the same as <c>new</c>.
    /// Source methods are not trusted this way (they may return a cached object).
    /// </summary>
    private static bool IsFrameworkFactory(IOperation value)
        => value is IInvocationOperation { Instance: null, TargetMethod: { IsStatic: true, DeclaringSyntaxReferences.Length: 0 } method }
           && (method.Name is "Create" or "StartNew" || method.Name.StartsWith("Create", System.StringComparison.Ordinal))
           && method.ContainingType is { } type
           && type.ContainingNamespace?.ToDisplayString() is { } ns
           && (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal))
           && method.ReturnType is INamedTypeSymbol returned
           && (OperationFacts.DerivesFrom(type, returned.OriginalDefinition) || OperationFacts.DerivesFrom(returned, type.OriginalDefinition));

    internal static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }

    private void Visit(IOperation? operation, StateEffects effects, ThreadScope scope, int depth)
    {
        if (operation is null)
        {
            return;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        switch (operation)
        {
            case ISimpleAssignmentOperation or ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation or IDeconstructionAssignmentOperation:
                VisitWrite(operation, effects, scope, depth);
                return;
            case IArgumentOperation argument:
                VisitArgument(argument, effects, scope, depth);
                return;
            case IInvocationOperation invocation:
                VisitInvocation(invocation, effects, scope, depth);
                return;
            case IObjectCreationOperation creation:
                VisitObjectCreation(creation, effects, scope, depth);
                return;
            case ILocalReferenceOperation local:
                (scope.IsOwn(local.Local) ? effects.LocalReads : effects.SharedReads).Add(local.Local);
                return;
            case IParameterReferenceOperation parameter:
                (scope.IsOwn(parameter.Parameter) ? effects.LocalReads : effects.SharedReads).Add(parameter.Parameter);
                return;
            case IFieldReferenceOperation field:
                VisitFieldRead(field, effects, scope, depth);
                return;
            case IPropertyReferenceOperation property:
                VisitPropertyRead(property, effects, scope, depth);
                return;
            case IEventReferenceOperation:
            case IEventAssignmentOperation:
            case IDynamicInvocationOperation:
            case IDynamicMemberReferenceOperation:
            case IDynamicIndexerAccessOperation:
            case IDynamicObjectCreationOperation:
            case IFunctionPointerInvocationOperation:
            case IAddressOfOperation:
            case IInvalidOperation:
                effects.MarkUnknown(operation.Kind.ToString());
                return;
            case ILocalFunctionOperation:
                // Declared here, analysed where it is called.
                return;
            case IUnaryOperation unary:
                VisitUserOperator(unary.OperatorMethod, effects, depth);
                break;
            case IBinaryOperation binary:
                VisitUserOperator(binary.OperatorMethod, effects, depth);
                break;
            case IConversionOperation conversion:
                VisitUserOperator(conversion.OperatorMethod, effects, depth);
                break;
        }

        foreach (var child in operation.ChildOperations)
        {
            Visit(child, effects, scope, depth);
        }
    }

    /// <summary>An assignment, compound assignment, <c>??=</c>, <c>++</c>/<c>--</c> or deconstruction: the write, then what it reads.</summary>
    private void VisitWrite(IOperation write, StateEffects effects, ThreadScope scope, int depth)
    {
        switch (write)
        {
            case ISimpleAssignmentOperation assignment:
                RecordWrite(assignment.Target, effects, scope, depth);
                VisitTargetParts(assignment.Target, effects, scope, depth);
                Visit(assignment.Value, effects, scope, depth);
                return;
            case ICompoundAssignmentOperation or ICoalesceAssignmentOperation:
                // x += e, and table ??= Build(n) (which writes the target when it was null): read, then write.
                var readModifyWrite = (IAssignmentOperation)write;
                RecordWrite(readModifyWrite.Target, effects, scope, depth);
                Visit(readModifyWrite.Target, effects, scope, depth);
                Visit(readModifyWrite.Value, effects, scope, depth);
                VisitUserOperator((write as ICompoundAssignmentOperation)?.OperatorMethod, effects, depth);
                return;
            case IIncrementOrDecrementOperation increment:
                RecordWrite(increment.Target, effects, scope, depth);
                Visit(increment.Target, effects, scope, depth);
                VisitUserOperator(increment.OperatorMethod, effects, depth);
                return;
            case IDeconstructionAssignmentOperation deconstruction:
                RecordTupleWrites(deconstruction.Target, effects, scope, depth);
                Visit(deconstruction.Value, effects, scope, depth);
                return;
        }
    }

    /// <summary>An argument passed by <c>ref</c> or <c>out</c> is written (and a <c>ref</c> one read); any other is read.</summary>
    private void VisitAll(IEnumerable<IOperation> operations, StateEffects effects, ThreadScope scope, int depth)
    {
        foreach (var operation in operations)
        {
            Visit(operation, effects, scope, depth);
        }
    }

    private void VisitArgument(IArgumentOperation argument, StateEffects effects, ThreadScope scope, int depth)
    {
        if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out)
        {
            RecordWrite(argument.Value, effects, scope, depth);
            VisitTargetParts(argument.Value, effects, scope, depth);
            if (argument.Parameter.RefKind == RefKind.Ref)
            {
                Visit(argument.Value, effects, scope, depth);
            }

            return;
        }

        Visit(argument.Value, effects, scope, depth);
    }

    /// <summary><c>new T(…) { … }</c>: the constructor when it is in source, the arguments, the initializers.</summary>
    private void VisitObjectCreation(IObjectCreationOperation creation, StateEffects effects, ThreadScope scope, int depth)
    {
        if (creation.Constructor is { } constructor && IsInSource(constructor))
        {
            AddCallee(constructor, effects, depth);
        }

        foreach (var argument in creation.Arguments)
        {
            Visit(argument, effects, scope, depth);
        }

        if (creation.Initializer is not null)
        {
            foreach (var initializer in creation.Initializer.Initializers)
            {
                VisitInitializer(initializer, effects, scope, depth);
            }
        }
    }

    /// <summary>A field read: thread-own through an own receiver, nothing for a lookup table or a constant, shared otherwise.</summary>
    private void VisitFieldRead(IFieldReferenceOperation field, StateEffects effects, ThreadScope scope, int depth)
    {
        if (!field.Field.IsConst)
        {
            if (IsOwnReceiver(field.Instance, scope, out var own))
            {
                AddIfAny(effects.LocalReads, own);
            }
            else if (!IsLookupTable(field.Field))
            {
                effects.SharedReads.Add(field.Field);
                if (IsThis(field.Instance, scope))
                {
                    effects.ThisReads.Add(field.Field);
                }
            }
        }

        Visit(field.Instance, effects, scope, depth);
    }

    /// <summary>A property read: the read itself, the getter's effects when it is in source and not an auto-property, the receiver and arguments.</summary>
    private void VisitPropertyRead(IPropertyReferenceOperation property, StateEffects effects, ThreadScope scope, int depth)
    {
        if (ConfinedReceiver(property.Instance, scope) is { } confined)
        {
            // The object is reachable only through this local: reading it is reading the local (see StateEffectsWalker.Confined.cs).
            if (!IsFixedAutoProperty(property.Property))
            {
                effects.SharedReads.Add(confined);
            }

            VisitAll(property.Arguments, effects, scope, depth);
            return;
        }

        if (IsOwnReceiver(property.Instance, scope, out var own))
        {
            AddIfAny(effects.LocalReads, own);
        }
        else
        {
            effects.SharedReads.Add(property.Property);
            if ((IsThis(property.Instance, scope) && IsAutoProperty(property.Property)) || IsOwnedThisField(property.Instance, scope))
            {
                effects.ThisReads.Add(property.Property);
            }
        }

        if (property.Property.GetMethod is { } getter && IsInSource(getter) && !IsAutoProperty(property.Property))
        {
            AddCalleeOn(getter, property.Instance, own, effects, scope, depth);
        }

        Visit(property.Instance, effects, scope, depth);
        foreach (var argument in property.Arguments)
        {
            Visit(argument, effects, scope, depth);
        }
    }

    private void VisitInitializer(IOperation initializer, StateEffects effects, ThreadScope scope, int depth)
    {
        // Member initializers write the fresh object; only their values and any calls (collection Add) matter.
        switch (initializer)
        {
            case ISimpleAssignmentOperation assignment:
                Visit(assignment.Value, effects, scope, depth);
                if (assignment.Target is IPropertyReferenceOperation { Property: { SetMethod: { } setter } property } && IsInSource(setter) && !IsAutoProperty(property))
                {
                    AddCallee(setter, effects, depth);
                }

                return;
            case IInvocationOperation invocation:
                foreach (var argument in invocation.Arguments)
                {
                    Visit(argument, effects, scope, depth);
                }

                if (IsInSource(invocation.TargetMethod))
                {
                    AddCallee(invocation.TargetMethod, effects, depth);
                }

                return;
            default:
                Visit(initializer, effects, scope, depth);
                return;
        }
    }

    private void VisitTargetParts(IOperation target, StateEffects effects, ThreadScope scope, int depth)
    {
        switch (target)
        {
            case IFieldReferenceOperation field:
                Visit(field.Instance, effects, scope, depth);
                break;
            case IPropertyReferenceOperation property:
                Visit(property.Instance, effects, scope, depth);
                foreach (var argument in property.Arguments)
                {
                    Visit(argument, effects, scope, depth);
                }

                break;
            case IArrayElementReferenceOperation element:
                Visit(element.ArrayReference, effects, scope, depth);
                foreach (var index in element.Indices)
                {
                    Visit(index, effects, scope, depth);
                }

                break;
            case IImplicitIndexerReferenceOperation implicitIndexer:
                Visit(implicitIndexer.Instance, effects, scope, depth);
                Visit(implicitIndexer.Argument, effects, scope, depth);
                break;
        }
    }

    private void RecordTupleWrites(IOperation target, StateEffects effects, ThreadScope scope, int depth)
    {
        switch (target)
        {
            case ITupleOperation tuple:
                foreach (var element in tuple.Elements)
                {
                    RecordTupleWrites(element, effects, scope, depth);
                }

                break;
            case IDeclarationExpressionOperation declaration:
                RecordTupleWrites(declaration.Expression, effects, scope, depth);
                break;
            default:
                RecordWrite(target, effects, scope, depth);
                VisitTargetParts(target, effects, scope, depth);
                break;
        }
    }

    private void RecordWrite(IOperation target, StateEffects effects, ThreadScope scope, int depth)
    {
        target = Unwrap(target);
        switch (target)
        {
            case ILocalReferenceOperation local:
                (scope.IsOwn(local.Local) ? effects.LocalWrites : effects.SharedWrites).Add(local.Local);
                return;
            case IParameterReferenceOperation parameter:
                (scope.IsOwn(parameter.Parameter) ? effects.LocalWrites : effects.SharedWrites).Add(parameter.Parameter);
                return;
            case IFieldReferenceOperation field:
                {
                    if (IsOwnReceiver(field.Instance, scope, out var own))
                    {
                        AddIfAny(effects.LocalWrites, own);
                    }
                    else
                    {
                        effects.SharedWrites.Add(field.Field);
                        if (IsThis(field.Instance, scope))
                        {
                            effects.ThisWrites.Add(field.Field);
                        }
                    }

                    return;
                }

            case IPropertyReferenceOperation property:
                RecordPropertyWrite(property, effects, scope, depth);
                return;
            case IArrayElementReferenceOperation element:
                RecordReceiverMutation(element.ArrayReference, effects, scope);
                return;
            case IImplicitIndexerReferenceOperation implicitIndexer:
                // bytes[^1] |= mask: the indexer of the collection it is applied to, like bytes[bytes.Count - 1].
                RecordReceiverMutation(implicitIndexer.Instance, effects, scope);
                return;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
            case IDiscardOperation:
                return;
            case IDeclarationExpressionOperation declaration:
                RecordTupleWrites(declaration.Expression, effects, scope, depth);
                return;
            case ITupleOperation tuple:
                RecordTupleWrites(tuple, effects, scope, depth);
                return;
            default:
                effects.MarkUnknown("write to " + target.Kind);
                return;
        }
    }

    /// <summary>
    /// A property set or indexer store: thread-own when it only changes an object this function owns (an auto-property of an
    /// own receiver, a framework setter or indexer on an own object or span); otherwise a shared write, plus the setter's
    /// effects or the mutation of the receiver.
    /// </summary>
    private void RecordPropertyWrite(IPropertyReferenceOperation property, StateEffects effects, ThreadScope scope, int depth)
    {
        if (ConfinedReceiver(property.Instance, scope) is { } confined)
        {
            effects.SharedWrites.Add(confined);
            VisitAll(property.Arguments, effects, scope, depth);
            return;
        }

        if (IsOwnReceiver(property.Instance, scope, out var own) && IsAutoProperty(property.Property))
        {
            AddIfAny(effects.LocalWrites, own);
            return;
        }

        if (OwnObjectSetThrough(property, own, scope) is { } ownObject)
        {
            effects.LocalWrites.Add(ownObject);
            foreach (var argument in property.Arguments)
            {
                Visit(argument, effects, scope, depth);
            }

            return;
        }

        effects.SharedWrites.Add(property.Property);
        if (IsThis(property.Instance, scope) && IsAutoProperty(property.Property))
        {
            effects.ThisWrites.Add(property.Property);
        }

        if (property.Property.SetMethod is { } setter && IsInSource(setter))
        {
            if (!IsAutoProperty(property.Property))
            {
                AddCallee(setter, effects, depth);
            }
        }
        else if (property.Instance is not null && !property.Property.IsStatic)
        {
            // A framework indexer or setter on a shared receiver mutates the receiver.
            RecordReceiverMutation(property.Instance, effects, scope);
            if (IsOwnedThisField(property.Instance, scope) || IsOwnElementOfThisField(property.Instance, scope))
            {
                // _counts[key] = n on a dictionary the instance made for itself (or _byClass[c][key] = n on one of the
                // dictionaries of an array it made and filled with new ones): a write to this instance's own state.
                effects.ThisWrites.Add(property.Property);
            }
        }
        else
        {
            effects.MarkUnknown("static framework property set");
        }
    }

    /// <summary>
    /// The local whose object a property store changes and nothing else, <paramref name="own"/> being the own receiver's
    /// local: <c>cameFrom[next] = at</c> on a dictionary this function created (a framework setter changes only that object),
    /// <c>span[i] = v</c> on a <c>Span&lt;T&gt;</c> over this function's own memory (stackalloc, a new array); null otherwise.
    /// </summary>
    private static ILocalSymbol? OwnObjectSetThrough(IPropertyReferenceOperation property, ISymbol? own, ThreadScope scope)
    {
        if (own is ILocalSymbol { Type.IsValueType: false } ownObject
            && property.Property.SetMethod is { } frameworkSetter && !IsInSource(frameworkSetter))
        {
            return ownObject;
        }

        if (property.Property.IsIndexer
            && property.Property.ContainingType is { Name: "Span" } spanType && property.SemanticModel is { } model
            && KnownTypes.Is(spanType.OriginalDefinition, KnownTypes.For(model.Compilation).SpanOfT)
            && property.Instance is { } spanInstance && Unwrap(spanInstance) is ILocalReferenceOperation span
            && scope.IsOwn(span.Local) && scope.IsFresh(span.Local))
        {
            return span.Local;
        }

        return null;
    }

    /// <summary>Something mutates the object <paramref name="receiver"/> refers to (an element write, a mutating call).</summary>
    private void RecordReceiverMutation(IOperation receiver, StateEffects effects, ThreadScope scope)
    {
        receiver = Unwrap(receiver);
        switch (receiver)
        {
            case ILocalReferenceOperation local when scope.IsOwn(local.Local) && (scope.IsFresh(local.Local) || local.Local.Type.IsValueType):
                effects.LocalWrites.Add(local.Local);
                return;
            case IParameterReferenceOperation parameter when scope.IsOwn(parameter.Parameter) && parameter.Parameter.Type.IsValueType:
                effects.LocalWrites.Add(parameter.Parameter);
                return;
            case ILocalReferenceOperation local when !scope.IsOwn(local.Local):
                effects.SharedWrites.Add(local.Local);
                return;
            case IParameterReferenceOperation parameter when !scope.IsOwn(parameter.Parameter):
                effects.SharedWrites.Add(parameter.Parameter);
                if (parameter.Parameter.RefKind != RefKind.None)
                {
                    effects.MutatedThroughByRef.Add(parameter.Parameter);
                }

                return;
            case IFieldReferenceOperation field:
                RecordFieldMutation(field, effects, scope);
                return;

            case IPropertyReferenceOperation property:
                effects.SharedWrites.Add(property.Property);
                if (IsThis(property.Instance, scope) && IsOwnedAutoProperty(property.Property))
                {
                    // Pixels[i] = v on a get-only property the class fills with its own new array: this instance's state.
                    effects.ThisWrites.Add(property.Property);
                }

                return;
            case IArrayElementReferenceOperation element:
                RecordReceiverMutation(element.ArrayReference, effects, scope);
                return;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when scope.IsConstructor:
                return;
            case IInvocationOperation { Instance: { } chained, TargetMethod: { IsStatic: false } builderCall }
                when builderCall.ContainingType is { Name: "StringBuilder", ContainingNamespace: { Name: "Text", ContainingNamespace.Name: "System" } }
                     && SymbolEqualityComparer.Default.Equals(builderCall.ReturnType, builderCall.ContainingType):
                // sb.Append(a).Append(b): each StringBuilder call that returns a builder returns its own receiver.
                RecordReceiverMutation(chained, effects, scope);
                return;
            case IParameterReferenceOperation parameter
                when scope.IsOwn(parameter.Parameter) && parameter.Parameter.RefKind == RefKind.None
                     && parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) }:
                // The object the caller passed: the call site knows which it is (see MapParameterMutations).
                effects.ParameterMutations.Add(parameter.Parameter.Ordinal);
                return;
            case { Type: { IsValueType: true, IsRefLikeType: false, IsUnmanagedType: true } }
                when receiver is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                                      or IArrayElementReferenceOperation or IInstanceReferenceOperation or IPropertyReferenceOperation
                                      or IInvocationOperation { TargetMethod.RefKind: not RefKind.None }):
                // (p - c).Length(), Normalize(v).X: a copy of plain values made for the call; nothing else can see it change.
                return;
            case IInvocationOperation { Instance: null, TargetMethod: { Name: "AsSpan" or "AsMemory", ContainingType: { Name: "MemoryExtensions", ContainingNamespace.Name: "System" } } } view
                when view.Arguments.Length > 0:
                // buffer.AsSpan(0, n).Clear(), input.CopyTo(buffer.AsSpan(k)): a view of the array, so a write of the array.
                RecordReceiverMutation(view.Arguments[0].Value, effects, scope);
                return;
            case ILocalReferenceOperation alias when scope.IsOwn(alias.Local) && !alias.Local.Type.IsValueType && _aliasDepth < MaxAliasDepth
                                                      && AliasSources(alias.Local, scope) is { } containers:
                // counts[severity]++ on a local that took its array from byHost: a change to what byHost holds.
                RecordAliasMutation(containers, effects, scope);
                return;
            default:
                // A thread-own local that may alias shared state, a call result, `this`: cannot tell what it mutates.
                effects.MarkUnknown("mutation through " + receiver.Syntax);
                return;
        }
    }

    /// <summary>A write through a field: the thread's own value-type copy, or the field itself (and this instance's state, when it is).</summary>
    private void RecordFieldMutation(IFieldReferenceOperation field, StateEffects effects, ThreadScope scope)
    {
        if (IsOwnReceiver(field.Instance, scope, out var own) && field.Field.Type.IsValueType)
        {
            AddIfAny(effects.LocalWrites, own);
            return;
        }

        if (scope.IsConstructor && field.Instance is { } instance
            && Unwrap(instance) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
            && IsOwnedField(field.Field))
        {
            // _grid[i] = … in a constructor, the array one the class made for this instance: the object under construction.
            return;
        }

        effects.SharedWrites.Add(field.Field);
        if (IsThis(field.Instance, scope) && (field.Field.Type.IsValueType || IsOwnedField(field.Field)))
        {
            effects.ThisWrites.Add(field.Field);
        }
    }

    /// <summary>A write through a local that holds what <paramref name="containers"/> hold: a write to each of them.</summary>
    private void RecordAliasMutation(IEnumerable<IOperation> containers, StateEffects effects, ThreadScope scope)
    {
        _aliasDepth++;
        try
        {
            foreach (var container in containers)
            {
                RecordReceiverMutation(container, effects, scope);
            }
        }
        finally
        {
            _aliasDepth--;
        }
    }

    /// <summary>
    /// Whether a member access through <paramref name="instance"/> stays invisible to other threads: a value-type
    /// local (the member is part of the variable), a local that holds an object created in this function, or the
    /// object under construction. <paramref name="local"/> is the local it goes through, when there is one.
    /// </summary>
    private static bool IsOwnReceiver(IOperation? instance, ThreadScope scope, out ISymbol? local)
    {
        local = null;
        if (instance is null)
        {
            return false;
        }

        instance = Unwrap(instance);
        switch (instance)
        {
            case ILocalReferenceOperation reference when scope.IsOwn(reference.Local) && (reference.Local.Type.IsValueType || scope.IsFresh(reference.Local)):
                local = reference.Local;
                return true;
            case IParameterReferenceOperation parameter when scope.IsOwn(parameter.Parameter) && parameter.Parameter.Type.IsValueType:
                local = parameter.Parameter;
                return true;
            case IFieldReferenceOperation field when field.Field.Type.IsValueType:
                return IsOwnReceiver(field.Instance, scope, out local);
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                return true;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when scope.IsConstructor:
                return true;
            default:
                return false;
        }
    }

    private void VisitInvocation(IInvocationOperation invocation, StateEffects effects, ThreadScope scope, int depth)
    {
        if (invocation.TargetMethod is { IsStatic: false } target && ConfinedReceiver(invocation.Instance, scope) is { } confined)
        {
            VisitAll(invocation.Arguments, effects, scope, depth);
            var summary = Summarize(target.OriginalDefinition, depth + 1);
            if (summary.SharedReads.Count > 0)
            {
                effects.SharedReads.Add(confined);
            }

            if (summary.SharedWrites.Count > 0)
            {
                effects.SharedWrites.Add(confined);
            }

            return;
        }

        Visit(invocation.Instance, effects, scope, depth);
        foreach (var argument in invocation.Arguments)
        {
            Visit(argument, effects, scope, depth);
        }

        var method = invocation.TargetMethod;
        if (method.MethodKind == MethodKind.DelegateInvoke)
        {
            effects.MarkUnknown("delegate call");
            return;
        }

        if (IsSynthesizedRecordEquality(method))
        {
            return;
        }

        if (IsInSource(method))
        {
            AddSourceCall(invocation, effects, scope, depth);
            return;
        }

        if (depth > 0 && IsBalancedLockCall(invocation))
        {
            // In a callee that takes and releases its own lock: synchronisation, not data — the primitive is thread-safe by
            // design, like the implicit acquire of a lock statement, which writes nothing either. What the callee does while
            // holding it is visited as usual. Not at the top of the code being planned (depth 0): there an acquire or a
            // release moved across the outer lock would change the lock order or wake a waiting thread early.
            return;
        }

        var type = method.ContainingType?.OriginalDefinition.ToDisplayString(FrameworkTypeFormat) ?? string.Empty;
        if (method.IsStatic)
        {
            RecordFrameworkStaticCall(invocation, type, effects, scope);
        }
        else
        {
            RecordFrameworkInstanceCall(invocation, type, effects, scope);
        }
    }

    /// <summary>
    /// Whether <paramref name="invocation"/> takes or releases a lock — Monitor.Enter/TryEnter/Exit, Lock.Enter/TryEnter/Exit,
    /// SemaphoreSlim.Wait/WaitAsync/Release, a Mutex's or Semaphore's WaitOne and release, ReaderWriterLockSlim's enter and
    /// exit of any mode — and the same function also holds the opposite call on the same lock object, so the callee takes
    /// and gives back its own lock (Lock.EnterScope, released by its scope, always does). Never a wait for a signal
    /// (Monitor.Wait, an event's WaitOne), and never a lone release, which can be a signal to another thread.
    /// </summary>
    private bool IsBalancedLockCall(IInvocationOperation invocation)
    {
        if (LockCall(invocation) is not { } call)
        {
            return false;
        }

        if (call.Acquire && call.Scoped)
        {
            return true;
        }

        if (call.LockObject is null)
        {
            return false;
        }

        foreach (var operation in OperationFacts.Descendants(OperationFacts.FunctionRoot(invocation), enterFunctions: false))
        {
            if (operation is IInvocationOperation other && other != invocation && LockCall(other) is { } counterpart
                && counterpart.Acquire != call.Acquire && SymbolEqualityComparer.Default.Equals(counterpart.LockObject, call.LockObject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A lock acquire or release (see <see cref="IsBalancedLockCall"/>): which, and the symbol naming the lock object.</summary>
    private (bool Acquire, bool Scoped, ISymbol? LockObject)? LockCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        var containing = method.ContainingType?.OriginalDefinition;
        if (containing is null)
        {
            return null;
        }

        var types = KnownTypes.For(_compilation);
        var receiver = invocation.Instance is { } instance ? OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance)) : null;
        if (KnownTypes.Is(containing, types.Monitor))
        {
            var lockObject = invocation.Arguments.Length > 0 ? OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(invocation.Arguments[0].Value)) : null;
            return name is "Enter" or "TryEnter" ? (true, false, lockObject) : name == "Exit" ? (false, false, lockObject) : null;
        }

        if (KnownTypes.Is(containing, types.Lock))
        {
            return name is "Enter" or "TryEnter" ? (true, false, receiver) : name == "Exit" ? (false, false, receiver) : name == "EnterScope" ? (true, true, receiver) : null;
        }

        if (KnownTypes.Is(containing, types.SemaphoreSlim))
        {
            return name is "Wait" or "WaitAsync" ? (true, false, receiver) : name == "Release" ? (false, false, receiver) : null;
        }

        if (KnownTypes.Is(containing, types.ReaderWriterLockSlim) && name.EndsWith("Lock", StringComparison.Ordinal))
        {
            return name.StartsWith("Enter", StringComparison.Ordinal) || name.StartsWith("TryEnter", StringComparison.Ordinal) ? (true, false, receiver)
                : name.StartsWith("Exit", StringComparison.Ordinal) ? (false, false, receiver)
                : null;
        }

        // WaitOne is declared on WaitHandle: a lock only when the receiver is a Mutex or a Semaphore.
        var receiverType = invocation.Instance?.Type?.OriginalDefinition;
        var isMutex = KnownTypes.Is(receiverType, types.Mutex);
        var isSemaphore = KnownTypes.Is(receiverType, types.Semaphore);
        if (name == "WaitOne" && (isMutex || isSemaphore))
        {
            return (true, false, receiver);
        }

        return (name == "ReleaseMutex" && isMutex) || (name == "Release" && isSemaphore) ? (false, false, receiver) : null;
    }

    /// <summary>A call into this compilation: a local function seen through with the caller's scope, any other method by its summary.</summary>
    private void AddSourceCall(IInvocationOperation invocation, StateEffects effects, ThreadScope scope, int depth)
    {
        var method = invocation.TargetMethod;
        if (method.MethodKind == MethodKind.LocalFunction && invocation.Syntax.SyntaxTree == scope.Function.SyntaxTree)
        {
            AddLocalFunction(method, effects, scope, depth);
        }
        else if (method.IsStatic || invocation.Instance is null)
        {
            AddCallee(method, effects, depth, invocation.Arguments, scope);
        }
        else
        {
            IsOwnReceiver(invocation.Instance, scope, out var own);
            AddCalleeOn(method, invocation.Instance, own, effects, scope, depth, invocation.Arguments);
        }
    }

    /// <summary>
    /// What a callee mutates through its parameters happens to the objects the call passes: a list this function made is a
    /// thread-own write, a shared one a shared write. Without the call's arguments, unknown.
    /// </summary>
    private void MapParameterMutations(StateEffects summary, ImmutableArray<IArgumentOperation> arguments, StateEffects effects, ThreadScope? scope)
    {
        foreach (var ordinal in summary.ParameterMutations)
        {
            var argument = arguments.IsDefault ? null : arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal && a.ArgumentKind == ArgumentKind.Explicit);
            if (argument is null || scope is null)
            {
                effects.MarkUnknown("mutation through a parameter of a call");
                continue;
            }

            RecordReceiverMutation(argument.Value, effects, scope);
        }
    }

    /// <summary>A static framework method of <paramref name="type"/>: pure, writing only its arguments, a factory, or unknown.</summary>
    private void RecordFrameworkStaticCall(IInvocationOperation invocation, string type, StateEffects effects, ThreadScope scope)
    {
        var method = invocation.TargetMethod;
        if ((PureStaticTypes.Contains(type) && !(type == "System.String" && FormatsArbitraryObjects(method))) || IsPureHashCall(method)
            // Marshal.PtrToStringAnsi / UTF8 / Uni / Auto copy characters out of native memory into a new string.
            || (type == "System.Runtime.InteropServices.Marshal" && method.Name.StartsWith("PtrToString", StringComparison.Ordinal)))
        {
            return;
        }

        // Array.Clear(buffer), Array.Copy(src, dst, n), Array.Sort(keys): they write the arrays they are handed, and
        // only those; Array.IndexOf / BinarySearch / Exists only read. data.AsSpan(i, n): a view, nothing written yet.
        if (ArgumentWritingStatics(invocation, type) is { } written)
        {
            foreach (var target in written)
            {
                RecordReceiverMutation(target, effects, scope);
            }

            return;
        }

        // SHA256.Create(), Stopwatch.StartNew(): a new object of the type's own family, touching nothing shared.
        if (IsFrameworkFactory(invocation))
        {
            return;
        }

        // Parallel.For(0, n, i => …), Parallel.ForEach(items, body), Parallel.Invoke(a, b): they run the delegates they are
        // given before returning, and nothing else; the delegates' bodies were visited with the arguments above.
        if (type == "System.Threading.Tasks.Parallel" && method.Name is "For" or "ForEach" or "Invoke"
            && invocation.Arguments.All(a => RunsOnlyLambdas(a.Value)))
        {
            return;
        }

        // Thread.SpinWait(n): burns the CPU for a while and touches no state (the demos' stand-in for work).
        if (type == "System.Threading.Thread" && method.Name == "SpinWait")
        {
            return;
        }

        // counts.GetValueOrDefault(k): an extension that only reads the dictionary it is called on.
        if (type == "System.Collections.Generic.CollectionExtensions" && method.Name == "GetValueOrDefault")
        {
            return;
        }

        // line.AsSpan(i), span.Trim(','), message.Split(' '), span.IndexOf("- "): span helpers that only read what they are
        // given (read-only spans, strings and values of primitive types) and return a value or a view of it.
        if (type == "System.MemoryExtensions" && ReadsOnlyPrimitiveArguments(method))
        {
            return;
        }

        // WebUtility.HtmlEncode(text), Uri.EscapeDataString(s), Convert.ToInt32(s, 16), Regex.Replace(s, pattern, "")
        // and the like: text and number conversions that read only the values they are handed (the regex cache behind
        // Regex's statics is the framework's own, safe for any thread). A delegate or a writable array or span argument
        // (a MatchEvaluator, Convert.TryToBase64Chars) makes the call unknown as before.
        if (ValueConversionStaticTypes.Contains(type) && ReadsOnlyPrimitiveArguments(method))
        {
            return;
        }

        effects.MarkUnknown("framework call " + type + "." + method.Name);
    }

    /// <summary>
    /// A value handed to <c>Parallel</c> whose code the walk has seen: not a delegate, or lambdas written in place (also as
    /// the elements of <c>Parallel.Invoke</c>'s array); a method group or a delegate held in a variable is not seen.
    /// </summary>
    private static bool RunsOnlyLambdas(IOperation value)
    {
        value = Unwrap(value);
        if (value is IArrayCreationOperation { Initializer: { } elements })
        {
            return elements.ElementValues.All(RunsOnlyLambdas);
        }

        if (value is IDelegateCreationOperation creation)
        {
            return creation.Target is IAnonymousFunctionOperation;
        }

        return value.Type is not { TypeKind: TypeKind.Delegate } && value.Type?.SpecialType != SpecialType.System_Delegate;
    }

    /// <summary>
    /// Every parameter is taken by value and is a read-only span or memory, a string or a primitive value, and every type
    /// argument is a primitive or string (so no user <c>Equals</c> or comparer runs): nothing is written, nothing else called.
    /// </summary>
    private static bool ReadsOnlyPrimitiveArguments(IMethodSymbol method)
    {
        if (!method.TypeArguments.All(IsPrimitive))
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            var parameterType = parameter.Type;
            if (parameter.RefKind != RefKind.None)
            {
                return false;
            }

            if (parameterType is INamedTypeSymbol { IsGenericType: true, Name: "ReadOnlySpan" or "ReadOnlyMemory", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } view)
            {
                if (!view.TypeArguments.All(IsPrimitive))
                {
                    return false;
                }

                continue;
            }

            if (!IsPrimitive(parameterType) && parameterType.TypeKind != TypeKind.Enum)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>string.Concat(object)</c>, <c>string.Format(format, args)</c>, <c>string.Join&lt;T&gt;(sep, values)</c>: they call the
    /// arguments' <c>ToString()</c>, which may be any code.
    /// </summary>
    private static bool FormatsArbitraryObjects(IMethodSymbol method)
    {
        foreach (var parameter in method.OriginalDefinition.Parameters)
        {
            var parameterType = parameter.Type is IArrayTypeSymbol array ? array.ElementType : parameter.Type;
            if (parameterType.SpecialType == SpecialType.System_Object || parameterType is ITypeParameterSymbol
                || (parameterType is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.Any(t => t is ITypeParameterSymbol || t.SpecialType == SpecialType.System_Object)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An instance framework method of <paramref name="type"/>: pure on immutable receivers and for read-only methods, else it mutates its receiver.</summary>
    private void RecordFrameworkInstanceCall(IInvocationOperation invocation, string type, StateEffects effects, ThreadScope scope)
    {
        var method = invocation.TargetMethod;
        if (invocation.Instance is null)
        {
            effects.MarkUnknown("call " + method.Name);
            return;
        }

        if (ImmutableTypes.Contains(type) || IsPrimitive(method.ContainingType))
        {
            // Instance methods of primitives and immutable types cannot mutate shared state.
            return;
        }

        if (FrameworkMethods.ReadOnlyOnReceiver.Contains(method.Name) && !(method.Name == "CopyTo" && invocation.Arguments.Length > 0 && !IsOwnDestination(invocation.Arguments[0].Value, scope)))
        {
            return;
        }

        RecordReceiverMutation(invocation.Instance, effects, scope);
    }

    /// <summary>A primitive number, <c>bool</c>, <c>char</c> or <c>string</c>.</summary>
    private static bool IsPrimitive(ITypeSymbol? type)
        => type is not null && StateEffects.IsValueOrString(type.SpecialType);

    private static void AddIfAny(HashSet<ISymbol> set, ISymbol? symbol)
    {
        if (symbol is not null)
        {
            set.Add(symbol);
        }
    }

    private static bool IsOwnDestination(IOperation destination, ThreadScope scope)
    {
        var value = Unwrap(destination);
        if (value is IInvocationOperation { Instance: { } instance } && (value as IInvocationOperation)!.TargetMethod.Name == "AsSpan")
        {
            value = Unwrap(instance);
        }

        return value is ILocalReferenceOperation local && scope.IsOwn(local.Local) && scope.IsFresh(local.Local);
    }

    /// <summary>
    /// For the static framework calls whose effects are on their arguments alone (System.Array, Buffer, the view-making
    /// MemoryExtensions): the arguments they write (empty when they only read); null for any other call.
    /// </summary>
    private static List<IOperation>? ArgumentWritingStatics(IInvocationOperation invocation, string type)
    {
        var method = invocation.TargetMethod;
        switch (type)
        {
            case "System.Array":
            case "System.Buffer":
                if (method.Name is "Resize" or "ForEach" or "CreateInstance" or "CreateInstanceFromArrayType")
                {
                    // Resize reads its ref argument's array and stores a new copy (or the same array) back into it — the store
                    // is the ref argument's write, seen at the call; ForEach runs a delegate; CreateInstance is a factory.
                    return method.Name is "ForEach" ? null : new List<IOperation>();
                }

                var written = new List<IOperation>();
                if (method.Name is "Clear" or "Fill" or "Sort" or "Reverse" or "Copy" or "ConstrainedCopy" or "BlockCopy" or "SetByte")
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Parameter?.Name is "array" or "keys" or "items" or "destinationArray" or "dst")
                        {
                            written.Add(argument.Value);
                        }
                    }
                }

                // Anything that takes a comparer, or a delegate other than a lambda written in place, runs code we do not see.
                // A lambda's body is visited with the arguments (Array.FindIndex(energy, e => e <= limit), Exists, ConvertAll,
                // Sort(keys, (a, b) => …)): the call itself only reads the array, or writes the one it sorts.
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Type is { } parameterType
                        && ((parameterType.TypeKind == TypeKind.Delegate && !RunsOnlyLambdas(argument.Value)) || parameterType.Name is "IComparer" or "IEqualityComparer"))
                    {
                        return null;
                    }
                }

                return written;
            case "System.MemoryExtensions":
                if (method.Name == "CopyTo")
                {
                    // source.CopyTo(destination): writes the destination (a span or array), reads the source.
                    return invocation.Arguments.Where(a => a.Parameter?.Name == "destination").Select(a => a.Value).ToList();
                }

                return method.Name is "AsSpan" or "AsMemory" or "SequenceEqual" or "IndexOf" or "LastIndexOf" or "Contains"
                    or "StartsWith" or "EndsWith" or "IndexOfAny" or "Trim" or "TrimStart" or "TrimEnd"
                    ? new List<IOperation>()
                    : null;
            case "System.Threading.Interlocked":
                // Interlocked.Increment(ref _hits), Add(ref total, n), CompareExchange(ref slot, v, c): an atomic write of the
                // variable passed by ref, and nothing else (the other arguments are values). MemoryBarrier writes nothing.
                return method.Name is "Increment" or "Decrement" or "Add" or "Exchange" or "CompareExchange" or "And" or "Or" or "Read" or "MemoryBarrier"
                    ? invocation.Arguments.Where(a => a.Parameter?.RefKind == RefKind.Ref && method.Name != "Read").Select(a => a.Value).ToList()
                    : null;
            case "System.Convert":
                // Conversions and encodings compute a new value from their arguments (ToHexString, ToBase64String, ToInt32).
                return method.Name.StartsWith("To", StringComparison.Ordinal) || method.Name.StartsWith("From", StringComparison.Ordinal)
                    ? new List<IOperation>()
                    : null;
            default:
                return null;
        }
    }

    /// <summary>One-shot hashing helpers (<c>SHA256.HashData(byte[])</c> and friends) return a new array.</summary>
    private static bool IsPureHashCall(IMethodSymbol method)
    {
        var ns = method.ContainingNamespace?.ToDisplayString();
        return ns == "System.Security.Cryptography"
            && method.Name == "HashData"
            && method.Parameters.Length == 1
            && method.ReturnType is IArrayTypeSymbol
            && (method.Parameters[0].Type is IArrayTypeSymbol || method.Parameters[0].Type.Name == "ReadOnlySpan");
    }

    /// <summary>
    /// The compiler-written <c>==</c>, <c>!=</c>, <c>Equals</c> and <c>GetHashCode</c> of a record whose fields are all numbers,
    /// strings, enums, arrays (compared by reference) or records of the same kind (a search node holding its position, a
    /// record struct of two doubles, and its parent node): they only read the two values' fields (no user code runs), like
    /// a primitive comparison.
    /// </summary>
    private static bool IsSynthesizedRecordEquality(IMethodSymbol method)
        => method.IsImplicitlyDeclared && method.ContainingType is { IsRecord: true } record
           && method.Name is "op_Equality" or "op_Inequality" or "Equals" or "GetHashCode"
           && HasSynthesizedEqualityOverPlainFields(record, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static bool HasSynthesizedEqualityOverPlainFields(INamedTypeSymbol record, HashSet<ITypeSymbol> visiting)
    {
        if (!visiting.Add(record))
        {
            // A record that holds itself (a parent node): its fields are being checked already.
            return true;
        }

        // A user-written Equals(T) (or a base record's) would run user code: only the compiler's own compares field by field.
        if (record.BaseType is { IsRecord: true }
            || record.GetMembers("Equals").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 1 && !m.IsImplicitlyDeclared))
        {
            return false;
        }

        foreach (var member in record.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false } field && !IsPlainForEquality(field.Type, visiting))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlainForEquality(ITypeSymbol type, HashSet<ITypeSymbol> visiting)
    {
        if (type.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(type.SpecialType) || type is IArrayTypeSymbol)
        {
            return true;
        }

        var underlying = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;
        return underlying is INamedTypeSymbol { IsRecord: true } inner && inner.DeclaringSyntaxReferences.Length > 0
               && HasSynthesizedEqualityOverPlainFields(inner, visiting);
    }

    private void VisitUserOperator(IMethodSymbol? method, StateEffects effects, int depth)
    {
        if (method is not null && IsSynthesizedRecordEquality(method))
        {
            return;
        }

        if (method is not null && IsInSource(method))
        {
            AddCallee(method, effects, depth);
        }
    }

    private void AddLocalFunction(IMethodSymbol function, StateEffects effects, ThreadScope scope, int depth)
    {
        if (_inlineLocalFunctions.TryGetValue(function, out var visiting) && ReferenceEquals(visiting, scope))
        {
            // A recursive call of a local function whose body is being visited right now, inline in this same scope: its
            // effects are the ones that visit collects (effects are per symbol, not per value), so the call adds nothing.
            // Its arguments are visited by the caller; a mutation through a parameter of the function is already unknown.
            return;
        }

        if (depth >= MaxCallDepth || !_inProgress.Add(function))
        {
            effects.MarkUnknown("recursion or deep calls");
            return;
        }

        _inlineLocalFunctions[function] = scope;

        try
        {
            foreach (var reference in function.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(_cancellationToken);
                if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    effects.MarkUnknown("'" + function.Name + "' is in another project");
                    continue;
                }

                var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
                if (model.GetOperation(syntax, _cancellationToken) is ILocalFunctionOperation operation)
                {
                    // Captured locals keep the caller's scope: they are shared exactly when they are for the caller.
                    Visit(operation.Body, effects, scope, depth + 1);
                    Visit(operation.IgnoredBody, effects, scope, depth + 1);
                }
            }
        }
        finally
        {
            _inProgress.Remove(function);
            _inlineLocalFunctions.Remove(function);
        }
    }

    private void AddCallee(IMethodSymbol method, StateEffects effects, int depth, ImmutableArray<IArgumentOperation> arguments = default, ThreadScope? scope = null)
    {
        var summary = Summarize(method.OriginalDefinition, depth + 1);
        effects.UnionSharedWith(summary);
        MapParameterMutations(summary, arguments, effects, scope);
    }

    /// <summary>
    /// An instance method or getter called on <paramref name="receiver"/>: on an object this function made (a local
    /// holding a <c>new</c> object: <paramref name="own"/>), what the callee does through <c>this</c> touches only that
    /// object; on <c>this</c> itself it stays relative to this function's own instance; otherwise it is plain shared.
    /// </summary>
    private void AddCalleeOn(IMethodSymbol method, IOperation? receiver, ISymbol? own, StateEffects effects, ThreadScope scope, int depth, ImmutableArray<IArgumentOperation> arguments = default)
    {
        var summary = Summarize(method.OriginalDefinition, depth + 1);
        MapParameterMutations(summary, arguments, effects, scope);
        if (own is ILocalSymbol local && !local.Type.IsValueType && receiver is not null && Unwrap(receiver) is ILocalReferenceOperation)
        {
            effects.UnionOnOwnObject(summary, local);
        }
        else if (IsThis(receiver, scope))
        {
            effects.UnionOnSameInstance(summary);
        }
        else
        {
            effects.UnionSharedWith(summary);
        }
    }

    /// <summary><c>this</c> (written or implicit) outside a constructor: the instance a method summary is relative to.</summary>
    private static bool IsThis(IOperation? instance, ThreadScope scope)
        => instance is not null && !scope.IsConstructor
           && Unwrap(instance) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary><c>_bytes</c> of <c>this</c> where the field is one <see cref="IsOwnedField"/>.</summary>
    private bool IsOwnedThisField(IOperation? instance, ThreadScope scope)
        => instance is not null && Unwrap(instance) is IFieldReferenceOperation field && IsThis(field.Instance, scope) && IsOwnedField(field.Field);

    /// <summary>An element of an owned array field of this instance whose elements are all objects the class made for it.</summary>
    private bool IsOwnElementOfThisField(IOperation? instance, ThreadScope scope)
        => instance is not null && Unwrap(instance) is IArrayElementReferenceOperation { ArrayReference: var array }
           && Unwrap(array) is IFieldReferenceOperation field && IsThis(field.Instance, scope) && HoldsOnlyOwnElements(field.Field);

    /// <summary>
    /// A private instance field of a class (not a record) that only ever holds an object its class makes for the instance:
    /// every value it is given is a new object (<c>readonly List&lt;byte&gt; _bytes = new()</c>, <c>_data = new float[rows *
    /// columns];</c> in a constructor) or what another such field of the same instance holds (<c>(_f, _next) = (_next, _f);</c>
    /// swapping two buffers after a step), and it is never passed by <c>ref</c> or <c>out</c>. The object it holds belongs to
    /// the instance alone.
    /// </summary>
    private bool IsOwnedField(IFieldSymbol field)
    {
        if (field.IsStatic || field.DeclaredAccessibility != Accessibility.Private
            || field.DeclaringSyntaxReferences.Length != 1
            || field.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax
            || field.ContainingType is not { TypeKind: TypeKind.Class, IsRecord: false } type || CopiesItself(type))
        {
            return false;
        }

        if (!_ownedMembers.TryGetValue(field, out var owned))
        {
            owned = OwnedFieldGroup.Holds(type, field, _compilation, _cancellationToken);
            _ownedMembers[field] = owned;
        }

        return owned;
    }

    private StateEffects Summarize(IMethodSymbol method, int depth)
    {
        if (_summaries.TryGetValue(method, out var known))
        {
            return known;
        }

        if (StatelessNativeFunctions.IsStateless(method, out var writtenArrays))
        {
            // compress2(dest, ref destLen, source, …), exp(x): a C function that keeps nothing between calls writes only
            // the arrays it is handed as output (mapped to the call's arguments) and its ref/out numbers (seen at the call).
            var native = new StateEffects();
            native.ParameterMutations.UnionWith(writtenArrays);
            _summaries[method] = native;
            return native;
        }

        if (method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern
            || method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            if (!method.IsExtern && DispatchedSummary(method, depth) is { } dispatched)
            {
                _summaries[method] = dispatched;
                return dispatched;
            }

            var open = new StateEffects();
            open.MarkUnknown("overridable or external method " + method.Name);
            return open;
        }

        return SummarizeBody(method, depth);
    }

    /// <summary>The effects of <paramref name="method"/>'s own body (for a virtual method: this implementation alone).</summary>
    private StateEffects SummarizeBody(IMethodSymbol method, int depth)
    {
        if (_bodySummaries.TryGetValue(method, out var known))
        {
            return known;
        }

        if (_inProgress.Contains(method) && _bodyStack.Count > 0 && SymbolEqualityComparer.Default.Equals(_bodyStack.Peek(), method))
        {
            // A method calling itself (Negamax, a tree walk, a recursive sort): its summary is what its body does with the
            // recursive call contributing what the body does — a fixed point, found by visiting the body again with the
            // last result standing in for the call until nothing changes (see below). Mutual recursion stays unknown.
            _calledItself.Add(method);
            return _provisional.TryGetValue(method, out var provisional) ? provisional : new StateEffects();
        }

        var effects = new StateEffects();
        if (depth > MaxCallDepth || !_inProgress.Add(method))
        {
            effects.MarkUnknown("recursion or deep calls");
            return effects;
        }

        _bodyStack.Push(method);
        try
        {
            for (var round = 0; ; round++)
            {
                effects = SummarizeBodyOnce(method, depth);
                if (!_calledItself.Remove(method))
                {
                    break;
                }

                if (_provisional.TryGetValue(method, out var previous) && SameEffects(previous, effects))
                {
                    break;
                }

                if (round == MaxRecursionRounds)
                {
                    effects.MarkUnknown("recursion that does not settle");
                    break;
                }

                _provisional[method] = effects;
            }
        }
        finally
        {
            _bodyStack.Pop();
            _provisional.Remove(method);
            _calledItself.Remove(method);
            _inProgress.Remove(method);
        }

        // Results computed under a cycle guard of some caller are still sound (the cycle made them unknown).
        _bodySummaries[method] = effects;
        return effects;
    }

    /// <summary>Whether two summaries of one method say the same (the recursion fixed point has been reached).</summary>
    private static bool SameEffects(StateEffects a, StateEffects b)
        => a.Unknown == b.Unknown
           && a.SharedReads.SetEquals(b.SharedReads) && a.SharedWrites.SetEquals(b.SharedWrites)
           && a.ThisReads.SetEquals(b.ThisReads) && a.ThisWrites.SetEquals(b.ThisWrites)
           && a.LocalReads.SetEquals(b.LocalReads) && a.LocalWrites.SetEquals(b.LocalWrites)
           && a.ParameterMutations.SetEquals(b.ParameterMutations) && a.MutatedThroughByRef.SetEquals(b.MutatedThroughByRef);

    /// <summary>One visit of <paramref name="method"/>'s body (the caller holds the cycle guard).</summary>
    private StateEffects SummarizeBodyOnce(IMethodSymbol method, int depth)
    {
        var effects = new StateEffects();
        {
            var analysed = false;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(_cancellationToken);
                if (syntax is BaseMethodDeclarationSyntax { Body: null, ExpressionBody: null }
                    || syntax is AccessorDeclarationSyntax { Body: null, ExpressionBody: null })
                {
                    continue;
                }

                if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    // Source of a referenced project (a CompilationReference in the IDE): not bound here.
                    effects.MarkUnknown("'" + method.Name + "' is in another project");
                    continue;
                }

                var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
                var body = model.GetOperation(syntax, _cancellationToken);
                if (body is null)
                {
                    continue;
                }

                analysed = true;
                var scope = ScopeOf(syntax);
                Visit(body, effects, scope, depth);
            }

            if (!analysed && method.MethodKind != MethodKind.Constructor)
            {
                effects.MarkUnknown("no body for " + method.Name);
            }
        }

        // The method's own ref and out parameters (TryParse(line, out record)) are the caller's variables: every call site
        // records its ref/out arguments as written, so the parameters themselves are no shared state of their own.
        // Only when the method just assigns them: a mutation of the object one refers to is a write the call site cannot see.
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Ref or RefKind.Out && !effects.MutatedThroughByRef.Contains(parameter))
            {
                effects.SharedReads.Remove(parameter);
                effects.SharedWrites.Remove(parameter);
            }
        }

        return effects;
    }

    /// <summary>
    /// An interface, abstract or virtual call whose every body is in this compilation's source and nobody else can add one
    /// (<see cref="IsClosedWorld"/>): the union of those bodies' effects, each relative to the receiver as a plain method's
    /// would be. Null when the bodies are not all known (more than <see cref="SourceImplementations.MaxImplementations"/>,
    /// none, or one that mutates through a ref parameter).
    /// </summary>
    private StateEffects? DispatchedSummary(IMethodSymbol method, int depth)
    {
        if (!IsClosedWorld(method.ContainingType))
        {
            return null;
        }

        // The compilation's one index, shared with the analyzers' cost model (built once, when first asked).
        var implementations = WorkCostModel.For(KnownTypes.For(_compilation)).Implementations;
        if (!implementations.Dispatches(method.OriginalDefinition))
        {
            return null;
        }

        var bodies = implementations.For(method.OriginalDefinition, receiverType: null, _cancellationToken);
        if (bodies.IsDefaultOrEmpty)
        {
            return null;
        }

        var effects = new StateEffects();
        foreach (var body in bodies)
        {
            if (body.IsAbstract || body.IsExtern || body.Parameters.Length != method.Parameters.Length)
            {
                return null;
            }

            var summary = SummarizeBody(body.OriginalDefinition, depth + 1);
            if (summary.MutatedThroughByRef.Count > 0)
            {
                return null;
            }

            effects.UnionOnSameInstance(summary);
            effects.ParameterMutations.UnionWith(summary.ParameterMutations);
        }

        return effects;
    }

    /// <summary>
    /// No other assembly can add an implementation of <paramref name="type"/>'s members: the compilation is an application, or
    /// the type is not visible outside its assembly and the assembly gives no friend assembly its internals.
    /// </summary>
    private bool IsClosedWorld(INamedTypeSymbol? type)
    {
        if (type is null || !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly))
        {
            return false;
        }

        if (_compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication)
        {
            return true;
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal)
            {
                return !_compilation.Assembly.GetAttributes().Any(a => a.AttributeClass?.Name == "InternalsVisibleToAttribute");
            }
        }

        return false;
    }

    private static bool IsInSource(IMethodSymbol method)
        => method.Locations.Length > 0 && method.Locations[0].IsInSource;

    /// <summary>
    /// A private readonly array field that its type only ever indexes to read (<c>Table[i]</c>, <c>Table.Length</c>) and
    /// assigns in its declaration or constructors: a lookup table (CRC table, S-box, precomputed weights) whose elements
    /// nobody changes once the type is initialised, so reading it is like reading a constant.
    /// </summary>
    private bool IsLookupTable(IFieldSymbol field)
    {
        // Elements of numbers, strings or enums: reading one cannot reach anything else that changes.
        if (!field.IsReadOnly || field.DeclaredAccessibility != Accessibility.Private || field.Type is not IArrayTypeSymbol { ElementType: var element }
            || !(element.TypeKind == TypeKind.Enum || StateEffects.IsValueOrString(element.SpecialType))
            || field.ContainingType is not { } type)
        {
            return false;
        }

        if (_lookupTables.TryGetValue(field, out var known))
        {
            return known;
        }

        var result = true;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(_cancellationToken);
            if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                result = false;
                break;
            }

            SemanticModel? model = null;
            foreach (var identifier in syntax.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != field.Name)
                {
                    continue;
                }

                model ??= _compilation.GetSemanticModel(syntax.SyntaxTree);
                if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, _cancellationToken).Symbol, field))
                {
                    continue;
                }

                if (!IsReadOnlyTableUse(identifier))
                {
                    result = false;
                    break;
                }
            }

            if (!result)
            {
                break;
            }
        }

        _lookupTables[field] = result;
        return result;
    }

    /// <summary><c>T[i]</c> read (not assigned, incremented or passed by ref), <c>T.Length</c>, or <c>T = …</c> in a constructor.</summary>
    private static bool IsReadOnlyTableUse(IdentifierNameSyntax identifier)
    {
        SyntaxNode node = identifier;
        if (node.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax } qualified && qualified.Name == identifier)
        {
            node = qualified;
        }

        switch (node.Parent)
        {
            case MemberAccessExpressionSyntax member when member.Expression == node:
                return member.Name.Identifier.ValueText is "Length" or "LongLength" or "Rank";
            case ElementAccessExpressionSyntax element when element.Expression == node:
                var parent = element.Parent;
                if (parent is AssignmentExpressionSyntax assignment && assignment.Left == element)
                {
                    return false;
                }

                if (parent is PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression })
                {
                    return false;
                }

                return !(parent is ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } || parent is RefExpressionSyntax);
            case AssignmentExpressionSyntax store when store.Left == node && store.IsKind(SyntaxKind.SimpleAssignmentExpression):
                return node.Ancestors().Any(a => a is ConstructorDeclarationSyntax);
            default:
                return false;
        }
    }

    private static bool IsAutoProperty(IPropertySymbol property)
    {
        if (!property.Locations.Any(l => l.IsInSource))
        {
            return false;
        }

        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is PropertyDeclarationSyntax { AccessorList: { } accessors, ExpressionBody: null }
                && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null))
            {
                return true;
            }

            // A positional record's property (record R(int X)): the compiler writes it as an auto-property.
            if (reference.GetSyntax() is ParameterSyntax { Parent: ParameterListSyntax { Parent: RecordDeclarationSyntax } })
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The function whose own locals are invisible to other threads.</summary>
internal sealed class ThreadScope
{
    private readonly StateEffectsWalker _analyzer;

    public ThreadScope(SyntaxNode function, bool isConstructor, StateEffectsWalker analyzer)
    {
        Function = function;
        IsConstructor = isConstructor;
        _analyzer = analyzer;
    }

    public SyntaxNode Function { get; }

    public bool IsConstructor { get; }

    /// <summary>A by-value local or parameter declared inside <see cref="Function"/>.</summary>
    public bool IsOwn(ISymbol symbol)
    {
        switch (symbol)
        {
            case ILocalSymbol local when local.RefKind != RefKind.None:
                return false;
            case IParameterSymbol parameter when parameter.RefKind != RefKind.None:
                return false;
            case IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet } }
                when Function is AccessorDeclarationSyntax:
                // An indexer's accessor reads its own copy of the indexer's parameters (this[int x, int y] { get => … x … }).
                return true;
            case ILocalSymbol:
            case IParameterSymbol:
                foreach (var reference in symbol.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree == Function.SyntaxTree && Function.FullSpan.Contains(reference.Span))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    public bool IsFresh(ILocalSymbol local) => _analyzer.IsFresh(local, this);
}
