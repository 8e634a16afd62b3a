using System.Text;

namespace ColumnarEncoder;

public sealed record ColumnChunk(string Name, int Rows, byte[] Payload, string Encoding);

public sealed class ChunkFileWriter(Stream output) : IDisposable
{
    private readonly object _writeGate = new();
    private long _bytesWritten;

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public void Append(ColumnChunk chunk)
    {
        byte[] header = Encoding.UTF8.GetBytes($"{chunk.Name}|{chunk.Encoding}|{chunk.Rows}|{chunk.Payload.Length}\n");
        lock (_writeGate)
        {
            output.Write(header);
            output.Write(chunk.Payload);
            _bytesWritten += header.Length + chunk.Payload.Length;
        }
    }

    public void Dispose() => output.Dispose();
}

public static class ColumnCodec
{
    public static ColumnChunk Encode(string name, string[] values)
    {
        var dictionary = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (!dictionary.TryGetValue(values[i], out int code))
                dictionary[values[i]] = code = dictionary.Count;
            codes[i] = code;
        }
        using var ms = new MemoryStream();
        using var writer = new BinaryWriter(ms);
        foreach (var entry in dictionary.OrderBy(e => e.Value)) writer.Write(entry.Key);
        int bitWidth = Math.Max(1, 32 - int.LeadingZeroCount(dictionary.Count));
        int run = 1;
        for (int i = 1; i <= codes.Length; i++)
        {
            if (i < codes.Length && codes[i] == codes[i - 1]) { run++; continue; }
            writer.Write7BitEncodedInt(run);
            writer.Write7BitEncodedInt(codes[i - 1] << 1 | (bitWidth & 1));
            run = 1;
        }
        writer.Flush();
        return new ColumnChunk(name, values.Length, ms.ToArray(), $"dict+rle/{bitWidth}");
    }
}

public static class Program
{
    public static void Main()
    {
        string csv = GenerateCsv(rows: 150_000);
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split(',');
        var columns = new string[header.Length][];
        for (int c = 0; c < header.Length; c++) columns[c] = new string[lines.Length - 1];
        for (int r = 1; r < lines.Length; r++)
        {
            string[] cells = lines[r].Split(',');
            for (int c = 0; c < cells.Length; c++) columns[c][r - 1] = cells[c];
        }

        string path = Path.Combine(Path.GetTempPath(), $"columnar-{Environment.ProcessId}.col");
        using var file = new ChunkFileWriter(File.Create(path));
        using var stop = new CancellationTokenSource();
        var progress = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Thread.Sleep(200);
                Console.Error.WriteLine($"[progress] {file.BytesWritten} bytes written");
            }
        }) { IsBackground = true, Name = "progress" };
        progress.Start();

        var chunks = new ColumnChunk[header.Length];
        using (var done = new CountdownEvent(header.Length))
        {
            for (int c = 0; c < header.Length; c++)
            {
                ThreadPool.QueueUserWorkItem(state =>
                {
                    int col = (int)state!;
                    chunks[col] = ColumnCodec.Encode(header[col], columns[col]);
                    file.Append(chunks[col]);
                    done.Signal();
                }, c);
            }
            done.Wait();
        }
        stop.Cancel();

        foreach (var chunk in chunks)
            Console.WriteLine($"{chunk.Name,-10} {chunk.Encoding,-10} {chunk.Payload.Length,8} bytes");
        Console.WriteLine($"total {chunks.Sum(c => c.Payload.Length)} payload bytes for {chunks[0].Rows} rows");
        file.Dispose();
        File.Delete(path);
    }

    private static string GenerateCsv(int rows)
    {
        var rng = new Random(20260);
        string[] countries = ["DE", "FR", "NL", "US", "JP", "BR", "IN"];
        var sb = new StringBuilder("order_id,country,status,sku,quantity,day\n");
        for (int i = 0; i < rows; i++)
        {
            sb.Append(i).Append(',').Append(countries[(i / 500) % countries.Length]).Append(',')
              .Append(rng.NextDouble() < 0.9 ? "shipped" : "returned").Append(',')
              .Append("SKU-").Append(rng.Next(0, 4000)).Append(',').Append(rng.Next(1, 5)).Append(',')
              .Append(20260101 + i / 5000).Append('\n');
        }
        return sb.ToString();
    }
}
