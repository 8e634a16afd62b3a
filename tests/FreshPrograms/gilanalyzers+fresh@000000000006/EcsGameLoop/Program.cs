namespace EcsGameLoop;

/// <summary>Broad-phase collision on a uniform grid shared by all chunks of the frame.</summary>
public sealed class CollisionSystem : GameSystem
{
    private const float Cell = 8f;
    private const float Radius = 2.5f;
    private readonly Dictionary<long, List<(int Id, float X, float Y)>> _grid = new();
    public long ContactsThisFrame;

    public override string Name => "collision";

    public override void BeginFrame(World world)
    {
        _grid.Clear();
        ContactsThisFrame = 0;
    }

    public override void Update(World world, Chunk chunk, float dt)
    {
        lock (_grid)
        {
            for (int i = 0; i < chunk.Count; i++)
            {
                Position p = chunk.Positions[i];
                int cx = (int)(p.X / Cell), cy = (int)(p.Y / Cell);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        if (!_grid.TryGetValue(Key(cx + dx, cy + dy), out var bucket)) continue;
                        foreach (var other in bucket)
                        {
                            float ex = other.X - p.X, ey = other.Y - p.Y;
                            if (ex * ex + ey * ey < 4 * Radius * Radius) ContactsThisFrame++;
                        }
                    }
                long key = Key(cx, cy);
                if (!_grid.TryGetValue(key, out var own)) _grid[key] = own = new List<(int, float, float)>();
                own.Add((chunk.Ids[i], p.X, p.Y));
            }
        }
    }

    private static long Key(int x, int y) => ((long)x << 32) | (uint)y;
}

/// <summary>Entities near the arena centre take damage; damage is queued on the entity's chunk.</summary>
public sealed class HazardSystem : GameSystem
{
    public override string Name => "hazard";

    public override void Update(World world, Chunk chunk, float dt)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            float dx = chunk.Positions[i].X - World.Size / 2, dy = chunk.Positions[i].Y - World.Size / 2;
            if (dx * dx + dy * dy < 60 * 60)
            {
                int target = (chunk.Ids[i] * 7919) % (world.ChunkOf.Count);
                Chunk owner = world.ChunkOf[target];
                lock (owner.Sync)
                {
                    owner.PendingDamage.Add((target, 1));
                }
            }
        }
    }
}

public sealed class Scheduler
{
    private readonly IReadOnlyList<GameSystem> _systems;
    private readonly object _statsLock = new();
    public long EntityUpdates;

    public Scheduler(IReadOnlyList<GameSystem> systems) => _systems = systems;

    public void Tick(World world, float dt)
    {
        foreach (GameSystem system in _systems)
        {
            system.BeginFrame(world);
            Parallel.ForEach(world.Chunks, chunk =>
            {
                system.Update(world, chunk, dt);
                lock (_statsLock)
                {
                    EntityUpdates += chunk.Count;
                }
            });
        }

        foreach (Chunk chunk in world.Chunks)
        {
            foreach (var (id, damage) in chunk.PendingDamage)
            {
                int slot = Array.IndexOf(chunk.Ids, id, 0, chunk.Count);
                chunk.Healths[slot].Value -= damage;
            }
            chunk.PendingDamage.Clear();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var world = new World();
        world.Spawn(count: 12_000, seed: 2024);
        var collision = new CollisionSystem();
        var scheduler = new Scheduler([new MovementSystem(), collision, new HazardSystem()]);

        long contacts = 0;
        for (int frame = 0; frame < 30; frame++)
        {
            scheduler.Tick(world, dt: 1 / 30f);
            contacts += collision.ContactsThisFrame;
            if (frame % 10 == 9) Console.WriteLine($"frame {frame + 1}: contacts this frame {collision.ContactsThisFrame}");
        }

        int wounded = world.Chunks.Sum(c => c.Healths.Take(c.Count).Count(h => h.Value < 100));
        Console.WriteLine($"total contacts {contacts}, wounded {wounded}, entity updates {scheduler.EntityUpdates}");
    }
}
