using System.Diagnostics;

namespace LifeSimulation;

/// <summary>
/// Conway's Game of Life on a torus, used as the background simulation of a screensaver. Each generation
/// is split into bands, one thread per band.
/// </summary>
public sealed class LifeBoard
{
    private byte[] _current;
    private byte[] _next;
    private readonly int _size;
    private readonly object _countLock = new();
    private int _alive;

    public LifeBoard(int size, int seed)
    {
        _size = size;
        _current = new byte[size * size];
        _next = new byte[size * size];
        var rng = new Random(seed);
        for (int i = 0; i < _current.Length; i++) _current[i] = (byte)(rng.Next(100) < 30 ? 1 : 0);
    }

    public int Alive => _alive;

    public void Advance(int bands)
    {
        _alive = 0;
        int rowsPerBand = _size / bands;
        var threads = new Thread[bands];
        for (int b = 0; b < bands; b++)
        {
            int top = b * rowsPerBand;
            int bottom = b == bands - 1 ? _size : top + rowsPerBand;
            threads[b] = new Thread(() => StepBand(top, bottom));
        }
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        (_current, _next) = (_next, _current);
    }

    private void StepBand(int top, int bottom)
    {
        int localAlive = 0;
        for (int y = top; y < bottom; y++)
        {
            int up = (y + _size - 1) % _size, down = (y + 1) % _size;
            for (int x = 0; x < _size; x++)
            {
                int left = (x + _size - 1) % _size, right = (x + 1) % _size;
                int n = _current[up * _size + left] + _current[up * _size + x] + _current[up * _size + right]
                      + _current[y * _size + left] + _current[y * _size + right]
                      + _current[down * _size + left] + _current[down * _size + x] + _current[down * _size + right];
                byte cell = _current[y * _size + x];
                byte next = (byte)(n == 3 || (n == 2 && cell == 1) ? 1 : 0);
                _next[y * _size + x] = next;
                localAlive += next;
            }
        }

        lock (_countLock)
        {
            _alive += localAlive;
        }
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int generations = args.Length > 0 ? int.Parse(args[0]) : 60;
        var board = new LifeBoard(size: 512, seed: 1970);
        var sw = Stopwatch.StartNew();
        for (int g = 0; g < generations; g++)
        {
            board.Advance(Environment.ProcessorCount);
            if (g % 20 == 0)
            {
                Console.WriteLine($"generation {g}: {board.Alive} alive");
            }
        }
        Console.WriteLine($"{generations} generations in {sw.ElapsedMilliseconds} ms, {board.Alive} alive");
    }
}
