using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace GilAnalyzers.Core
{
    /// <summary>
    /// The framework types the analysis core needs, resolved once per compilation and shared by every
    /// GilAnalyzers analyzer that runs on that compilation. A type missing from the references is null.
    /// </summary>
    internal sealed class KnownTypes
    {
        private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new ConditionalWeakTable<Compilation, KnownTypes>();

        private KnownTypes(Compilation compilation)
        {
            Compilation = compilation;
#pragma warning disable RS0030 // KnownTypes is the one place that resolves types by name.
            INamedTypeSymbol? Get(string name) => compilation.GetTypeByMetadataName(name);
#pragma warning restore RS0030
            Parallel = Get(WellKnownTypeNames.Parallel);
            ParallelEnumerable = Get(WellKnownTypeNames.ParallelEnumerable);
            Task = Get(WellKnownTypeNames.Task);
            TaskFactory = Get(WellKnownTypeNames.TaskFactory);
            Thread = Get(WellKnownTypeNames.Thread);
            ThreadPool = Get(WellKnownTypeNames.ThreadPool);
            Monitor = Get(WellKnownTypeNames.Monitor);
            Lock = Get(WellKnownTypeNames.Lock);
            SemaphoreSlim = Get(WellKnownTypeNames.SemaphoreSlim);
            Semaphore = Get(WellKnownTypeNames.Semaphore);
            Mutex = Get(WellKnownTypeNames.Mutex);
            Interlocked = Get(WellKnownTypeNames.Interlocked);
            MethodImplAttribute = Get(WellKnownTypeNames.MethodImplAttribute);
            Console = Get(WellKnownTypeNames.Console);
            Stream = Get(WellKnownTypeNames.Stream);
            TextWriter = Get(WellKnownTypeNames.TextWriter);
            TextReader = Get(WellKnownTypeNames.TextReader);
            MemoryStream = Get(WellKnownTypeNames.MemoryStream);
            Enumerable = Get(WellKnownTypeNames.Enumerable);
            Array = Get(WellKnownTypeNames.Array);
            List = Get(WellKnownTypeNames.List);
            Regex = Get(WellKnownTypeNames.Regex);
            BigInteger = Get(WellKnownTypeNames.BigInteger);
            CancellationToken = Get(WellKnownTypeNames.CancellationToken);
            CountdownEvent = Get(WellKnownTypeNames.CountdownEvent);
            ManualResetEvent = Get(WellKnownTypeNames.ManualResetEvent);
            ManualResetEventSlim = Get(WellKnownTypeNames.ManualResetEventSlim);
            WaitHandle = Get(WellKnownTypeNames.WaitHandle);
            TaskCreationOptions = Get(WellKnownTypeNames.TaskCreationOptions);
            ThreadStaticAttribute = Get(WellKnownTypeNames.ThreadStaticAttribute);
            ThreadLocal = Get(WellKnownTypeNames.ThreadLocal);
            BlockingCollection = Get(WellKnownTypeNames.BlockingCollection);
            Barrier = Get(WellKnownTypeNames.Barrier);
            TaskOfT = Get(WellKnownTypeNames.TaskOfT);
            ValueTask = Get(WellKnownTypeNames.ValueTask);
            ValueTaskOfT = Get(WellKnownTypeNames.ValueTaskOfT);
            MathType = Get(WellKnownTypeNames.MathType);
            ProcessPool = Get(WellKnownTypeNames.ProcessPool);
        }

        public Compilation Compilation { get; }
        public INamedTypeSymbol? Parallel { get; }
        public INamedTypeSymbol? ParallelEnumerable { get; }
        public INamedTypeSymbol? Task { get; }
        public INamedTypeSymbol? TaskFactory { get; }
        public INamedTypeSymbol? Thread { get; }
        public INamedTypeSymbol? ThreadPool { get; }
        public INamedTypeSymbol? Monitor { get; }
        public INamedTypeSymbol? Lock { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? Semaphore { get; }
        public INamedTypeSymbol? Mutex { get; }
        public INamedTypeSymbol? Interlocked { get; }
        public INamedTypeSymbol? MethodImplAttribute { get; }
        public INamedTypeSymbol? Console { get; }
        public INamedTypeSymbol? Stream { get; }
        public INamedTypeSymbol? TextWriter { get; }
        public INamedTypeSymbol? TextReader { get; }
        public INamedTypeSymbol? MemoryStream { get; }
        public INamedTypeSymbol? Enumerable { get; }
        public INamedTypeSymbol? Array { get; }
        public INamedTypeSymbol? List { get; }
        public INamedTypeSymbol? Regex { get; }
        public INamedTypeSymbol? BigInteger { get; }
        public INamedTypeSymbol? CancellationToken { get; }
        public INamedTypeSymbol? CountdownEvent { get; }
        public INamedTypeSymbol? ManualResetEvent { get; }
        public INamedTypeSymbol? ManualResetEventSlim { get; }
        public INamedTypeSymbol? WaitHandle { get; }
        public INamedTypeSymbol? TaskCreationOptions { get; }
        public INamedTypeSymbol? ThreadStaticAttribute { get; }
        public INamedTypeSymbol? ThreadLocal { get; }
        public INamedTypeSymbol? BlockingCollection { get; }
        public INamedTypeSymbol? Barrier { get; }
        public INamedTypeSymbol? TaskOfT { get; }
        public INamedTypeSymbol? ValueTask { get; }
        public INamedTypeSymbol? ValueTaskOfT { get; }
        public INamedTypeSymbol? MathType { get; }

        /// <summary>GilAnalyzers.Processes' pool: present when the project references that package.</summary>
        public INamedTypeSymbol? ProcessPool { get; }

        public static KnownTypes For(Compilation compilation)
            => Cache.GetValue(compilation, c => new KnownTypes(c));

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
            => known is not null && type is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
    }
}
