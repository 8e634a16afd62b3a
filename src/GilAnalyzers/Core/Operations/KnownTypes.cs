using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core;

/// <summary>
/// The framework types the analysis core needs, resolved once per compilation and shared by every
/// GilAnalyzers analyzer that runs on that compilation. A type missing from the references is null.
/// Each type is resolved on first use: GetTypeByMetadataName searches every referenced assembly, and a project
/// without locks or threads should not pay for the types only a lock or thread rule needs.
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new ConditionalWeakTable<Compilation, KnownTypes>();

    private readonly Lazy<INamedTypeSymbol?> _parallel;
    private readonly Lazy<INamedTypeSymbol?> _parallelEnumerable;
    private readonly Lazy<INamedTypeSymbol?> _task;
    private readonly Lazy<INamedTypeSymbol?> _taskFactory;
    private readonly Lazy<INamedTypeSymbol?> _thread;
    private readonly Lazy<INamedTypeSymbol?> _threadPool;
    private readonly Lazy<INamedTypeSymbol?> _monitor;
    private readonly Lazy<INamedTypeSymbol?> _lock;
    private readonly Lazy<INamedTypeSymbol?> _semaphoreSlim;
    private readonly Lazy<INamedTypeSymbol?> _semaphore;
    private readonly Lazy<INamedTypeSymbol?> _mutex;
    private readonly Lazy<INamedTypeSymbol?> _readerWriterLockSlim;
    private readonly Lazy<INamedTypeSymbol?> _readerWriterLock;
    private readonly Lazy<INamedTypeSymbol?> _interlocked;
    private readonly Lazy<INamedTypeSymbol?> _methodImplAttribute;
    private readonly Lazy<INamedTypeSymbol?> _console;
    private readonly Lazy<INamedTypeSymbol?> _stream;
    private readonly Lazy<INamedTypeSymbol?> _textWriter;
    private readonly Lazy<INamedTypeSymbol?> _textReader;
    private readonly Lazy<INamedTypeSymbol?> _memoryStream;
    private readonly Lazy<INamedTypeSymbol?> _enumerable;
    private readonly Lazy<INamedTypeSymbol?> _array;
    private readonly Lazy<INamedTypeSymbol?> _list;
    private readonly Lazy<INamedTypeSymbol?> _regex;
    private readonly Lazy<INamedTypeSymbol?> _bigInteger;
    private readonly Lazy<INamedTypeSymbol?> _cancellationToken;
    private readonly Lazy<INamedTypeSymbol?> _countdownEvent;
    private readonly Lazy<INamedTypeSymbol?> _manualResetEvent;
    private readonly Lazy<INamedTypeSymbol?> _autoResetEvent;
    private readonly Lazy<INamedTypeSymbol?> _manualResetEventSlim;
    private readonly Lazy<INamedTypeSymbol?> _waitHandle;
    private readonly Lazy<INamedTypeSymbol?> _taskCreationOptions;
    private readonly Lazy<INamedTypeSymbol?> _threadStaticAttribute;
    private readonly Lazy<INamedTypeSymbol?> _threadLocal;
    private readonly Lazy<INamedTypeSymbol?> _blockingCollection;
    private readonly Lazy<INamedTypeSymbol?> _barrier;
    private readonly Lazy<INamedTypeSymbol?> _taskOfT;
    private readonly Lazy<INamedTypeSymbol?> _valueTask;
    private readonly Lazy<INamedTypeSymbol?> _valueTaskOfT;
    private readonly Lazy<INamedTypeSymbol?> _mathType;
    private readonly Lazy<INamedTypeSymbol?> _random;
    private readonly Lazy<INamedTypeSymbol?> _methodImplOptions;
    private readonly Lazy<INamedTypeSymbol?> _spanOfT;
    private readonly Lazy<INamedTypeSymbol?> _dictionary;
    private readonly Lazy<INamedTypeSymbol?> _processPool;

    private KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
#pragma warning disable RS0030 // KnownTypes is the one place that resolves types by name.
        INamedTypeSymbol? Get(string name) => compilation.GetTypeByMetadataName(name);
