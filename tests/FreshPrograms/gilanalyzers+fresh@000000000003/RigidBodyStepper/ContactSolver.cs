using System.Numerics;

namespace RigidBodyStepper;

// Broad phase on a uniform grid, then an exact narrow phase per candidate pair.
public sealed class ContactSolver(World world)
{
    private readonly SemaphoreSlim _narrowPhase = new(1, 1);
    private readonly List<(int A, int B)> _scratchPairs = new();
    private int _impulses;

    public int ImpulsesApplied => _impulses;

    public int Solve()
    {
        var cells = BuildGrid(cellSize: 4f);
        var contacts = new int[world.Bodies.Count];

        Parallel.For(0, world.Bodies.Count, i =>
        {
            Body a = world.Bodies[i];
            _narrowPhase.Wait();
            try
            {
                _scratchPairs.Clear();
                CollectNeighbours(a, cells, _scratchPairs);
                foreach (var (_, j) in _scratchPairs)
                {
                    Body b = world.Bodies[j];
                    if (SweptOverlap(a, b, substeps: 24, out Vector2 normal))
                    {
                        ApplyImpulse(a, b, normal);
                        contacts[i]++;
                    }
                }
            }
            finally
            {
                _narrowPhase.Release();
            }
        });
        ApplyPending();
        return contacts.Sum();
    }

    // Velocities stay untouched during the sweep; impulses are banked in fixed point so the
    // result does not depend on the order in which pairs are visited.
    private void ApplyImpulse(Body a, Body b, Vector2 normal)
    {
        float rel = Vector2.Dot(b.Velocity - a.Velocity, normal);
        if (rel >= 0) return;
        float j = -1.0f * rel / (a.InverseMass + b.InverseMass);
        long ax = ToFixed(-normal.X * j * a.InverseMass), ay = ToFixed(-normal.Y * j * a.InverseMass);
        long bx = ToFixed(normal.X * j * b.InverseMass), by = ToFixed(normal.Y * j * b.InverseMass);

        Body first = a.Id < b.Id ? a : b;
        Body second = a.Id < b.Id ? b : a;
        lock (first.Sync)
        {
            lock (second.Sync)
            {
                a.PendingX += ax; a.PendingY += ay;
                b.PendingX += bx; b.PendingY += by;
            }
        }
        Interlocked.Increment(ref _impulses);
    }

    private static long ToFixed(float v) => (long)Math.Round(v * 1_000_000.0);

    private void ApplyPending()
    {
        foreach (var body in world.Bodies)
        {
            body.Velocity += new Vector2(body.PendingX / 1_000_000f, body.PendingY / 1_000_000f);
            body.PendingX = body.PendingY = 0;
        }
    }

    private Dictionary<(int, int), List<int>> BuildGrid(float cellSize)
    {
        var grid = new Dictionary<(int, int), List<int>>();
        foreach (var b in world.Bodies)
        {
            var key = ((int)(b.Position.X / cellSize), (int)(b.Position.Y / cellSize));
            if (!grid.TryGetValue(key, out var list)) grid[key] = list = new List<int>();
            list.Add(b.Id);
        }
        return grid;
    }

    private static void CollectNeighbours(Body a, Dictionary<(int, int), List<int>> grid, List<(int, int)> into)
    {
        int cx = (int)(a.Position.X / 4f), cy = (int)(a.Position.Y / 4f);
        for (int dx = -1; dx <= 1; dx++)
        for (int dy = -1; dy <= 1; dy++)
        {
            if (!grid.TryGetValue((cx + dx, cy + dy), out var list)) continue;
            foreach (int id in list)
            {
                if (id > a.Id) into.Add((a.Id, id));
            }
        }
    }

    private static bool SweptOverlap(Body a, Body b, int substeps, out Vector2 normal)
    {
        normal = Vector2.Zero;
        float reach = a.Radius + b.Radius;
        for (int s = 0; s <= substeps; s++)
        {
            float t = s / (float)substeps / 60f;
            Vector2 d = (b.Position + b.Velocity * t) - (a.Position + a.Velocity * t);
            float dist = d.Length();
            if (dist < reach && dist > 1e-5f)
            {
                normal = d / dist;
                return true;
            }
        }
        return false;
    }
}
