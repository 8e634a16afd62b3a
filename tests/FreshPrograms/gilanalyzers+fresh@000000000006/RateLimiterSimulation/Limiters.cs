namespace RateLimiterSimulation;

public interface IRateLimiter
{
    string Name { get; }
    bool TryAcquire(double nowSeconds);
    void Reset();
}

public sealed class TokenBucket : IRateLimiter
{
    private readonly double _capacity;
    private readonly double _refillPerSecond;
    private readonly object _gate = new();
    private double _tokens;
    private double _last;

    public TokenBucket(double capacity, double refillPerSecond)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        Reset();
    }

    public string Name => $"bucket({_capacity}/{_refillPerSecond}/s)";

    public bool TryAcquire(double nowSeconds)
    {
        lock (_gate)
        {
            if (nowSeconds > _last)
            {
                _tokens = Math.Min(_capacity, _tokens + (nowSeconds - _last) * _refillPerSecond);
                _last = nowSeconds;
            }
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }

    public void Reset()
    {
        lock (_gate) { _tokens = _capacity; _last = 0; }
    }
}

public sealed class SlidingWindowLog : IRateLimiter
{
    private readonly int _limit;
    private readonly double _window;
    private readonly Queue<double> _stamps = new();

    public SlidingWindowLog(int limit, double windowSeconds) { _limit = limit; _window = windowSeconds; }

    public string Name => $"window({_limit}/{_window}s)";

    public bool TryAcquire(double nowSeconds)
    {
        while (_stamps.Count > 0 && _stamps.Peek() <= nowSeconds - _window) _stamps.Dequeue();
        if (_stamps.Count >= _limit) return false;
        _stamps.Enqueue(nowSeconds);
        return true;
    }

    public void Reset() => _stamps.Clear();
}
