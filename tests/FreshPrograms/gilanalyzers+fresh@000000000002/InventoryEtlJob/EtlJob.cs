namespace InventoryEtlJob;

public sealed record EtlSummary(int Loaded, int Rejected);

public sealed class EtlJob
{
    private readonly RowTransformer _transformer;
    private readonly ConnectionPool _pool;
    private readonly int _batchSize;
    private readonly object _consoleLock = new object();
    private int _loaded;
    private int _rejected;

    public EtlJob(RowTransformer transformer, ConnectionPool pool, int batchSize)
    {
        _transformer = transformer;
        _pool = pool;
        _batchSize = batchSize;
    }

    public EtlSummary Run(IReadOnlyList<string> lines)
    {
        var batches = lines.Chunk(_batchSize).Select((rows, i) => (Number: i, Rows: rows)).ToList();

        Parallel.ForEach(batches, batch =>
        {
            TransformResult result = _transformer.Transform(batch.Rows);

            var connection = _pool.Rent();
            try
            {
                connection.BulkInsert("stg_inventory", result.Records);
            }
            finally
            {
                _pool.Return(connection);
            }

            Interlocked.Add(ref _loaded, result.Records.Count);
            Interlocked.Add(ref _rejected, result.Errors.Count);
            lock (_consoleLock)
            {
                Console.WriteLine("batch {0,3}: {1,5} ok {2,4} rejected", batch.Number, result.Records.Count, result.Errors.Count);
            }
        });

        return new EtlSummary(_loaded, _rejected);
    }
}
