using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace CnfBatchSolver;

// Port of an old C DPLL routine. The original kept its assignment, trail and
// decision counter in file-level statics; the port kept them as static fields.
internal static class LegacyDpll
{
    public static readonly object Gate = new();
    private static int[][] s_clauses = Array.Empty<int[]>();
    private static sbyte[] s_assign = new sbyte[1];
    private static int[] s_trail = new int[1];
    private static int s_trailTop;
    public static long Decisions;   // cumulative, never reset: the old report printed it at exit

    public static void Load(int vars, int[][] clauses)
    {
        s_clauses = clauses;
        s_assign = new sbyte[vars + 1];
        s_trail = new int[vars + 1];
        s_trailTop = 0;
    }

    public static bool Solve() => Search();

    private static bool Search()
    {
        int mark = s_trailTop;
        // unit propagation
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var clause in s_clauses)
            {
                int unassigned = 0, last = 0; bool sat = false;
                foreach (int lit in clause)
                {
                    int v = s_assign[Math.Abs(lit)];
                    if (v == 0) { unassigned++; last = lit; }
                    else if ((v > 0) == (lit > 0)) { sat = true; break; }
                }
                if (sat) continue;
                if (unassigned == 0) { Undo(mark); return false; }
                if (unassigned == 1) { Assign(last); changed = true; }
            }
        }
        int pick = 0;
        for (int v = 1; v < s_assign.Length; v++) if (s_assign[v] == 0) { pick = v; break; }
        if (pick == 0) return true;
        Decisions++;
        foreach (int lit in new[] { pick, -pick })
        {
            int before = s_trailTop;
            Assign(lit);
            if (Search()) return true;
            Undo(before);
        }
        Undo(mark);
        return false;
    }

    private static void Assign(int lit) { s_assign[Math.Abs(lit)] = (sbyte)Math.Sign(lit); s_trail[s_trailTop++] = Math.Abs(lit); }
    private static void Undo(int mark) { while (s_trailTop > mark) s_assign[s_trail[--s_trailTop]] = 0; }
}

public sealed record Instance(string Name, int Vars, int[][] Clauses);

public sealed class SolveStats
{
    public int Sat, Unsat;
}

public sealed class SolverService
{
    public bool Solve(Instance instance)
    {
        lock (LegacyDpll.Gate)
        {
            LegacyDpll.Load(instance.Vars, instance.Clauses);
            return LegacyDpll.Solve();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var instances = new Instance[48];
        Parallel.For(0, instances.Length, i => instances[i] = Random3Sat(i, vars: 60, clauses: 250 + (i % 4) * 6));

        var service = new SolverService();
        var stats = new SolveStats();
        string reportPath = Path.Combine(Path.GetTempPath(), "cnf-batch-report.txt");
        using var report = new StreamWriter(reportPath);

        Parallel.ForEach(instances, inst =>
        {
            bool sat = service.Solve(inst);
            lock (stats)
            {
                if (sat) stats.Sat++; else stats.Unsat++;
            }
            lock (report)
            {
                report.WriteLine($"{inst.Name}\t{inst.Clauses.Length}\t{(sat ? "SAT" : "UNSAT")}");
            }
        });

        Console.WriteLine($"instances: {instances.Length}, SAT {stats.Sat}, UNSAT {stats.Unsat}, decisions {LegacyDpll.Decisions}");
    }

    private static Instance Random3Sat(int seed, int vars, int clauses)
    {
        var rng = new Random(seed * 31 + 5);
        var list = new List<int[]>(clauses);
        for (int c = 0; c < clauses; c++)
            list.Add(Enumerable.Range(0, 3).Select(_ => (rng.Next(vars) + 1) * (rng.Next(2) == 0 ? 1 : -1)).ToArray());
        return new Instance($"r3sat-{seed:D2}", vars, list.ToArray());
    }
}
