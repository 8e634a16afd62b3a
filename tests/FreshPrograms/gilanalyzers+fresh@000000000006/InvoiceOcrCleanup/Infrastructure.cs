namespace InvoiceOcrCleanup;

/// <summary>Async-friendly mutual exclusion: <c>using (await gate.LockAsync()) { ... }</c>.</summary>
public sealed class AsyncLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> LockAsync()
    {
        await _semaphore.WaitAsync().ConfigureAwait(false);
        return new Releaser(_semaphore);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) semaphore.Release();
        }
    }
}

/// <summary>Fuzzy vendor-name matcher. Keeps two DP rows as scratch to avoid allocating per comparison.</summary>
public sealed class VendorMatcher
{
    private readonly string[] _vendors;
    private int[] _prev = new int[64];
    private int[] _curr = new int[64];

    public VendorMatcher(IEnumerable<string> vendors) => _vendors = vendors.Select(Normalize).ToArray();

    public int VendorCount => _vendors.Length;

    public (string Vendor, int Distance) BestMatch(string ocrText)
    {
        string probe = Normalize(ocrText);
        string best = "";
        int bestDistance = int.MaxValue;
        foreach (string vendor in _vendors)
        {
            int d = Distance(probe, vendor);
            if (d < bestDistance) { bestDistance = d; best = vendor; }
        }
        return (best, bestDistance);
    }

    private int Distance(string a, string b)
    {
        if (_prev.Length <= b.Length) { _prev = new int[b.Length + 1]; _curr = new int[b.Length + 1]; }
        for (int j = 0; j <= b.Length; j++) _prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            _curr[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                _curr[j] = Math.Min(Math.Min(_curr[j - 1] + 1, _prev[j] + 1), _prev[j - 1] + cost);
            }
            (_prev, _curr) = (_curr, _prev);
        }
        return _prev[b.Length];
    }

    private static string Normalize(string s) =>
        new string(s.ToUpperInvariant().Where(char.IsLetterOrDigit).ToArray())
            .Replace('0', 'O').Replace('1', 'I').Replace('5', 'S');
}
