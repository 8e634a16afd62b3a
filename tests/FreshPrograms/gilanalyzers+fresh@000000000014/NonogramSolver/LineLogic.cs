using System;

namespace NonogramSolver;

public static class LineLogic
{
    /// <summary>Intersects every placement of the clue that agrees with the line (-1 unknown, 0 empty, 1 filled).</summary>
    public static sbyte[]? Deduce(int[] clue, sbyte[] line)
    {
        int n = line.Length;
        var canFill = new bool[n];
        var canEmpty = new bool[n];
        var place = new sbyte[n];
        bool any = false;
        void Rec(int block, int pos)
        {
            if (block == clue.Length)
            {
                for (int i = pos; i < n; i++) { if (line[i] == 1) return; place[i] = 0; }
                for (int i = 0; i < n; i++) { if (place[i] == 1) canFill[i] = true; else canEmpty[i] = true; }
                any = true;
                return;
            }
            int len = clue[block];
            for (int start = pos; start + len <= n; start++)
            {
                if (start > pos && line[start - 1] == 1) break;
                bool ok = true;
                for (int i = start; i < start + len && ok; i++) ok = line[i] != 0;
                if (!ok || (start + len < n && line[start + len] == 1)) continue;
                for (int i = pos; i < start; i++) place[i] = 0;
                for (int i = start; i < start + len; i++) place[i] = 1;
                if (start + len < n) place[start + len] = 0;
                Rec(block + 1, Math.Min(n, start + len + 1));
            }
        }
        Rec(0, 0);
        if (!any) return null;
        var result = new sbyte[n];
        for (int i = 0; i < n; i++) result[i] = canFill[i] && canEmpty[i] ? (sbyte)-1 : canFill[i] ? (sbyte)1 : (sbyte)0;
        return result;
    }

    /// <summary>Line-by-line propagation to a fixed point; false on a contradiction.</summary>
    public static bool Propagate(Puzzle p, sbyte[,] grid, Func<int[], sbyte[], sbyte[]?> deduce)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int axis = 0; axis < 2; axis++)
            for (int k = 0; k < p.Size; k++)
            {
                var line = new sbyte[p.Size];
                for (int i = 0; i < p.Size; i++) line[i] = axis == 0 ? grid[k, i] : grid[i, k];
                sbyte[]? next = deduce(axis == 0 ? p.RowClues[k] : p.ColClues[k], line);
                if (next is null) return false;
                for (int i = 0; i < p.Size; i++)
                {
                    if (next[i] == line[i]) continue;
                    changed = true;
                    if (axis == 0) grid[k, i] = next[i]; else grid[i, k] = next[i];
                }
            }
        }
        return true;
    }
}
