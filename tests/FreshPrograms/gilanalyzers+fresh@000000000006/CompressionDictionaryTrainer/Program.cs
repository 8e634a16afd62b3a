using System.Collections.Concurrent;
using System.Text;

namespace CompressionDictionaryTrainer;

public sealed class DictionaryEvaluator
{
    private readonly byte[] _dictionary;
    private readonly int _dictionaryCost;

    public DictionaryEvaluator(byte[] dictionary)
    {
        _dictionary = dictionary;
        lock (ZlibNative.Gate) _dictionaryCost = ZlibNative.CompressedSize(dictionary, 6);
    }

    /// <summary>Bytes saved per sample when the dictionary is primed in front of it.</summary>
    public int[] Savings(IReadOnlyList<byte[]> samples)
    {
        var saved = new int[samples.Count];
        Parallel.For(0, samples.Count, i =>
        {
            byte[] sample = samples[i];
            var primed = new byte[_dictionary.Length + sample.Length];
            _dictionary.CopyTo(primed, 0);
            sample.CopyTo(primed, _dictionary.Length);
            lock (ZlibNative.Gate)
            {
                int alone = 0, withDict = 0;
                for (int level = 1; level <= 9; level += 4)
                {
                    alone += ZlibNative.CompressedSize(sample, level);
                    withDict += ZlibNative.CompressedSize(primed, level) - _dictionaryCost;
                }
                saved[i] = (alone - withDict) / 3;
            }
        });
        return saved;
    }
}

/// <summary>Run-length + FNV block coder used for the archive's fallback blocks.</summary>
public static class BlockCoder
{
    public static (int Size, uint Hash)[] EncodeAll(IReadOnlyList<byte[]> blocks, int workers)
    {
        var results = new (int, uint)[blocks.Count];
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            int first = w;
            threads[w] = new Thread(() =>
            {
                for (int b = first; b < blocks.Count; b += workers)
                {
                    byte[] block = blocks[b];
                    int size = 0;
                    uint hash = 2166136261;
                    for (int round = 0; round < 30; round++)
                        for (int i = 0; i < block.Length;)
                        {
                            int run = 1;
                            while (i + run < block.Length && block[i + run] == block[i] && run < 255) run++;
                            size += run > 3 ? 3 : run;
                            hash = (hash ^ block[i]) * 16777619;
                            i += run;
                        }
                    results[b] = (size / 30, hash);
                }
            });
            threads[w].Start();
        }
        foreach (var t in threads) t.Join();
        return results;
    }
}

public static class Program
{
    private static readonly string[] Keys = ["\"userId\":", "\"event\":\"click\"", "\"event\":\"view\"", "\"ts\":", "\"page\":\"/home\"", "\"page\":\"/cart\"", "\"agent\":\"Mozilla/5.0\""];

    public static void Main()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dict-trainer-samples");
        Directory.CreateDirectory(folder);
        var rng = new Random(5);
        for (int f = 0; f < 48; f++)
        {
            var sb = new StringBuilder("{");
            for (int k = 0; k < 30; k++) sb.Append(Keys[rng.Next(Keys.Length)]).Append(rng.Next(100000)).Append(',');
            File.WriteAllText(Path.Combine(folder, $"s{f:D2}.json"), sb.Append('}').ToString());
        }

        // Reader thread loads the samples; the archive thread appends them to one file as they arrive.
        var samples = new List<byte[]>();
        using var queue = new BlockingCollection<byte[]>(boundedCapacity: 8);
        var reader = new Thread(() =>
        {
            foreach (string path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
                queue.Add(File.ReadAllBytes(path));
            queue.CompleteAdding();
        });
        var archiver = new Thread(() =>
        {
            using var archive = File.Create(Path.Combine(Path.GetTempPath(), "dict-trainer-samples.bin"));
            foreach (byte[] sample in queue.GetConsumingEnumerable())
            {
                archive.Write(sample);
                samples.Add(sample);
            }
        });
        reader.Start();
        archiver.Start();
        reader.Join();
        archiver.Join();

        Console.WriteLine($"zlib {ZlibNative.Version()}, {samples.Count} samples");
        byte[] dictionary = new DictionaryTrainer().Train(samples, dictionarySize: 1024);
        int[] saved = new DictionaryEvaluator(dictionary).Savings(samples);
        Console.WriteLine($"dictionary {dictionary.Length} bytes, mean saving {saved.Average():F1} bytes/sample, min {saved.Min()}, max {saved.Max()}");

        var blocks = samples.Select(s => s.Concat(new byte[64]).ToArray()).ToList();
        var encoded = BlockCoder.EncodeAll(blocks, workers: Environment.ProcessorCount);
        Console.WriteLine($"fallback coder: {encoded.Sum(e => e.Size)} bytes, hash of first block {encoded[0].Hash:X8}");
    }
}
