using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Threads whose work is a small constant known where they start: every loop the thread runs counts between values that
/// are constants at the start site — handed in through <c>Start(arg)</c> (an <c>int[]</c> of constants, an object made
/// with constant members), through the arguments of the one method a lambda calls, or through a captured index of the
/// creation loop over a constant count. <c>t.Start(new int[] { 1, 10 })</c> with <c>for (i = n[0]; i &lt;= n[1]; i++)</c>
/// runs ten iterations: a threading demonstration, not a split worth balancing. The cost model sees such loops as
/// unbounded because their bounds are parameters; this reads the bounds at the start site.
/// </summary>
internal static partial class ThreadFanOut
{
    /// <summary>How many source calls deep <see cref="SmallWork"/> follows the thread's body.</summary>
    private const int SmallWorkCallDepth = 2;

    /// <summary>How many steps deep one value is traced back to its constants.</summary>
    private const int SmallWorkValueDepth = 10;

    /// <summary>
    /// Whether everything the thread runs is a few constant-bounded loops of plain statements adding up to fewer than
    /// <see cref="MinThreadIterations"/> iterations, the bounds read from the values at <paramref name="starts"/>.
    /// </summary>
    private static bool IsSmallConstantWork(IOperation @delegate, IReadOnlyList<IInvocationOperation> starts, WorkCostModel costModel)
    {
        var body = DelegateBody(@delegate);
        var parameters = @delegate switch
        {
            IAnonymousFunctionOperation function => function.Symbol.Parameters,
            IMethodReferenceOperation reference => reference.Method.Parameters,
            _ => default,
        };
        if (body is null || parameters.IsDefault || parameters.Length > 1)
        {
            return false;
        }

        var env = new SmallEnv(costModel);
        if (parameters.Length == 1)
        {
            // new Thread(Work).Start(arg): the parameter holds what every Start call hands in.
            if (starts.Count == 0)
            {
                return false;
            }

            Abstract? joined = null;
            foreach (var start in starts)
            {
                if (start.Arguments.Length != 1 || Evaluate(start.Arguments[0].Value, env, 0) is not { } value)
                {
                    return false;
                }

                joined = joined is null ? value : Abstract.Join(joined, value);
                if (joined is null)
                {
                    return false;
                }
            }

            env[parameters[0].OriginalDefinition] = joined!;
        }

        var work = Work(body, env, costModel, 0);
        return work is { } total && total < MinThreadIterations;
    }

    /// <summary>The iterations <paramref name="operation"/> runs in all, or null when a bound or a call is not known to be small.</summary>
    private static long? Work(IOperation operation, SmallEnv env, WorkCostModel costModel, int depth)
    {
        switch (operation)
        {
            case IAnonymousFunctionOperation or ILocalFunctionOperation:
                return null;
            case IObjectCreationOperation { Constructor: { } constructor } when constructor.DeclaringSyntaxReferences.Length > 0
                                                                              || constructor.ContainingType.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Collections.Generic"):
                // A constructor of this code, or of a library type that may do real work (a hasher, a stream): not known small.
                return null;
            case ILoopOperation loop:
                if (Trips(loop, env) is not { } trips || Work(loop.Body, env, costModel, depth) is not { } inner)
                {
                    return null;
                }

                return Saturate(trips * System.Math.Max(1, inner + 1));
            case IInvocationOperation invocation:
                long total = 1;
                foreach (var child in invocation.ChildOperations)
                {
                    if (Work(child, env, costModel, depth) is not { } part)
                    {
                        return null;
                    }

                    total = Saturate(total + part);
                }

                return CallWork(invocation, env, costModel, depth) is { } call ? Saturate(total + call) : null;
            default:
                long sum = 0;
                foreach (var child in operation.ChildOperations)
                {
                    if (Work(child, env, costModel, depth) is not { } part)
                    {
                        return null;
                    }

                    sum = Saturate(sum + part);
                }

                return sum;
        }
    }

    private static long Saturate(long value) => value < 0 || value > MinThreadIterations * 100 ? MinThreadIterations * 100 : value;

