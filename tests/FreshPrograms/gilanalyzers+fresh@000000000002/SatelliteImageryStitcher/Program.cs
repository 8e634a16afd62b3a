using System;
using System.Diagnostics;
using System.IO;

namespace SatelliteImageryStitcher
{
    internal static class Program
    {
        private static void Main(string[] args)
        {
            int scenes = args.Length > 0 ? int.Parse(args[0]) : 12;
            string outputDir = Path.Combine(Path.GetTempPath(), "stitched-strips");
            Directory.CreateDirectory(outputDir);

            Scene[] input = SceneSource.Load(scenes, width: 320, height: 240, overlap: 48);
            StripWriter writer = new StripWriter(outputDir);
            writer.Start();

            Stopwatch sw = Stopwatch.StartNew();
            MosaicStitcher stitcher = new MosaicStitcher(writer);
            float[,] mosaic = stitcher.Stitch(input, bands: Environment.ProcessorCount * 2);
            sw.Stop();

            writer.Finish();
            Console.WriteLine("mosaic {0}x{1} from {2} scenes in {3} ms; {4} strips written to {5}",
                mosaic.GetLength(1), mosaic.GetLength(0), input.Length, sw.ElapsedMilliseconds, writer.Written, outputDir);
        }
    }

    internal sealed class Scene
    {
        public float[,] Pixels;
        public int NominalOffsetX;
    }

    internal static class SceneSource
    {
        public static Scene[] Load(int count, int width, int height, int overlap)
        {
            Random rng = new Random(21);
            Scene[] scenes = new Scene[count];
            for (int s = 0; s < count; s++)
            {
                float[,] px = new float[height, width];
                int originX = s * (width - overlap);
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        double gx = originX + x;
                        px[y, x] = (float)(0.5 + 0.3 * Math.Sin(gx / 17.0) * Math.Cos(y / 11.0) + 0.02 * rng.NextDouble() + 0.03 * s);
                    }
                // the platform drifts a little between acquisitions
                scenes[s] = new Scene { Pixels = px, NominalOffsetX = originX + rng.Next(-3, 4) };
            }
            return scenes;
        }
    }
}
