namespace GilAnalyzers;

/// <summary>Metadata names of the types the analysis core recognises.</summary>
internal static class WellKnownTypeNames
{
    public const string Parallel = "System.Threading.Tasks.Parallel";
    public const string ParallelEnumerable = "System.Linq.ParallelEnumerable";
    public const string Task = "System.Threading.Tasks.Task";
    public const string TaskFactory = "System.Threading.Tasks.TaskFactory";
    public const string Thread = "System.Threading.Thread";
    public const string ThreadPool = "System.Threading.ThreadPool";
    public const string Monitor = "System.Threading.Monitor";
    public const string Lock = "System.Threading.Lock";
    public const string SemaphoreSlim = "System.Threading.SemaphoreSlim";
    public const string Semaphore = "System.Threading.Semaphore";
    public const string Mutex = "System.Threading.Mutex";
    public const string ReaderWriterLockSlim = "System.Threading.ReaderWriterLockSlim";
    public const string ReaderWriterLock = "System.Threading.ReaderWriterLock";
    public const string Interlocked = "System.Threading.Interlocked";
    public const string MethodImplAttribute = "System.Runtime.CompilerServices.MethodImplAttribute";
    public const string Console = "System.Console";
    public const string Stream = "System.IO.Stream";
    public const string TextWriter = "System.IO.TextWriter";
    public const string TextReader = "System.IO.TextReader";
    public const string File = "System.IO.File";
    public const string MemoryStream = "System.IO.MemoryStream";
    public const string Enumerable = "System.Linq.Enumerable";
    public const string Array = "System.Array";
    public const string List = "System.Collections.Generic.List`1";
    public const string Regex = "System.Text.RegularExpressions.Regex";
    public const string BigInteger = "System.Numerics.BigInteger";
    public const string CancellationToken = "System.Threading.CancellationToken";
    public const string CountdownEvent = "System.Threading.CountdownEvent";
    public const string ManualResetEvent = "System.Threading.ManualResetEvent";
    public const string ManualResetEventSlim = "System.Threading.ManualResetEventSlim";
    public const string AutoResetEvent = "System.Threading.AutoResetEvent";
    public const string WaitHandle = "System.Threading.WaitHandle";
    public const string TaskCreationOptions = "System.Threading.Tasks.TaskCreationOptions";
    public const string ThreadStaticAttribute = "System.ThreadStaticAttribute";
    public const string ThreadLocal = "System.Threading.ThreadLocal`1";
    public const string BlockingCollection = "System.Collections.Concurrent.BlockingCollection`1";
    public const string Barrier = "System.Threading.Barrier";
    public const string TaskOfT = "System.Threading.Tasks.Task`1";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string ValueTaskOfT = "System.Threading.Tasks.ValueTask`1";
    public const string MathType = "System.Math";
    public const string Random = "System.Random";
    public const string MethodImplOptions = "System.Runtime.CompilerServices.MethodImplOptions";
    public const string SpanOfT = "System.Span`1";
    public const string DictionaryOfKeyValue = "System.Collections.Generic.Dictionary`2";
    public const string ProcessPool = "GilAnalyzers.Processes.ProcessPool";
}
