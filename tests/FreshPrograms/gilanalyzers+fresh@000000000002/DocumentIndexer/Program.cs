using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace DocumentIndexer
{
    internal static class Program
    {
        private static void Main(string[] args)
        {
            int documents = args.Length > 0 ? int.Parse(args[0]) : 3000;
            string logPath = Path.Combine(Path.GetTempPath(), "docindexer.log");

            using (var log = new IndexLog(logPath))
            {
                var corpus = SampleCorpus.Build(documents);
                var builder = new ShardedIndexBuilder(log, shardCount: 8);

                var watch = Stopwatch.StartNew();
                InvertedIndex index = builder.Build(corpus);
                watch.Stop();

                log.Write("built index with " + index.TermCount + " terms in " + watch.ElapsedMilliseconds + " ms");
                foreach (string query in new[] { "river", "engine", "quantum" })
                {
                    Console.WriteLine("{0,-8} -> {1} documents", query, index.Lookup(query).Count);
                }
            }
        }
    }

    internal sealed class IndexLog : IDisposable
    {
        private readonly StreamWriter _writer;
        private readonly object _writeLock = new object();

        public IndexLog(string path)
        {
            _writer = new StreamWriter(path, append: false);
        }

        public void Write(string message)
        {
            lock (_writeLock)
            {
                _writer.WriteLine(DateTime.UtcNow.ToString("O") + " " + message);
                _writer.Flush();
            }
        }

        public void Dispose() => _writer.Dispose();
    }

    internal static class SampleCorpus
    {
        private static readonly string[] Words =
        {
            "river", "engine", "stone", "market", "quantum", "garden", "signal", "harbor", "winter", "copper",
            "lantern", "falcon", "meadow", "circuit", "violet", "anchor", "thunder", "pepper", "orbit", "canyon",
        };

        public static List<KeyValuePair<string, string>> Build(int count)
        {
            var rng = new Random(5);
            var docs = new List<KeyValuePair<string, string>>(count);
            for (int d = 0; d < count; d++)
            {
                var text = new System.Text.StringBuilder();
                int length = 200 + rng.Next(400);
                for (int w = 0; w < length; w++)
                {
                    text.Append(Words[rng.Next(Words.Length)]);
                    text.Append(w % 17 == 16 ? ". " : " ");
                }
                docs.Add(new KeyValuePair<string, string>("docs/" + d + ".txt", text.ToString()));
            }
            return docs;
        }
    }
}
