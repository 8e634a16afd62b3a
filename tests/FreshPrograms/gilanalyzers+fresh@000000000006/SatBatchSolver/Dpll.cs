namespace SatBatchSolver;

public sealed record Cnf(string Name, int Variables, int[][] Clauses)
{
    public static Cnf Random3Sat(string name, int variables, double ratio, int seed)
    {
        var rng = new Random(seed);
        int m = (int)(variables * ratio);
        var clauses = new int[m][];
        for (int c = 0; c < m; c++)
        {
            var lits = new int[3];
            for (int k = 0; k < 3; k++)
            {
                int v;
                do v = rng.Next(1, variables + 1); while (lits.Take(k).Any(l => Math.Abs(l) == v));
                lits[k] = rng.Next(2) == 0 ? v : -v;
            }
            clauses[c] = lits;
        }
        return new Cnf(name, variables, clauses);
    }
}

public interface ISatSolver
{
    (bool Satisfiable, long Decisions) Solve(Cnf formula);
}

/// <summary>Recursive DPLL with unit propagation. The assignment and trail arrays are reused between formulas.</summary>
public sealed class DpllSolver : ISatSolver
{
    private sbyte[] _assign = new sbyte[1];
    private int[] _trail = new int[1];
    private int _trailTop;
    private long _decisions;

    public (bool Satisfiable, long Decisions) Solve(Cnf formula)
    {
        if (_assign.Length <= formula.Variables)
        {
            _assign = new sbyte[formula.Variables + 1];
            _trail = new int[formula.Variables + 1];
        }
        Array.Clear(_assign);
        _trailTop = 0;
        _decisions = 0;
        bool sat = Search(formula);
        return (sat, _decisions);
    }

    private bool Search(Cnf f)
    {
        int mark = _trailTop;
        if (!Propagate(f)) { Undo(mark); return false; }
        int v = PickBranch(f);
        if (v == 0) return true;
        foreach (sbyte value in new sbyte[] { 1, -1 })
        {
            _decisions++;
            int inner = _trailTop;
            Set(v, value);
            if (Search(f)) return true;
            Undo(inner);
        }
        Undo(mark);
        return false;
    }

    private bool Propagate(Cnf f)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (int[] clause in f.Clauses)
            {
                int unassigned = 0, last = 0;
                bool satisfied = false;
                foreach (int lit in clause)
                {
                    sbyte a = _assign[Math.Abs(lit)];
                    if (a == 0) { unassigned++; last = lit; }
                    else if ((a > 0) == (lit > 0)) { satisfied = true; break; }
                }
                if (satisfied) continue;
                if (unassigned == 0) return false;
                if (unassigned == 1) { Set(Math.Abs(last), (sbyte)(last > 0 ? 1 : -1)); changed = true; }
            }
        }
        return true;
    }

    private int PickBranch(Cnf f)
    {
        foreach (int[] clause in f.Clauses)
            foreach (int lit in clause)
                if (_assign[Math.Abs(lit)] == 0) return Math.Abs(lit);
        return 0;
    }

    private void Set(int v, sbyte value) { _assign[v] = value; _trail[_trailTop++] = v; }

    private void Undo(int mark) { while (_trailTop > mark) _assign[_trail[--_trailTop]] = 0; }
}
