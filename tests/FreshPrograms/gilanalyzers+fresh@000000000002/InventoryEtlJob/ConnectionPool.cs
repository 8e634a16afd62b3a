namespace InventoryEtlJob;

/// <summary>Stand-in for the staging database connection.</summary>
public sealed class StagingConnection(int id)
{
    public int Id { get; } = id;
    public long RowsWritten { get; private set; }

    public void BulkInsert(string table, IReadOnlyCollection<InventoryRecord> rows)
    {
        // the real implementation streams through SqlBulkCopy; here we only count
        RowsWritten += rows.Count;
    }
}

public sealed class ConnectionPool(int size)
{
    private readonly Queue<StagingConnection> _idle = new();
    private readonly object _sync = new();
    private int _created;

    public int Created => _created;

    public StagingConnection Rent()
    {
        lock (_sync)
        {
            if (_idle.Count > 0)
            {
                return _idle.Dequeue();
            }
            if (_created < size)
            {
                return new StagingConnection(++_created);
            }
        }
        // pool exhausted: hand out a temporary connection
        return new StagingConnection(-1);
    }

    public void Return(StagingConnection connection)
    {
        if (connection.Id < 0) return;
        lock (_sync)
        {
            _idle.Enqueue(connection);
        }
    }
}

public static class CsvExtract
{
    public static IReadOnlyList<string> Generate(int rows, int seed)
    {
        var rng = new Random(seed);
        string[] warehouses = { "ams-1", "fra-2", " dub-1", "mad-3" };
        var lines = new List<string>(rows);
        for (int i = 0; i < rows; i++)
        {
            string qty = rng.Next(100) == 0 ? "n/a" : rng.Next(0, 5000).ToString();
            lines.Add($"\"sk-{rng.Next(100000):D6}-{(char)('a' + rng.Next(26))}\",{warehouses[rng.Next(4)]},{qty},{rng.Next(1, 900)}.{rng.Next(100):D2},x");
        }
        return lines;
    }
}
