using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace AdpcmCodecBench
{
    internal sealed class Clip
    {
        public string Name = "";
        public short[] Pcm = Array.Empty<short>(), Decoded = Array.Empty<short>();
        public byte[] Encoded = Array.Empty<byte>();
        public double SnrDb, SegmentalSnrDb;
        public int ZippedPcm, ZippedAdpcm;
    }

    internal static class ImaAdpcm
    {
        private static readonly int[] IndexTable = { -1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8 };
        private static readonly int[] StepTable =
        {
            7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107, 118,
            130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796, 876, 963, 1060,
            1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894, 6484,
            7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767,
        };

        public static byte[] Encode(short[] pcm)
        {
            var output = new byte[(pcm.Length + 1) / 2];
            int predictor = 0, index = 0;
            for (int i = 0; i < pcm.Length; i++)
            {
                int step = StepTable[index], diff = pcm[i] - predictor, code = 0;
                if (diff < 0) { code = 8; diff = -diff; }
                int vpdiff = step >> 3;                if (diff >= step) { code |= 4; diff -= step; vpdiff += step; }
                if (diff >= step >> 1) { code |= 2; diff -= step >> 1; vpdiff += step >> 1; }
                if (diff >= step >> 2) { code |= 1; vpdiff += step >> 2; }
                predictor = Math.Clamp(predictor + ((code & 8) != 0 ? -vpdiff : vpdiff), short.MinValue, short.MaxValue);
                index = Math.Clamp(index + IndexTable[code], 0, StepTable.Length - 1);
                output[i >> 1] |= (byte)((i & 1) == 0 ? code : code << 4);
            }
            return output;
        }

        public static short[] Decode(byte[] data, int count)
        {
            var pcm = new short[count];
            int predictor = 0, index = 0;
            for (int i = 0; i < count; i++)
            {
                int code = (i & 1) == 0 ? data[i >> 1] & 0x0F : data[i >> 1] >> 4;
                int step = StepTable[index];
                int vpdiff = step >> 3;
                if ((code & 4) != 0) vpdiff += step;
                if ((code & 2) != 0) vpdiff += step >> 1;
                if ((code & 1) != 0) vpdiff += step >> 2;
                predictor = Math.Clamp(predictor + ((code & 8) != 0 ? -vpdiff : vpdiff), short.MinValue, short.MaxValue);
                index = Math.Clamp(index + IndexTable[code], 0, StepTable.Length - 1);
                pcm[i] = (short)predictor;
            }
            return pcm;
        }
    }

    // Thin wrapper over the system zlib. The old tool crashed once inside compress2 under load, so every call goes
    // through one gate since then.
    internal static class Zlib
    {
        [DllImport("libz.so.1")] private static extern int compress2(byte[] dest, ref nuint destLen, byte[] source, nuint sourceLen, int level);
        [DllImport("libz.so.1")] private static extern nuint compressBound(nuint sourceLen);
        [DllImport("libz.so.1")] private static extern IntPtr zlibVersion();

        private static readonly object NativeGate = new object();

        public static string Version()
        {
            lock (NativeGate)
            {
                return Marshal.PtrToStringAnsi(zlibVersion()) ?? "unknown";
            }
        }

        public static int CompressedSize(byte[] data)
        {
            lock (NativeGate)
            {
                nuint bound = compressBound((nuint)data.Length);
                var dest = new byte[(int)bound]; nuint length = bound;
                int rc = compress2(dest, ref length, data, (nuint)data.Length, 9);
                if (rc != 0) throw new InvalidOperationException("compress2 returned " + rc);
                return (int)length;
            }
        }
    }

    internal static class Program
    {
        private const int SampleRate = 16000;
        private static void Main()
        {
            List<Clip> clips = Enumerable.Range(0, 24).Select(Synthesize).ToList();
            Console.WriteLine($"zlib {Zlib.Version()}, {clips.Count} clips of {clips[0].Pcm.Length} samples");

            using var done = new CountdownEvent(clips.Count);
            foreach (Clip clip in clips)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try { RoundTrip(clip); }
                    finally { done.Signal(); }
                });
            }
            done.Wait();

            Parallel.ForEach(clips, clip =>
            {
                clip.ZippedPcm = Zlib.CompressedSize(MemoryMarshal.AsBytes(clip.Pcm.AsSpan()).ToArray());
                clip.ZippedAdpcm = Zlib.CompressedSize(clip.Encoded);
            });

            foreach (Clip c in clips)
                Console.WriteLine($"{c.Name,-10} snr {c.SnrDb,6:F2} dB  segSnr {c.SegmentalSnrDb,6:F2} dB  zlib(pcm) {c.ZippedPcm,6}  adpcm {c.Encoded.Length,6}  zlib(adpcm) {c.ZippedAdpcm,6}");
            Console.WriteLine($"mean SNR {clips.Average(c => c.SnrDb):F3} dB, ratio {clips.Sum(c => c.Pcm.Length * 2.0) / clips.Sum(c => c.ZippedAdpcm):F2}:1");
        }

        private static void RoundTrip(Clip clip)
        {
            clip.Encoded = ImaAdpcm.Encode(clip.Pcm);
            clip.Decoded = ImaAdpcm.Decode(clip.Encoded, clip.Pcm.Length);
            double signal = 0, noise = 0, segSum = 0, segments = 0;
            for (int start = 0; start + 256 <= clip.Pcm.Length; start += 256)
            {
                double s = 0, n = 0;
                for (int i = start; i < start + 256; i++)
                {
                    s += (double)clip.Pcm[i] * clip.Pcm[i];
                    n += (double)(clip.Pcm[i] - clip.Decoded[i]) * (clip.Pcm[i] - clip.Decoded[i]);
                }
                signal += s; noise += n; segments++;
                segSum += Math.Clamp(10 * Math.Log10((s + 1) / (n + 1)), -10, 35);
            }
            clip.SnrDb = 10 * Math.Log10(signal / Math.Max(noise, 1));
            clip.SegmentalSnrDb = segSum / segments;
        }

        private static Clip Synthesize(int id)
        {
            var pcm = new short[SampleRate * 3];
            uint state = 2463534242u + (uint)id * 7919u;
            double f0 = 95 + 9 * id, phase = 0;
            for (int i = 0; i < pcm.Length; i++)
            {
                double t = (double)i / SampleRate, envelope = Math.Pow(Math.Sin(Math.PI * ((t * (2.5 + id % 4 * 0.5)) % 1.0)), 2);
                phase += 2 * Math.PI * f0 * (1 + 0.03 * Math.Sin(2 * Math.PI * 5.5 * t)) / SampleRate;
                double voice = 0;
                for (int h = 1; h <= 8; h++) voice += Math.Sin(h * phase) / h;
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                double noise = (state / (double)uint.MaxValue - 0.5) * 0.08;
                pcm[i] = (short)Math.Clamp(9000 * envelope * voice + 3000 * noise, short.MinValue, short.MaxValue);
            }
            return new Clip { Name = $"clip-{id:D2}", Pcm = pcm };
        }
    }
}
