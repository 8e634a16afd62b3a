using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

internal static partial class ThreadFanOut
{
    /// <summary>Everything done with the threads of one handle in the function: starts, joins, configuration.</summary>
    private sealed class ThreadUsage
    {
        public List<IInvocationOperation> Starts { get; } = new List<IInvocationOperation>();

        public List<IInvocationOperation> Joins { get; } = new List<IInvocationOperation>();

        /// <summary><c>IsAlive</c> reads in the condition of a loop that only sleeps or yields until the threads end: a join by polling.</summary>
        public List<IOperation> PollJoins { get; } = new List<IOperation>();

        /// <summary>Whether the function waits for the threads to end, with <c>Join</c> or by polling <c>IsAlive</c>.</summary>
        public bool WaitedFor => Joins.Count > 0 || PollJoins.Count > 0;

        private bool _notACpuWorker;

        /// <summary>
        /// STA / message-loop threads, and background threads nothing joins: not CPU workers at all (no diagnostic). A
        /// background thread that the function (or, for threads kept in a field, the type) joins is waited for like any
        /// worker: being a background thread only matters to a process that exits without waiting.
        /// </summary>
        public bool NotACpuWorker
        {
            get => _notACpuWorker || (Background && !WaitedFor);
            set => _notACpuWorker = value;
        }

        /// <summary>The threads' <c>IsBackground</c> is set.</summary>
        public bool Background { get; private set; }

        public string? FixBlocker { get; set; }

        /// <summary>Statements in the creation loop that only start the thread or add it to the list.</summary>
        public HashSet<IOperation> LoopBookkeeping { get; } = new HashSet<IOperation>();

        /// <summary>Start / join statements (or single-purpose loops) outside the creation loop.</summary>
        public List<IOperation> OutsideStatements { get; } = new List<IOperation>();

        public IOperation? StartArgumentInLoop { get; set; }

        public bool HasStartArgumentOutsideLoop { get; set; }

        public IOperation? CollectionDeclaration { get; set; }

        public static ThreadUsage Collect(ThreadHandle handle, IOperation root, KnownTypes types)
        {
            var collector = new Collector(handle, types);
            collector.Run(root);
            var usage = collector.Usage;
            if (handle.Site is IObjectCreationOperation { Initializer: { } initializer }
                && initializer.Initializers.Any(m => m is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "IsBackground" } }))
            {
                // new Thread(Work) { IsBackground = true }: the same as setting it by a statement (see ThreadProperty).
                usage.Background = true;
                usage.FixBlocker ??= "the threads are background threads";
            }

            foreach (var expression in collector.ThreadExpressions)
            {
                usage.Classify(expression, handle, types);
            }

