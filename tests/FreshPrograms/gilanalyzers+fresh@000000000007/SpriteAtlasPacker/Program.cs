using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Game.Tools.Atlas
{
    public class Sprite
    {
        public string Name;
        public int Width, Height;
        public uint[] Argb;
        public byte[] Indexed;
    }

    public static class Ditherer
    {
        private static int _spritesDithered;
        public static int SpritesDithered => _spritesDithered;

        /// <summary>Floyd–Steinberg onto the 64-colour atlas palette.</summary>
        [MethodImpl(MethodImplOptions.Synchronized)]
        public static byte[] Dither(Sprite sprite, uint[] palette)
        {
            int w = sprite.Width, h = sprite.Height;
            var err = new float[(w + 2) * (h + 1) * 3];
            var indexed = new byte[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    uint p = sprite.Argb[y * w + x];
                    int e = (y * (w + 2) + x + 1) * 3;
                    float r = ((p >> 16) & 0xFF) + err[e], g = ((p >> 8) & 0xFF) + err[e + 1], b = (p & 0xFF) + err[e + 2];
                    int best = 0; float bestD = float.MaxValue;
                    for (int i = 0; i < palette.Length; i++)
                    {
                        float dr = r - ((palette[i] >> 16) & 0xFF), dg = g - ((palette[i] >> 8) & 0xFF), db = b - (palette[i] & 0xFF);
                        float d = dr * dr + dg * dg + db * db;
                        if (d < bestD) { bestD = d; best = i; }
                    }
                    indexed[y * w + x] = (byte)best;
                    float[] q = { r - ((palette[best] >> 16) & 0xFF), g - ((palette[best] >> 8) & 0xFF), b - (palette[best] & 0xFF) };
                    for (int c = 0; c < 3; c++)
                    {
                        err[e + 3 + c] += q[c] * 7 / 16;
                        err[e + (w + 2) * 3 - 3 + c] += q[c] * 3 / 16;
                        err[e + (w + 2) * 3 + c] += q[c] * 5 / 16;
                        err[e + (w + 2) * 3 + 3 + c] += q[c] / 16;
                    }
                }
            _spritesDithered++;
            return indexed;
        }
    }

    internal static class Program
    {
        private static void Premultiply(List<Sprite> sprites, int from, int to)
        {
            for (int s = from; s < to; s++)
            {
                uint[] px = sprites[s].Argb;
                for (int i = 0; i < px.Length; i++)
                {
                    uint a = px[i] >> 24;
                    uint r = ((px[i] >> 16) & 0xFF) * a / 255, g = ((px[i] >> 8) & 0xFF) * a / 255, b = (px[i] & 0xFF) * a / 255;
                    px[i] = (a << 24) | (r << 16) | (g << 8) | b;
                }
            }
        }

        private static void Main()
        {
            var rng = new Random(12);
            var sprites = new List<Sprite>();
            for (int i = 0; i < 64; i++)
            {
                int w = 48 + rng.Next(48), h = 48 + rng.Next(48);
                var argb = new uint[w * h];
                for (int p = 0; p < argb.Length; p++) argb[p] = (uint)rng.Next() | 0x80000000u;
                sprites.Add(new Sprite { Name = $"unit_{i:D2}", Width = w, Height = h, Argb = argb });
            }
            uint[] palette = Enumerable.Range(0, 64).Select(i => 0xFF000000u | (uint)((i & 3) * 85 << 16) | (uint)((i >> 2 & 3) * 85 << 8) | (uint)((i >> 4) * 85)).ToArray();

            int half = sprites.Count / 2;
            var first = new Thread(() => Premultiply(sprites, 0, half));
            var second = new Thread(() => Premultiply(sprites, half, sprites.Count));
            first.Start();
            second.Start();
            first.Join();
            second.Join();

            Parallel.ForEach(sprites, sprite => sprite.Indexed = Ditherer.Dither(sprite, palette));

            string atlasPath = Path.Combine(Path.GetTempPath(), $"atlas-{Environment.ProcessId}.idx");
            using var rows = new BlockingCollection<byte[]>(boundedCapacity: 16);
            var writer = new Thread(() =>
            {
                using var file = File.Create(atlasPath);
                foreach (byte[] row in rows.GetConsumingEnumerable()) file.Write(row, 0, row.Length);
            }) { Name = "atlas-writer" };
            writer.Start();
            foreach (var sprite in sprites) rows.Add(sprite.Indexed);
            rows.CompleteAdding();
            writer.Join();

            Console.WriteLine($"dithered={Ditherer.SpritesDithered} atlasBytes={new FileInfo(atlasPath).Length} first={sprites[0].Indexed[0]}");
            File.Delete(atlasPath);
        }
    }
}
