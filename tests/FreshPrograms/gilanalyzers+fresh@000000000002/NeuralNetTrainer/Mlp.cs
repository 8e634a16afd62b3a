namespace NeuralNetTrainer;

public sealed record Sample(double[] Features, int Label);

/// <summary>One hidden layer, tanh activation, softmax cross-entropy.</summary>
public sealed class Mlp
{
    internal readonly double[,] W1, W2;
    internal readonly double[] B1, B2;

    public Mlp(int inputs, int hidden, int outputs, int seed)
    {
        var rng = new Random(seed);
        W1 = new double[hidden, inputs];
        W2 = new double[outputs, hidden];
        B1 = new double[hidden];
        B2 = new double[outputs];
        for (int h = 0; h < hidden; h++) for (int i = 0; i < inputs; i++) W1[h, i] = (rng.NextDouble() - 0.5) * 2;
        for (int o = 0; o < outputs; o++) for (int h = 0; h < hidden; h++) W2[o, h] = (rng.NextDouble() - 0.5) * 0.5;
    }

    public (double[] Hidden, double[] Probs) Forward(double[] x)
    {
        int hidden = B1.Length, outputs = B2.Length;
        var a = new double[hidden];
        for (int h = 0; h < hidden; h++)
        {
            double s = B1[h];
            for (int i = 0; i < x.Length; i++) s += W1[h, i] * x[i];
            a[h] = Math.Tanh(s);
        }
        var z = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double s = B2[o];
            for (int h = 0; h < hidden; h++) s += W2[o, h] * a[h];
            z[o] = s;
        }
        double max = z.Max(), sum = 0;
        for (int o = 0; o < outputs; o++) { z[o] = Math.Exp(z[o] - max); sum += z[o]; }
        for (int o = 0; o < outputs; o++) z[o] /= sum;
        return (a, z);
    }

    /// <summary>Adds the gradient of the sample's loss to <paramref name="g"/> and returns the loss.</summary>
    public double Backprop(Sample sample, Gradient g)
    {
        var (a, p) = Forward(sample.Features);
        int hidden = B1.Length, outputs = B2.Length;
        var dz = new double[outputs];
        for (int o = 0; o < outputs; o++) dz[o] = p[o] - (o == sample.Label ? 1 : 0);
        for (int o = 0; o < outputs; o++)
        {
            g.B2[o] += dz[o];
            for (int h = 0; h < hidden; h++) g.W2[o, h] += dz[o] * a[h];
        }
        for (int h = 0; h < hidden; h++)
        {
            double da = 0;
            for (int o = 0; o < outputs; o++) da += W2[o, h] * dz[o];
            double dh = da * (1 - a[h] * a[h]);
            g.B1[h] += dh;
            for (int i = 0; i < sample.Features.Length; i++) g.W1[h, i] += dh * sample.Features[i];
        }
        return -Math.Log(Math.Max(p[sample.Label], 1e-12));
    }

    public void Apply(Gradient g, double step)
    {
        for (int h = 0; h < B1.Length; h++)
        {
            B1[h] -= step * g.B1[h];
            for (int i = 0; i < W1.GetLength(1); i++) W1[h, i] -= step * g.W1[h, i];
        }
        for (int o = 0; o < B2.Length; o++)
        {
            B2[o] -= step * g.B2[o];
            for (int h = 0; h < B1.Length; h++) W2[o, h] -= step * g.W2[o, h];
        }
    }

    public double Accuracy(IReadOnlyList<Sample> data) =>
        data.Count(s => Array.IndexOf(Forward(s.Features).Probs, Forward(s.Features).Probs.Max()) == s.Label) / (double)data.Count;
}

public sealed class Gradient
{
    public readonly double[,] W1, W2;
    public readonly double[] B1, B2;
    public object SyncRoot { get; } = new();

    public Gradient(Mlp m)
    {
        W1 = new double[m.W1.GetLength(0), m.W1.GetLength(1)];
        W2 = new double[m.W2.GetLength(0), m.W2.GetLength(1)];
        B1 = new double[m.B1.Length];
        B2 = new double[m.B2.Length];
    }

    public void Clear()
    {
        Array.Clear(W1); Array.Clear(W2); Array.Clear(B1); Array.Clear(B2);
    }

    public void Add(Gradient other)
    {
        for (int h = 0; h < B1.Length; h++) { B1[h] += other.B1[h]; for (int i = 0; i < W1.GetLength(1); i++) W1[h, i] += other.W1[h, i]; }
        for (int o = 0; o < B2.Length; o++) { B2[o] += other.B2[o]; for (int h = 0; h < B1.Length; h++) W2[o, h] += other.W2[o, h]; }
    }
}

public static class SpiralDataset
{
    public static List<Sample> Generate(int pointsPerClass, int classes, int seed)
    {
        var rng = new Random(seed);
        var list = new List<Sample>();
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < pointsPerClass; i++)
            {
                double r = (double)i / pointsPerClass;
                double t = c * 4 + 4 * r + rng.NextDouble() * 0.2;
                list.Add(new Sample(new[] { r * Math.Sin(t), r * Math.Cos(t) }, c));
            }
        return list.OrderBy(_ => rng.Next()).ToList();
    }
}
