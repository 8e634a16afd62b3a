using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ChecksumArchiver
{
    internal static class ZLib
    {
        // The archive team treats the native binding as not thread-safe: every call goes through NativeGate.
        public static readonly object NativeGate = new object();

        [DllImport("libz.so.1", EntryPoint = "compress2")]
        public static extern int Compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);

        [DllImport("libz.so.1", EntryPoint = "compressBound")]
        public static extern nuint CompressBound(nuint sourceLen);

        [DllImport("libz.so.1", EntryPoint = "zlibVersion")]
        public static extern IntPtr ZlibVersion();
    }

    internal sealed class ArchiveChunk
    {
        public int Index;
        public byte[] Data = Array.Empty<byte>();
        public byte[] Compressed = Array.Empty<byte>();
        public uint Crc;
    }

    internal static class Archiver
    {
        public static string NativeVersion()
        {
            lock (ZLib.NativeGate)
            {
                return Marshal.PtrToStringAnsi(ZLib.ZlibVersion()) ?? "?";
            }
        }

        public static void CompressAll(IList<ArchiveChunk> chunks)
        {
            Parallel.ForEach(chunks, chunk =>
            {
                lock (ZLib.NativeGate)
                {
                    nuint bound = ZLib.CompressBound((nuint)chunk.Data.Length);
                    var buffer = new byte[(int)bound];
                    nuint length = bound;
                    int rc = ZLib.Compress2(buffer, ref length, chunk.Data, (nuint)chunk.Data.Length, 9);
                    if (rc != 0) throw new InvalidOperationException("compress2 failed: " + rc);
                    chunk.Compressed = buffer.AsSpan(0, (int)length).ToArray();
                }
            });
        }

        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static void ChecksumAll(ArchiveChunk[] chunks, int groups)
        {
            ManualResetEvent[] finished = new ManualResetEvent[groups];
            for (int g = 0; g < groups; g++)
            {
                finished[g] = new ManualResetEvent(false);
                ThreadPool.QueueUserWorkItem(state =>
                {
                    int group = (int)state!;
                    for (int i = group; i < chunks.Length; i += groups)
                    {
                        uint crc = 0xFFFFFFFFu;
                        foreach (byte b in chunks[i].Data)
                            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
                        chunks[i].Crc = ~crc;
                    }
                    finished[group].Set();
                }, g);
            }
            WaitHandle.WaitAll(finished);
            foreach (var e in finished) e.Dispose();
        }
    }

    internal static class Program
    {
        private static void Main()
        {
            var rng = new Random(13);
            string[] words = { "invoice", "customer", "total", "amount", "2024", "EUR", "paid", "due", "ref" };
            var chunks = Enumerable.Range(0, 48).Select(i =>
            {
                var text = string.Join(" ", Enumerable.Range(0, 40_000).Select(_ => words[rng.Next(words.Length)]));
                return new ArchiveChunk { Index = i, Data = System.Text.Encoding.ASCII.GetBytes(text) };
            }).ToArray();

            Console.WriteLine("zlib " + Archiver.NativeVersion());
            Archiver.ChecksumAll(chunks, 8);
            Archiver.CompressAll(chunks);
            long raw = chunks.Sum(c => (long)c.Data.Length), packed = chunks.Sum(c => (long)c.Compressed.Length);
            Console.WriteLine($"{chunks.Length} chunks, {raw / 1024} KiB -> {packed / 1024} KiB ({100.0 * packed / raw:F1}%)");
            Console.WriteLine($"crc[0]={chunks[0].Crc:X8} crc[47]={chunks[47].Crc:X8}");
        }
    }
}
