#nullable disable
using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace NdviTileProcessor
{
    class Tile
    {
        public int Row, Col;
        public ushort[] Red, Nir;
        public float[] Ndvi;
        public int Clouds;
        public byte[] Packed;
    }

    static class Zlib
    {
        // Old ops note: "the zlib on the ingest boxes is not re-entrant, serialise it". Never revisited.
        public static readonly object Gate = new object();

        [DllImport("libz.so.1")]
        private static extern int compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

        [DllImport("libz.so.1")]
        private static extern nuint compressBound(nuint sourceLen);

        public static byte[] Compress(byte[] data, int level)
        {
            nuint bound = compressBound((nuint)data.Length);
            var dest = new byte[(int)bound];
            nuint len = bound;
            int rc = compress2(dest, ref len, data, (nuint)data.Length, level);
            if (rc != 0) throw new InvalidOperationException("compress2 failed: " + rc);
            Array.Resize(ref dest, (int)len);
            return dest;
        }
    }

    class Program
    {
        const int Size = 256;

        static void Main()
        {
            var tiles = (from r in Enumerable.Range(0, 6) from c in Enumerable.Range(0, 6) select Synthesize(r, c)).ToArray();

            var done = new ManualResetEvent[tiles.Length];
            for (int i = 0; i < tiles.Length; i++)
            {
                done[i] = new ManualResetEvent(false);
                ThreadPool.QueueUserWorkItem(state =>
                {
                    int index = (int)state;
                    ComputeNdvi(tiles[index]);
                    done[index].Set();
                }, i);
            }
            WaitHandle.WaitAll(done);
            foreach (var e in done) e.Dispose();

            var histogram = new long[200];
            Parallel.ForEach(tiles, () => new long[200], (tile, _, local) =>
            {
                foreach (float v in tile.Ndvi)
                    if (!float.IsNaN(v)) local[Math.Clamp((int)((v + 1f) * 100f), 0, 199)]++;
                return local;
            },
            local =>
            {
                lock (histogram)
                {
                    for (int b = 0; b < histogram.Length; b++) histogram[b] += local[b];
                }
            });

            Parallel.ForEach(tiles, tile =>
            {
                var quantised = new byte[tile.Ndvi.Length];
                for (int i = 0; i < quantised.Length; i++)
                    quantised[i] = float.IsNaN(tile.Ndvi[i]) ? (byte)255 : (byte)((tile.Ndvi[i] + 1f) * 127f);
                lock (Zlib.Gate)
                {
                    tile.Packed = Zlib.Compress(quantised, 9);
                }
            });

            long valid = histogram.Sum();
            long vegetated = histogram.Skip(140).Sum();
            Console.WriteLine("tiles: {0}, cloudy pixels: {1}", tiles.Length, tiles.Sum(t => t.Clouds));
            Console.WriteLine("vegetated (NDVI > 0.4): {0:P2} of {1} valid pixels", (double)vegetated / valid, valid);
            Console.WriteLine("packed size: {0} KiB for {1} KiB raw", tiles.Sum(t => t.Packed.Length) / 1024, tiles.Length * Size * Size / 1024);
        }

        static void ComputeNdvi(Tile tile)
        {
            var ndvi = new float[Size * Size];
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    // Cloud test on the 5x5 neighbourhood mean of the red band (bright and flat).
                    double sum = 0, sq = 0; int n = 0;
                    for (int dy = -2; dy <= 2; dy++)
                        for (int dx = -2; dx <= 2; dx++)
                        {
                            int yy = Math.Clamp(y + dy, 0, Size - 1), xx = Math.Clamp(x + dx, 0, Size - 1);
                            double r = tile.Red[yy * Size + xx];
                            sum += r; sq += r * r; n++;
                        }
                    double mean = sum / n, sd = Math.Sqrt(Math.Max(0, sq / n - mean * mean));
                    int i = y * Size + x;
                    if (mean > 9000 && sd < 600) { ndvi[i] = float.NaN; tile.Clouds++; continue; }
                    double red = tile.Red[i], nir = tile.Nir[i];
                    ndvi[i] = (float)((nir - red) / Math.Max(1.0, nir + red));
                }
            }
            tile.Ndvi = ndvi;
        }

        static Tile Synthesize(int row, int col)
        {
            var rng = new Random(row * 97 + col);
            var t = new Tile { Row = row, Col = col, Red = new ushort[Size * Size], Nir = new ushort[Size * Size] };
            double cloudX = rng.Next(Size), cloudY = rng.Next(Size), cloudR = rng.Next(10, 60);
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    double field = Math.Sin((x + col * Size) / 37.0) * Math.Cos((y + row * Size) / 53.0);
                    bool cloud = (x - cloudX) * (x - cloudX) + (y - cloudY) * (y - cloudY) < cloudR * cloudR;
                    t.Red[y * Size + x] = (ushort)(cloud ? 9500 + rng.Next(300) : 1200 + 800 * (1 - field) + rng.Next(200));
                    t.Nir[y * Size + x] = (ushort)(cloud ? 9700 + rng.Next(300) : 2500 + 2500 * (1 + field) + rng.Next(300));
                }
            return t;
        }
    }
}
