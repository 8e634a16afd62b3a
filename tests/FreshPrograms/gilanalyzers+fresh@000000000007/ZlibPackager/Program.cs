using System.Runtime.InteropServices;
using System.Text;

namespace AssetPipeline.Packaging;

/// <summary>
/// Thin wrapper over the system zlib. The vendor binding this replaced was documented as "not thread-safe",
/// so every call still goes through one process-wide gate.
/// </summary>
internal static class ZlibNative
{
    private const string Lib = "libz.so.1";
    private static readonly object Gate = new();

    [DllImport(Lib, EntryPoint = "compress2")]
    private static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

    [DllImport(Lib, EntryPoint = "compressBound")]
    private static extern nuint CompressBound(nuint sourceLen);

    [DllImport(Lib, EntryPoint = "zlibVersion")]
    private static extern IntPtr ZlibVersion();

    public static string Version()
    {
        lock (Gate)
        {
            return Marshal.PtrToStringAnsi(ZlibVersion()) ?? "?";
        }
    }

    public static byte[] Deflate(byte[] data, int level)
    {
        lock (Gate)
        {
            nuint bound = CompressBound((nuint)data.Length);
            var buffer = new byte[(int)bound];
            nuint written = bound;
            int rc = Compress2(buffer, ref written, data, (nuint)data.Length, level);
            if (rc != 0) throw new InvalidOperationException($"compress2 failed: {rc}");
            Array.Resize(ref buffer, (int)written);
            return buffer;
        }
    }
}

internal sealed class PackWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _sync = new();
    public long Written { get; private set; }

    public PackWriter(string path) => _stream = new FileStream(path, FileMode.Create, FileAccess.Write);

    public void Append(string name, byte[] payload)
    {
        byte[] header = Encoding.UTF8.GetBytes($"{name}:{payload.Length}\n");
        lock (_sync)
        {
            _stream.Write(header, 0, header.Length);
            _stream.Write(payload, 0, payload.Length);
            Written += header.Length + payload.Length;
        }
    }

    public void Dispose() => _stream.Dispose();
}

internal static class Program
{
    private static byte[] MakeAsset(int i)
    {
        // Text-like assets (shaders, level scripts) compress well, which is why level 9 is used.
        var sb = new StringBuilder();
        var rng = new Random(i);
        string[] words = { "vec3", "float", "uniform", "sampler2D", "return", "normalize", "mix", "texture", "light", "shadow" };
        while (sb.Length < 192 * 1024)
            sb.Append(words[rng.Next(words.Length)]).Append(rng.Next(3) == 0 ? ";\n" : " ");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void Main()
    {
        Console.WriteLine($"zlib {ZlibNative.Version()}");
        var assets = Enumerable.Range(0, 16).Select(i => (Name: $"shaders/effect{i:D2}.glsl", Data: MakeAsset(i))).ToList();
        string packPath = Path.Combine(Path.GetTempPath(), $"assets-{Environment.ProcessId}.pak");

        long raw = 0;
        using (var writer = new PackWriter(packPath))
        {
            Parallel.ForEach(assets, asset =>
            {
                byte[] packed = ZlibNative.Deflate(asset.Data, 9);
                writer.Append(asset.Name, packed);
                Interlocked.Add(ref raw, asset.Data.Length);
            });
            Console.WriteLine($"assets={assets.Count} raw={raw} packed={writer.Written}");
        }
        File.Delete(packPath);
    }
}
