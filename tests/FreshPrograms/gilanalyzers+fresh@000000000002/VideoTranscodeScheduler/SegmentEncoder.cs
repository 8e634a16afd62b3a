namespace VideoTranscodeScheduler;

/// <summary>Intra-only 8x8 DCT encoder with a crude run-length entropy stage.</summary>
public sealed class SegmentEncoder(EncoderContext context)
{
    private static readonly double[,] Cos = BuildCosTable();

    public byte[] EncodeSegment(Segment segment)
    {
        using var output = new MemoryStream();
        foreach (var frame in segment.Frames)
        {
            EncodeFrame(frame, segment.Width, segment.Height, output);
        }
        return output.ToArray();
    }

    private void EncodeFrame(byte[] frame, int width, int height, MemoryStream output)
    {
        lock (context.Sync)
        {
            int qp = context.Quantizer;
            long startBits = output.Length * 8;
            var block = new double[64];
            var coeffs = new int[64];
            for (int by = 0; by < height; by += 8)
            {
                for (int bx = 0; bx < width; bx += 8)
                {
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++)
                            block[y * 8 + x] = frame[(by + y) * width + bx + x] - 128;

                    for (int v = 0; v < 8; v++)
                        for (int u = 0; u < 8; u++)
                        {
                            double sum = 0;
                            for (int y = 0; y < 8; y++)
                                for (int x = 0; x < 8; x++)
                                    sum += block[y * 8 + x] * Cos[x, u] * Cos[y, v];
                            double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                            coeffs[v * 8 + u] = (int)Math.Round(0.25 * cu * cv * sum / qp);
                        }

                    int run = 0;
                    foreach (int c in coeffs)
                    {
                        if (c == 0) { run++; continue; }
                        output.WriteByte((byte)Math.Min(run, 255));
                        output.WriteByte((byte)(sbyte)Math.Clamp(c, -127, 127));
                        run = 0;
                    }
                    output.WriteByte(0xFF);
                }
            }

            long spent = output.Length * 8 - startBits;
            context.BitsSpent += spent;
            context.FramesEncoded++;
            if (spent > context.TargetBitsPerFrame && qp < 40) context.Quantizer++;
            else if (spent < context.TargetBitsPerFrame * 0.8 && qp > 2) context.Quantizer--;
        }
    }

    private static double[,] BuildCosTable()
    {
        var t = new double[8, 8];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++)
                t[x, u] = Math.Cos((2 * x + 1) * u * Math.PI / 16);
        return t;
    }
}
