namespace Crm.Dedupe
{
    internal sealed class BlockState
    {
        public string[] Names;
        public int From, To;
        public List<(int, int)> Matches = new List<(int, int)>();
        public CountdownEvent Countdown;
    }

    internal sealed class ClusterMerger : IDisposable
    {
        private readonly Mutex _mutex = new Mutex();

        // Golden record = the member with the smallest total edit distance to all the others.
        public string Merge(IList<string> members)
        {
            _mutex.WaitOne();
            try
            {
                string best = members[0];
                int bestCost = int.MaxValue;
                foreach (string candidate in members)
                {
                    int cost = 0;
                    foreach (string other in members) cost += Similarity.Levenshtein(candidate, other);
                    if (cost < bestCost) { bestCost = cost; best = candidate; }
                }
                return best;
            }
            finally
            {
                _mutex.ReleaseMutex();
            }
        }

        public void Dispose() => _mutex.Dispose();
    }

    internal static class Similarity
    {
        public static int Levenshtein(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) prev[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                (prev, cur) = (cur, prev);
            }
            return prev[b.Length];
        }
    }

    internal static class Program
    {
        private static void CompareBlock(object state)
        {
            var block = (BlockState)state;
            try
            {
                for (int i = block.From; i < block.To; i++)
                    for (int j = i + 1; j < block.Names.Length; j++)
                        if (Similarity.Levenshtein(block.Names[i], block.Names[j]) <= 2)
                            block.Matches.Add((i, j));
            }
            finally
            {
                block.Countdown.Signal();
            }
        }

        private static void Main()
        {
            var rng = new Random(8);
            string[] first = { "Anna", "Ben", "Carla", "Dmitri", "Eve", "Farid", "Greta", "Hugo" };
            string[] last = { "Meyer", "Meier", "Maier", "Schmidt", "Schmitt", "Novak", "Nowak", "Jensen" };
            var names = Enumerable.Range(0, 1100).Select(i => $"{first[rng.Next(8)]} {last[rng.Next(8)]} {rng.Next(40):D2}").ToArray();

            int blockCount = 16;
            var blocks = new BlockState[blockCount];
            using (var countdown = new CountdownEvent(blockCount))
            {
                for (int b = 0; b < blockCount; b++)
                {
                    blocks[b] = new BlockState { Names = names, From = b * names.Length / blockCount, To = (b + 1) * names.Length / blockCount, Countdown = countdown };
                    ThreadPool.QueueUserWorkItem(CompareBlock, blocks[b]);
                }
                countdown.Wait();
            }

            // Union-find over the matches to build clusters.
            var parent = Enumerable.Range(0, names.Length).ToArray();
            int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
            foreach (var block in blocks) foreach (var (i, j) in block.Matches) parent[Find(i)] = Find(j);
            var clusters = Enumerable.Range(0, names.Length).GroupBy(Find).Where(g => g.Count() > 1).Select(g => g.Select(i => names[i]).ToList()).ToList();

            var golden = new string[clusters.Count];
            using (var merger = new ClusterMerger())
                Parallel.For(0, clusters.Count, c => golden[c] = merger.Merge(clusters[c]));

            string exportPath = Path.Combine(Path.GetTempPath(), $"crm-golden-{Environment.ProcessId}.csv");
            using (var exportLock = new Mutex(false, "crm-golden-export"))
            {
                exportLock.WaitOne();
                try { File.WriteAllLines(exportPath, golden); }
                finally { exportLock.ReleaseMutex(); }
            }

            Console.WriteLine($"matches={blocks.Sum(b => b.Matches.Count)} clusters={clusters.Count} largest={clusters.Max(c => c.Count)}");
            File.Delete(exportPath);
        }
    }
}
