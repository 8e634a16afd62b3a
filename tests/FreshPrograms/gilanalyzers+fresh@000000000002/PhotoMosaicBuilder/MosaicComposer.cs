namespace PhotoMosaicBuilder;

public sealed record Mosaic(int[] Assignments)
{
    public int DistinctTiles => Assignments.Distinct().Count();
}

public sealed class MosaicComposer(TileLibrary library, int cellSize)
{
    private const int ReportWorst = 5;
    private readonly List<(int Cell, double Error)> _worst = new();
    private readonly object _worstLock = new();

    public IReadOnlyList<(int Cell, double Error)> WorstMatches => _worst;

    public Mosaic Compose(RgbImage target)
    {
        int cols = target.Width / cellSize, rows = target.Height / cellSize;
        var assignments = new int[cols * rows];

        Parallel.For(0, cols * rows, cell =>
        {
            int cx = cell % cols, cy = cell / cols;
            var (tile, error) = TileMatcher.FindBestTile(library, target, cx * cellSize, cy * cellSize, cellSize);
            assignments[cell] = tile;
            TrackWorst(cell, error);
        });

        return new Mosaic(assignments);
    }

    private void TrackWorst(int cell, double error)
    {
        lock (_worstLock)
        {
            if (_worst.Count < ReportWorst)
            {
                _worst.Add((cell, error));
            }
            else
            {
                int min = 0;
                for (int i = 1; i < _worst.Count; i++) if (_worst[i].Error < _worst[min].Error) min = i;
                if (error > _worst[min].Error) _worst[min] = (cell, error);
            }
        }
    }
}
