namespace ImageDenoiseService;

public sealed record GrayFrame(int Index, int Width, int Height, byte[] Pixels);

/// <summary>Small bounded hand-off between the capture loop and the denoise workers.</summary>
public sealed class FrameQueue(int capacity)
{
    private readonly Queue<GrayFrame> _items = new();
    private bool _completed;

    public void Add(GrayFrame frame)
    {
        lock (_items)
        {
            while (_items.Count >= capacity)
            {
                Monitor.Wait(_items);
            }
            _items.Enqueue(frame);
            Monitor.PulseAll(_items);
        }
    }

    public void Complete()
    {
        lock (_items)
        {
            _completed = true;
            Monitor.PulseAll(_items);
        }
    }

    public bool TryTake(out GrayFrame frame)
    {
        lock (_items)
        {
            while (_items.Count == 0 && !_completed)
            {
                Monitor.Wait(_items);
            }
            if (_items.Count == 0)
            {
                frame = null!;
                return false;
            }
            frame = _items.Dequeue();
            Monitor.PulseAll(_items);
            return true;
        }
    }
}

public sealed class SyntheticCamera(int width, int height, int seed)
{
    private readonly Random _rng = new(seed);

    public GrayFrame Capture(int index)
    {
        var px = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double scene = (x / 24 + y / 24 + index) % 2 == 0 ? 70 : 180;
                px[y * width + x] = (byte)Math.Clamp(scene + (_rng.NextDouble() - 0.5) * 40, 0, 255);
            }
        return new GrayFrame(index, width, height, px);
    }
}
