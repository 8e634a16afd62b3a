namespace LandscapeErosionSim;

public sealed class Heightfield
{
    private readonly double[] _h;

    private Heightfield(int size)
    {
        Size = size;
        _h = new double[size * size];
    }

    public int Size { get; }

    public double this[int index]
    {
        get => _h[index];
        set => _h[index] = value;
    }

    public static Heightfield Generate(int size, int seed)
    {
        var field = new Heightfield(size);
        var rng = new Random(seed);
        // sum of a few random octaves of value noise
        for (int octave = 0; octave < 5; octave++)
        {
            int cell = Math.Max(2, size >> (octave + 2));
            double amp = 40.0 / (1 << octave);
            var lattice = new double[(size / cell + 2) * (size / cell + 2)];
            int lw = size / cell + 2;
            for (int i = 0; i < lattice.Length; i++) lattice[i] = rng.NextDouble() * amp;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double fx = (double)x / cell, fy = (double)y / cell;
                    int cx = (int)fx, cy = (int)fy;
                    double tx = fx - cx, ty = fy - cy;
                    double top = lattice[cy * lw + cx] * (1 - tx) + lattice[cy * lw + cx + 1] * tx;
                    double bottom = lattice[(cy + 1) * lw + cx] * (1 - tx) + lattice[(cy + 1) * lw + cx + 1] * tx;
                    field._h[y * size + x] += top * (1 - ty) + bottom * ty;
                }
        }
        return field;
    }

    public double Roughness()
    {
        double sum = 0;
        for (int i = 1; i < _h.Length; i++) sum += Math.Abs(_h[i] - _h[i - 1]);
        return sum / _h.Length;
    }
}