#pragma warning restore RS0030
        static Lazy<INamedTypeSymbol?> Lazy(Func<INamedTypeSymbol?> resolve) => new Lazy<INamedTypeSymbol?>(resolve, LazyThreadSafetyMode.ExecutionAndPublication);
        _parallel = Lazy(() => Get(WellKnownTypeNames.Parallel));
        _parallelEnumerable = Lazy(() => Get(WellKnownTypeNames.ParallelEnumerable));
        _task = Lazy(() => Get(WellKnownTypeNames.Task));
        _taskFactory = Lazy(() => Get(WellKnownTypeNames.TaskFactory));
        _thread = Lazy(() => Get(WellKnownTypeNames.Thread));
        _threadPool = Lazy(() => Get(WellKnownTypeNames.ThreadPool));
        _monitor = Lazy(() => Get(WellKnownTypeNames.Monitor));
        _lock = Lazy(() => Get(WellKnownTypeNames.Lock));
        _semaphoreSlim = Lazy(() => Get(WellKnownTypeNames.SemaphoreSlim));
        _semaphore = Lazy(() => Get(WellKnownTypeNames.Semaphore));
        _mutex = Lazy(() => Get(WellKnownTypeNames.Mutex));
        _readerWriterLockSlim = Lazy(() => Get(WellKnownTypeNames.ReaderWriterLockSlim));
        _readerWriterLock = Lazy(() => Get(WellKnownTypeNames.ReaderWriterLock));
        _interlocked = Lazy(() => Get(WellKnownTypeNames.Interlocked));
        _methodImplAttribute = Lazy(() => Get(WellKnownTypeNames.MethodImplAttribute));
        _console = Lazy(() => Get(WellKnownTypeNames.Console));
        _stream = Lazy(() => Get(WellKnownTypeNames.Stream));
        _textWriter = Lazy(() => Get(WellKnownTypeNames.TextWriter));
        _textReader = Lazy(() => Get(WellKnownTypeNames.TextReader));
        _memoryStream = Lazy(() => Get(WellKnownTypeNames.MemoryStream));
        _enumerable = Lazy(() => Get(WellKnownTypeNames.Enumerable));
        _array = Lazy(() => Get(WellKnownTypeNames.Array));
        _list = Lazy(() => Get(WellKnownTypeNames.List));
        _regex = Lazy(() => Get(WellKnownTypeNames.Regex));
        _bigInteger = Lazy(() => Get(WellKnownTypeNames.BigInteger));
        _cancellationToken = Lazy(() => Get(WellKnownTypeNames.CancellationToken));
        _countdownEvent = Lazy(() => Get(WellKnownTypeNames.CountdownEvent));
        _manualResetEvent = Lazy(() => Get(WellKnownTypeNames.ManualResetEvent));
        _autoResetEvent = Lazy(() => Get(WellKnownTypeNames.AutoResetEvent));
        _manualResetEventSlim = Lazy(() => Get(WellKnownTypeNames.ManualResetEventSlim));
        _waitHandle = Lazy(() => Get(WellKnownTypeNames.WaitHandle));
        _taskCreationOptions = Lazy(() => Get(WellKnownTypeNames.TaskCreationOptions));
        _threadStaticAttribute = Lazy(() => Get(WellKnownTypeNames.ThreadStaticAttribute));
        _threadLocal = Lazy(() => Get(WellKnownTypeNames.ThreadLocal));
        _blockingCollection = Lazy(() => Get(WellKnownTypeNames.BlockingCollection));
        _barrier = Lazy(() => Get(WellKnownTypeNames.Barrier));
        _taskOfT = Lazy(() => Get(WellKnownTypeNames.TaskOfT));
        _valueTask = Lazy(() => Get(WellKnownTypeNames.ValueTask));
        _valueTaskOfT = Lazy(() => Get(WellKnownTypeNames.ValueTaskOfT));
        _mathType = Lazy(() => Get(WellKnownTypeNames.MathType));
        _random = Lazy(() => Get(WellKnownTypeNames.Random));
        _methodImplOptions = Lazy(() => Get(WellKnownTypeNames.MethodImplOptions));
        _spanOfT = Lazy(() => Get(WellKnownTypeNames.SpanOfT));
        _dictionary = Lazy(() => Get(WellKnownTypeNames.DictionaryOfKeyValue));
        _processPool = Lazy(() => Get(WellKnownTypeNames.ProcessPool));
    }

    public Compilation Compilation { get; }
    public INamedTypeSymbol? Parallel => _parallel.Value;
    public INamedTypeSymbol? ParallelEnumerable => _parallelEnumerable.Value;
    public INamedTypeSymbol? Task => _task.Value;
    public INamedTypeSymbol? TaskFactory => _taskFactory.Value;
    public INamedTypeSymbol? Thread => _thread.Value;
    public INamedTypeSymbol? ThreadPool => _threadPool.Value;
    public INamedTypeSymbol? Monitor => _monitor.Value;
    public INamedTypeSymbol? Lock => _lock.Value;
    public INamedTypeSymbol? SemaphoreSlim => _semaphoreSlim.Value;
    public INamedTypeSymbol? Semaphore => _semaphore.Value;
    public INamedTypeSymbol? Mutex => _mutex.Value;
    public INamedTypeSymbol? ReaderWriterLockSlim => _readerWriterLockSlim.Value;
    public INamedTypeSymbol? ReaderWriterLock => _readerWriterLock.Value;
    public INamedTypeSymbol? Interlocked => _interlocked.Value;
    public INamedTypeSymbol? MethodImplAttribute => _methodImplAttribute.Value;
    public INamedTypeSymbol? Console => _console.Value;
    public INamedTypeSymbol? Stream => _stream.Value;
    public INamedTypeSymbol? TextWriter => _textWriter.Value;
    public INamedTypeSymbol? TextReader => _textReader.Value;
    public INamedTypeSymbol? MemoryStream => _memoryStream.Value;
    public INamedTypeSymbol? Enumerable => _enumerable.Value;
    public INamedTypeSymbol? Array => _array.Value;
    public INamedTypeSymbol? List => _list.Value;
    public INamedTypeSymbol? Regex => _regex.Value;
    public INamedTypeSymbol? BigInteger => _bigInteger.Value;
    public INamedTypeSymbol? CancellationToken => _cancellationToken.Value;
    public INamedTypeSymbol? CountdownEvent => _countdownEvent.Value;
    public INamedTypeSymbol? ManualResetEvent => _manualResetEvent.Value;
    public INamedTypeSymbol? AutoResetEvent => _autoResetEvent.Value;
    public INamedTypeSymbol? ManualResetEventSlim => _manualResetEventSlim.Value;
    public INamedTypeSymbol? WaitHandle => _waitHandle.Value;
    public INamedTypeSymbol? TaskCreationOptions => _taskCreationOptions.Value;
    public INamedTypeSymbol? ThreadStaticAttribute => _threadStaticAttribute.Value;
    public INamedTypeSymbol? ThreadLocal => _threadLocal.Value;
    public INamedTypeSymbol? BlockingCollection => _blockingCollection.Value;
    public INamedTypeSymbol? Barrier => _barrier.Value;
    public INamedTypeSymbol? TaskOfT => _taskOfT.Value;
    public INamedTypeSymbol? ValueTask => _valueTask.Value;
    public INamedTypeSymbol? ValueTaskOfT => _valueTaskOfT.Value;
    public INamedTypeSymbol? MathType => _mathType.Value;
    public INamedTypeSymbol? Random => _random.Value;
    public INamedTypeSymbol? MethodImplOptions => _methodImplOptions.Value;
    public INamedTypeSymbol? SpanOfT => _spanOfT.Value;
    public INamedTypeSymbol? Dictionary => _dictionary.Value;

    /// <summary>GilAnalyzers.Processes' pool: present when the project references that package.</summary>
    public INamedTypeSymbol? ProcessPool => _processPool.Value;

    public static KnownTypes For(Compilation compilation)
        => Cache.GetValue(compilation, c => new KnownTypes(c));

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
        => known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
}
