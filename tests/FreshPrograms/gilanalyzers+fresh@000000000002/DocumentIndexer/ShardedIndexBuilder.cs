using System;
using System.Collections.Generic;
using System.Threading;

namespace DocumentIndexer
{
    /// <summary>
    /// Splits the corpus into shards, tokenises each shard on the thread pool and merges the shard indexes.
    /// </summary>
    internal sealed class ShardedIndexBuilder
    {
        private readonly IndexLog _log;
        private readonly int _shardCount;
        private readonly Dictionary<string, int> _documentIds = new Dictionary<string, int>();
        private readonly object _documentIdLock = new object();

        public ShardedIndexBuilder(IndexLog log, int shardCount)
        {
            _log = log;
            _shardCount = shardCount;
        }

        public InvertedIndex Build(List<KeyValuePair<string, string>> corpus)
        {
            var shardIndexes = new InvertedIndex[_shardCount];
            var done = new ManualResetEvent[_shardCount];
            int perShard = (corpus.Count + _shardCount - 1) / _shardCount;

            for (int s = 0; s < _shardCount; s++)
            {
                done[s] = new ManualResetEvent(false);
                var job = new ShardJob(s, s * perShard, Math.Min(corpus.Count, (s + 1) * perShard), corpus, shardIndexes, done[s]);
                ThreadPool.QueueUserWorkItem(IndexShard, job);
            }

            WaitHandle.WaitAll(done);
            foreach (var handle in done) handle.Close();

            var merged = new InvertedIndex();
            foreach (var shard in shardIndexes) merged.MergeFrom(shard);
            return merged;
        }

        private void IndexShard(object state)
        {
            var job = (ShardJob)state;
            try
            {
                var index = new InvertedIndex();
                for (int i = job.From; i < job.To; i++)
                {
                    var doc = job.Corpus[i];
                    int docId = AssignDocumentId(doc.Key);
                    foreach (string token in Tokenizer.Tokenize(doc.Value))
                    {
                        index.Add(Stemmer.Stem(token), docId);
                    }
                }
                job.Results[job.Shard] = index;
                _log.Write("shard " + job.Shard + " indexed " + (job.To - job.From) + " documents");
            }
            finally
            {
                job.Done.Set();
            }
        }

        private int AssignDocumentId(string path)
        {
            lock (_documentIdLock)
            {
                int id;
                if (!_documentIds.TryGetValue(path, out id))
                {
                    id = _documentIds.Count;
                    _documentIds.Add(path, id);
                }
                return id;
            }
        }

        private sealed class ShardJob
        {
            public ShardJob(int shard, int from, int to, List<KeyValuePair<string, string>> corpus, InvertedIndex[] results, ManualResetEvent done)
            {
                Shard = shard; From = from; To = to; Corpus = corpus; Results = results; Done = done;
            }

            public int Shard { get; }
            public int From { get; }
            public int To { get; }
            public List<KeyValuePair<string, string>> Corpus { get; }
            public InvertedIndex[] Results { get; }
            public ManualResetEvent Done { get; }
        }
    }
}
