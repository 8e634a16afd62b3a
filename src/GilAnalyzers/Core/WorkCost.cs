namespace GilAnalyzers.Core
{
    /// <summary>What a piece of code spends its time on, as far as the static cost model can tell.</summary>
    internal enum WorkKind
    {
        /// <summary>A handful of assignments, a collection Add: cheap enough that a lock around it is fine.</summary>
        Light,

        /// <summary>The model cannot tell (calls into code it does not know).</summary>
        Unknown,

        /// <summary>Waits on I/O or time: a lock around it guards a shared resource, not computation.</summary>
        IoBound,

        /// <summary>Burns CPU: loops whose trip count is not a small constant, heavy framework calls.</summary>
        CpuBound,
    }

    /// <summary>The verdict of <see cref="WorkCostModel"/> with the reason a message can quote.</summary>
    internal readonly struct WorkCost
    {
        public WorkCost(WorkKind kind, string reason, int loopDepth = 0)
        {
            Kind = kind;
            Reason = reason;
            LoopDepth = loopDepth;
        }

        public WorkKind Kind { get; }

        /// <summary>Human-readable cause, e.g. "nested loop, 2 levels" or "Console.WriteLine".</summary>
        public string Reason { get; }

        /// <summary>Deepest nesting of non-trivial loops found.</summary>
        public int LoopDepth { get; }

        public bool IsCpuBound => Kind == WorkKind.CpuBound;

        public static WorkCost Light { get; } = new WorkCost(WorkKind.Light, "light work");

        public override string ToString() => Kind + ": " + Reason;
    }
}
