using System.Runtime.CompilerServices;

namespace VectorSearchIndex;

public readonly record struct Hit(int DocumentId, float Score);

public interface IVectorIndex
{
    int Count { get; }
    void Add(int documentId, float[] embedding);
    IReadOnlyList<Hit> Search(float[] query, int k);
}

public sealed class FlatCosineIndex(int dimensions) : IVectorIndex
{
    private readonly List<int> _ids = new();
    private readonly List<float[]> _vectors = new();
    private long _queries;

    public int Count => _ids.Count;
    public long Queries => Interlocked.Read(ref _queries);

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Add(int documentId, float[] embedding)
    {
        _ids.Add(documentId);
        _vectors.Add(embedding);
    }

    [MethodImpl(MethodImplOptions.Synchronized)]
    public IReadOnlyList<Hit> Search(float[] query, int k)
    {
        _queries++;
        float queryNorm = MathF.Sqrt(Dot(query, query));
        var best = new PriorityQueue<Hit, float>(k + 1);
        for (int i = 0; i < _vectors.Count; i++)
        {
            float[] v = _vectors[i];
            float score = Dot(query, v) / (queryNorm * MathF.Sqrt(Dot(v, v)) + 1e-9f);
            best.Enqueue(new Hit(_ids[i], score), score);
            if (best.Count > k) best.Dequeue();
        }
        var hits = new List<Hit>(k);
        while (best.Count > 0) hits.Add(best.Dequeue());
        hits.Reverse();
        return hits;
    }

    private float Dot(float[] a, float[] b)
    {
        float sum = 0;
        for (int d = 0; d < dimensions; d++) sum += a[d] * b[d];
        return sum;
    }
}

public static class Embeddings
{
    public static float[] Make(int seed, int dimensions)
    {
        var rng = new Random(seed);
        var v = new float[dimensions];
        int topic = seed % 16;
        for (int d = 0; d < dimensions; d++)
            v[d] = (float)(rng.NextDouble() - 0.5) + (d % 16 == topic ? 1.5f : 0f);
        return v;
    }
}

public static class Program
{
    private const int Dimensions = 96;

    public static void Main()
    {
        var index = new FlatCosineIndex(Dimensions);
        for (int doc = 0; doc < 30_000; doc++)
            index.Add(doc, Embeddings.Make(doc, Dimensions));

        float[][] queries = Enumerable.Range(0, 120)
            .Select(q => Embeddings.Make(1_000_000 + q, Dimensions))
            .ToArray();

        float[][] normalized = queries.AsParallel().AsOrdered()
            .Select(q =>
            {
                float norm = MathF.Sqrt(q.Sum(x => x * x));
                return q.Select(x => x / norm).ToArray();
            })
            .ToArray();

        var results = new IReadOnlyList<Hit>[normalized.Length];
        Parallel.For(0, normalized.Length, q => results[q] = index.Search(normalized[q], k: 10));

        int topicMatches = 0;
        for (int q = 0; q < results.Length; q++)
            topicMatches += results[q].Count(h => h.DocumentId % 16 == (1_000_000 + q) % 16);

        Console.WriteLine($"index size {index.Count}, queries {index.Queries}");
        Console.WriteLine($"topic precision@10 {topicMatches / (double)(results.Length * 10):P1}");
        Console.WriteLine($"q0 best doc {results[0][0].DocumentId} score {results[0][0].Score:F4}");
    }
}