    /// <summary>
    /// A call's own work: a source method followed into its body with its arguments read (a few calls deep); a small
    /// step of a list, set, dictionary, string, <c>Math</c> or the console; anything else unknown.
    /// </summary>
    private static long? CallWork(IInvocationOperation invocation, SmallEnv env, WorkCostModel costModel, int depth)
    {
        var method = invocation.TargetMethod;
        if (method.DeclaringSyntaxReferences.Length > 0)
        {
            if (depth >= SmallWorkCallDepth || !OperationFacts.RunsItsOwnBody(method)
                || costModel.GetBody(method.OriginalDefinition, System.Threading.CancellationToken.None) is not { } body)
            {
                return null;
            }

            var calleeEnv = new SmallEnv(costModel);
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter && Evaluate(argument.Value, env, 0) is { } value)
                {
                    calleeEnv[parameter.OriginalDefinition] = value;
                }
            }

            return Work(body, calleeEnv, costModel, depth + 1);
        }

        var type = method.ContainingType;
        var ns = type?.ContainingNamespace?.ToDisplayString();
        if (type is null || ns is null)
        {
            return null;
        }

        if (ns == "System.Collections.Generic"
            && method.Name is "Add" or "Remove" or "Contains" or "ContainsKey" or "TryGetValue" or "Push" or "Pop" or "Enqueue" or "Dequeue" or "get_Item" or "set_Item" or "get_Count")
        {
            return 1;
        }

        if (ns == "System.Threading" && type.Name == "Thread" && method.IsStatic)
        {
            // Thread.SpinWait(100): a hundred pause instructions, the demonstration's stand-in for work; Sleep and Yield
            // give the core away.
            return method.Name switch
            {
                "SpinWait" when invocation.Arguments.Length == 1 && Evaluate(invocation.Arguments[0].Value, env, 0)?.Number is { } spins && spins.Low >= 0
                    => spins.High,
                "Sleep" or "Yield" => 1,
                _ => null,
            };
        }

        return (ns == "System" && type.Name is "Console" or "Math" or "String" or "Convert" or "Int32" or "Int64" or "Double")
               || (ns == "System.Threading" && (type.Name == "Interlocked" || IsCompletionSignal(type.Name, method.Name)))
            ? 1
            : null;
    }

    /// <summary>
    /// A thread telling others it is done or handing a slot on — <c>countdown.Signal()</c>, <c>done.Set()</c>,
    /// <c>gate.Release()</c>, <c>Monitor.Exit(o)</c>: one step, whatever the thread waits for elsewhere.
    /// </summary>
    private static bool IsCompletionSignal(string type, string method) => type switch
    {
        "CountdownEvent" => method is "Signal" or "AddCount" or "TryAddCount",
        "ManualResetEvent" or "ManualResetEventSlim" or "AutoResetEvent" or "EventWaitHandle" => method is "Set" or "Reset",
        "SemaphoreSlim" or "Semaphore" or "Mutex" => method is "Release" or "ReleaseMutex",
        "Monitor" => method is "Enter" or "Exit" or "Pulse" or "PulseAll",
        "Volatile" => method is "Read" or "Write",
        _ => false,
    };

    /// <summary>
    /// At most how many times a counting loop runs: <c>for (var i = lo; i &lt; hi; i++)</c> (or <c>&lt;=</c>, or a constant
    /// positive step) whose start and bound are known intervals. Other loops are unknown.
    /// </summary>
    private static long? Trips(ILoopOperation loop, SmallEnv env)
    {
        if (CountingBounds(loop, out var lowest, out var highest, out var step, env))
        {
            var span = highest - lowest + 1;
            return span <= 0 ? 0 : (span + step - 1) / step;
        }

        if (Bisection.IsBinarySearch(loop))
        {
            // while (lo <= hi) { mid = (lo + hi) / 2; … lo = mid + 1; … hi = mid - 1; }: halves an int range each pass.
            return BisectionTrips;
        }

        // for (int r = band.From; r <= band.To; r++) { grid[r, c] = …; }: bounds unknown, but every iteration indexes an
        // array of a constant size with the index, which goes up by one — past the end it would throw.
        return UnitStepIndex(loop) is { } index ? AccessBound(loop.Body, index, env, 0) : null;
    }

    /// <summary>At most how many passes a binary search over a range of 32- or 64-bit indices makes.</summary>
    private const long BisectionTrips = 64;

    /// <summary>The index of <c>for (int i = …; …; i++)</c> that only its step writes, or null.</summary>
    private static ILocalSymbol? UnitStepIndex(ILoopOperation loop)
    {
        if (loop is not IForLoopOperation { Before.Length: 1, AtLoopBottom.Length: 1 } forLoop
            || forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return null;
        }

        var index = declarations[0].Declarators[0].Symbol;
        var step = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        return step is IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target }
               && SymbolEqualityComparer.Default.Equals(target.Local, index)
               && !WrittenInside(forLoop.Body, index)
            ? index
            : null;
    }

    /// <summary>
    /// The length of an array dimension that <paramref name="body"/> indexes with <paramref name="index"/> on every
    /// pass: in a plain statement before any statement that could skip it (a branch, a jump), or in the body of an inner
    /// counting loop that runs at least once. Accesses under <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c> or <c>??</c> do not count.
    /// </summary>
    private static long? AccessBound(IOperation body, ILocalSymbol index, SmallEnv env, int depth)
    {
        if (depth > 3)
        {
            return null;
        }

        var statements = body is IBlockOperation block ? (IEnumerable<IOperation>)block.Operations : new[] { body };
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case IExpressionStatementOperation or IVariableDeclarationGroupOperation:
                    foreach (var operation in OperationFacts.Descendants(statement, enterFunctions: false))
                    {
                        if (operation is IArrayElementReferenceOperation element && !Conditional(element, statement)
                            && Evaluate(element.ArrayReference, env, 0)?.Dimensions is { } dimensions && dimensions.Length == element.Indices.Length)
                        {
                            for (var k = 0; k < dimensions.Length; k++)
                            {
                                if (OperationFacts.StripConversions(element.Indices[k]) is ILocalReferenceOperation used
                                    && SymbolEqualityComparer.Default.Equals(used.Local, index))
                                {
                                    return dimensions[k];
                                }
                            }
                        }
                    }

                    break;
                case IForLoopOperation inner when RunsAtLeastOnce(inner, env):
                    if (AccessBound(inner.Body, index, env, depth + 1) is { } bound)
                    {
                        return bound;
                    }

                    return null;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="operation"/> sits in a part of <paramref name="statement"/> that may not run.</summary>
    private static bool Conditional(IOperation operation, IOperation statement)
    {
        for (var current = operation; current != statement && current.Parent is { } parent; current = parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when conditional.Condition != current:
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary when binary.LeftOperand != current:
                case ICoalesceOperation coalesce when coalesce.Value != current:
                case IConditionalAccessOperation access when access.Operation != current:
                    return true;
            }
        }

        return false;
    }

    /// <summary><c>for (int j = 0; j &lt; 16; j++)</c>: a counting loop whose first test always passes.</summary>
    private static bool RunsAtLeastOnce(IForLoopOperation loop, SmallEnv env)
        => CountingBounds(loop, out _, out _, out _, env, out var start, out var bound, out var inclusive, out var descending)
           && (descending
               ? (inclusive ? start.Low >= bound.High : start.Low > bound.High)
               : (inclusive ? start.High <= bound.Low : start.High < bound.Low));

    /// <summary>
    /// <c>for (int i = start; i &lt; bound; i += step)</c>, or counting down (<c>for (int j = start; j &gt;= bound; j--)</c>,
    /// <paramref name="descending"/>): the lowest and the highest value the index takes, from the
    /// intervals of <c>start</c> and <c>bound</c>; the index written only by the step.
    /// </summary>
    private static bool CountingBounds(ILoopOperation loop, out long lowest, out long highest, out long step, SmallEnv env)
        => CountingBounds(loop, out lowest, out highest, out step, env, out _, out _, out _, out _);

    private static bool CountingBounds(ILoopOperation loop, out long lowest, out long highest, out long step, SmallEnv env, out Interval start, out Interval bound, out bool inclusive, out bool descending)
    {
        lowest = highest = 0;
        step = 1;
        start = bound = default;
        inclusive = false;
        descending = false;
        if (loop is not IForLoopOperation forLoop
            || forLoop.Before.Length != 1
            || forLoop.AtLoopBottom.Length != 1
            || forLoop.Condition is not IBinaryOperation
            {
                OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual,
            } condition
            || forLoop.Before[0] is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1
            || OperationFacts.StripConversions(condition.LeftOperand) is not ILocalReferenceOperation left)
        {
            return false;
        }

        var declarator = declarations[0].Declarators[0];
        var initializer = declarator.Initializer ?? declarations[0].Initializer;
        if (initializer is null || !SymbolEqualityComparer.Default.Equals(left.Local, declarator.Symbol)
            || Evaluate(initializer.Value, env, 0)?.Number is not { } first
            || Evaluate(condition.RightOperand, env, 0)?.Number is not { } last)
        {
            return false;
        }

        // for (i = lo; i < hi; i++) counts up; for (j = hi; j >= lo; j--) counts down: the step must move toward the bound.
        descending = condition.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;
        var stepOperation = forLoop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : forLoop.AtLoopBottom[0];
        switch (stepOperation)
        {
            case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } stepped
                when SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol)
                     && (stepped.Kind == OperationKind.Decrement) == descending:
                step = 1;
                break;
            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target, Value: { } by } compound
                when SymbolEqualityComparer.Default.Equals(target.Local, declarator.Symbol)
                     && compound.OperatorKind == (descending ? BinaryOperatorKind.Subtract : BinaryOperatorKind.Add)
                     && Evaluate(by, env, 0)?.Number is { } stepValue && stepValue.Low > 0:
                step = stepValue.Low;
                break;
            default:
                return false;
        }

        if (WrittenInside(forLoop.Body, declarator.Symbol))
        {
            return false;
        }

        start = first;
        bound = last;
        inclusive = condition.OperatorKind is BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThanOrEqual;
        lowest = descending ? (inclusive ? last.Low : last.Low + 1) : first.Low;
        highest = descending ? first.High : (inclusive ? last.High : last.High - 1);
        return true;
    }

    private static bool WrittenInside(IOperation scope, ILocalSymbol local)
        => OperationFacts.Descendants(scope).Any(o => IsWriteOf(o, local));

    private static bool IsWriteOf(IOperation operation, ILocalSymbol local) => operation switch
    {
        IAssignmentOperation { Target: ILocalReferenceOperation target } => SymbolEqualityComparer.Default.Equals(target.Local, local),
        IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target } => SymbolEqualityComparer.Default.Equals(target.Local, local),
        IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: ILocalReferenceOperation passed } => SymbolEqualityComparer.Default.Equals(passed.Local, local),
        _ => false,
    };

    /// <summary>
    /// What is known of a value: its number's interval, or, for an array or object made with constants, its elements'
    /// interval, its length and its members. Null when anything on the way is not a constant at the start.
    /// </summary>
    private static Abstract? Evaluate(IOperation operation, SmallEnv env, int depth)
    {
        if (depth > SmallWorkValueDepth)
        {
            return null;
        }

        if (operation.ConstantValue is { HasValue: true, Value: { } constant } && operation.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte)
        {
            var number = System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture);
            return Abstract.Of(new Interval(number, number));
        }

        switch (operation)
        {
            case IConversionOperation conversion:
                return Evaluate(conversion.Operand, env, depth + 1);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand, env, depth + 1);
            case IParameterReferenceOperation parameter:
                return env.TryGetValue(parameter.Parameter.OriginalDefinition, out var bound) ? bound : null;
            case ILocalReferenceOperation local:
                return EvaluateLocal(local, env, depth + 1);
            case IBinaryOperation binary:
                return Evaluate(binary.LeftOperand, env, depth + 1)?.Number is { } l && Evaluate(binary.RightOperand, env, depth + 1)?.Number is { } r
                    && Interval.Apply(binary.OperatorKind, l, r) is { } result
                    ? Abstract.Of(result)
                    : null;
            case IArrayCreationOperation { Initializer: { } initializer, DimensionSizes.Length: 1 }:
                Interval? elements = null;
                foreach (var element in initializer.ElementValues)
                {
                    if (Evaluate(element, env, depth + 1)?.Number is not { } value)
                    {
                        return null;
                    }

                    elements = elements is null ? value : Interval.Join(elements.Value, value);
                }

                return new Abstract(null, elements, new long[] { initializer.ElementValues.Length }, null);
            case IArrayCreationOperation { Initializer: null } sized:
                var sizes = new long[sized.DimensionSizes.Length];
                for (var k = 0; k < sizes.Length; k++)
                {
                    if (Evaluate(sized.DimensionSizes[k], env, depth + 1)?.Number is not { } size || size.Low != size.High || size.High < 0)
                    {
                        return null;
                    }

                    sizes[k] = size.High;
                }

                return new Abstract(null, null, sizes, null);
            case IFieldReferenceOperation field:
                return ConstantFields.ValueOf(field) is { } fixedValue && fixedValue is int or long or short or byte
                    ? Abstract.Of(new Interval(System.Convert.ToInt64(fixedValue, System.Globalization.CultureInfo.InvariantCulture), System.Convert.ToInt64(fixedValue, System.Globalization.CultureInfo.InvariantCulture)))
                    : FixedArrayField(field.Field, env.CostModel, depth);
            case IObjectCreationOperation { Initializer: { } objectInitializer, Arguments.Length: 0 }:
                var members = new Dictionary<string, Abstract>();
                foreach (var initialized in objectInitializer.Initializers)
                {
                    if (initialized is ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member: { } member } } assignment
                        && Evaluate(assignment.Value, env, depth + 1) is { } memberValue)
                    {
                        members[member.Name] = memberValue;
                    }
                }

                return new Abstract(null, null, null, members);
            case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                return Evaluate(element.ArrayReference, env, depth + 1)?.Elements is { } held ? Abstract.Of(held) : null;
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } array } when array.Type is IArrayTypeSymbol:
                return Evaluate(array, env, depth + 1)?.Length is { } length ? Abstract.Of(new Interval(length, length)) : null;
            case IMemberReferenceOperation { Instance: { } owner, Member: IPropertySymbol or IFieldSymbol } member:
                return Evaluate(owner, env, depth + 1)?.Members is { } known && known.TryGetValue(member.Member.Name, out var held2) ? held2 : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// A local written once, where it is declared (its initializer's value), or the index of the counting loop that
    /// declares it (from its start to its bound).
    /// </summary>
    private static Abstract? EvaluateLocal(ILocalReferenceOperation reference, SmallEnv env, int depth)
    {
        var local = reference.Local;
        var root = OperationFacts.TreeRoot(reference);
        IVariableDeclaratorOperation? declarator = null;
        foreach (var operation in OperationFacts.Descendants(root))
        {
            if (operation is IVariableDeclaratorOperation candidate && SymbolEqualityComparer.Default.Equals(candidate.Symbol, local))
            {
                declarator = candidate;
            }
        }

        if (declarator is null)
        {
            return null;
        }

        if (declarator.Parent?.Parent is IVariableDeclarationGroupOperation group && group.Parent is IForLoopOperation loop && loop.Before.Contains(group))
        {
            return CountingBounds(loop, out var lowest, out var highest, out _, env) && lowest <= highest
                ? Abstract.Of(new Interval(lowest, highest))
                : null;
        }

        var initializer = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
        if (initializer is null || OperationFacts.Descendants(root).Any(o => IsWriteOf(o, local)))
        {
            return null;
        }

        return Evaluate(initializer.Value, env, depth + 1);
    }

    /// <summary>
    /// An array field made once at its declaration (<c>static int[,] grid = new int[Rows, Cols];</c>, sizes constant) and
    /// never assigned again in its type — readonly, or private so that only its type writes it: its dimensions.
    /// </summary>
    private static Abstract? FixedArrayField(IFieldSymbol field, WorkCostModel costModel, int depth)
    {
        field = field.OriginalDefinition;
        if (field.Type is not IArrayTypeSymbol || field.IsConst || field.DeclaringSyntaxReferences.Length != 1
            || (!field.IsReadOnly && field.DeclaredAccessibility != Accessibility.Private)
            || field.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: ArrayCreationExpressionSyntax creation })
        {
            return null;
        }

        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var name in reference.GetSyntax().DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText == field.Name && ConstantFields.IsWritten(name))
                {
                    return null;
                }
            }
        }

        return costModel.ModelFor(creation.SyntaxTree).GetOperation(creation) is IArrayCreationOperation made
            ? Evaluate(made, new SmallEnv(costModel), depth + 1)
            : null;
    }

    /// <summary>The values known at the thread's start (parameters), and the cost model whose semantic models read other trees.</summary>
    private sealed class SmallEnv : Dictionary<ISymbol, Abstract>
    {
        public SmallEnv(WorkCostModel costModel)
            : base(SymbolEqualityComparer.Default)
        {
            CostModel = costModel;
        }

        public WorkCostModel CostModel { get; }
    }

    /// <summary>A closed integer interval.</summary>
    private readonly struct Interval
    {
        public Interval(long low, long high)
        {
            Low = low;
            High = high;
        }

        public long Low { get; }

        public long High { get; }

        public static Interval Join(Interval a, Interval b) => new(System.Math.Min(a.Low, b.Low), System.Math.Max(a.High, b.High));

        private const long Limit = 1L << 40;

        public static Interval? Apply(BinaryOperatorKind kind, Interval a, Interval b)
        {
            if (System.Math.Abs(a.Low) > Limit || System.Math.Abs(a.High) > Limit || System.Math.Abs(b.Low) > Limit || System.Math.Abs(b.High) > Limit)
            {
                return null;
            }

            switch (kind)
            {
                case BinaryOperatorKind.Add:
                    return new Interval(a.Low + b.Low, a.High + b.High);
                case BinaryOperatorKind.Subtract:
                    return new Interval(a.Low - b.High, a.High - b.Low);
                case BinaryOperatorKind.Multiply:
                    var products = new[] { a.Low * b.Low, a.Low * b.High, a.High * b.Low, a.High * b.High };
                    return new Interval(products.Min(), products.Max());
                case BinaryOperatorKind.Divide when b.Low > 0:
                    var quotients = new[] { a.Low / b.Low, a.Low / b.High, a.High / b.Low, a.High / b.High };
                    return new Interval(quotients.Min(), quotients.Max());
                default:
                    return null;
            }
        }
    }

    /// <summary>What is known of one value (see <see cref="Evaluate"/>).</summary>
    private sealed class Abstract
    {
        public Abstract(Interval? number, Interval? elements, long[]? dimensions, Dictionary<string, Abstract>? members)
        {
            Number = number;
            Elements = elements;
            Dimensions = dimensions;
            Members = members;
        }

        public Interval? Number { get; }

        public Interval? Elements { get; }

        /// <summary>An array's length in each dimension.</summary>
        public long[]? Dimensions { get; }

        /// <summary>An array's <c>Length</c>: its elements in all dimensions.</summary>
        public long? Length => Dimensions is { } dimensions ? dimensions.Aggregate(1L, (a, b) => a * b) : null;

        public Dictionary<string, Abstract>? Members { get; }

        public static Abstract Of(Interval number) => new(number, null, null, null);

        /// <summary>Both values, as one that may be either; members and facts known of only one are dropped.</summary>
        public static Abstract? Join(Abstract a, Abstract b)
        {
            Dictionary<string, Abstract>? members = null;
            if (a.Members is not null && b.Members is not null)
            {
                members = new Dictionary<string, Abstract>();
                foreach (var pair in a.Members)
                {
                    if (b.Members.TryGetValue(pair.Key, out var other) && Join(pair.Value, other) is { } joined)
                    {
                        members[pair.Key] = joined;
                    }
                }
            }

            return new Abstract(
                a.Number is { } an && b.Number is { } bn ? Interval.Join(an, bn) : null,
                a.Elements is { } ae && b.Elements is { } be ? Interval.Join(ae, be) : null,
                a.Dimensions is { } ad && b.Dimensions is { } bd && ad.Length == bd.Length ? ad.Zip(bd, System.Math.Max).ToArray() : null,
                members);
        }
    }
}
