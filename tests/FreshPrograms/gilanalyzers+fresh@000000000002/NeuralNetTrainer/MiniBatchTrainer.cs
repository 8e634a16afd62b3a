namespace NeuralNetTrainer;

public sealed class MiniBatchTrainer(Mlp model, double learningRate, int batchSize)
{
    private readonly object _lossLock = new();
    private double _epochLoss;

    /// <summary>Data-parallel over the samples of each batch; gradients are summed into the shared buffer.</summary>
    public double TrainEpoch(IReadOnlyList<Sample> data)
    {
        _epochLoss = 0;
        var gradient = new Gradient(model);
        for (int start = 0; start < data.Count; start += batchSize)
        {
            gradient.Clear();
            int end = Math.Min(data.Count, start + batchSize);
            Parallel.For(start, end, i => AccumulateGradient(data[i], gradient));
            model.Apply(gradient, learningRate / (end - start));
        }
        return _epochLoss / data.Count;
    }

    private void AccumulateGradient(Sample sample, Gradient gradient)
    {
        double loss;
        lock (gradient.SyncRoot)
        {
            loss = model.Backprop(sample, gradient);
        }

        lock (_lossLock)
        {
            _epochLoss += loss;
        }
    }

    /// <summary>Same update, but every worker accumulates into its own buffer and merges once.</summary>
    public double TrainEpochThreadLocal(IReadOnlyList<Sample> data)
    {
        double epochLoss = 0;
        var merged = new Gradient(model);
        for (int start = 0; start < data.Count; start += batchSize)
        {
            merged.Clear();
            int end = Math.Min(data.Count, start + batchSize);
            Parallel.For(start, end,
                () => (Grad: new Gradient(model), Loss: 0.0),
                (i, _, local) =>
                {
                    double l = model.Backprop(data[i], local.Grad);
                    return (local.Grad, local.Loss + l);
                },
                local =>
                {
                    lock (merged.SyncRoot)
                    {
                        merged.Add(local.Grad);
                        epochLoss += local.Loss;
                    }
                });
            model.Apply(merged, learningRate / (end - start));
        }
        return epochLoss / data.Count;
    }
}
