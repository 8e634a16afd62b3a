namespace PerceptualHashIndex;

public sealed class GrayImage(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Data { get; } = new byte[width * height];
    public byte this[int x, int y] { get => Data[y * Width + x]; set => Data[y * Width + x] = value; }
}

public interface IImageHasher
{
    ulong Hash(GrayImage image);
}

/// <summary>
/// pHash: downscale to 32x32, 2-D DCT, keep the 8x8 low-frequency block, threshold at the median.
/// The cosine table and the working planes are allocated once per hasher.
/// </summary>
public sealed class DctHasher : IImageHasher
{
    private const int N = 32;
    private readonly double[,] _cos = new double[N, N];
    private readonly double[] _plane = new double[N * N];
    private readonly double[] _rowPass = new double[N * N];
    private readonly object _workspaceLock = new();

    public DctHasher()
    {
        for (int u = 0; u < N; u++)
            for (int x = 0; x < N; x++)
                _cos[u, x] = Math.Cos((2 * x + 1) * u * Math.PI / (2 * N));
    }

    public ulong Hash(GrayImage image)
    {
        if (!Monitor.TryEnter(_workspaceLock, TimeSpan.FromSeconds(30)))
            throw new TimeoutException("hasher workspace busy");
        try
        {
            for (int y = 0; y < N; y++)
                for (int x = 0; x < N; x++)
                {
                    int x0 = x * image.Width / N, x1 = (x + 1) * image.Width / N;
                    int y0 = y * image.Height / N, y1 = (y + 1) * image.Height / N;
                    double sum = 0;
                    for (int yy = y0; yy < y1; yy++)
                        for (int xx = x0; xx < x1; xx++)
                            sum += image[xx, yy];
                    _plane[y * N + x] = sum / ((x1 - x0) * (y1 - y0));
                }

            for (int y = 0; y < N; y++)
                for (int u = 0; u < N; u++)
                {
                    double s = 0;
                    for (int x = 0; x < N; x++) s += _plane[y * N + x] * _cos[u, x];
                    _rowPass[y * N + u] = s;
                }

            Span<double> low = stackalloc double[64];
            for (int v = 0; v < 8; v++)
                for (int u = 0; u < 8; u++)
                {
                    double s = 0;
                    for (int y = 0; y < N; y++) s += _rowPass[y * N + u] * _cos[v, y];
                    low[v * 8 + u] = s;
                }

            double[] sorted = low.ToArray();
            Array.Sort(sorted);
            double median = (sorted[31] + sorted[32]) / 2;
            ulong hash = 0;
            for (int i = 0; i < 64; i++)
                if (low[i] > median) hash |= 1UL << i;
            return hash;
        }
        finally
        {
            Monitor.Exit(_workspaceLock);
        }
    }
}
