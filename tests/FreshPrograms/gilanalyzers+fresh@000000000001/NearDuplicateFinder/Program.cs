using System.Diagnostics;
using System.Text;

namespace NearDuplicateFinder;

/// <summary>
/// Finds near-duplicate product descriptions with MinHash over word 3-shingles, so the catalogue team can
/// merge listings. Signatures are computed in slices on the thread pool.
/// </summary>
public sealed class MinHasher
{
    private const int Hashes = 96;
    private readonly ulong[] _seedsA = new ulong[Hashes];
    private readonly ulong[] _seedsB = new ulong[Hashes];
    private readonly object _consoleLock = new();
    private int _slicesDone;

    public MinHasher(int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < Hashes; i++)
        {
            _seedsA[i] = (ulong)rng.NextInt64() | 1;
            _seedsB[i] = (ulong)rng.NextInt64();
        }
    }

    public ulong[][] Signatures(IReadOnlyList<string> documents, int sliceSize)
    {
        var signatures = new ulong[documents.Count][];
        int slices = (documents.Count + sliceSize - 1) / sliceSize;
        var countdown = new CountdownEvent(slices);
        for (int s = 0; s < slices; s++)
        {
            var range = (Start: s * sliceSize, End: Math.Min(documents.Count, (s + 1) * sliceSize));
            ThreadPool.QueueUserWorkItem(r =>
            {
                for (int d = r.Start; d < r.End; d++)
                {
                    signatures[d] = Signature(documents[d]);
                }
                ReportSlice(slices);
                countdown.Signal();
            }, range, preferLocal: false);
        }
        countdown.Wait();
        countdown.Dispose();
        return signatures;
    }

    private void ReportSlice(int total)
    {
        lock (_consoleLock)
        {
            _slicesDone++;
            if (_slicesDone % 10 == 0 || _slicesDone == total)
            {
                Console.WriteLine($"  {_slicesDone}/{total} slices hashed");
            }
        }
    }

    private ulong[] Signature(string text)
    {
        var sig = new ulong[Hashes];
        Array.Fill(sig, ulong.MaxValue);
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int w = 0; w + 2 < words.Length; w++)
        {
            ulong shingle = 14695981039346656037UL;
            foreach (char ch in words[w] + " " + words[w + 1] + " " + words[w + 2])
            {
                shingle = (shingle ^ ch) * 1099511628211UL;
            }
            for (int h = 0; h < Hashes; h++)
            {
                ulong v = _seedsA[h] * shingle + _seedsB[h];
                if (v < sig[h]) sig[h] = v;
            }
        }
        return sig;
    }

    public static double Similarity(ulong[] a, ulong[] b)
    {
        int same = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] == b[i]) same++;
        return same / (double)a.Length;
    }
}

public static class Program
{
    public static void Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0]) : 4000;
        var rng = new Random(5);
        string[] vocab = ["steel", "frame", "waterproof", "compact", "lightweight", "ergonomic", "cordless", "black", "kit", "pro",
                          "with", "and", "for", "garden", "kitchen", "travel", "battery", "charger", "case", "set"];
        var docs = new List<string>();
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && rng.Next(10) == 0)
            {
                docs.Add(docs[rng.Next(i)] + " " + vocab[rng.Next(vocab.Length)]); // near duplicate
                continue;
            }
            var sb = new StringBuilder();
            for (int w = 0; w < 60; w++) sb.Append(vocab[rng.Next(vocab.Length)]).Append(' ');
            docs.Add(sb.ToString());
        }

        var sw = Stopwatch.StartNew();
        var sigs = new MinHasher(seed: 1).Signatures(docs, sliceSize: 50);
        int pairs = 0;
        for (int i = 0; i < sigs.Length; i++)
            for (int j = i + 1; j < Math.Min(sigs.Length, i + 200); j++)
                if (MinHasher.Similarity(sigs[i], sigs[j]) > 0.8) pairs++;
        Console.WriteLine($"{count} documents, {pairs} near-duplicate pairs within a 200-window, {sw.ElapsedMilliseconds} ms");
    }
}
