using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// The whole-range rewrite of a fixed set of explicit threads — possibly with the calling thread running one more part
/// itself — whose parts are calls of one method over ranges that follow one another:
/// <c>var t = new Thread(() =&gt; Scan(a, 0, half)); t.Start(); Scan(a, half, a.Length); t.Join();</c> becomes
/// <c>Parallel.For(0, a.Length, i =&gt; { …the method's loop body… })</c>.
/// </summary>
internal sealed class ExplicitRangePlan
{
    public ExplicitRangePlan(
        IOperation anchor,
        ImmutableArray<IOperation> removed,
        IOperation start,
        IOperation end,
        IMethodSymbol callee,
        IOperation calleeBody,
        ILocalSymbol loopIndex,
        IOperation loopBody,
        ILocalSymbol? accumulator,
        IOperation? accumulatorInitializer,
        ImmutableArray<IOperation> merges,
        ImmutableDictionary<IParameterSymbol, IOperation> arguments)
    {
        Anchor = anchor;
        Removed = removed;
        Start = start;
        End = end;
        Callee = callee;
        CalleeBody = calleeBody;
        LoopIndex = loopIndex;
        LoopBody = loopBody;
        Accumulator = accumulator;
        AccumulatorInitializer = accumulatorInitializer;
        Merges = merges;
        Arguments = arguments;
    }

    /// <summary>The first thread's declaration: the Parallel.For takes its place.</summary>
    public IOperation Anchor { get; }

    /// <summary>The other threads' declarations, the starts, the calling thread's call and the joins.</summary>
    public ImmutableArray<IOperation> Removed { get; }

    /// <summary>Where the first part starts, as one of the calls passes it.</summary>
    public IOperation Start { get; }

    /// <summary>Where the last part ends, as one of the calls passes it.</summary>
    public IOperation End { get; }

    /// <summary>The method every part calls.</summary>
    public IMethodSymbol Callee { get; }

    public IOperation CalleeBody { get; }

    /// <summary>The callee's loop index: the Parallel.For index.</summary>
    public ILocalSymbol LoopIndex { get; }

    public IOperation LoopBody { get; }

    public ILocalSymbol? Accumulator { get; }

    public IOperation? AccumulatorInitializer { get; }

    /// <summary>The callee's statements after its loop that fold the accumulator into shared state.</summary>
    public ImmutableArray<IOperation> Merges { get; }

    /// <summary>What the calls pass for each other parameter the copied code reads (the same value in every call).</summary>
    public ImmutableDictionary<IParameterSymbol, IOperation> Arguments { get; }
}

/// <summary>The explicit-threads range split: see <see cref="ExplicitRangePlan"/>.</summary>
internal static partial class RangeSplit
{
    /// <summary>The detail ThreadFanOut gives a thread whose calling thread runs another part of the same method.</summary>
    public const string CallerRunsPartBlocker = "the calling thread runs one of the parts itself";

    private sealed class ExplicitPart
    {
        public ExplicitPart(IOperation declaration, IInvocationOperation call)
        {
            Declaration = declaration;
            Call = call;
        }

        public IOperation Declaration { get; }

        public IInvocationOperation Call { get; }

        public IOperation? Start { get; set; }

        public IOperation? Join { get; set; }
    }

