using System.Diagnostics;
using System.Text;

namespace WordFrequency
{
    /// <summary>
    /// Counts word frequencies over a corpus of documents and prints the top words.
    /// Documents are split into chunks and each chunk is counted on the thread pool.
    /// </summary>
    public class WordCounter
    {
        private readonly List<Dictionary<string, int>> partials = new List<Dictionary<string, int>>();
        private readonly object partialsLock = new object();
        private readonly int chunkSize;

        public WordCounter(int chunkSize)
        {
            this.chunkSize = chunkSize;
        }

        public Dictionary<string, int> Count(IReadOnlyList<string> documents)
        {
            int chunks = (documents.Count + chunkSize - 1) / chunkSize;
            using (var finished = new CountdownEvent(chunks))
            {
                for (int c = 0; c < chunks; c++)
                {
                    int first = c * chunkSize;
                    int last = Math.Min(documents.Count, first + chunkSize);
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        try
                        {
                            var counts = CountChunk(documents, first, last);
                            lock (partialsLock)
                            {
                                partials.Add(counts);
                            }
                        }
                        finally
                        {
                            finished.Signal();
                        }
                    });
                }
                finished.Wait();
            }

            var total = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var part in partials)
            {
                foreach (var pair in part)
                {
                    total.TryGetValue(pair.Key, out int n);
                    total[pair.Key] = n + pair.Value;
                }
            }
            return total;
        }

        private static Dictionary<string, int> CountChunk(IReadOnlyList<string> documents, int first, int last)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var word = new StringBuilder();
            for (int d = first; d < last; d++)
            {
                foreach (char ch in documents[d])
                {
                    if (char.IsLetter(ch))
                    {
                        word.Append(char.ToLowerInvariant(ch));
                    }
                    else if (word.Length > 0)
                    {
                        string w = word.ToString();
                        counts.TryGetValue(w, out int n);
                        counts[w] = n + 1;
                        word.Clear();
                    }
                }
            }
            return counts;
        }
    }

    public static class Program
    {
        private static readonly string[] Vocabulary =
        {
            "the", "river", "engine", "quiet", "market", "signal", "harbor", "lantern", "copper", "winter",
            "orchard", "ledger", "falcon", "meadow", "archive", "canal", "ember", "glacier", "thimble", "violet",
        };

        private static HashSet<string> stopWords;
        private static readonly object StopWordsLock = new object();

        // Loaded on first use; a real deployment reads these from the config share.
        private static HashSet<string> StopWords
        {
            get
            {
                if (stopWords == null)
                {
                    lock (StopWordsLock)
                    {
                        if (stopWords == null)
                        {
                            stopWords = new HashSet<string>(new[] { "the", "a", "an", "of", "and" }, StringComparer.Ordinal);
                        }
                    }
                }
                return stopWords;
            }
        }

        public static void Main(string[] args)
        {
            int docCount = args.Length > 0 ? int.Parse(args[0]) : 3000;
            var rng = new Random(1234);
            var docs = new List<string>(docCount);
            for (int i = 0; i < docCount; i++)
            {
                var sb = new StringBuilder();
                int words = rng.Next(80, 200);
                for (int w = 0; w < words; w++)
                {
                    // Zipf-ish: low indices far more common
                    int idx = (int)(Vocabulary.Length * Math.Pow(rng.NextDouble(), 2.5));
                    sb.Append(Vocabulary[idx]).Append(w % 17 == 16 ? ". " : " ");
                }
                docs.Add(sb.ToString());
            }

            var sw = Stopwatch.StartNew();
            var counts = new WordCounter(chunkSize: 100).Count(docs);
            sw.Stop();

            foreach (var pair in counts.Where(p => !StopWords.Contains(p.Key)).OrderByDescending(p => p.Value).Take(8))
            {
                Console.WriteLine($"{pair.Key,-10} {pair.Value,8}");
            }
            Console.WriteLine($"{counts.Count} distinct words in {sw.ElapsedMilliseconds} ms");
        }
    }
}
