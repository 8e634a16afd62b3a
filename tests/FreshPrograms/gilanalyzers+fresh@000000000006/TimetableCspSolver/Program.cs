namespace TimetableCspSolver;

public sealed class LocalSearch
{
    private readonly Problem _problem;
    private readonly SoftConstraintEvaluator _evaluator;
    private readonly object _snapshotLock = new();
    private int[]? _snapshot;

    public LocalSearch(Problem problem, SoftConstraintEvaluator evaluator)
    {
        _problem = problem;
        _evaluator = evaluator;
    }

    public int[]? LatestSnapshot => _snapshot;

    public (int[] Best, int Penalty) Improve(int[] start, int rounds, int candidatesPerRound)
    {
        int[] best = start;
        int bestPenalty = _evaluator.Penalty(start);
        int values = _problem.Slots * _problem.RoomCapacity.Length;
        for (int round = 0; round < rounds; round++)
        {
            var candidates = new int[candidatesPerRound][];
            var penalties = new int[candidatesPerRound];
            Parallel.For(0, candidatesPerRound, k =>
            {
                var rng = new Random(round * 7919 + k);
                int[] cand = (int[])best.Clone();
                int a = rng.Next(cand.Length), b = rng.Next(cand.Length);
                if (rng.Next(2) == 0) (cand[a], cand[b]) = (cand[b], cand[a]);
                else cand[a] = rng.Next(values);
                candidates[k] = cand;
                penalties[k] = IsFeasible(cand) ? _evaluator.Penalty(cand) : int.MaxValue;
            });

            int winner = Array.IndexOf(penalties, penalties.Min());
            if (penalties[winner] < bestPenalty)
            {
                best = candidates[winner];
                bestPenalty = penalties[winner];
                if (Monitor.TryEnter(_snapshotLock))
                {
                    try { _snapshot = best; }
                    finally { Monitor.Exit(_snapshotLock); }
                }
            }
        }
        return (best, bestPenalty);
    }

    private bool IsFeasible(int[] cand)
    {
        int rooms = _problem.RoomCapacity.Length;
        var used = new HashSet<int>();
        var teacherSlot = new HashSet<(int, int)>();
        var groupSlot = new HashSet<(int, int)>();
        foreach (var c in _problem.Courses)
        {
            int v = cand[c.Id];
            if (!used.Add(v) || _problem.RoomCapacity[v % rooms] < c.Size) return false;
            if (!teacherSlot.Add((c.Teacher, v / rooms)) || !groupSlot.Add((c.Group, v / rooms))) return false;
        }
        return true;
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(14);
        var courses = Enumerable.Range(0, 60).Select(i => new Course(i, rng.Next(12), rng.Next(10), 15 + rng.Next(60))).ToArray();
        var problem = new Problem(courses, Slots: 25, RoomCapacity: [30, 40, 60, 80, 120], SlotsPerDay: 5);

        // The recursive search runs on its own thread with a larger stack than the default 1 MB.
        int[]? initial = null;
        long nodes = 0;
        var searchThread = new Thread(() =>
        {
            var solver = new BacktrackingSolver(problem);
            initial = solver.Solve();
            nodes = solver.Nodes;
        }, maxStackSize: 16 * 1024 * 1024);
        searchThread.Start();
        searchThread.Join();
        if (initial is null) { Console.WriteLine("no feasible timetable"); return; }
        Console.WriteLine($"feasible timetable after {nodes} nodes");

        var evaluator = new SoftConstraintEvaluator(problem, teachers: 12);
        var search = new LocalSearch(problem, evaluator);
        int startPenalty = evaluator.Penalty(initial);
        var (best, penalty) = search.Improve(initial, rounds: 150, candidatesPerRound: 64);
        Console.WriteLine($"soft penalty {startPenalty} -> {penalty} ({evaluator.Evaluations} evaluations)");
        Console.WriteLine($"first courses: {string.Join(" ", best.Take(10))}");
    }
}
