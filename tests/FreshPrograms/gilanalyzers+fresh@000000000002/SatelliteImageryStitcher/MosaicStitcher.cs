using System;
using System.Threading;

namespace SatelliteImageryStitcher
{
    /// <summary>
    /// Refines each scene's horizontal offset by normalised cross-correlation against its neighbour, then
    /// feather-blends all scenes into one mosaic. The blend is split into horizontal bands, one thread each.
    /// </summary>
    internal sealed class MosaicStitcher
    {
        private readonly StripWriter _writer;

        public MosaicStitcher(StripWriter writer)
        {
            _writer = writer;
        }

        private sealed class BandJob
        {
            public Scene[] Scenes;
            public int[] Offsets;
            public float[,] Mosaic;
            public int FirstRow;
            public int LastRow;
        }

        public float[,] Stitch(Scene[] scenes, int bands)
        {
            int[] offsets = RefineOffsets(scenes);
            int height = scenes[0].Pixels.GetLength(0);
            int width = offsets[offsets.Length - 1] + scenes[scenes.Length - 1].Pixels.GetLength(1);
            float[,] mosaic = new float[height, width];

            Thread[] workers = new Thread[bands];
            int rowsPerBand = (height + bands - 1) / bands;
            for (int b = 0; b < bands; b++)
            {
                BandJob job = new BandJob
                {
                    Scenes = scenes,
                    Offsets = offsets,
                    Mosaic = mosaic,
                    FirstRow = b * rowsPerBand,
                    LastRow = Math.Min(height, (b + 1) * rowsPerBand),
                };
                workers[b] = new Thread(new ParameterizedThreadStart(BlendBand));
                workers[b].Start(job);
            }
            for (int b = 0; b < bands; b++)
            {
                workers[b].Join();
            }
            return mosaic;
        }

        private void BlendBand(object state)
        {
            BandJob job = (BandJob)state;
            int width = job.Mosaic.GetLength(1);
            for (int y = job.FirstRow; y < job.LastRow; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double sum = 0, weightSum = 0;
                    for (int s = 0; s < job.Scenes.Length; s++)
                    {
                        int local = x - job.Offsets[s];
                        int sceneWidth = job.Scenes[s].Pixels.GetLength(1);
                        if (local < 0 || local >= sceneWidth) continue;
                        // feather: weight falls off linearly towards the scene edges
                        double w = Math.Min(local + 1, sceneWidth - local);
                        sum += w * job.Scenes[s].Pixels[y, local];
                        weightSum += w;
                    }
                    job.Mosaic[y, x] = weightSum > 0 ? (float)(sum / weightSum) : 0f;
                }
            }
            _writer.Enqueue(job.FirstRow, job.Mosaic, job.FirstRow, job.LastRow);
        }

        private static int[] RefineOffsets(Scene[] scenes)
        {
            int[] offsets = new int[scenes.Length];
            offsets[0] = 0;
            for (int s = 1; s < scenes.Length; s++)
            {
                int nominal = scenes[s].NominalOffsetX - scenes[s - 1].NominalOffsetX;
                int best = nominal;
                double bestScore = double.MinValue;
                for (int shift = nominal - 4; shift <= nominal + 4; shift++)
                {
                    double score = Ncc(scenes[s - 1].Pixels, scenes[s].Pixels, shift);
                    if (score > bestScore) { bestScore = score; best = shift; }
                }
                offsets[s] = offsets[s - 1] + best;
            }
            return offsets;
        }

        private static double Ncc(float[,] left, float[,] right, int shift)
        {
            int h = left.GetLength(0), w = left.GetLength(1);
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0; int n = 0;
            for (int y = 0; y < h; y += 2)
                for (int x = shift; x < w; x += 2)
                {
                    double a = left[y, x], b = right[y, x - shift];
                    sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b; n++;
                }
            double cov = sab / n - sa / n * sb / n;
            return cov / Math.Sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n) + 1e-12);
        }
    }
}
