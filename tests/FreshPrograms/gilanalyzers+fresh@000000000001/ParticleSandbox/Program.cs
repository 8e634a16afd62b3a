using System.Diagnostics;
using System.Numerics;

namespace ParticleSandbox;

public struct Particle
{
    public Vector2 Position;
    public Vector2 Velocity;
    public float Mass;
}

/// <summary>Broad-phase grid: particles are bucketed by cell so collision checks stay local.</summary>
public sealed class SpatialGrid
{
    private readonly List<int>[] _cells;
    private readonly int _columns;
    private readonly float _cellSize;

    public SpatialGrid(float worldSize, float cellSize)
    {
        _cellSize = cellSize;
        _columns = (int)MathF.Ceiling(worldSize / cellSize);
        _cells = new List<int>[_columns * _columns];
        for (int i = 0; i < _cells.Length; i++) _cells[i] = new List<int>();
    }

    public int CellOf(Vector2 p)
    {
        int cx = Math.Clamp((int)(p.X / _cellSize), 0, _columns - 1);
        int cy = Math.Clamp((int)(p.Y / _cellSize), 0, _columns - 1);
        return cy * _columns + cx;
    }

    public List<int> Cell(int index) => _cells[index];

    public void Clear()
    {
        foreach (var cell in _cells) cell.Clear();
    }

    public int Occupied => _cells.Count(c => c.Count > 0);
}

public sealed class World
{
    private const float G = 0.5f;
    private const float Softening = 0.05f;
    private readonly Particle[] _particles;
    private readonly Vector2[] _forces;
    private readonly SpatialGrid _grid;
    private readonly Lock _forceLock = new();

    public World(int count, float size, int seed)
    {
        var rng = new Random(seed);
        _particles = new Particle[count];
        _forces = new Vector2[count];
        for (int i = 0; i < count; i++)
        {
            _particles[i] = new Particle
            {
                Position = new Vector2(rng.NextSingle() * size, rng.NextSingle() * size),
                Mass = 0.5f + rng.NextSingle(),
            };
        }
        _grid = new SpatialGrid(size, size / 16);
    }

    public void Step(float dt)
    {
        // Gravity: every particle against every other one.
        Parallel.For(0, _particles.Length, i =>
        {
            using (_forceLock.EnterScope())
            {
                Vector2 total = Vector2.Zero;
                for (int j = 0; j < _particles.Length; j++)
                {
                    if (i == j) continue;
                    Vector2 d = _particles[j].Position - _particles[i].Position;
                    float distSq = d.LengthSquared() + Softening;
                    total += d * (G * _particles[j].Mass / (distSq * MathF.Sqrt(distSq)));
                }
                _forces[i] = total;
            }
        });

        for (int i = 0; i < _particles.Length; i++)
        {
            _particles[i].Velocity += _forces[i] * dt;
            _particles[i].Position += _particles[i].Velocity * dt;
        }

        // Rebuild the broad-phase grid; each cell list has its own lock.
        _grid.Clear();
        Parallel.For(0, _particles.Length, i =>
        {
            var cell = _grid.Cell(_grid.CellOf(_particles[i].Position));
            lock (cell)
            {
                cell.Add(i);
            }
        });
    }

    public float KineticEnergy() => _particles.Sum(p => 0.5f * p.Mass * p.Velocity.LengthSquared());

    public int OccupiedCells => _grid.Occupied;
}

public static class Program
{
    public static void Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 1500;
        var world = new World(count, size: 100f, seed: 3);
        var sw = Stopwatch.StartNew();
        for (int step = 0; step < 10; step++)
        {
            world.Step(0.01f);
        }
        Console.WriteLine($"{count} particles, 10 steps in {sw.ElapsedMilliseconds} ms; KE={world.KineticEnergy():F2}, occupied cells={world.OccupiedCells}");
    }
}
