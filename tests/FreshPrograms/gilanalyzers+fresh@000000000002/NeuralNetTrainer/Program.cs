using System.Diagnostics;

namespace NeuralNetTrainer;

internal static class Program
{
    private static void Main(string[] args)
    {
        int epochs = args.Length > 0 ? int.Parse(args[0]) : 4;
        var data = SpiralDataset.Generate(pointsPerClass: 600, classes: 3, seed: 1);
        var model = new Mlp(inputs: 2, hidden: 48, outputs: 3, seed: 2);

        var trainer = new MiniBatchTrainer(model, learningRate: 0.3, batchSize: 128);
        var sw = Stopwatch.StartNew();
        for (int e = 0; e < epochs; e++)
        {
            double loss = e % 2 == 0 ? trainer.TrainEpoch(data) : trainer.TrainEpochThreadLocal(data);
            Console.WriteLine($"epoch {e + 1}: loss {loss:F4}");
        }
        Console.WriteLine($"accuracy {model.Accuracy(data):P1} after {sw.ElapsedMilliseconds} ms");
    }
}
