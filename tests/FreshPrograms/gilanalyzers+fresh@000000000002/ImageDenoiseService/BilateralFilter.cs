using System.Runtime.CompilerServices;

namespace ImageDenoiseService;

/// <summary>Edge-preserving bilateral filter with precomputed spatial and range kernels.</summary>
public sealed class BilateralFilter
{
    private readonly int _radius;
    private readonly double[] _spatial;
    private readonly double[] _range = new double[256];
    private int _framesFiltered;

    public BilateralFilter(int radius, double sigmaSpatial, double sigmaRange)
    {
        _radius = radius;
        int size = 2 * radius + 1;
        _spatial = new double[size * size];
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
                _spatial[(dy + radius) * size + dx + radius] = Math.Exp(-(dx * dx + dy * dy) / (2 * sigmaSpatial * sigmaSpatial));
        for (int d = 0; d < 256; d++)
            _range[d] = Math.Exp(-(d * d) / (2 * sigmaRange * sigmaRange));
    }

    public int FramesFiltered => _framesFiltered;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public GrayFrame Apply(GrayFrame input)
    {
        int w = input.Width, h = input.Height, size = 2 * _radius + 1;
        var output = new byte[input.Pixels.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int centre = input.Pixels[y * w + x];
                double weightSum = 0, valueSum = 0;
                for (int dy = -_radius; dy <= _radius; dy++)
                {
                    int yy = Math.Clamp(y + dy, 0, h - 1);
                    for (int dx = -_radius; dx <= _radius; dx++)
                    {
                        int xx = Math.Clamp(x + dx, 0, w - 1);
                        int v = input.Pixels[yy * w + xx];
                        double weight = _spatial[(dy + _radius) * size + dx + _radius] * _range[Math.Abs(v - centre)];
                        weightSum += weight;
                        valueSum += weight * v;
                    }
                }
                output[y * w + x] = (byte)Math.Round(valueSum / weightSum);
            }
        }
        _framesFiltered++;
        return input with { Pixels = output };
    }
}

public sealed class DenoiseStats
{
    private int _frames;
    private double _totalChange;

    public int Frames => _frames;
    public double MeanChange => _frames == 0 ? 0 : _totalChange / _frames;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Record(int frameIndex, double change)
    {
        _frames++;
        _totalChange += change;
    }
}
