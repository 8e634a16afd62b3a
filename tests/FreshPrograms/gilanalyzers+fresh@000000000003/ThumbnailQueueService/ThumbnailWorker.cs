using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ThumbnailQueueService;

public sealed class ThumbnailWorker(ChannelReader<UploadJob> reader, JobStatusBoard status, int batchSize)
{
    private static readonly int[] Sizes = [160, 96, 48];
    private long _digest = 17;
    private int _written;

    public int ThumbnailsWritten => _written;
    public long Digest => _digest;

    public async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<UploadJob>(batchSize);
        while (await reader.WaitToReadAsync(ct))
        {
            while (batch.Count < batchSize && reader.TryRead(out var job))
            {
                batch.Add(job);
            }
            ProcessBatch(batch);
            batch.Clear();
        }
        if (batch.Count > 0) ProcessBatch(batch);
    }

    private void ProcessBatch(List<UploadJob> batch)
    {
        var sums = new long[batch.Count];
        Parallel.ForEach(batch, (job, _, i) =>
        {
            long local = 0;
            foreach (int size in Sizes)
            {
                byte[] thumb = Resampler.Downscale(job.Rgb, job.Width, job.Height, size);
                local = local * 31 + Checksum(thumb);
                Interlocked.Increment(ref _written);
            }
            sums[i] = local;
            status.Set(job.Id, "done");
        });
        foreach (long s in sums)
        {
            _digest += s; // order-independent so batching does not change the digest
        }
    }

    private static long Checksum(byte[] data)
    {
        long h = 0;
        foreach (byte b in data) h = h * 131 + b;
        return h;
    }
}

// Lanczos-ish resampler ported from the old desktop tool, where the method was marked
// synchronized because its UI thread and print thread both used it.
public static class Resampler
{

    [MethodImpl(MethodImplOptions.Synchronized)]
    public static byte[] Downscale(byte[] rgb, int width, int height, int target)
    {
        double scale = Math.Max(width, height) / (double)target;
        int tw = Math.Max(1, (int)(width / scale)), th = Math.Max(1, (int)(height / scale));
        int radius = (int)Math.Ceiling(scale * 1.5);
        var weights = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++)
        {
            double x = k / scale;
            weights[k + radius] = Math.Abs(x) < 1e-9 ? 1 : Math.Max(0, Math.Sin(Math.PI * x) / (Math.PI * x));
        }

        var output = new byte[tw * th * 3];
        for (int ty = 0; ty < th; ty++)
        for (int tx = 0; tx < tw; tx++)
        {
            int cx = (int)((tx + 0.5) * scale), cy = (int)((ty + 0.5) * scale);
            for (int c = 0; c < 3; c++)
            {
                double acc = 0, wsum = 0;
                for (int dy = -radius; dy <= radius; dy += 2)
                {
                    int sy = Math.Clamp(cy + dy, 0, height - 1);
                    for (int dx = -radius; dx <= radius; dx += 2)
                    {
                        int sx = Math.Clamp(cx + dx, 0, width - 1);
                        double w = weights[dx + radius] * weights[dy + radius];
                        acc += w * rgb[(sy * width + sx) * 3 + c];
                        wsum += w;
                    }
                }
                output[(ty * tw + tx) * 3 + c] = (byte)Math.Clamp(acc / wsum + 0.5, 0, 255);
            }
        }
        return output;
    }
}