    /// <summary>
    /// Plans the whole-range rewrite for the explicit threads whose first one is made by <paramref name="launch"/>; null
    /// when it keeps behaviour, else why not. Refused unless: every thread is a local made from a lambda that only calls
    /// the method, started and joined once by statements of the same block and used for nothing else; nothing but making,
    /// starting and joining the threads — and one call of the same method by the calling thread between the last start and
    /// the first join — runs from the first thread's declaration to the last join; the method is a void, non-virtual,
    /// non-generic method or local function of this file whose body is one <c>for (int j = from; j &lt; to; j++)</c> loop over
    /// two of its parameters (with an integer sum accumulator and its merges, as the partition rewrite takes them); the calls
    /// pass the same values for its other parameters; and the parts' ranges follow one another and provably lie in order.
    /// </summary>
    public static string? PlanExplicit(IObjectCreationOperation launch, IOperation root, KnownTypes types, WorkCostModel costModel, out ExplicitRangePlan? plan)
    {
        plan = null;
        if (ThreadDeclaration(StatementOf(launch), types) is null || StatementOf(launch) is not { Parent: IBlockOperation block } first)
        {
            return "a thread is not made from a lambda that only calls a method, in a declaration of its own";
        }

        if (CollectParts(block, first, types, out var threads, out var caller) is { } order)
        {
            return order;
        }

        if (threads.Count == 0 || threads.Values.Any(t => t.Join is null) || threads.Count + (caller is null ? 0 : 1) < 2)
        {
            return "a thread is not started and joined in the block that makes it";
        }

        foreach (var pair in threads)
        {
            // Declared, started and joined: nothing else names the thread.
            var uses = OperationFacts.Descendants(root).OfType<ILocalReferenceOperation>().Count(r => SymbolEqualityComparer.Default.Equals(r.Local, pair.Key));
            if (uses != 2)
            {
                return "the thread '" + pair.Key.Name + "' is used for more than starting and joining it";
            }
        }

        var calls = threads.Values.Select(t => t.Call).ToList();
        if (caller is not null)
        {
            calls.Add((IInvocationOperation)caller.Operation);
        }

        if (CopyableCallee(calls[0], root) is not { } callee
            || calls.Any(c => !SymbolEqualityComparer.Default.Equals(c.TargetMethod, callee.Method)
                              || (c.Instance is not null && c.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })))
        {
            return "the parts do not all call one method of this file (void, not virtual, generic or async) whose body is a block";
        }

        if (ExplicitLoop(callee.Method, callee.Body, types, out var loop) is { } loopBlocker)
        {
            return loopBlocker;
        }

        var (j, from, to, loopBody, accumulator, initializer, merges) = loop!.Value;
        var matcher = new Matcher(root, ImmutableArray<IOperation>.Empty);
        var arguments = ImmutableDictionary.CreateBuilder<IParameterSymbol, IOperation>(SymbolEqualityComparer.Default);
        var ranges = new List<(IOperation From, IOperation To)>();
        if (PartArguments(calls, from, to, root, matcher, arguments, ranges) is { } argumentBlocker)
        {
            return argumentBlocker;
        }

        if (InOrder(matcher, ranges, out var start, out var end) is { } orderBlocker)
        {
            return orderBlocker;
        }

        if (WhyTheWorkStays(loopBody, merges, types, costModel, matcher, start!, end!, arguments) is { } workBlocker)
        {
            return workBlocker;
        }

        var removed = threads.Values.SelectMany(t => new[] { t.Declaration, t.Start!, t.Join! }).Where(s => s != first).ToList();
        if (caller is not null)
        {
            removed.Add(caller);
        }

