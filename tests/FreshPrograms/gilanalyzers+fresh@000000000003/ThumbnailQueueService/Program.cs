using System.Threading.Channels;

namespace ThumbnailQueueService;

// Background job host of a photo-sharing site: uploads land on a channel, one hosted loop
// drains them in batches and renders three thumbnail sizes per upload.
public static class Program
{
    public static async Task Main()
    {
        var status = new JobStatusBoard();
        var channel = Channel.CreateBounded<UploadJob>(new BoundedChannelOptions(64) { SingleReader = true });
        var worker = new ThumbnailWorker(channel.Reader, status, batchSize: 16);

        Task hosted = worker.RunAsync(CancellationToken.None);

        for (int i = 0; i < 72; i++)
        {
            status.Set(i, "queued");
            await channel.Writer.WriteAsync(UploadJob.Synthetic(i));
        }
        channel.Writer.Complete();
        await hosted;

        Console.WriteLine($"jobs done:      {status.Count("done")}");
        Console.WriteLine($"thumbnails:     {worker.ThumbnailsWritten}");
        Console.WriteLine($"output digest:  {worker.Digest:X16}");
    }
}

public sealed record UploadJob(int Id, int Width, int Height, byte[] Rgb)
{
    public static UploadJob Synthetic(int id)
    {
        int w = 320 + id % 5 * 32, h = 240 + id % 3 * 24;
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int o = (y * w + x) * 3;
            rgb[o] = (byte)(x * 255 / w);
            rgb[o + 1] = (byte)(y * 255 / h);
            rgb[o + 2] = (byte)((x ^ y ^ id) & 0xff);
        }
        return new UploadJob(id, w, h, rgb);
    }
}

public sealed class JobStatusBoard
{
    private readonly Dictionary<int, string> _status = new();
    private readonly object _gate = new();

    public void Set(int jobId, string state)
    {
        lock (_gate)
        {
            _status[jobId] = state;
        }
    }

    public int Count(string state)
    {
        lock (_gate)
        {
            return _status.Values.Count(s => s == state);
        }
    }
}
