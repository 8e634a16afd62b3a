using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace GlobPatternMatcher;

// A compiled glob: segments split on '/', '**' matches any number of segments, '*' and '?' stay inside one segment.
sealed class Glob
{
    private readonly string[] _segments;
    public string Pattern { get; }

    public Glob(string pattern)
    {
        Pattern = pattern;
        _segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public bool IsMatch(string path) => MatchSegments(_segments, 0, path.Split('/'), 0);

    private static bool MatchSegments(string[] pat, int pi, string[] segs, int si)
    {
        if (pi == pat.Length) return si == segs.Length;
        if (pat[pi] == "**")
        {
            for (int skip = si; skip <= segs.Length; skip++)
                if (MatchSegments(pat, pi + 1, segs, skip)) return true;
            return false;
        }
        return si < segs.Length && MatchSegment(pat[pi], segs[si]) && MatchSegments(pat, pi + 1, segs, si + 1);
    }

    // Iterative wildcard match with single-star backtracking.
    private static bool MatchSegment(string p, string s)
    {
        int i = 0, j = 0, star = -1, mark = 0;
        while (j < s.Length)
        {
            if (i < p.Length && (p[i] == '?' || p[i] == s[j])) { i++; j++; }
            else if (i < p.Length && p[i] == '*') { star = i++; mark = j; }
            else if (star >= 0) { i = star + 1; j = ++mark; }
            else return false;
        }
        while (i < p.Length && p[i] == '*') i++;
        return i == p.Length;
    }
}

sealed class GlobCache
{
    private readonly Dictionary<string, Glob> _compiled = new(StringComparer.Ordinal);
    private readonly object _sync = new();

    public Glob Get(string pattern)
    {
        lock (_sync)
        {
            if (_compiled.TryGetValue(pattern, out var hit)) return hit;
        }
        var glob = new Glob(pattern);
        lock (_sync)
        {
            return _compiled.TryAdd(pattern, glob) ? glob : _compiled[pattern];
        }
    }
}

static class Program
{
    static readonly string[] Dirs = { "src", "tests", "docs", "build", "tools", "vendor", "lib", "app" };
    static readonly string[] Exts = { ".cs", ".csproj", ".md", ".json", ".yml", ".txt", ".png", ".props" };

    static void Main()
    {
        var rng = new Random(3);
        var paths = new List<string>();
        for (int i = 0; i < 60_000; i++)
        {
            int depth = 1 + rng.Next(6);
            var parts = Enumerable.Range(0, depth).Select(_ => Dirs[rng.Next(Dirs.Length)] + (rng.Next(4) == 0 ? rng.Next(10).ToString() : ""));
            paths.Add(string.Join('/', parts) + "/file" + rng.Next(500) + Exts[rng.Next(Exts.Length)]);
        }
        string[] rules = { "**/*.cs", "src/**/test?/*.json", "**/bin/**", "docs/**/*.md", "**/vendor*/**/*.props",
                           "build/*.yml", "**/lib?/**/file1*.txt", "tools/**/*.csproj", "app/**/src/**/*", "**/*.png" };

        var cache = new GlobCache();
        int processed = 0;
        var progress = new Thread(() =>
        {
            while (Volatile.Read(ref processed) < paths.Count)
            {
                Console.Error.WriteLine($"  matched {Volatile.Read(ref processed)} / {paths.Count}");
                Thread.Sleep(100);
            }
        }) { IsBackground = true };
        progress.Start();

        var sw = Stopwatch.StartNew();
        int shards = Environment.ProcessorCount * 2;
        var hitsPerRule = new int[shards, rules.Length];
        var threads = new List<Thread>();
        for (int s = 0; s < shards; s++)
        {
            int shard = s;
            var t = new Thread(() =>
            {
                for (int i = shard; i < paths.Count; i += shards)
                {
                    for (int r = 0; r < rules.Length; r++)
                        if (cache.Get(rules[r]).IsMatch(paths[i])) hitsPerRule[shard, r]++;
                    Interlocked.Increment(ref processed);
                }
            });
            threads.Add(t);
            t.Start();
        }
        threads.ForEach(t => t.Join());
        Console.Error.WriteLine($"matched {paths.Count} paths against {rules.Length} globs in {sw.ElapsedMilliseconds} ms");

        for (int r = 0; r < rules.Length; r++)
        {
            int total = 0;
            for (int s = 0; s < shards; s++) total += hitsPerRule[s, r];
            Console.WriteLine($"{rules[r],-28} {total,6}");
        }
    }
}