        plan = new ExplicitRangePlan(first, removed.OrderBy(s => s.Syntax.SpanStart).ToImmutableArray(), start!, end!, callee.Method, callee.Body, j, loopBody, accumulator, initializer, merges, arguments.ToImmutable());
        return null;
    }

    /// <summary>
    /// The threads made from <paramref name="first"/> on in <paramref name="block"/>, each started then joined, and the
    /// calling thread's own call between the last start and the first join; null when they are in that order, else why not.
    /// </summary>
    private static string? CollectParts(IBlockOperation block, IOperation first, KnownTypes types, out Dictionary<ILocalSymbol, ExplicitPart> threads, out IExpressionStatementOperation? caller)
    {
        threads = new Dictionary<ILocalSymbol, ExplicitPart>(SymbolEqualityComparer.Default);
        caller = null;
        var joining = false;
        for (var i = block.Operations.IndexOf(first); i < block.Operations.Length; i++)
        {
            if (threads.Count > 0 && threads.Values.All(t => t.Join is not null))
            {
                break;
            }

            var statement = block.Operations[i];
            if (ThreadDeclaration(statement, types) is { } local)
            {
                if (caller is not null || joining)
                {
                    return "a thread is made after the calling thread ran its part";
                }

                threads[local.Local] = new ExplicitPart(statement, local.Call);
                continue;
            }

            if (ThreadCall(statement, threads) is { } called)
            {
                var (part, name) = called;
                if (name == "Start" && part.Start is null && caller is null && !joining)
                {
                    part.Start = statement;
                    continue;
                }

                if (name == "Join" && part.Start is not null && part.Join is null)
                {
                    joining = true;
                    part.Join = statement;
                    continue;
                }

                return "a thread is started or joined out of order";
            }

            if (caller is null && !joining && threads.Count > 0 && threads.Values.All(t => t.Start is not null)
                && statement is IExpressionStatementOperation { Operation: IInvocationOperation })
            {
                caller = (IExpressionStatementOperation)statement;
                continue;
            }

            return "other code runs between making the threads and joining them";
        }

        return null;
    }

    /// <summary>
    /// Each part's range (the values its call passes for <paramref name="from"/> and <paramref name="to"/>) into
    /// <paramref name="ranges"/>, and the one value all calls pass for each other parameter into <paramref name="arguments"/>;
    /// null when every argument is such a stable, shared value, else why not.
    /// </summary>
    private static string? PartArguments(List<IInvocationOperation> calls, IParameterSymbol from, IParameterSymbol to, IOperation root, Matcher matcher,
        ImmutableDictionary<IParameterSymbol, IOperation>.Builder arguments, List<(IOperation From, IOperation To)> ranges)
    {
        foreach (var call in calls)
        {
            IOperation? partFrom = null;
            IOperation? partTo = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null || !OperationFacts.IsStableValue(argument.Value, root))
                {
                    return "an argument of a part's call is not a value that stays the same while the parts run";
                }

                var parameter = argument.Parameter.OriginalDefinition;
                if (SymbolEqualityComparer.Default.Equals(parameter, from))
                {
                    partFrom = argument.Value;
                }
                else if (SymbolEqualityComparer.Default.Equals(parameter, to))
                {
                    partTo = argument.Value;
                }
                else if (arguments.TryGetValue(parameter, out var seen))
                {
                    if (!matcher.Same(seen, argument.Value))
                    {
                        return "the parts pass different values for '" + parameter.Name + "'";
                    }
                }
                else
                {
                    arguments[parameter] = argument.Value;
                }
            }

            if (partFrom is null || partTo is null)
            {
                return "a part's call does not pass its range";
            }

            ranges.Add((partFrom, partTo));
        }

        return null;
    }

    /// <summary>Why the loop's work cannot run as one Parallel.For: it needs its own thread, waits, or changes what bounds the range.</summary>
    private static string? WhyTheWorkStays(IOperation loopBody, ImmutableArray<IOperation> merges, KnownTypes types, WorkCostModel costModel, Matcher matcher,
        IOperation start, IOperation end, ImmutableDictionary<IParameterSymbol, IOperation>.Builder arguments)
    {
        var copied = new List<IOperation> { loopBody };
        copied.AddRange(merges);
        if (OperationFacts.ThreadAffinity(loopBody, types) is { } affinity)
        {
            return "the work depends on its own thread (" + affinity + ")";
        }

        if (OperationFacts.WaitingCall(loopBody, types, costModel) is { } wait)
        {
            return "the work waits (" + wait + ")";
        }

        return ChangedBound(matcher, start, end, copied, arguments) is { } changed
            ? "the work calls a method of '" + changed + "', whose size bounds the range"
            : null;
    }

    private static IOperation? StatementOf(IOperation operation)
    {
        var current = operation;
        while (current.Parent is not null and not IBlockOperation)
        {
            current = current.Parent;
        }

        return current.Parent is IBlockOperation ? current : null;
    }

    /// <summary><c>var t = new Thread(() =&gt; Work(…));</c>: the local and the call; null for anything else.</summary>
    private static (ILocalSymbol Local, IInvocationOperation Call)? ThreadDeclaration(IOperation? statement, KnownTypes types)
    {
        if (statement is not IVariableDeclarationGroupOperation { Declarations: { Length: 1 } declarations }
            || declarations[0].Declarators.Length != 1)
        {
            return null;
        }

        var declarator = declarations[0].Declarators[0];
        var value = (declarator.Initializer ?? declarations[0].Initializer)?.Value;
        if (value is null
            || OperationFacts.StripConversions(value) is not IObjectCreationOperation { Arguments: { Length: 1 }, Initializer: null } creation
            || !OperationFacts.IsThread(creation.Type, types)
            || creation.Constructor?.Parameters[0].Type.Name != "ThreadStart"
            || OperationFacts.UnwrapDelegate(creation.Arguments[0].Value) is not IAnonymousFunctionOperation { Symbol: { IsAsync: false, Parameters.Length: 0 } } function)
        {
            return null;
        }

        var statements = function.Body.Operations.Where(o => o is not IReturnOperation { IsImplicit: true, ReturnedValue: null }).ToList();
        return statements.Count == 1 && statements[0] is IExpressionStatementOperation { Operation: IInvocationOperation call }
            ? (declarator.Symbol, call)
            : null;
    }

    /// <summary><c>t.Start();</c> / <c>t.Join();</c> on one of the threads, with no arguments.</summary>
    private static (ExplicitPart Part, string Name)? ThreadCall(IOperation statement, Dictionary<ILocalSymbol, ExplicitPart> threads)
    {
        if (statement is IExpressionStatementOperation { Operation: IInvocationOperation { Arguments.Length: 0, TargetMethod.Name: "Start" or "Join", Instance: ILocalReferenceOperation receiver } call }
            && threads.TryGetValue(receiver.Local, out var part))
        {
            return (part, call.TargetMethod.Name);
        }

        return null;
    }

    /// <summary>
    /// The called method and its block body, when it is one a copied loop can come from: a local function or a method
    /// declared in this file, called on this instance or statically (not virtual, generic or async, returning nothing, no
    /// ref or params parameter). Null otherwise.
    /// </summary>
    private static (IMethodSymbol Method, IOperation Body)? CopyableCallee(IInvocationOperation call, IOperation root)
    {
        if (call.TargetMethod is not { ReturnsVoid: true, IsGenericMethod: false, IsAsync: false, IsVirtual: false, IsAbstract: false, IsOverride: false, IsExtern: false } method
            || method.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams)
            || (call.Instance is not null && call.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            || method.DeclaringSyntaxReferences.Length != 1
            || method.DeclaringSyntaxReferences[0].SyntaxTree != root.Syntax.SyntaxTree)
        {
            return null;
        }

        IOperation? body = null;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            body = OperationFacts.Descendants(root).OfType<ILocalFunctionOperation>().FirstOrDefault(f => SymbolEqualityComparer.Default.Equals(f.Symbol, method))?.Body;
        }
        else if (method.MethodKind == MethodKind.Ordinary && root.SemanticModel is { } model)
        {
            body = model.GetOperation(method.DeclaringSyntaxReferences[0].GetSyntax()) is IMethodBodyOperation { BlockBody: { } block } ? block : null;
        }

        return body is IBlockOperation ? (method, body) : null;
    }

    /// <summary>
    /// The callee's one range loop: <c>for (int j = from; j &lt; to; j++)</c> over two parameters nothing writes, with a
    /// body safe to spread over workers, declarations before it that only compute (one may be an integer sum accumulator
    /// starting at zero) and only the accumulator's merges after it. Null when it is one, else why not.
    /// </summary>
    private static string? ExplicitLoop(IMethodSymbol callee, IOperation body, KnownTypes types, out (ILocalSymbol J, IParameterSymbol From, IParameterSymbol To, IOperation LoopBody, ILocalSymbol? Accumulator, IOperation? Initializer, ImmutableArray<IOperation> Merges)? loop)
    {
        loop = null;
        const string notOneLoop = "the method the parts call is not one loop over a range it is given";
        var statements = ((IBlockOperation)body).Operations.Where(o => o is not IReturnOperation { IsImplicit: true, ReturnedValue: null }).ToImmutableArray();
        var loops = statements.OfType<IForLoopOperation>().ToList();
        if (loops.Count != 1 || !IsCountingLoop(loops[0], out var j, out var start, out var end)
            || OperationFacts.StripConversions(start) is not IParameterReferenceOperation { Parameter: var from }
            || OperationFacts.StripConversions(end) is not IParameterReferenceOperation { Parameter: var to }
            || SymbolEqualityComparer.Default.Equals(from, to)
            || from.Type.SpecialType != SpecialType.System_Int32
            || to.Type.SpecialType != SpecialType.System_Int32)
        {
            return notOneLoop;
        }

        if (OperationFacts.Descendants(body).Any(o => o is IParameterReferenceOperation reference && OperationFacts.IsWrite(reference)))
        {
            return "the method the parts call changes one of its parameters";
        }

        var position = statements.IndexOf(loops[0]);
        var locals = LocalsDeclaredBefore(statements, position);
        if (locals is null
            || statements.Take(position).Any(s => OperationFacts.Descendants(s).Any(o => o is IInvocationOperation or IObjectCreationOperation or IAnonymousFunctionOperation
                                                                                            or IAssignmentOperation or IIncrementOrDecrementOperation or IAwaitOperation)))
        {
            return "the method the parts call does more than declare values before its loop";
        }

        var loopBody = loops[0].Body;
        if (!TryFindAccumulator(loopBody, from, locals, j, out var accumulator) || OperationFacts.References(loopBody, to))
        {
            return "the loop's iterations cannot be spread over workers (they jump out, write shared locals or fields, or read the range)";
        }

        IOperation? initializer = null;
        if (accumulator is not null && (initializer = IntegralSumStart(accumulator, statements)) is null)
        {
            return "the loop's accumulator is not an integer sum starting at zero";
        }

        var merges = statements.Skip(position + 1).ToImmutableArray();
        if (!AreMergesOnly(merges, accumulator, from, locals, types) || merges.Any(m => OperationFacts.References(m, to)))
        {
            return "the method the parts call does more after its loop than add its sum to shared state";
        }

        loop = (j, from.OriginalDefinition, to.OriginalDefinition, loopBody, accumulator, initializer, merges);
        return null;
    }

    /// <summary>
    /// Orders the parts so that each starts where the one before ends; <paramref name="start"/> and <paramref name="end"/>
    /// are the whole range. Null when they do and every bound provably lies between its neighbours (so the parts together run
    /// exactly the indices of the whole range, for any sizes), else why not.
    /// </summary>
    private static string? InOrder(Matcher m, List<(IOperation From, IOperation To)> parts, out IOperation? start, out IOperation? end)
    {
        start = null;
        end = null;
        const string notFollowing = "the parts' ranges do not follow one another";
        var firsts = parts.Where(p => !parts.Any(q => q != p && m.Same(q.To, p.From))).ToList();
        if (firsts.Count != 1)
        {
            return notFollowing;
        }

        var ordered = new List<(IOperation From, IOperation To)> { firsts[0] };
        while (ordered.Count < parts.Count)
        {
            var last = ordered[ordered.Count - 1];
            var next = parts.Where(p => !ordered.Contains(p) && m.Same(p.From, last.To)).ToList();
            if (next.Count != 1)
            {
                return notFollowing;
            }

            ordered.Add(next[0]);
        }

        var bounds = new List<IOperation> { ordered[0].From };
        bounds.AddRange(ordered.Select(p => p.To));
        start = bounds[0];
        end = bounds[bounds.Count - 1];
        if (start.Type?.SpecialType != SpecialType.System_Int32 || end.Type?.SpecialType != SpecialType.System_Int32)
        {
            return "the range is not one of int indices";
        }

        if (bounds.Count == 3 && IsMidpoint(m, bounds[0], bounds[1], bounds[2]))
        {
            return null;
        }

        return m.IsConstant(start, 0) && AreFractionsInOrder(m, bounds, end) ? null : "the parts' bounds may not lie in order";
    }

    /// <summary><c>(lo + hi) / 2</c> or <c>lo + (hi - lo) / c</c>: between lo and hi when lo &lt;= hi, and making both halves empty otherwise.</summary>
    private static bool IsMidpoint(Matcher m, IOperation lo, IOperation mid, IOperation hi)
    {
        if (m.IsBinary(mid, BinaryOperatorKind.Divide, out var sum, out var two) && m.IsConstant(two, 2)
            && m.IsBinary(sum, BinaryOperatorKind.Add, out var a, out var b))
        {
            return (m.Same(a, lo) && m.Same(b, hi)) || (m.Same(a, hi) && m.Same(b, lo));
        }

        if (m.IsBinary(mid, BinaryOperatorKind.Add, out a, out b))
        {
            var step = m.Same(a, lo) ? b : m.Same(b, lo) ? a : null;
            return step is not null
                   && m.IsBinary(step, BinaryOperatorKind.Divide, out var width, out var divisor) && Positive(m, divisor) is not null
                   && m.IsBinary(width, BinaryOperatorKind.Subtract, out var x, out var y) && m.Same(x, hi) && m.Same(y, lo);
        }

        return false;
    }

    /// <summary>
    /// Bounds <c>0 … n</c> that are all fractions of <c>n</c> of one form — <c>k * n / c</c> (also <c>n / c</c>) or
    /// <c>n / c * k</c> (one c) — with fractions from 0 to 1 that never decrease: for n &gt;= 0 each bound is then at most
    /// the next, and for n &lt; 0 every part and the whole range are empty.
    /// </summary>
    private static bool AreFractionsInOrder(Matcher m, List<IOperation> bounds, IOperation n)
    {
        string? form = null;
        long chunkDivisor = 0;
        long previousK = 0;
        long previousC = 1;
        foreach (var bound in bounds)
        {
            if (Fraction(m, bound, n, out var k, out var c, out var boundForm) is false)
            {
                return false;
            }

            if (boundForm is not null)
            {
                if (form is not null && form != boundForm)
                {
                    return false;
                }

                form = boundForm;
                if (boundForm == "chunk")
                {
                    if (chunkDivisor != 0 && chunkDivisor != c)
                    {
                        return false;
                    }

                    chunkDivisor = c;
                }
            }

            // k / c within [0, 1] and at least the previous fraction.
            if (k < 0 || k > c || k * previousC < previousK * c)
            {
                return false;
            }

            previousK = k;
            previousC = c;
        }

        return true;
    }

    /// <summary>The bound as a fraction k / c of n; the form is null for 0 and n themselves.</summary>
    private static bool Fraction(Matcher m, IOperation bound, IOperation n, out long k, out long c, out string? form)
    {
        k = 0;
        c = 1;
        form = null;
        if (m.IsConstant(bound, 0))
        {
            return true;
        }

        if (m.Same(bound, n))
        {
            k = 1;
            return true;
        }

        if (m.IsBinary(bound, BinaryOperatorKind.Divide, out var numerator, out var divisor) && Positive(m, divisor) is { } d)
        {
            c = d;
            form = "scaled";
            if (m.Same(numerator, n))
            {
                k = 1;
                return true;
            }

            if (m.IsBinary(numerator, BinaryOperatorKind.Multiply, out var x, out var y))
            {
                var factor = m.Same(x, n) ? Positive(m, y) : m.Same(y, n) ? Positive(m, x) : null;
                if (factor is { } f)
                {
                    k = f;
                    return true;
                }
            }

            return false;
        }

        if (m.IsBinary(bound, BinaryOperatorKind.Multiply, out var left, out var right))
        {
            var chunk = Positive(m, left) is not null ? right : left;
            var times = Positive(m, left) ?? Positive(m, right);
            if (times is { } t && m.IsBinary(chunk, BinaryOperatorKind.Divide, out var num, out var den) && m.Same(num, n) && Positive(m, den) is { } cd)
            {
                k = t;
                c = cd;
                form = "chunk";
                return true;
            }
        }

        return false;
    }

    private static long? Positive(Matcher m, IOperation operation)
        => m.Resolve(operation).ConstantValue is { HasValue: true, Value: int value } && value > 0 ? value : null;

    /// <summary>
    /// The name of a collection whose <c>Count</c> bounds the range (read once by Parallel.For, by each part before) when the
    /// copied code calls a method on it — it could then change the count; null when it does not.
    /// </summary>
    private static string? ChangedBound(Matcher m, IOperation start, IOperation end, List<IOperation> copied, ImmutableDictionary<IParameterSymbol, IOperation>.Builder arguments)
    {
        var sized = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<IOperation>(new[] { start, end });
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            foreach (var operation in OperationFacts.Descendants(pending.Pop()))
            {
                if (operation is IPropertyReferenceOperation { Property.Name: "Count", Instance: { } instance }
                    && OperationFacts.ReferencedSymbol(OperationFacts.StripConversions(instance)) is { } owner)
                {
                    sized.Add(owner);
                }
                else if (operation is ILocalReferenceOperation local && m.Initializer(local.Local) is { } initial)
                {
                    pending.Push(initial);
                }
            }
        }

        if (sized.Count == 0)
        {
            return null;
        }

        foreach (var operation in copied.SelectMany(c => OperationFacts.Descendants(c)))
        {
            if (operation is not IInvocationOperation { Instance: { } receiver })
            {
                continue;
            }

            var target = OperationFacts.StripConversions(receiver);
            if (target is IParameterReferenceOperation parameter && arguments.TryGetValue(parameter.Parameter.OriginalDefinition, out var passed))
            {
                target = OperationFacts.StripConversions(passed);
            }

            if (OperationFacts.ReferencedSymbol(target) is { } symbol && sized.Contains(symbol))
            {
                return symbol.Name;
            }
        }

        return null;
    }
}
