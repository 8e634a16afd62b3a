namespace GilAnalyzers.CodeFixes.Refusals;

/// <summary>
/// The catalogue of reasons a GilAnalyzers fixer gives for offering no code action. Every entry is documented in its
/// rule's page (docs/rules/GIL00x.md, "When no fix is offered, and why"); a test checks that each id appears there.
/// The lock rewrites shared by GIL001 and GIL002 (move out, per-worker fold, Interlocked) give GIL001's reasons.
/// </summary>
internal static class NoFixReasons
{
    // ------------------------------------------------------------ GIL001 (and the lock rewrites GIL002 reuses)

    public static readonly NoFixReason LockShape = new("GIL001-N1",
        "the lock is not in a form the fixes rewrite (a lock statement in a block, using (x.EnterScope()), or an acquire call before or as the first statement of a try whose finally only releases)");

    public static readonly NoFixReason ReadsLockedState = new("GIL001-N2",
        "the work reads state that is written under the same lock");

    public static readonly NoFixReason OpaqueCall = new("GIL001-N3",
        "the work calls or writes something the analysis cannot see through, so it may touch shared state");

    public static readonly NoFixReason JumpsOut = new("GIL001-N4",
        "the work jumps out of the locked block (return, goto, break, yield, await) or declares what cannot move (using, local function)");

    public static readonly NoFixReason Regrouping = new("GIL001-N5",
        "a per-worker fold would regroup a floating-point, decimal or checked sum, or fold more than one accumulator");

    public static readonly NoFixReason SharedBeforeLock = new("GIL001-N6",
        "the work writes into an object that other threads may already see");

    public static readonly NoFixReason NothingToMove = new("GIL001-N7",
        "nothing before or after the shared update can leave the lock, or what stays locked is itself CPU-bound");

    public static readonly NoFixReason DoesNotCompile = new("GIL001-N8",
        "the locked code has compiler errors or unresolved symbols");

    public static readonly NoFixReason NameClash = new("GIL001-N9",
        "a moved local's name is declared again elsewhere in the enclosing block");

    public static readonly NoFixReason NotAParallelLoopFold = new("GIL001-N10",
        "no per-worker fold: the lock is not in the body of a simple Parallel.For/ForEach, or its statements do not all fold into one accumulator");

    public static readonly NoFixReason LoopDoesNotSplit = new("GIL001-N11",
        "the CPU-bound loop that stays under the lock cannot be split into a per-item computation in front of the lock and the shared writes applied under it");

    public static readonly NoFixReason ReadLockWouldShare = new("GIL001-N12",
        "the reader/writer lock cannot be taken in read mode: the locked work writes shared state, writes what another thread may see, or it or what it calls uses a reader/writer lock again");

    // ------------------------------------------------------------ GIL002

    public static readonly NoFixReason HiddenLockShared = new("GIL002-N1",
        "other code in the type takes the same hidden lock (another Synchronized method, lock (this) or lock (typeof(T))) and the method touches shared state");

    public static readonly NoFixReason SynchronizedShape = new("GIL002-N2",
        "the method is async or an iterator, or its MethodImpl flags are not plain MethodImplOptions members");

    public static readonly NoFixReason ExpressionBodyWrites = new("GIL002-N3",
        "an expression-bodied method that writes shared state (only the removal applies to those)");

    public static readonly NoFixReason CounterNotInterlocked = new("GIL002-N4",
        "the method bumps a counter, but Interlocked cannot replace the hidden lock: the counter is read in the method, written elsewhere other than by increments, not an int or long field of the type, visible to other assemblies (a public field of a library), or the rest of the method writes shared state or may be excluded by a derived type");

    public static readonly NoFixReason NoReaderWriterLock = new("GIL002-N5",
        "the type's Synchronized methods cannot share one reader/writer lock instead: the method writes shared state, a method of the type is not a plain synchronous one in this file, one that reads may call one that writes, the code waits or pulses on the instance, or a derived type may take the hidden lock");

    // ------------------------------------------------------------ GIL003

    public static readonly NoFixReason ThreadShape = new("GIL003-N1",
        "the threads are not in a shape the rewrite keeps (threads reachable from other code or used for more than start and join, threads made by helpers, configured threads, a count the threads change, work that uses the thread's identity); the detail names the shape");

    public static readonly NoFixReason RemovedLocalStillRead = new("GIL003-N2",
        "code kept by the rewrite still reads the thread array or list it would remove");

    // ------------------------------------------------------------ GIL004

    public static readonly NoFixReason PoolShape = new("GIL004-N1",
        "the work items are not in a shape the rewrite keeps (items made by helpers, state shared between items, a join the rewrite cannot remove)");

    public static readonly NoFixReason RemovedTaskArrayStillRead = new("GIL004-N2",
        "code kept by the rewrite still reads the task or event array it would remove for more than its length (or its size can change)");

    // ------------------------------------------------------------ GIL005

    public static readonly NoFixReason FanInShape = new("GIL005-N1",
        "the awaited calls are not in a shape the rewrite keeps");

    public static readonly NoFixReason FanInBlocked = new("GIL005-N2",
        "a call cannot be started with Task.Run as written (it returns no Task, takes a ref argument, or its receiver or an argument could change before the task runs)");

    public static readonly NoFixReason FanInSharesState = new("GIL005-N3",
        "the work before the first await writes shared state (or calls what the analysis cannot see through): started together on the thread pool, the calls would race on it");

    // ------------------------------------------------------------ GIL006

    public static readonly NoFixReason NoProcessPool = new("GIL006-N1",
        "the project does not reference GilAnalyzers.Processes (or System.Threading.Tasks.Parallel is missing)");

    public static readonly NoFixReason ProcessFanOutShape = new("GIL006-N2",
        "the locked work is not one call of a static method per item in a Parallel.For/ForEach lambda whose only statement is the lock");

    public static readonly NoFixReason StateCarriedBetweenItems = new("GIL006-N3",
        "a static field the work reads and writes is not reset at the start of each call, so per-process copies could change the results");

    public static readonly NoFixReason NativeState = new("GIL006-N4",
        "the work calls native code (P/Invoke), whose hidden state cannot be checked");

    public static readonly NoFixReason ThreadStaticStateShared = new("GIL006-N5",
        "a static field the work writes is not reset at the start of each call before it is read, or is used outside the locked call, so per-thread copies ([ThreadStatic]) could change the results");

    public static readonly NoFixReason ThreadStaticRegion = new("GIL006-N6",
        "the locked code does more than call code whose only shared writes are static fields of its own, or the analysis cannot see through it, so the lock cannot go");

    // ------------------------------------------------------------ any rule

    public static readonly NoFixReason NotFound = new("GIL000-N1",
        "the fixer found no code at the diagnostic's location (the document changed since it was analysed)");

    public static readonly NoFixReason Unexplained = new("GIL000-N2",
        "the fixer refused without naming a reason (a gap in GilAnalyzers: please report the site)");
}
