using System.Runtime.CompilerServices;

namespace TimetableCspSolver;

public sealed record Course(int Id, int Teacher, int Group, int Size);

public sealed record Problem(Course[] Courses, int Slots, int[] RoomCapacity, int SlotsPerDay);

/// <summary>Backtracking with minimum-remaining-values; assignment[c] = slot * rooms + room.</summary>
public sealed class BacktrackingSolver
{
    private readonly Problem _p;
    private readonly int[] _assignment;
    public long Nodes;

    public BacktrackingSolver(Problem p)
    {
        _p = p;
        _assignment = Enumerable.Repeat(-1, p.Courses.Length).ToArray();
    }

    public int[]? Solve() => Search(0) ? (int[])_assignment.Clone() : null;

    private bool Search(int depth)
    {
        if (depth == _p.Courses.Length) return true;
        Nodes++;
        int pick = -1, pickOptions = int.MaxValue;
        foreach (var c in _p.Courses)
        {
            if (_assignment[c.Id] >= 0) continue;
            int options = Enumerable.Range(0, _p.Slots * _p.RoomCapacity.Length).Count(v => Consistent(c, v));
            if (options < pickOptions) { pick = c.Id; pickOptions = options; }
        }
        if (pickOptions == 0) return false;
        Course course = _p.Courses[pick];
        for (int v = 0; v < _p.Slots * _p.RoomCapacity.Length; v++)
        {
            if (!Consistent(course, v)) continue;
            _assignment[pick] = v;
            if (Search(depth + 1)) return true;
            _assignment[pick] = -1;
        }
        return false;
    }

    private bool Consistent(Course c, int value)
    {
        int rooms = _p.RoomCapacity.Length, slot = value / rooms, room = value % rooms;
        if (_p.RoomCapacity[room] < c.Size) return false;
        foreach (var o in _p.Courses)
        {
            int a = _assignment[o.Id];
            if (a < 0 || o.Id == c.Id) continue;
            if (a == value) return false;
            if (a / rooms == slot && (o.Teacher == c.Teacher || o.Group == c.Group)) return false;
        }
        return true;
    }
}

/// <summary>Soft-constraint penalty: teacher gaps, daily overload and wasted seats. Keeps count tables between calls.</summary>
public sealed class SoftConstraintEvaluator
{
    private readonly Problem _p;
    private readonly int[,] _teacherSlots;
    public int Evaluations;

    public SoftConstraintEvaluator(Problem p, int teachers)
    {
        _p = p;
        _teacherSlots = new int[teachers, p.Slots];
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public int Penalty(int[] assignment)
    {
        Evaluations++;
        Array.Clear(_teacherSlots);
        int rooms = _p.RoomCapacity.Length, penalty = 0;
        foreach (var c in _p.Courses)
        {
            int slot = assignment[c.Id] / rooms, room = assignment[c.Id] % rooms;
            _teacherSlots[c.Teacher, slot]++;
            penalty += (_p.RoomCapacity[room] - c.Size) / 10;
        }
        int days = _p.Slots / _p.SlotsPerDay;
        for (int t = 0; t < _teacherSlots.GetLength(0); t++)
            for (int d = 0; d < days; d++)
            {
                int first = -1, last = -1, load = 0;
                for (int s = 0; s < _p.SlotsPerDay; s++)
                {
                    if (_teacherSlots[t, d * _p.SlotsPerDay + s] == 0) continue;
                    if (first < 0) first = s;
                    last = s;
                    load++;
                }
                if (first >= 0) penalty += 3 * (last - first + 1 - load);
                if (load > 4) penalty += 5 * (load - 4);
            }
        return penalty;
    }
}
