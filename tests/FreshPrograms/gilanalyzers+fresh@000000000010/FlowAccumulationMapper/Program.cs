using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace FlowAccumulationMapper;

// Port of the D8 flow routine from the 1990s hydrology toolkit. The original kept its work arrays in a COMMON block,
// so the port keeps them in statics and reuses them between tiles; callers serialise on SyncRoot.
static class LegacyD8
{
    public static readonly object SyncRoot = new object();
    static int s_n;
    static byte[] s_dir = new byte[0];
    static int[] s_acc = new int[0];
    static int[] s_stack = new int[0];
    static long s_cellsRouted;

    static readonly int[] Dx = { 1, 1, 0, -1, -1, -1, 0, 1 };
    static readonly int[] Dy = { 0, 1, 1, 1, 0, -1, -1, -1 };

    public static long CellsRouted => s_cellsRouted;

    public static int[] Accumulate(float[] dem, int n)
    {
        if (s_n != n) { s_n = n; s_dir = new byte[n * n]; s_acc = new int[n * n]; s_stack = new int[n * n]; }
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int best = 8; float drop = 0;
                for (int d = 0; d < 8; d++)
                {
                    int nx = x + Dx[d], ny = y + Dy[d];
                    if (nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
                    float dz = (dem[y * n + x] - dem[ny * n + nx]) / (d % 2 == 0 ? 1f : 1.41421356f);
                    if (dz > drop) { drop = dz; best = d; }
                }
                s_dir[y * n + x] = (byte)best;
            }
        Array.Fill(s_acc, 1);
        // Route each cell downstream with the shared stack, counting contributing cells.
        for (int start = 0; start < n * n; start++)
        {
            int top = 0, cell = start;
            while (s_dir[cell] != 8 && top < s_stack.Length)
            {
                int nx = cell % n + Dx[s_dir[cell]], ny = cell / n + Dy[s_dir[cell]];
                cell = ny * n + nx;
                s_stack[top++] = cell;
            }
            for (int i = 0; i < top; i++) s_acc[s_stack[i]]++;
            s_cellsRouted += top;
        }
        return (int[])s_acc.Clone();
    }
}

static class Program
{
    const int TileSize = 128;

    static float[] SyntheticDem(int seed)
    {
        var rng = new Random(seed);
        var dem = new float[TileSize * TileSize];
        double px = rng.NextDouble() * 10, py = rng.NextDouble() * 10;
        for (int y = 0; y < TileSize; y++)
            for (int x = 0; x < TileSize; x++)
                dem[y * TileSize + x] = (float)(200 - 0.6 * y + 12 * Math.Sin(x / 9.0 + px) * Math.Cos(y / 13.0 + py) + rng.NextDouble());
        return dem;
    }

    static void Main()
    {
        var tiles = Enumerable.Range(0, 24).Select(i => (Id: i, Dem: SyntheticDem(i))).ToList();
        var slopes = new float[tiles.Count][];
        Parallel.For(0, tiles.Count, t =>
        {
            float[] dem = tiles[t].Dem, slope = new float[dem.Length];
            for (int y = 1; y < TileSize - 1; y++)
                for (int x = 1; x < TileSize - 1; x++)
                {
                    float gx = dem[y * TileSize + x + 1] - dem[y * TileSize + x - 1];
                    float gy = dem[(y + 1) * TileSize + x] - dem[(y - 1) * TileSize + x];
                    slope[y * TileSize + x] = MathF.Sqrt(gx * gx + gy * gy) / 2f;
                }
            slopes[t] = slope;
        });

        string outPath = Path.Combine(Path.GetTempPath(), "flowacc.bin");
        var results = new Dictionary<int, (int MaxAcc, int Channels)>();
        var sw = Stopwatch.StartNew();
        using (var output = new FileStream(outPath, FileMode.Create, FileAccess.Write))
        {
            Parallel.ForEach(tiles, tile =>
            {
                int[] acc;
                lock (LegacyD8.SyncRoot)
                {
                    acc = LegacyD8.Accumulate(tile.Dem, TileSize);
                }
                int channels = acc.Count(a => a >= 300), maxAcc = acc.Max();
                var bytes = new byte[acc.Length * 4];
                Buffer.BlockCopy(acc, 0, bytes, 0, bytes.Length);
                lock (output)
                {
                    output.Seek((long)tile.Id * bytes.Length, SeekOrigin.Begin);
                    output.Write(bytes, 0, bytes.Length);
                    results[tile.Id] = (maxAcc, channels);
                }
            });
        }
        Console.Error.WriteLine($"routed {tiles.Count} tiles in {sw.ElapsedMilliseconds} ms");

        Console.WriteLine($"cells routed: {LegacyD8.CellsRouted}");
        foreach (var (id, r) in results.OrderBy(kv => kv.Key).Take(6).Select(kv => (kv.Key, kv.Value)))
            Console.WriteLine($"tile {id}: max accumulation {r.MaxAcc}, channel cells {r.Channels}, mean slope {slopes[id].Average():F3}");
    }
}
