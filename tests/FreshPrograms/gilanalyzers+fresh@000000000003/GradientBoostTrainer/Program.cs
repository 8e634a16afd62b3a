namespace GradientBoostTrainer;

public static class Program
{
    public static void Main()
    {
        var data = Dataset.Synthetic(rows: 4000, features: 16, seed: 7);
        var model = new BoostedStumps(learningRate: 0.3);
        var trainer = new StumpTrainer(bins: 32);

        double[] prediction = new double[data.Rows];
        for (int round = 0; round < 12; round++)
        {
            double[] residual = new double[data.Rows];
            for (int i = 0; i < data.Rows; i++)
            {
                residual[i] = data.Target[i] - prediction[i];
            }

            Stump stump = trainer.FitRound(data, residual);
            model.Add(stump);
            for (int i = 0; i < data.Rows; i++)
            {
                prediction[i] += model.LearningRate * stump.Predict(data.X[i]);
            }

            double mse = 0;
            for (int i = 0; i < data.Rows; i++)
            {
                double e = data.Target[i] - prediction[i];
                mse += e * e;
            }
            Console.WriteLine($"round {round + 1,2}: feature {stump.Feature,2} split {stump.Threshold:F3} mse {mse / data.Rows:F5}");
        }

        Console.WriteLine($"trees: {model.Count}, histograms built: {trainer.Histograms.Built}");
    }
}

public sealed class Dataset
{
    public required double[][] X { get; init; }
    public required double[] Target { get; init; }
    public int Rows => Target.Length;
    public int Features => X[0].Length;

    public static Dataset Synthetic(int rows, int features, int seed)
    {
        var rng = new Random(seed);
        var x = new double[rows][];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            x[i] = new double[features];
            for (int f = 0; f < features; f++)
            {
                x[i][f] = rng.NextDouble();
            }
            y[i] = 3 * x[i][2] + (x[i][5] > 0.5 ? 2 : 0) - x[i][11] * x[i][11] + 0.1 * rng.NextDouble();
        }
        return new Dataset { X = x, Target = y };
    }
}

public readonly record struct Stump(int Feature, double Threshold, double Left, double Right, double Gain)
{
    public double Predict(double[] row) => row[Feature] <= Threshold ? Left : Right;
}

public sealed class BoostedStumps(double learningRate)
{
    private readonly List<Stump> _stumps = new();
    public double LearningRate => learningRate;
    public int Count => _stumps.Count;
    public void Add(Stump s) => _stumps.Add(s);
}
