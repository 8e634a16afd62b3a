namespace EcsGameLoop;

public struct Position { public float X, Y; }
public struct Velocity { public float X, Y; }
public struct Health { public int Value; }

/// <summary>Fixed-size block of entities of one archetype, stored as parallel component arrays.</summary>
public sealed class Chunk
{
    public const int Capacity = 256;
    public readonly int[] Ids = new int[Capacity];
    public readonly Position[] Positions = new Position[Capacity];
    public readonly Velocity[] Velocities = new Velocity[Capacity];
    public readonly Health[] Healths = new Health[Capacity];
    public readonly List<(int Id, int Damage)> PendingDamage = new();
    public readonly object Sync = new();
    public int Count;
}

public sealed class World
{
    public readonly List<Chunk> Chunks = new();
    public readonly Dictionary<int, Chunk> ChunkOf = new();
    public const float Size = 512f;

    public void Spawn(int count, int seed)
    {
        var rng = new Random(seed);
        for (int id = 0; id < count; id++)
        {
            if (Chunks.Count == 0 || Chunks[^1].Count == Chunk.Capacity) Chunks.Add(new Chunk());
            Chunk c = Chunks[^1];
            int i = c.Count++;
            c.Ids[i] = id;
            c.Positions[i] = new Position { X = (float)rng.NextDouble() * Size, Y = (float)rng.NextDouble() * Size };
            c.Velocities[i] = new Velocity { X = (float)(rng.NextDouble() - 0.5) * 20, Y = (float)(rng.NextDouble() - 0.5) * 20 };
            c.Healths[i] = new Health { Value = 100 };
            ChunkOf[id] = c;
        }
    }
}

public abstract class GameSystem
{
    public abstract string Name { get; }
    public virtual void BeginFrame(World world) { }
    public abstract void Update(World world, Chunk chunk, float dt);
}

public sealed class MovementSystem : GameSystem
{
    public override string Name => "movement";

    public override void Update(World world, Chunk chunk, float dt)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            ref Position p = ref chunk.Positions[i];
            ref Velocity v = ref chunk.Velocities[i];
            p.X += v.X * dt; p.Y += v.Y * dt;
            if (p.X < 0 || p.X > World.Size) { v.X = -v.X; p.X = Math.Clamp(p.X, 0, World.Size); }
            if (p.Y < 0 || p.Y > World.Size) { v.Y = -v.Y; p.Y = Math.Clamp(p.Y, 0, World.Size); }
        }
    }
}
