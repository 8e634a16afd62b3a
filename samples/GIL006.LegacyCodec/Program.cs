using System;
using System.Globalization;
using System.Threading.Tasks;

// GIL006: a legacy LZ-style codec keeps its match-finder tables in static fields. Two threads inside Encode at once
// would corrupt each other's tables, so every call is serialised behind one global lock: Parallel.For runs on one
// core. The tables are reset at the start of every call (no information flows from one frame to the next), so
// worker processes, each with its own statics, compute exactly the same results: the fix maps the frames over
// GilAnalyzers.Processes.ProcessPool.
// Size: 72 frames, about 2.5 s of single-core work — a natural batch. With a worker start of ~40 ms and chunks that
// shrink toward the end of the map, the fix reaches the hand-written two-process split at this size (2026-12-03:
// ×1.88 against the split's ×1.72, bench/gil006-hand-split.sh 72 5); it was 288 frames while starting a worker cost
// ~250 ms.
// bench/gil006-hand-split.sh measures a hand-written two-process split beside the fix; docs/rules/GIL006.md has
// figures for several sizes.
public static class Sample
{
    public const int FullSize = 72;

    private static readonly object CodecGate = new object();

    public static long Run() => Run(FullSize);

    public static long Run(int frameCount)
    {
        var frames = new byte[frameCount][];
        uint seed = 2463534242;
        for (int f = 0; f < frameCount; f++)
        {
            frames[f] = LegacyCodec.MakeFrame(ref seed);
        }

        var outputs = new long[frameCount];
        Parallel.For(0, frames.Length, k =>
        {
            lock (CodecGate)
            {
                outputs[k] = LegacyCodec.Encode(frames[k]);
            }
        });

        long combined = 17;
        foreach (var output in outputs)
        {
            combined = unchecked(combined * 31 + output);
        }

        return combined;
    }
}

/// <summary>
/// The legacy code: a hash-chain match finder (as in LZ77 encoders) whose tables are static scratch buffers,
/// cleared at the start of each call. Encode returns the encoded size and a checksum of the tokens in one number.
/// </summary>
public static class LegacyCodec
{
    public const int FrameSize = 48 * 1024;

    private const int HashBits = 14;
    private const int MaxChain = 1024;
    private const int MinMatch = 3;
    private const int MaxMatch = 258;

    private static readonly int[] s_head = new int[1 << HashBits];
    private static readonly int[] s_prev = new int[FrameSize];

    public static byte[] MakeFrame(ref uint seed)
    {
        // Text-like data: words from a small vocabulary, so the match finder has long chains to walk.
        var frame = new byte[FrameSize];
        int i = 0;
        while (i < frame.Length)
        {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            int word = (int)(seed % 61);
            int length = 2 + word % 7;
            for (int j = 0; j < length && i < frame.Length; j++)
            {
                frame[i++] = (byte)('a' + (word * 7 + j * 3) % 26);
            }

            if (i < frame.Length)
            {
                frame[i++] = (byte)' ';
            }
        }

        return frame;
    }

    public static long Encode(byte[] frame)
    {
        Array.Fill(s_head, -1);
        Array.Fill(s_prev, -1);

        long checksum = 1469598103934665603;
        int size = 0;
        int pos = 0;
        int inserted = 0;
        int limit = Math.Min(frame.Length, s_prev.Length);
        while (pos < limit)
        {
            var (bestLength, bestDistance) = LongestMatch(frame, pos, limit);
            if (bestLength >= MinMatch && bestLength < MaxMatch && pos + 1 < limit)
            {
                // Lazy matching, as zlib does at its higher levels: a longer match one byte on wins.
                InsertUpTo(frame, ref inserted, pos + 1, limit);
                var (nextLength, _) = LongestMatch(frame, pos + 1, limit);
                if (nextLength > bestLength)
                {
                    bestLength = 0;
                }
            }

            int step = bestLength >= MinMatch ? bestLength : 1;
            InsertUpTo(frame, ref inserted, pos + step, limit);

            long token = bestLength >= MinMatch ? ((long)bestLength << 16) | (uint)bestDistance : frame[pos];
            checksum = unchecked((checksum ^ token) * 1099511628211);
            size += bestLength >= MinMatch ? 3 : 1;
            pos += step;
        }

        return ((long)size << 40) ^ (checksum & 0xFF_FFFF_FFFF);
    }

    private static (int Length, int Distance) LongestMatch(byte[] frame, int pos, int limit)
    {
        int bestLength = 0;
        int bestDistance = 0;
        if (pos + MinMatch > limit)
        {
            return (0, 0);
        }

        int candidate = s_head[Hash(frame, pos)];
        int max = Math.Min(MaxMatch, limit - pos);
        for (int chain = 0; chain < MaxChain && candidate >= 0; chain++)
        {
            if (candidate != pos)
            {
                int length = 0;
                while (length < max && frame[candidate + length] == frame[pos + length])
                {
                    length++;
                }

                if (length > bestLength)
                {
                    bestLength = length;
                    bestDistance = pos - candidate;
                }
            }

            candidate = s_prev[candidate];
        }

        return (bestLength, bestDistance);
    }

    /// <summary>Links the positions from <paramref name="next"/> up to <paramref name="end"/> into their hash chains.</summary>
    private static void InsertUpTo(byte[] frame, ref int next, int end, int limit)
    {
        for (; next < end && next + MinMatch <= limit; next++)
        {
            int h = Hash(frame, next);
            s_prev[next] = s_head[h];
            s_head[h] = next;
        }

        next = Math.Max(next, end);
    }

    private static int Hash(byte[] data, int at)
        => ((data[at] << 10) ^ (data[at + 1] << 5) ^ data[at + 2]) & ((1 << HashBits) - 1);
}

public static class Program
{
    /// <summary>Prints the combined result. An optional argument sets the number of frames (default <see cref="Sample.FullSize"/>).</summary>
    public static int Main(string[] args)
    {
        int frames = Sample.FullSize;
        if (args.Length > 0 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out frames) || frames < 1))
        {
            Console.Error.WriteLine("usage: GIL006.LegacyCodec [frame count >= 1]; got '" + args[0] + "'");
            return 2;
        }

        Console.WriteLine("combined: " + Sample.Run(frames).ToString("X16", CultureInfo.InvariantCulture));
        return 0;
    }
}
