using System;
using System.IO;
using System.Threading;

namespace Acme.Imaging.Legacy
{
    /// <summary>State handed to the pool; carries its own completion handle (old ASP.NET upload handler style).</summary>
    internal sealed class ThumbnailJob
    {
        public int Id;
        public byte[] Pixels;
        public int Width;
        public int Height;
        public byte[] Thumbnail;
        public ManualResetEvent Done;
    }

    internal static class ImageUtil
    {
        private static readonly object SyncRoot = new object();
        private static long _pixelsSharpened;

        public static long PixelsSharpened { get { return Interlocked.Read(ref _pixelsSharpened); } }

        // 3x3 unsharp kernel. Kept under the lock since the v1 GDI+ version was not re-entrant.
        public static byte[] Sharpen(byte[] src, int w, int h)
        {
            byte[] dst = new byte[src.Length];
            Monitor.Enter(SyncRoot);
            try
            {
                for (int y = 1; y < h - 1; y++)
                {
                    for (int x = 1; x < w - 1; x++)
                    {
                        int c = src[y * w + x];
                        int v = 5 * c - src[(y - 1) * w + x] - src[(y + 1) * w + x] - src[y * w + x - 1] - src[y * w + x + 1];
                        dst[y * w + x] = (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
                    }
                }
                _pixelsSharpened += (long)(w - 2) * (h - 2);
            }
            finally
            {
                Monitor.Exit(SyncRoot);
            }
            return dst;
        }

        public static byte[] Downscale2x(byte[] src, int w, int h)
        {
            int tw = w / 2, th = h / 2;
            byte[] dst = new byte[tw * th];
            for (int y = 0; y < th; y++)
                for (int x = 0; x < tw; x++)
                {
                    int s = src[2 * y * w + 2 * x] + src[2 * y * w + 2 * x + 1] + src[(2 * y + 1) * w + 2 * x] + src[(2 * y + 1) * w + 2 * x + 1];
                    dst[y * tw + x] = (byte)(s / 4);
                }
            return dst;
        }
    }

    internal static class ThumbnailWorker
    {
        private static readonly object StatsLock = new object();
        public static int Completed;
        public static long Bytes;

        public static void Process(object state)
        {
            ThumbnailJob job = (ThumbnailJob)state;
            try
            {
                byte[] small = ImageUtil.Downscale2x(job.Pixels, job.Width, job.Height);
                job.Thumbnail = ImageUtil.Sharpen(small, job.Width / 2, job.Height / 2);
                lock (StatsLock)
                {
                    Completed++;
                    Bytes += job.Thumbnail.Length;
                }
            }
            finally
            {
                job.Done.Set();
            }
        }
    }

    internal static class Program
    {
        private static byte[] MakeUpload(int seed, int w, int h)
        {
            byte[] px = new byte[w * h];
            uint s = (uint)seed * 2654435761u + 1;
            for (int i = 0; i < px.Length; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; px[i] = (byte)((s & 0x7F) + ((i % w) >> 2)); }
            return px;
        }

        private static void Main()
        {
            const int count = 24, width = 512, height = 512;
            ThumbnailJob[] jobs = new ThumbnailJob[count];
            ManualResetEvent[] doneEvents = new ManualResetEvent[count];
            for (int i = 0; i < count; i++)
            {
                jobs[i] = new ThumbnailJob { Id = i, Pixels = MakeUpload(i, width, height), Width = width, Height = height, Done = new ManualResetEvent(false) };
                doneEvents[i] = jobs[i].Done;
                ThreadPool.QueueUserWorkItem(new WaitCallback(ThumbnailWorker.Process), jobs[i]);
            }
            WaitHandle.WaitAll(doneEvents);

            string outDir = Path.Combine(Path.GetTempPath(), "thumbs-" + Environment.ProcessId);
            Directory.CreateDirectory(outDir);
            using (CountdownEvent saved = new CountdownEvent(count))
            {
                foreach (ThumbnailJob job in jobs)
                {
                    ThreadPool.QueueUserWorkItem(delegate (object o)
                    {
                        ThumbnailJob j = (ThumbnailJob)o;
                        try { File.WriteAllBytes(Path.Combine(outDir, "thumb_" + j.Id + ".raw"), j.Thumbnail); }
                        finally { saved.Signal(); }
                    }, job);
                }
                saved.Wait();
            }

            long checksum = 0;
            foreach (ThumbnailJob job in jobs) { foreach (byte b in job.Thumbnail) checksum += b; job.Done.Close(); }
            Console.WriteLine("thumbnails={0} bytes={1} sharpened={2} checksum={3}", ThumbnailWorker.Completed, ThumbnailWorker.Bytes, ImageUtil.PixelsSharpened, checksum);
            Directory.Delete(outDir, true);
        }
    }
}
