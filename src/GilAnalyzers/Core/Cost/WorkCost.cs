namespace GilAnalyzers.Core;

/// <summary>What a piece of code spends its time on, as far as the static cost model can tell.</summary>
internal enum WorkKind
{
    /// <summary>A handful of assignments, a collection Add: cheap enough that a lock around it is fine.</summary>
    Light,

    /// <summary>The model cannot tell (calls into code it cannot see, or past its depth bound).</summary>
    Unknown,

    /// <summary>Waits on I/O or time: a lock around it guards a shared resource, not computation.</summary>
    IoBound,

    /// <summary>Burns CPU: loops whose trip count is not a small constant, recursion, heavy framework calls.</summary>
    CpuBound,
}

/// <summary>The verdict of <see cref="WorkCostModel"/> with the reason a message can quote.</summary>
internal readonly struct WorkCost
{
    /// <summary>Strength of a single non-trivial loop, a LINQ pipeline or one heavy framework call.</summary>
    public const int LoopStrength = 1;

    /// <summary>Strength of nested loops, recursion, or a loop around heavy calls.</summary>
    public const int NestedStrength = 2;

    public WorkCost(WorkKind kind, string reason, int strength = 0, bool bulkData = false, long iterations = -1, bool shallowIo = false)
    {
        Kind = kind;
        Reason = reason;
        Strength = strength;
        BulkData = bulkData;
        Iterations = iterations;
        ShallowIo = shallowIo;
    }

    /// <summary>
    /// I/O-bound only through blocking or I/O calls made once, outside every loop (a file existence check, a config read),
    /// with CPU work lighter than a loop nest beside them: called once, such code is a one-off I/O step for its caller.
    /// </summary>
    public bool ShallowIo { get; }

    /// <summary>
    /// When the work is made only of loops with compile-time trip counts (and the source calls inside them), how many
    /// iterations its heaviest nest runs in all; -1 when any count is not known or the work calls code the model cannot
    /// see. <c>for (i &lt; 50) list.Add(i)</c> is 50: a loop, but a few microseconds of it.
    /// </summary>
    public long Iterations { get; }

    /// <summary>
    /// The strongest work is a library call that processes the data handed to it (hashing, compression, serialisation,
    /// bulk work in a native library): heavy whatever loops surround it, and never a walk over the state a lock guards.
    /// </summary>
    public bool BulkData { get; }

    public WorkKind Kind { get; }

    /// <summary>Human-readable cause, e.g. "nested loop, 2 levels" or "calls 'Hash' (SHA256.HashData)".</summary>
    public string Reason { get; }

    /// <summary>How heavy the CPU-bound work looks: 0 light, 1 a loop, 2+ nested loops / recursion (loop depth).</summary>
    public int Strength { get; }

    public bool IsCpuBound => Kind == WorkKind.CpuBound;

    public static WorkCost Light { get; } = new WorkCost(WorkKind.Light, "light work");

    public static WorkCost Unknown(string reason) => new WorkCost(WorkKind.Unknown, reason);

    public override string ToString() => Kind + " (" + Strength + "): " + Reason;
}
