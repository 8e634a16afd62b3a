namespace AudioLoudnessNormalizer;

/// <summary>Tiny console logger; writes are serialised so lines from different workers do not interleave.</summary>
public sealed class RunLog
{
    private readonly object _sync = new();
    private int _lines;

    public int LineCount => Volatile.Read(ref _lines);

    public void Info(string message)
    {
        lock (_sync)
        {
            Console.Write(DateTime.Now.ToString("HH:mm:ss.fff"));
            Console.Write(" [info] ");
            Console.WriteLine(message);
            _lines++;
        }
    }
}
