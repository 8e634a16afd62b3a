using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// Static cost model over IOperation: answers "is this code CPU-bound?" with a reason a message can quote.
    /// <list type="bullet">
    /// <item>Loops whose trip count is not a small constant, LINQ pipelines, recursion and known CPU-heavy framework
    /// calls (hashing, compression, regex, sorting, serialisation) make code CPU-bound; nesting adds strength.</item>
    /// <item>I/O and waiting (await, Console, streams, files, sockets, Thread.Sleep, Task.Delay) make it I/O-bound:
    /// a lock around I/O guards a shared resource and is fine.</item>
    /// <item>Calls into methods of the same compilation are summarised once per compilation (memoised, depth-bounded;
    /// a cycle counts as recursion). Calls the model cannot see (virtual, interface, other assemblies) are unknown.</item>
    /// </list>
    /// One instance per compilation, shared by every analyzer: see <see cref="For"/>.
    /// </summary>
    internal sealed class WorkCostModel
    {
        /// <summary>A loop over at most this many iterations (a compile-time constant) counts as light.</summary>
        public const int SmallLoopLimit = 16;

        /// <summary>How many callee summaries may be in progress at once along one call chain.</summary>
        public const int MaxCalleeDepth = 6;

        private const string RecursionReason = "recursion";

        private static readonly ConditionalWeakTable<Compilation, WorkCostModel> Cache = new ConditionalWeakTable<Compilation, WorkCostModel>();

        private readonly KnownTypes _types;
        private readonly ConcurrentDictionary<IMethodSymbol, WorkCost> _summaries =
            new ConcurrentDictionary<IMethodSymbol, WorkCost>(SymbolEqualityComparer.Default);

        private WorkCostModel(KnownTypes types)
        {
            _types = types;
        }

        public static WorkCostModel For(KnownTypes types)
            => Cache.GetValue(types.Compilation, _ => new WorkCostModel(types));

        public WorkCost Analyze(IOperation? root, CancellationToken cancellationToken = default)
            => root is null ? WorkCost.Light : Analyze(ImmutableArray.Create(root), cancellationToken);

        /// <summary>The cost of running <paramref name="operations"/> once, in order.</summary>
        public WorkCost Analyze(IEnumerable<IOperation> operations, CancellationToken cancellationToken = default)
            => AnalyzeCore(operations, new Stack<IMethodSymbol>(), cancellationToken);

        /// <summary>
        /// The cost of <paramref name="operations"/> leaving out loops driven by shared state — a <c>foreach</c> over a field,
        /// a <c>for</c>/<c>while</c> whose condition reads a field — together with their bodies. Under a lock with no parallel
        /// code in sight such a loop is maintenance of the state the lock guards (prune a list, drain a queue, notify
        /// subscribers), not computation that threads queue for. Callees are summarised as usual.
        /// </summary>
        public WorkCost AnalyzeComputation(IEnumerable<IOperation> operations, CancellationToken cancellationToken = default)
            => AnalyzeCore(operations, new Stack<IMethodSymbol>(), cancellationToken, skipStateDrivenLoops: true);

        /// <summary>The memoised summary of a method of this compilation (Unknown when its body is not in source).</summary>
        public WorkCost AnalyzeMethod(IMethodSymbol method, CancellationToken cancellationToken = default)
            => Summarise(method, new Stack<IMethodSymbol>(), cancellationToken);

        private WorkCost Summarise(IMethodSymbol method, Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
        {
            method = method.OriginalDefinition;
            if (_summaries.TryGetValue(method, out var known))
            {
                return known;
            }

            if (callers.Contains(method, SymbolEqualityComparer.Default))
            {
                return new WorkCost(WorkKind.CpuBound, RecursionReason, WorkCost.NestedStrength);
            }

            if (callers.Count >= MaxCalleeDepth)
            {
                return WorkCost.Unknown("call chain too deep");
            }

            var body = GetBody(method, cancellationToken);
            if (body is null)
            {
                return WorkCost.Unknown("no source for '" + method.Name + "'");
            }

            callers.Push(method);
            var summary = AnalyzeCore(ImmutableArray.Create(body), callers, cancellationToken);
            callers.Pop();
            return _summaries.GetOrAdd(method, summary);
        }

        /// <summary>The operation tree of a source method's body (block or expression), or null.</summary>
        public IOperation? GetBody(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.Length == 0)
            {
                return null;
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax(cancellationToken);
                if (!_types.Compilation.ContainsSyntaxTree(node.SyntaxTree))
                {
                    continue;
                }

#pragma warning disable RS1030 // Callee summaries need the operation tree of another method; memoised once per method and compilation.
                var model = _types.Compilation.GetSemanticModel(node.SyntaxTree);
#pragma warning restore RS1030
                var operation = model.GetOperation(node, cancellationToken);
                switch (operation)
                {
                    case IMethodBodyBaseOperation { BlockBody: { } block }:
                        return block;
                    case IMethodBodyBaseOperation { ExpressionBody: { } expression }:
                        return expression;
                    case ILocalFunctionOperation { Body: { } localBody }:
                        return localBody;
                    case IAnonymousFunctionOperation { Body: { } lambdaBody }:
                        return lambdaBody;
                }
            }

            return null;
        }

        private WorkCost AnalyzeCore(IEnumerable<IOperation> operations, Stack<IMethodSymbol> callers, CancellationToken cancellationToken, bool skipStateDrivenLoops = false)
        {
            var walk = new Walk(callers, cancellationToken) { SkipStateDrivenLoops = skipStateDrivenLoops };
            foreach (var operation in operations)
            {
                Visit(operation, 0, walk);
            }

            return walk.Result();
        }

        private sealed class Walk
        {
            public Walk(Stack<IMethodSymbol> callers, CancellationToken cancellationToken)
            {
                Callers = callers;
                CancellationToken = cancellationToken;
            }

            public Stack<IMethodSymbol> Callers { get; }

            public CancellationToken CancellationToken { get; }

            public bool SkipStateDrivenLoops { get; set; }

            public int MaxLoopDepth { get; private set; }

            public string? LoopReason { get; private set; }

            public int HeavyStrength { get; private set; }

            public string? HeavyReason { get; private set; }

            public string? IoReason { get; set; }

            public bool SawUnknown { get; set; }

            public void Loop(int depth, string reason)
            {
                if (depth > MaxLoopDepth)
                {
                    MaxLoopDepth = depth;
                    LoopReason ??= reason;
                }
            }

            public void Heavy(int strength, string reason)
            {
                if (strength > HeavyStrength)
                {
                    HeavyStrength = strength;
                    HeavyReason = reason;
                }
            }

            public WorkCost Result()
            {
                if (IoReason is not null)
                {
                    return new WorkCost(WorkKind.IoBound, IoReason);
                }

                if (MaxLoopDepth == 0 && HeavyStrength == 0)
                {
                    return SawUnknown ? WorkCost.Unknown("calls code the model cannot see") : WorkCost.Light;
                }

                if (HeavyStrength > MaxLoopDepth)
                {
                    return new WorkCost(WorkKind.CpuBound, HeavyReason!, HeavyStrength);
                }

                var reason = MaxLoopDepth >= 2 ? "nested loop, " + MaxLoopDepth + " levels" : LoopReason ?? "loop";
                return new WorkCost(WorkKind.CpuBound, reason, MaxLoopDepth);
            }
        }

        private void Visit(IOperation operation, int loopDepth, Walk walk)
        {
            if (walk.IoReason is not null)
            {
                return;
            }

            walk.CancellationToken.ThrowIfCancellationRequested();
            switch (operation)
            {
                case IAwaitOperation:
                    walk.IoReason = "await";
                    return;
                case ILocalFunctionOperation:
                    // A declaration runs nothing; calls to it are summarised where they happen.
                    return;
                case IAnonymousFunctionOperation lambda when !MayRunWhereCreated(lambda):
                    // Creating a delegate runs nothing: a lambda stored in a field or local, or handed to a
                    // constructor (new Timer(_ => Work(), ...), new Thread(...)) runs later, elsewhere.
                    return;
                case IInvocationOperation invocation:
                    VisitInvocation(invocation, loopDepth, walk);
                    return;
                case ILoopOperation loop when walk.SkipStateDrivenLoops && IsStateDriven(loop):
                    return;
                case ILoopOperation loop when !IsSmallConstantLoop(loop):
                    loopDepth++;
                    walk.Loop(loopDepth, DescribeLoop(loop));
                    break;
            }

            VisitChildren(operation, loopDepth, walk);
        }

        /// <summary>
        /// Whether a lambda may run where it is written: only when it is an argument of a method call (LINQ operators,
        /// List.ForEach, Array.Sort comparisons and the like call it before returning).
        /// </summary>
        private static bool MayRunWhereCreated(IAnonymousFunctionOperation lambda)
        {
            var parent = lambda.Parent;
            while (parent is IDelegateCreationOperation or IConversionOperation)
            {
                parent = parent.Parent;
            }

            return parent is IArgumentOperation { Parent: IInvocationOperation };
        }

        private void VisitChildren(IOperation operation, int loopDepth, Walk walk)
        {
            foreach (var child in operation.ChildOperations)
            {
                Visit(child, loopDepth, walk);
            }
        }

        private void VisitInvocation(IInvocationOperation invocation, int loopDepth, Walk walk)
        {
            var method = invocation.TargetMethod;
            var classification = Classify(method, invocation.Instance?.Type);
            switch (classification)
            {
                case CallKind.Io:
                    walk.IoReason = Display(method);
                    return;
                case CallKind.Light:
                    break;
                case CallKind.Heavy:
                    walk.Heavy(loopDepth + WorkCost.LoopStrength, Display(method) + " (" + HeavyCategory(method) + ")");
                    break;
                case CallKind.Linq:
                    VisitLinq(invocation, loopDepth, walk);
                    return;
                case CallKind.Source:
                    var summary = Summarise(method, walk.Callers, walk.CancellationToken);
                    switch (summary.Kind)
                    {
                        case WorkKind.IoBound:
                            walk.IoReason = "calls '" + method.Name + "' (" + summary.Reason + ")";
                            return;
                        case WorkKind.CpuBound:
                            walk.Heavy(loopDepth + summary.Strength, DescribeCall(method.Name, summary.Reason));
                            break;
                        case WorkKind.Unknown:
                            walk.SawUnknown = true;
                            break;
                    }

                    break;
                default:
                    walk.SawUnknown = true;
                    break;
            }

            VisitChildren(invocation, loopDepth, walk);
        }

        /// <summary>
        /// A LINQ operator iterates its source: one loop level for the whole chain (a.Where().Select().Sum() is one
        /// pass), one more for work inside its lambdas.
        /// </summary>
        private void VisitLinq(IInvocationOperation invocation, int loopDepth, Walk walk)
        {
            var depth = loopDepth + 1;
            walk.Loop(depth, "LINQ pipeline");
            var isFirst = true;
            foreach (var argument in invocation.Arguments)
            {
                // The source of an extension call is the chain before it: same pass, same depth.
                Visit(argument.Value, isFirst && invocation.TargetMethod.IsExtensionMethod ? loopDepth : depth, walk);
                isFirst = false;
            }

            if (invocation.Instance is not null)
            {
                Visit(invocation.Instance, loopDepth, walk);
            }
        }

        private enum CallKind
        {
            Unknown,
            Light,
            Io,
            Heavy,
            Linq,
            Source,
        }

        private CallKind Classify(IMethodSymbol method, ITypeSymbol? receiverType)
        {
            var type = method.ContainingType;
            if (type is null)
            {
                return CallKind.Unknown;
            }

            if (receiverType is INamedTypeSymbol receiver && IsInMemoryIo(receiver))
            {
                return CallKind.Light;
            }

            // Every type test here checks the simple name first: it is necessary for KnownTypes.Is, and it keeps the model
            // from resolving framework types (a walk over every referenced assembly each) for code that never uses them.
            var typeName = type.Name;
            if ((typeName == "Console" && KnownTypes.Is(type, _types.Console))
                || (typeName == "Thread" && (method.Name == "Sleep" || method.Name == "Join") && KnownTypes.Is(type, _types.Thread))
                || (typeName == "Task" && (method.Name == "Delay" || method.Name == "Wait" || method.Name == "WaitAll" || method.Name == "WaitAny")
                    && KnownTypes.Is(type, _types.Task)))
            {
                return CallKind.Io;
            }

            if (IsHeavyFramework(method))
            {
                return CallKind.Heavy;
            }

            if ((typeName == "Enumerable" && KnownTypes.Is(type, _types.Enumerable))
                || (typeName == "ParallelEnumerable" && KnownTypes.Is(type, _types.ParallelEnumerable)))
            {
                return CallKind.Linq;
            }

            if (IsStreamLike(type) || IsIoNamespace(type))
            {
                return CallKind.Io;
            }

            if (method.MethodKind == MethodKind.LocalFunction
                || (!method.IsVirtual && !method.IsAbstract && !method.IsOverride && type.TypeKind != TypeKind.Interface
                    && method.DeclaringSyntaxReferences.Length > 0))
            {
                return method.IsExtern ? CallKind.Unknown : CallKind.Source;
            }

            return type.ContainingNamespace?.ToDisplayString() is { } ns && ns.StartsWith("System", StringComparison.Ordinal)
                ? CallKind.Light
                : CallKind.Unknown;
        }

        private bool IsHeavyFramework(IMethodSymbol method)
        {
            var type = method.ContainingType;
            var typeName = type.Name;
            if (method.Name == "Sort"
                && ((typeName == "Array" && KnownTypes.Is(type, _types.Array)) || (typeName == "List" && KnownTypes.Is(type, _types.List))))
            {
                return true;
            }

            if (typeName == "Regex" && KnownTypes.Is(type, _types.Regex))
            {
                return method.Name != "Escape" && method.Name != "Unescape" && method.MethodKind == MethodKind.Ordinary;
            }

            if (typeName == "BigInteger" && KnownTypes.Is(type, _types.BigInteger))
            {
                return method.Name == "Pow" || method.Name == "ModPow";
            }

            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System.Security.Cryptography")
            {
                return method.MethodKind == MethodKind.Ordinary && !method.Name.StartsWith("Create", StringComparison.Ordinal);
            }

            if (ns == "System.IO.Compression")
            {
                return method.MethodKind == MethodKind.Ordinary && (method.Name.StartsWith("Write", StringComparison.Ordinal)
                    || method.Name.StartsWith("Read", StringComparison.Ordinal) || method.Name.StartsWith("Copy", StringComparison.Ordinal)
                    || method.Name.StartsWith("Compress", StringComparison.Ordinal) || method.Name.StartsWith("Decompress", StringComparison.Ordinal)
                    || method.Name.StartsWith("TryCompress", StringComparison.Ordinal) || method.Name.StartsWith("TryDecompress", StringComparison.Ordinal));
            }

            if (ns == "System.Text.Json" && type.Name == "JsonSerializer")
            {
                return true;
            }

            return false;
        }

        private string HeavyCategory(IMethodSymbol method)
        {
            var type = method.ContainingType;
            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            if (ns == "System.Security.Cryptography")
            {
                return "hashing/cryptography";
            }

            if (ns == "System.IO.Compression")
            {
                return "compression";
            }

            if (type.Name == "Regex" && KnownTypes.Is(type, _types.Regex))
            {
                return "regex";
            }

            if (method.Name == "Sort")
            {
                return "sorting";
            }

            if (type.Name == "BigInteger" && KnownTypes.Is(type, _types.BigInteger))
            {
                return "big-number arithmetic";
            }

            return "serialisation";
        }

        /// <summary>MemoryStream, StringWriter, StringReader (and types derived from them) do no I/O.</summary>
        private bool IsInMemoryIo(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                var name = t.Name;
                if ((name == "MemoryStream" && KnownTypes.Is(t, _types.MemoryStream))
                    || ((name == "StringWriter" || name == "StringReader") && t.ContainingNamespace?.ToDisplayString() == "System.IO"))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsStreamLike(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                var name = t.Name;
                if ((name == "Stream" && KnownTypes.Is(t, _types.Stream))
                    || (name == "TextWriter" && KnownTypes.Is(t, _types.TextWriter))
                    || (name == "TextReader" && KnownTypes.Is(t, _types.TextReader)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsIoNamespace(INamedTypeSymbol type)
        {
            var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
            return ns == "System.IO" || ns == "System.IO.Pipes" || ns == "System.IO.MemoryMappedFiles"
                || ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal)
                || ns == "System.Data" || ns.StartsWith("System.Data.", StringComparison.Ordinal)
                || ns.StartsWith("Microsoft.Data.", StringComparison.Ordinal);
        }

        /// <summary>"calls 'A' (for loop)", "calls 'A' → 'B' (nested loop, 2 levels)", "recursion in 'Fib'".</summary>
        private static string DescribeCall(string name, string calleeReason)
        {
            var recursion = "recursion in '" + name + "'";
            if (calleeReason == RecursionReason || calleeReason == recursion)
            {
                return recursion;
            }

            return calleeReason.StartsWith("calls '", StringComparison.Ordinal)
                ? "calls '" + name + "' → " + calleeReason.Substring("calls ".Length)
                : "calls '" + name + "' (" + calleeReason + ")";
        }

        private static string Display(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;

        private static string DescribeLoop(ILoopOperation loop) => loop.LoopKind switch
        {
            LoopKind.For => "for loop",
            LoopKind.ForEach => "foreach loop",
            LoopKind.While => "while loop",
            _ => "loop",
        };

        /// <summary>A loop whose trip count comes from fields: <c>foreach (var x in _items)</c>, <c>while (_queue.Count &gt; 0)</c>.</summary>
        private static bool IsStateDriven(ILoopOperation loop)
        {
            IOperation? driver = loop switch
            {
                IForEachLoopOperation forEach => forEach.Collection,
                IForLoopOperation forLoop => forLoop.Condition,
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                _ => null,
            };
            if (driver is null)
            {
                return false;
            }

            foreach (var operation in driver.DescendantsAndSelf())
            {
                if (operation is IFieldReferenceOperation
                    || operation is IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation or IFieldReferenceOperation })
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsSmallConstantLoop(ILoopOperation loop)
        {
            switch (loop)
            {
                case IForLoopOperation forLoop:
                    // Both ends must be small constants: `for (k = 0; k < 4; k++)`, not `for (i = n; i > 0; i--)`.
                    return forLoop.Condition is IBinaryOperation condition
                        && (IsSmallConstant(condition.RightOperand) || IsSmallConstant(condition.LeftOperand))
                        && forLoop.Before.Length > 0
                        && forLoop.Before.All(HasSmallConstantInitialValue);
                case IForEachLoopOperation forEach:
                    return FanOutFacts.StripConversions(forEach.Collection) is IArrayCreationOperation { Initializer: { } init } && init.ElementValues.Length <= SmallLoopLimit;
                default:
                    // while / do-while: the trip count is not visible.
                    return false;
            }
        }

        private static bool HasSmallConstantInitialValue(IOperation before)
        {
            switch (before)
            {
                case IVariableDeclarationGroupOperation group:
                    return group.Declarations.All(d => d.Declarators.All(v => v.Initializer is { } init && IsSmallConstant(init.Value))
                        && (d.Initializer is null || IsSmallConstant(d.Initializer.Value)));
                case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation assignment }:
                    return IsSmallConstant(assignment.Value);
                default:
                    return false;
            }
        }

        private static bool IsSmallConstant(IOperation operand)
        {
            var constant = operand.ConstantValue;
            if (!constant.HasValue || constant.Value is null)
            {
                return false;
            }

            switch (constant.Value)
            {
                case int i: return Math.Abs((long)i) <= SmallLoopLimit;
                case long l: return l >= -SmallLoopLimit && l <= SmallLoopLimit;
                case short s: return Math.Abs((int)s) <= SmallLoopLimit;
                case byte b: return b <= SmallLoopLimit;
                case sbyte sb: return Math.Abs((int)sb) <= SmallLoopLimit;
                case uint ui: return ui <= SmallLoopLimit;
                case ulong ul: return ul <= SmallLoopLimit;
                case ushort us: return us <= SmallLoopLimit;
                default: return false;
            }
        }
    }
}
