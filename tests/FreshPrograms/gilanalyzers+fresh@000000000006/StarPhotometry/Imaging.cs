using System.Runtime.CompilerServices;

namespace StarPhotometry;

public sealed class Frame
{
    public readonly int Width, Height;
    public readonly float[] Pixels;
    public double Background;

    public Frame(int width, int height) { Width = width; Height = height; Pixels = new float[width * height]; }
    public float this[int x, int y] => Pixels[y * Width + x];

    public static Frame Synthetic(int width, int height, IReadOnlyList<(double X, double Y, double Flux)> stars, int seed)
    {
        var f = new Frame(width, height);
        var rng = new Random(seed);
        for (int i = 0; i < f.Pixels.Length; i++) f.Pixels[i] = 100f + (float)(rng.NextDouble() * 8);
        foreach (var (sx, sy, flux) in stars)
            for (int y = Math.Max(0, (int)sy - 6); y < Math.Min(height, (int)sy + 7); y++)
                for (int x = Math.Max(0, (int)sx - 6); x < Math.Min(width, (int)sx + 7); x++)
                {
                    double r2 = (x - sx) * (x - sx) + (y - sy) * (y - sy);
                    f.Pixels[y * width + x] += (float)(flux / (2 * Math.PI * 2.25) * Math.Exp(-r2 / 4.5));
                }
        return f;
    }
}

public readonly record struct PsfFit(double X, double Y, double Flux, double Sigma);

public interface IPsfFitter
{
    PsfFit Fit(Frame frame, double x0, double y0);
}

/// <summary>Gaussian PSF fit by grid refinement. Keeps its residual workspace between calls.</summary>
public sealed class GaussianPsfFitter : IPsfFitter
{
    private const int Box = 7;
    private readonly double[] _stamp = new double[(2 * Box + 1) * (2 * Box + 1)];

    [MethodImpl(MethodImplOptions.Synchronized)]
    public PsfFit Fit(Frame frame, double x0, double y0)
    {
        int cx = (int)Math.Round(x0), cy = (int)Math.Round(y0);
        int k = 0;
        for (int y = cy - Box; y <= cy + Box; y++)
            for (int x = cx - Box; x <= cx + Box; x++)
                _stamp[k++] = frame[Math.Clamp(x, 0, frame.Width - 1), Math.Clamp(y, 0, frame.Height - 1)] - frame.Background;

        PsfFit best = new(x0, y0, 0, 1.5);
        double bestErr = double.MaxValue;
        double step = 0.5;
        for (int round = 0; round < 4; round++, step /= 2)
        {
            PsfFit centre = best;
            for (double dx = -2 * step; dx <= 2 * step; dx += step)
                for (double dy = -2 * step; dy <= 2 * step; dy += step)
                    for (double sigma = 1.0; sigma <= 2.2; sigma += 0.2)
                    {
                        double px = centre.X + dx, py = centre.Y + dy;
                        double num = 0, den = 0;
                        k = 0;
                        for (int y = cy - Box; y <= cy + Box; y++)
                            for (int x = cx - Box; x <= cx + Box; x++, k++)
                            {
                                double g = Math.Exp(-((x - px) * (x - px) + (y - py) * (y - py)) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
                                num += g * _stamp[k];
                                den += g * g;
                            }
                        double flux = num / den, err = 0;
                        k = 0;
                        for (int y = cy - Box; y <= cy + Box; y++)
                            for (int x = cx - Box; x <= cx + Box; x++, k++)
                            {
                                double g = Math.Exp(-((x - px) * (x - px) + (y - py) * (y - py)) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
                                double r = _stamp[k] - flux * g;
                                err += r * r;
                            }
                        if (err < bestErr) { bestErr = err; best = new PsfFit(px, py, flux, sigma); }
                    }
        }
        return best;
    }
}
