namespace MeshSimplifier;

public sealed record LodResult(int MeshIndex, Mesh Simplified);

/// <summary>Generates LOD1 for a batch of meshes, one chunk of meshes per task.</summary>
public sealed class LodBatch
{
    private readonly ISimplifier _simplifier;
    private readonly List<LodResult> _results = new();
    private readonly object _resultsGate = new();

    public LodBatch(ISimplifier simplifier) => _simplifier = simplifier;

    public List<LodResult> BuildLods(IReadOnlyList<Mesh> meshes)
    {
        int chunks = Environment.ProcessorCount * 2;
        int perChunk = (meshes.Count + chunks - 1) / chunks;

        using var countdown = new CountdownEvent(chunks);
        for (int c = 0; c < chunks; c++)
        {
            int first = c * perChunk;
            int last = Math.Min(meshes.Count, first + perChunk);
            var task = new Task(() =>
            {
                try
                {
                    for (int m = first; m < last; m++)
                    {
                        var lod = _simplifier.Simplify(meshes[m]);
                        Publish(new LodResult(m, lod));
                    }
                }
                finally
                {
                    countdown.Signal();
                }
            });
            task.Start();
        }
        countdown.Wait();

        return _results.OrderBy(r => r.MeshIndex).ToList();
    }

    private void Publish(LodResult result)
    {
        lock (_resultsGate)
        {
            _results.Add(result);
        }
    }
}