            return usage;
        }

        /// <summary>
        /// Follows the threads from where they are stored to where they are started and joined: elements of the
        /// collection, foreach variables, <c>Keys</c> / <c>Values</c> / <c>Key</c>, <c>Dequeue()</c>, <c>ToArray()</c>,
        /// lambda parameters of <c>ForEach(t =&gt; t.Join())</c>, helpers that take the collection (<c>JoinAll(threads)</c>).
        /// Only the shapes the rewrite knows leave <see cref="FixBlocker"/> unset.
        /// </summary>
        private sealed class Collector
        {
            private const int MaxExtraScopes = 4;
            private readonly ThreadHandle _handle;
            private readonly KnownTypes _types;
            private readonly HashSet<ISymbol> _threadSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _containerSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<ISymbol> _holderSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            private readonly HashSet<IOperation> _seenThreads = new HashSet<IOperation>();
            private readonly HashSet<IOperation> _seenContainers = new HashSet<IOperation>();
            private readonly List<IOperation> _extraScopes = new List<IOperation>();

            public Collector(ThreadHandle handle, KnownTypes types)
            {
                _handle = handle;
                _types = types;
                if (handle.Collection is not null)
                {
                    _containerSymbols.Add(handle.Collection);
                }

                if (handle.Local is not null)
                {
                    _threadSymbols.Add(handle.Local);
                }
            }

            public ThreadUsage Usage { get; } = new ThreadUsage();

            public List<IOperation> ThreadExpressions { get; } = new List<IOperation>();

            private string CollectionBlocker => "the thread collection '" + (_handle.Collection?.Name ?? "?") + "' is used for more than starting and joining";

            public void Run(IOperation root)
            {
                var all = new List<IOperation>();
                foreach (var scope in Scopes(root))
                {
                    all.AddRange(OperationFacts.Descendants(scope));
                }

                // The creation stored and started in one expression: (threads[i] = new Thread(...)).Start();
                var parent = _handle.Site.Parent;
                while (parent is IConversionOperation)
                {
                    parent = parent.Parent;
                }

                if (parent is ISimpleAssignmentOperation stored && stored.Parent is IInvocationOperation started && started.Instance == stored)
                {
                    AddThread(stored);
                }
                else if (parent is IInvocationOperation { TargetMethod: { Name: "Start" } } direct && direct.Instance is not null
                         && OperationFacts.StripConversions(direct.Instance) == _handle.Site)
                {
                    // new Thread(...).Start(): the creation itself is the only reference to the thread.
                    AddThread(_handle.Site);
                }

                var scopesAdded = 0;
                for (var pass = 0; pass < 4; pass++)
                {
                    var known = _threadSymbols.Count + _containerSymbols.Count + _holderSymbols.Count;
                    foreach (var operation in all)
                    {
                        if (operation is IVariableDeclaratorOperation declarator)
                        {
                            if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, _handle.Collection))
                            {
                                Usage.CollectionDeclaration = declarator.Parent?.Parent;
                            }

                            continue;
                        }

                        var symbol = Referenced(operation);
                        if (symbol is null)
                        {
                            continue;
                        }

                        if (_holderSymbols.Contains(symbol))
                        {
                            Holder(operation);
                        }
                        else if (_containerSymbols.Contains(symbol))
                        {
                            Container(operation, SymbolEqualityComparer.Default.Equals(symbol, _handle.Collection));
                        }
                        else if (_threadSymbols.Contains(symbol) && !OperationFacts.IsWrite(operation))
                        {
                            AddThread(operation);
                        }
                    }

                    while (scopesAdded < _extraScopes.Count)
                    {
                        all.AddRange(OperationFacts.Descendants(_extraScopes[scopesAdded++]));
                    }

                    if (known == _threadSymbols.Count + _containerSymbols.Count + _holderSymbols.Count && scopesAdded == _extraScopes.Count && pass > 0)
                    {
                        break;
                    }
                }

                ThreadExpressions.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));
            }

            /// <summary>The function, or for threads kept in a field every method and accessor of the type (in this file).</summary>
            private IEnumerable<IOperation> Scopes(IOperation root)
            {
                if (_handle.Collection is IParameterSymbol { ContainingSymbol: IMethodSymbol filler } parameter && _handle.Site.SemanticModel is { } callerModel)
                {
                    // FillThreads(threads) / JoinThreads(threads) called one after the other on a local array: the function
                    // fills the collection its caller hands in, and the callers are where it is joined.
                    yield return root;
                    foreach (var caller in CallersHandingInALocal(filler, parameter, callerModel))
                    {
                        yield return caller;
                    }

                    yield break;
                }

                if (_handle.Collection is not IFieldSymbol field || _handle.Site.SemanticModel is not { } model)
                {
                    yield return root;
                    yield break;
                }

                foreach (var body in BodiesInThisFile(field.ContainingType, model, accessors: true))
                {
                    yield return body;
                }
            }

            /// <summary>The bodies of the methods (and, with <paramref name="accessors"/>, the property accessors) of <paramref name="owner"/>'s declarations in this file.</summary>
            private IEnumerable<IOperation> BodiesInThisFile(INamedTypeSymbol owner, SemanticModel model, bool accessors)
            {
                var tree = _handle.Site.Syntax.SyntaxTree;
                foreach (var reference in owner.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree != tree || reference.GetSyntax() is not TypeDeclarationSyntax type)
                    {
                        continue;
                    }

                    foreach (var member in type.Members)
                    {
                        switch (member)
                        {
                            case BaseMethodDeclarationSyntax method when model.GetOperation(method) is { } body:
                                yield return body;
                                break;
                            case BasePropertyDeclarationSyntax { AccessorList: { } list } when accessors:
                                foreach (var accessor in list.Accessors)
                                {
                                    if (model.GetOperation(accessor) is { } accessorBody)
                                    {
                                        yield return accessorBody;
                                    }
                                }

                                break;
                        }
                    }
                }
            }

            /// <summary>
            /// The bodies of the methods of <paramref name="filler"/>'s type (in this file) that call it with a local for
            /// <paramref name="parameter"/>; each such local joins the thread containers followed there.
            /// </summary>
            private IEnumerable<IOperation> CallersHandingInALocal(IMethodSymbol filler, IParameterSymbol parameter, SemanticModel model)
            {
                var callers = 0;
                foreach (var body in BodiesInThisFile(filler.ContainingType, model, accessors: false))
                {
                    var handsIn = false;
                    foreach (var operation in OperationFacts.Descendants(body, enterFunctions: false))
                    {
                        if (operation is IInvocationOperation call
                            && SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, filler.OriginalDefinition)
                            && call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal) is { } argument
                            && OperationFacts.StripConversions(argument.Value) is ILocalReferenceOperation local)
                        {
                            _containerSymbols.Add(local.Local);
                            handsIn = true;
                        }
                    }

                    if (handsIn && callers++ < MaxExtraScopes)
                    {
                        yield return body;
                    }
                }
            }

            private static ISymbol? Referenced(IOperation operation) => operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            private void AddThread(IOperation expression)
            {
                if (_seenThreads.Add(expression))
                {
                    ThreadExpressions.Add(expression);
                }
            }

            private void Block() => Usage.FixBlocker ??= CollectionBlocker;

            /// <summary>Follows one use of a thread container: to the threads and containers it yields, or blocks the rewrite.</summary>
            private void Container(IOperation expression, bool isCollection)
            {
                if (!_seenContainers.Add(expression))
                {
                    return;
                }

                var outer = expression;
                while (outer.Parent is IConversionOperation)
                {
                    outer = outer.Parent;
                }

                switch (outer.Parent)
                {
                    case IArrayElementReferenceOperation element when element.ArrayReference == outer:
                        Derived(element, legacy: isCollection);
                        break;
                    case IPropertyReferenceOperation property when property.Instance == outer:
                        if (!property.Property.IsIndexer && (property.Property.Name == "Length" || property.Property.Name == "Count"))
                        {
                            break;
                        }

                        Derived(property, legacy: isCollection && property.Property.IsIndexer);
                        break;
                    case IInvocationOperation invocation when invocation.Instance == outer:
                        if (ThreadHandle.IsStoreMethod(invocation.TargetMethod.Name))
                        {
                            // threads.Add(...) / queue.Enqueue(...): the creation loop's bookkeeping, seen from the thread's side.
                            break;
                        }

                        Invocation(invocation, null);
                        break;
                    case IArgumentOperation { Parent: IInvocationOperation invocation } argument:
                        Invocation(invocation, argument);
                        break;
                    case IForEachLoopOperation forEach when forEach.Collection == outer:
                        ForEachOver(forEach, isCollection);
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Target == outer:
                        // _workers = new Thread[n]: a field (re)created before the fan-out.
                        if (!(expression is IFieldReferenceOperation))
                        {
                            Block();
                        }

                        break;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation alias }:
                        if (OperationFacts.HoldsThreads(alias.Symbol.Type, _types))
                        {
                            _containerSymbols.Add(alias.Symbol);
                        }

                        Block();
                        break;
                    case ISimpleAssignmentOperation assignment when assignment.Value == outer && ThreadHandle.Storage(assignment.Target) is ILocalSymbol alias:
                        _containerSymbols.Add(alias);
                        Block();
                        break;
                    default:
                        Block();
                        break;
                }
            }

            /// <summary>
            /// <c>foreach (var t in threads)</c>: the loop variable is followed as a holder, a thread or a nested container;
            /// a loop over anything but the thread collection itself blocks.
            /// </summary>
            private void ForEachOver(IForEachLoopOperation forEach, bool isCollection)
            {
                foreach (var local in forEach.Locals)
                {
                    if (IsHolder(local.Type))
                    {
                        _holderSymbols.Add(local);
                    }
                    else if (OperationFacts.IsThread(local.Type, _types) || (isCollection && local.Type.TypeKind == TypeKind.Error))
                    {
                        _threadSymbols.Add(local);
                    }
                    else if (OperationFacts.HoldsThreads(local.Type, _types))
                    {
                        _containerSymbols.Add(local);
                        Block();
                    }
                }

                if (!isCollection)
                {
                    Block();
                }
            }

            /// <summary>An object that holds one thread in <see cref="ThreadHandle.Member"/>.</summary>
            private bool IsHolder(ITypeSymbol? type)
                => _handle.Member is { } member && type is not null && SymbolEqualityComparer.Default.Equals(type, member.ContainingType);

            private void Holder(IOperation expression)
            {
                var outer = expression;
                while (outer.Parent is IConversionOperation)
                {
                    outer = outer.Parent;
                }

                if (outer.Parent is IMemberReferenceOperation reference && reference.Instance == outer
                    && SymbolEqualityComparer.Default.Equals(reference.Member, _handle.Member))
                {
                    AddThread(reference);
                }
            }

            private void Derived(IOperation value, bool legacy)
            {
                if (IsHolder(value.Type))
                {
                    Holder(value);
                    return;
                }

                if (OperationFacts.IsThread(value.Type, _types) || (legacy && value.Type?.TypeKind == TypeKind.Error))
                {
                    AddThread(value);
                    if (!legacy)
                    {
                        Block();
                    }
                }
                else if (OperationFacts.HoldsThreads(value.Type, _types))
                {
                    Block();
                    Container(value, isCollection: false);
                }
                else if (legacy)
                {
                    Block();
                }
            }

            private void Invocation(IInvocationOperation invocation, IArgumentOperation? argument)
            {
                if (!IsForEachJoin(invocation) && !IsAlivePoll(invocation, _types))
                {
                    Block();
                }

                if (OperationFacts.IsThread(invocation.Type, _types))
                {
                    // queue.Dequeue(), threads.First(), stack.Pop()
                    AddThread(invocation);
                }
                else if (OperationFacts.HoldsThreads(invocation.Type, _types))
                {
                    // dict.Keys.ToArray(), threads.Where(...), list.ToList()
                    Container(invocation, isCollection: false);
                }

                foreach (var other in invocation.Arguments)
                {
                    if (OperationFacts.UnwrapDelegate(other.Value) is IAnonymousFunctionOperation function)
                    {
                        // threads.ForEach(t => t.Join()); Array.ForEach(threads, t => t.Join());
                        foreach (var parameter in function.Symbol.Parameters)
                        {
                            if (IsHolder(parameter.Type))
                            {
                                _holderSymbols.Add(parameter);
                            }
                            else if (OperationFacts.IsThread(parameter.Type, _types))
                            {
                                _threadSymbols.Add(parameter);
                            }
                            else if (OperationFacts.HoldsThreads(parameter.Type, _types))
                            {
                                _containerSymbols.Add(parameter);
                            }
                        }
                    }
                }

                // JoinAll(threads): a helper of the compilation that joins what it is given.
                if (argument?.Parameter is { } target
                    && _extraScopes.Count < MaxExtraScopes
                    && OperationFacts.HoldsThreads(target.Type, _types)
                    && _containerSymbols.Add(target.OriginalDefinition)
                    && invocation.SemanticModel is { } model)
                {
                    var body = WorkCostModel.For(KnownTypes.For(model.Compilation)).GetBody(invocation.TargetMethod.OriginalDefinition, System.Threading.CancellationToken.None);
                    if (body is not null)
                    {
                        _extraScopes.Add(body);
                    }
                }
            }
        }

        /// <summary>Classifies one direct use of a thread: its creation or storing, a Thread call or property, or anything else, which blocks.</summary>
        private void Classify(IOperation expression, ThreadHandle handle, KnownTypes types)
        {
            var parent = expression.Parent;
            if (parent is ISimpleAssignmentOperation creationAssignment && creationAssignment.Target == expression)
            {
                // threads[t] = new Thread(...): the creation itself (other assignments were ruled out by the handle).
                if (OperationFacts.StripConversions(creationAssignment.Value) != handle.Site)
                {
                    FixBlocker ??= "the thread collection's elements are reassigned";
                }

                return;
            }

            if (parent is IArgumentOperation { Parent: IInvocationOperation add }
                && handle.Loop is not null
                && ThreadHandle.IsStoreMethod(add.TargetMethod.Name)
                && ThreadHandle.Storage(add.Instance) is not null)
            {
                // threads.Add(t); queue.Enqueue(t); workers.Add(t, state);
                if (add.TargetMethod.Name != "Add" || add.Arguments.Length != 1)
                {
                    FixBlocker ??= "the threads are kept in a collection the rewrite does not know";
                }

                NoteStatement(add, handle, start: false, join: false);
                return;
            }

            if (handle.Loop is not null
                && (parent is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation or IPropertyReferenceOperation { Property: { IsIndexer: true } } } stored && stored.Value == expression
                    || parent is IArgumentOperation { Parent: IPropertyReferenceOperation { Property: { IsIndexer: true }, Parent: ISimpleAssignmentOperation } }))
            {
                // threads[i] = t; / workers[t] = state;
                FixBlocker ??= "the threads are stored into the collection after their creation";
                NoteStatement(parent is ISimpleAssignmentOperation direct ? direct : parent.Parent!.Parent!, handle, start: false, join: false);
                return;
            }

            if (parent is IInvocationOperation invocation && invocation.Instance == expression && KnownTypes.Is(invocation.TargetMethod.ContainingType, types.Thread))
            {
                ThreadCall(invocation, handle);
                return;
            }

            if (parent is IPropertyReferenceOperation property && property.Instance == expression)
            {
                ThreadProperty(property, handle, types);
                return;
            }

            if (parent is IConditionalAccessOperation { WhenNotNull: IInvocationOperation { Instance: IConditionalAccessInstanceOperation } guarded } access
                && access.Operation == expression && KnownTypes.Is(guarded.TargetMethod.ContainingType, types.Thread))
            {
                // worker?.Join(): the thread may be null (a helper that ran small work itself); a thread made is joined.
                ThreadCall(guarded, handle);
                return;
            }

            FixBlocker ??= "the threads are used for more than starting and joining";
        }

        /// <summary>A Thread method called on one of the threads: a start (and its argument), a join, an apartment setting, or anything else, which blocks.</summary>
        private void ThreadCall(IInvocationOperation invocation, ThreadHandle handle)
        {
            switch (invocation.TargetMethod.Name)
            {
                case "Start":
                case "UnsafeStart":
                    Starts.Add(invocation);
                    if (invocation.TargetMethod.Name == "UnsafeStart")
                    {
                        FixBlocker ??= "the threads are started with UnsafeStart";
                    }

                    if (invocation.Arguments.Length == 1)
                    {
                        if (handle.Loop is not null && OperationFacts.IsWithin(invocation, handle.Loop))
                        {
                            StartArgumentInLoop = invocation.Arguments[0].Value;
                        }
                        else
                        {
                            HasStartArgumentOutsideLoop = true;
                        }
                    }

                    NoteStatement(invocation, handle, start: true, join: false);
                    return;
                case "Join":
                    Joins.Add(invocation);
                    if (invocation.Arguments.Length != 0)
                    {
                        FixBlocker ??= "a thread is joined with a timeout";
                    }

                    NoteStatement(invocation, handle, start: false, join: true);
                    return;
                case "SetApartmentState":
                case "TrySetApartmentState":
                    NotACpuWorker = true;
                    return;
                default:
                    FixBlocker ??= "the code calls Thread." + invocation.TargetMethod.Name + " on the threads";
                    return;
            }
        }

        /// <summary>
        /// A Thread property read or set on one of the threads: setting IsBackground/ApartmentState marks a non-CPU worker;
        /// an IsBackground or Name label set by a statement of its own goes with the thread; other uses block.
        /// </summary>
        private void ThreadProperty(IPropertyReferenceOperation property, ThreadHandle handle, KnownTypes types)
        {
            var isWrite = property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property;
            if (property.Property.Name == "IsBackground")
            {
                // A background thread does not keep the process alive: a service thread unless something joins it. Joined
                // in this function — which the rewrite needs anyway — it has ended before the function goes on, as a
                // foreground thread would have: `t.IsBackground = true;` only labels it and goes with it.
                if (isWrite)
                {
                    Background = true;
                    NoteLabel(property, handle, "the threads are background threads");
                }

                return;
            }

            if (property.Property.Name == "Name" && isWrite)
            {
                // t.Name = "worker " + i; — a debugger's label (work that reads its thread's name is refused as thread
                // affinity); the statement goes with the thread.
                NoteLabel(property, handle, "the threads' Name is set");
                return;
            }

            if (property.Property.Name == "ApartmentState")
            {
                NotACpuWorker = NotACpuWorker || isWrite;
                return;
            }

            if (property.Property.Name == "IsAlive" && !isWrite && IsPollWaitCondition(property, types, out var pollLoop))
            {
                // while (a.IsAlive || b.IsAlive) Thread.Sleep(10); / while (threads.Any(t => t.IsAlive)) Thread.Sleep(50);
                PollJoins.Add(property);
                if (pollLoop.Parent is IBlockOperation && OnlyPollsLocalThreads(pollLoop.Condition!))
                {
                    // Nothing but the threads' IsAlive in the condition: once the threads have run, the loop ends at once,
                    // so the rewrite may drop it like a Join statement.
                    if (!OutsideStatements.Contains(pollLoop))
                    {
                        OutsideStatements.Add(pollLoop);
                    }
                }
                else
                {
                    FixBlocker ??= "the threads are waited for by polling IsAlive";
                }

                return;
            }

            FixBlocker ??= "the threads' " + property.Property.Name + " is " + (isWrite ? "set" : "read");
        }

        /// <summary>
        /// <c>t.IsBackground = true;</c> / <c>t.Name = "w" + i;</c> as a statement of its own, set from a value whose reading
        /// runs no code: removed with the start and join statements; otherwise <paramref name="blocker"/>.
        /// </summary>
        private void NoteLabel(IPropertyReferenceOperation property, ThreadHandle handle, string blocker)
        {
            if (property.Parent is ISimpleAssignmentOperation { Parent: IExpressionStatementOperation } assignment && Helper.HasNoEffect(assignment.Value))
            {
                NoteStatement(assignment, handle, start: false, join: false);
            }
            else
            {
                FixBlocker ??= blocker;
            }
        }

        private void NoteStatement(IOperation invocation, ThreadHandle handle, bool start, bool join)
        {
            if (invocation.Parent is not IExpressionStatementOperation statement)
            {
                FixBlocker ??= "a start or join is part of a larger expression";
                return;
            }

            if (handle.Loop is not null && OperationFacts.IsWithin(statement, handle.Loop))
            {
                if (statement.Parent == handle.Loop.Body || statement == handle.Loop.Body)
                {
                    // A statement of the loop's block, or the loop's whole body without braces:
                    // `for (…) (threads[i] = new Thread(Work)).Start();`.
                    LoopBookkeeping.Add(statement);
                }
                else
                {
                    FixBlocker ??= "the threads are started inside a nested statement";
                }

                return;
            }

            // A loop whose only statement is this start/join: `foreach (var t in threads) t.Join();`.
            IOperation outer = statement;
            if (statement.Parent is IBlockOperation { Operations: { Length: 1 } } single && single.Parent is ILoopOperation singleLoop && singleLoop.Body == single)
            {
                outer = singleLoop;
            }
            else if (statement.Parent is ILoopOperation directLoop && directLoop.Body == statement)
            {
                outer = directLoop;
            }
            else if (ForEachJoinStatement(statement) is { } forEachJoin)
            {
                outer = forEachJoin;
            }

            if (!OutsideStatements.Contains(outer))
            {
                OutsideStatements.Add(outer);
            }
        }

        /// <summary>
        /// <c>threads.ForEach(t =&gt; t.Join());</c> / <c>Array.ForEach(threads, t =&gt; t.Join());</c>: the statement that
        /// calls ForEach with the lambda <paramref name="joinStatement"/> is the body of.
        /// </summary>
        private static IOperation? ForEachJoinStatement(IOperation joinStatement)
        {
            if (joinStatement.Parent is not IBlockOperation { Parent: IAnonymousFunctionOperation lambda })
            {
                return null;
            }

            return OperationFacts.WithWrappers(lambda).Parent is IArgumentOperation { Parent: IInvocationOperation forEach } && IsForEachJoin(forEach)
                ? forEach.Parent
                : null;
        }

        /// <summary>
        /// <c>threads.Any(t =&gt; t.IsAlive)</c> as the whole condition of a poll loop that only waits: the collection is
        /// read to wait for its threads, like a join loop.
        /// </summary>
        private static bool IsAlivePoll(IInvocationOperation invocation, KnownTypes types)
            => IsAnyAlive(invocation) && invocation.Parent is IWhileLoopOperation loop && loop.Condition == invocation && OperationFacts.OnlyWaits(loop.Body, types);

        /// <summary>
        /// <c>threads.ForEach(t =&gt; t.Join())</c> / <c>Array.ForEach(threads, t =&gt; t.Join())</c>, and the same with
        /// <c>t.Start()</c>: a join or start loop the rewrite removes.
        /// </summary>
        private static bool IsForEachJoin(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name != "ForEach" || invocation.Parent is not IExpressionStatementOperation)
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (OperationFacts.UnwrapDelegate(argument.Value) is IAnonymousFunctionOperation { Symbol.Parameters.Length: 1 } lambda)
                {
                    var work = lambda.Body.Operations.Where(o => o is not IReturnOperation { ReturnedValue: null, IsImplicit: true }).ToList();
                    return work.Count == 1
                           && work[0] is IExpressionStatementOperation { Operation: IInvocationOperation { TargetMethod.Name: "Join" or "Start", Arguments.Length: 0, Instance: { } joined } }
                           && OperationFacts.StripConversions(joined) is IParameterReferenceOperation parameter
                           && SymbolEqualityComparer.Default.Equals(parameter.Parameter, lambda.Symbol.Parameters[0]);
                }
            }

            return false;
        }
    }
}
