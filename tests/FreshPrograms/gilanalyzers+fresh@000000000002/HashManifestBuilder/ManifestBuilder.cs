namespace HashManifestBuilder;

public sealed record ManifestEntry(string Path, long Length, string[] ChunkDigests);

public sealed class ManifestBuilder(ManifestWriter writer)
{
    private readonly List<ManifestEntry> _entries = new();
    private readonly object _entriesLock = new();

    public IReadOnlyList<ManifestEntry> Entries => _entries;

    public void AddAll(IReadOnlyList<(string Path, byte[] Content)> files)
    {
        Parallel.ForEach(files, file =>
        {
            string[] digests = ChunkHasher.HashChunks(file.Content);
            var entry = new ManifestEntry(file.Path, file.Content.Length, digests);

            lock (_entriesLock)
            {
                _entries.Add(entry);
            }
            writer.Append(entry);
        });
    }
}

public sealed class ManifestWriter : IDisposable
{
    private readonly StreamWriter _out;
    private readonly object _gate = new();

    public ManifestWriter(string path) => _out = new StreamWriter(path);

    public void Append(ManifestEntry entry)
    {
        lock (_gate)
        {
            _out.Write(entry.Path);
            _out.Write('\t');
            _out.Write(entry.Length);
            foreach (var d in entry.ChunkDigests)
            {
                _out.Write('\t');
                _out.Write(d);
            }
            _out.WriteLine();
        }
    }

    public void Dispose() => _out.Dispose();
}
