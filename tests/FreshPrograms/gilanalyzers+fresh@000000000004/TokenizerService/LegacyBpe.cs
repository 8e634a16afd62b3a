namespace TokenizerService;

// Port of an old in-house C tokenizer. Keeps its working buffers and merge cache in statics,
// exactly like the original; it is not safe to call from two threads at once.
public static class LegacyBpe
{
    private static readonly int[] Scratch = new int[4096];
    private static int _scratchLength;
    private static readonly Dictionary<long, int> MergeCache = new();
    private static int _nextId = 256;

    public static int[] Encode(string text)
    {
        _scratchLength = 0;
        foreach (char c in text)
            if (_scratchLength < Scratch.Length) Scratch[_scratchLength++] = c & 0xFF;

        bool merged = true;
        while (merged && _scratchLength > 1)
        {
            merged = false;
            int write = 0;
            for (int read = 0; read < _scratchLength; read++)
            {
                if (read + 1 < _scratchLength && (Scratch[read] + Scratch[read + 1]) % 3 == 0)
                {
                    long pair = ((long)Scratch[read] << 32) | (uint)Scratch[read + 1];
                    if (!MergeCache.TryGetValue(pair, out int id))
                    {
                        if (_nextId >= 30_000) { Scratch[write++] = Scratch[read]; continue; }
                        MergeCache[pair] = id = _nextId++;
                    }
                    Scratch[write++] = id;
                    read++;
                    merged = true;
                }
                else
                {
                    Scratch[write++] = Scratch[read];
                }
            }
            _scratchLength = write;
        }
        return Scratch.AsSpan(0, _scratchLength).ToArray();
    }

    public static int VocabularySize => _nextId;
}
