#nullable disable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace BuildGraphScheduler
{
    class Target
    {
        public string Name;
        public List<Target> Deps = new List<Target>();
        public byte[][] Sources;
        public string ActionKey;
        public int Level;
        public long OutputChecksum;

        public Target(string name, byte[][] sources) { Name = name; Sources = sources; }
    }

    // Computes action keys the way the remote cache expects them: SHA-256 over sources and dependency keys.
    class ActionKeyHasher
    {
        private readonly object _sync = new object();
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string KeyFor(Target target)
        {
            Monitor.Enter(_sync);
            try
            {
                foreach (byte[] source in target.Sources)
                    for (int round = 0; round < 4; round++) _hash.AppendData(source);
                foreach (Target dep in target.Deps.OrderBy(d => d.Name, StringComparer.Ordinal))
                    _hash.AppendData(Encoding.UTF8.GetBytes(dep.ActionKey));
                return Convert.ToHexString(_hash.GetHashAndReset());
            }
            finally
            {
                Monitor.Exit(_sync);
            }
        }
    }

    class Scheduler
    {
        private readonly ActionKeyHasher _hasher = new ActionKeyHasher();
        private readonly object _statsLock = new object();
        private int _built;
        private long _bytesCompiled;

        public void BuildAll(List<Target> targets)
        {
            foreach (var wave in targets.GroupBy(t => t.Level).OrderBy(g => g.Key))
            {
                var items = wave.ToList();
                using (var done = new CountdownEvent(items.Count))
                {
                    foreach (Target target in items)
                    {
                        ThreadPool.QueueUserWorkItem(state =>
                        {
                            var t = (Target)state;
                            try { Build(t); }
                            finally { done.Signal(); }
                        }, target);
                    }
                    done.Wait();
                }
            }
            Console.WriteLine($"built {_built} targets, {_bytesCompiled / 1024} KiB of sources");
        }

        private void Build(Target t)
        {
            t.ActionKey = _hasher.KeyFor(t);
            // "Compile": a rolling checksum pass standing in for the real tool invocation.
            long checksum = 17;
            long bytes = 0;
            foreach (byte[] src in t.Sources)
            {
                for (int pass = 0; pass < 6; pass++)
                    for (int i = 0; i < src.Length; i++) checksum = checksum * 31 + (src[i] ^ pass);
                bytes += src.Length;
            }
            t.OutputChecksum = checksum;
            lock (_statsLock)
            {
                _built++;
                _bytesCompiled += bytes;
            }
        }
    }

    static class Program
    {
        static void Main()
        {
            var rng = new Random(11);
            var targets = new List<Target>();
            for (int i = 0; i < 240; i++)
            {
                var sources = new byte[2 + rng.Next(6)][];
                for (int s = 0; s < sources.Length; s++) { sources[s] = new byte[8192 + rng.Next(24576)]; rng.NextBytes(sources[s]); }
                var t = new Target($"//pkg{i / 20}:lib{i}", sources);
                for (int d = 0; d < Math.Min(i, 3); d++) t.Deps.Add(targets[rng.Next(i)]);
                t.Level = t.Deps.Count == 0 ? 0 : t.Deps.Max(x => x.Level) + 1;
                targets.Add(t);
            }
            Console.WriteLine($"{targets.Count} targets in {targets.Max(t => t.Level) + 1} waves");

            var sw = Stopwatch.StartNew();
            new Scheduler().BuildAll(targets);
            Console.Error.WriteLine($"build took {sw.ElapsedMilliseconds} ms");

            foreach (Target t in targets.Where(t => t.Deps.Count == 0).Take(3))
                Console.WriteLine($"{t.Name} {t.ActionKey.Substring(0, 16)} {t.OutputChecksum:X16}");
            Console.WriteLine($"root key {targets[^1].ActionKey.Substring(0, 16)}");
        }
    }
}
