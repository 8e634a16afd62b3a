using System.Numerics;

namespace RigidBodyStepper;

public static class Program
{
    public static void Main()
    {
        var world = World.Scatter(bodies: 900, seed: 21);
        var solver = new ContactSolver(world);

        for (int frame = 0; frame < 30; frame++)
        {
            world.Integrate(dt: 1f / 60f);
            int contacts = solver.Solve();
            if (frame % 10 == 9)
            {
                Console.WriteLine($"frame {frame + 1,3}: contacts {contacts,4}, energy {world.KineticEnergy():F3}");
            }
        }
        Console.WriteLine($"total impulses applied: {solver.ImpulsesApplied}");
    }
}

public sealed class Body(int id, Vector2 position, Vector2 velocity, float radius)
{
    public int Id { get; } = id;
    public Vector2 Position = position;
    public Vector2 Velocity = velocity;
    public long PendingX;
    public long PendingY;
    public float Radius { get; } = radius;
    public float InverseMass => 1f / (Radius * Radius);
    public readonly object Sync = new();
}

public sealed class World
{
    public const float Size = 100f;
    public List<Body> Bodies { get; } = new();

    public static World Scatter(int bodies, int seed)
    {
        var rng = new Random(seed);
        var w = new World();
        for (int i = 0; i < bodies; i++)
        {
            var p = new Vector2(rng.NextSingle() * Size, rng.NextSingle() * Size);
            var v = new Vector2(rng.NextSingle() - 0.5f, rng.NextSingle() - 0.5f) * 20f;
            w.Bodies.Add(new Body(i, p, v, 0.8f + rng.NextSingle()));
        }
        return w;
    }

    public void Integrate(float dt)
    {
        Parallel.For(0, Bodies.Count, i =>
        {
            Body b = Bodies[i];
            b.Position += b.Velocity * dt;
            if (b.Position.X < 0 || b.Position.X > Size) b.Velocity.X = -b.Velocity.X;
            if (b.Position.Y < 0 || b.Position.Y > Size) b.Velocity.Y = -b.Velocity.Y;
            b.Position = Vector2.Clamp(b.Position, Vector2.Zero, new Vector2(Size));
        });
    }

    public double KineticEnergy()
    {
        double e = 0;
        foreach (var b in Bodies)
        {
            e += 0.5 * b.Velocity.LengthSquared() / b.InverseMass;
        }
        return e;
    }
}
