using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using static DfaLexerBuilder.Patterns;

namespace DfaLexerBuilder;

public sealed record TokenRule(string Name, Rx Pattern);
public sealed record Dialect(string Name, TokenRule[] Rules);
public sealed record Dfa(int[][] Next, int[] Accept, int StateCount);

public static class LexerGenerator
{
    private static readonly object AlphabetLock = new object();
    private static char[]? s_alphabet;
    private static long s_totalStates;

    public static long TotalStates => s_totalStates;

    public static char[] Alphabet
    {
        get
        {
            if (s_alphabet == null)
            {
                lock (AlphabetLock)
                {
                    if (s_alphabet == null)
                        s_alphabet = new[] { '\t', '\n', '\r' }.Concat(Enumerable.Range(32, 95).Select(c => (char)c)).ToArray();
                }
            }
            return s_alphabet;
        }
    }

    public static Dfa Build(TokenRule[] rules)
    {
        lock (typeof(LexerGenerator))
        {
            // Thompson construction: one start state with an epsilon edge into every rule.
            var (eps, moves, accept) = (new List<List<int>>(), new List<(bool[] Set, int To)?>(), new List<int>());
            int NewState() { eps.Add(new List<int>()); moves.Add(null); accept.Add(-1); return eps.Count - 1; }
            (int, int) Compile(Rx rx)
            {
                int s = NewState(), e = NewState();
                switch (rx)
                {
                    case Chars c: moves[s] = (c.Set, e); break;
                    case Seq q:
                        int prev = s;
                        foreach (Rx part in q.Parts) { var (ps, pe) = Compile(part); eps[prev].Add(ps); prev = pe; }
                        eps[prev].Add(e); break;
                    case Alt a:
                        foreach (Rx option in a.Options) { var (os, oe) = Compile(option); eps[s].Add(os); eps[oe].Add(e); }
                        break;
                    case Repeat r:
                        var (i0, i1) = Compile(r.Inner);
                        eps[s].Add(i0); eps[i1].Add(e);
                        if (r.AllowNone) eps[s].Add(e);
                        if (r.AllowMany) eps[i1].Add(i0);
                        break;
                }
                return (s, e);
            }
            int start = NewState();
            for (int r = 0; r < rules.Length; r++) { var (rs, re) = Compile(rules[r].Pattern); eps[start].Add(rs); accept[re] = r; }

            SortedSet<int> Closure(IEnumerable<int> seed)
            {
                var set = new SortedSet<int>(seed);
                for (var stack = new Stack<int>(set); stack.Count > 0;) foreach (int t in eps[stack.Pop()]) if (set.Add(t)) stack.Push(t);
                return set;
            }

            // Subset construction over the printable alphabet.
            char[] alphabet = Alphabet;
            var ids = new Dictionary<string, int>();
            var (sets, next) = (new List<SortedSet<int>>(), new List<int[]>());
            int Intern(SortedSet<int> set)
            {
                string key = string.Join(",", set);
                if (ids.TryGetValue(key, out int id)) return id;
                ids[key] = sets.Count; sets.Add(set); next.Add(new int[alphabet.Length]);
                return sets.Count - 1;
            }
            Intern(Closure(new[] { start }));
            for (int d = 0; d < sets.Count; d++)
                for (int a = 0; a < alphabet.Length; a++)
                {
                    var targets = sets[d].Where(n => moves[n] is { } m && m.Set[alphabet[a]]).Select(n => moves[n]!.Value.To).ToList();
                    next[d][a] = targets.Count == 0 ? -1 : Intern(Closure(targets));
                }
            int[] acceptOf = sets.Select(s => s.Select(n => accept[n]).Where(r => r >= 0).DefaultIfEmpty(-1).Min()).ToArray();

            // Moore minimisation: split classes until the transition signatures agree.
            int[] cls = acceptOf.Select(r => r + 1).ToArray();
            for (int classes = -1; ;)
            {
                var sig = new Dictionary<string, int>();
                int[] refined = new int[cls.Length];
                for (int d = 0; d < cls.Length; d++)
                {
                    string key = cls[d] + ":" + string.Join(",", next[d].Select(t => t < 0 ? -1 : cls[t]));
                    if (!sig.TryGetValue(key, out refined[d])) sig[key] = refined[d] = sig.Count;
                }
                cls = refined;
                if (sig.Count == classes) break;
                classes = sig.Count;
            }
            int count = cls.Max() + 1;
            var (minNext, minAccept) = (new int[count][], new int[count]);
            for (int d = 0; d < cls.Length; d++)
            {
                minNext[cls[d]] = next[d].Select(t => t < 0 ? -1 : cls[t]).ToArray();
                minAccept[cls[d]] = acceptOf[d];
            }
            s_totalStates += count;
            return new Dfa(minNext, minAccept, count);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", digits = "0123456789";
        string[] keywordPool = ("if else while for do return break continue switch case default struct class interface enum public private " +
            "protected static const var let fn func def lambda yield async await try catch finally throw new delete import export module " +
            "package using namespace match when where select from loop until then elif unless begin end").Split(' ');
        var dialects = Enumerable.Range(0, 8).Select(i => new Dialect($"dialect-{i}", new[]
        {
            new TokenRule("keyword", new Alt(keywordPool.Where((_, k) => (k * 7 + i) % 4 != 1).Select(Word).ToArray())),
            new TokenRule("ident", new Seq(Set(letters), Star(Set(letters + digits)))),
            new TokenRule("number", new Seq(Plus(Set(digits)), Opt(new Seq(Set("."), Plus(Set(digits)))), Opt(new Seq(Set("eE"), Opt(Set("+-")), Plus(Set(digits)))))),
            new TokenRule("string", new Seq(Set("\""), Star(Set(letters + digits + " .,:;!?+-*/=<>()")), Set("\""))),
            new TokenRule("op", new Alt(new[] { "==", "!=", "<=", ">=", "&&", "||", "=>", "->", "+", "-", "*", "/", "=", "<", ">", "(", ")", "{", "}", ";", "," }.Select(Word).ToArray())),
            new TokenRule("space", Plus(Set(" \t\r\n"))),
        })).ToList();

        var built = new Dictionary<string, Dfa>();
        Parallel.ForEach(dialects, dialect =>
        {
            Dfa dfa = LexerGenerator.Build(dialect.Rules);
            lock (built) built[dialect.Name] = dfa;
        });

        string source = string.Concat(Enumerable.Repeat("fn area(r) { let pi = 3.14159e0; if r >= 0 { return pi * r * r; } else { throw \"negative radius\"; } }\n", 40));
        foreach (Dialect d in dialects)
        {
            Dfa dfa = built[d.Name];
            var counts = new int[d.Rules.Length];
            int pos = 0, errors = 0;
            while (pos < source.Length)
            {
                int state = 0, lastAccept = -1, lastEnd = pos;
                for (int i = pos; i < source.Length && state >= 0; i++)
                {
                    state = dfa.Next[state][Array.IndexOf(LexerGenerator.Alphabet, source[i])];
                    if (state >= 0 && dfa.Accept[state] >= 0) { lastAccept = dfa.Accept[state]; lastEnd = i + 1; }
                }
                if (lastAccept < 0) { errors++; pos++; } else { counts[lastAccept]++; pos = lastEnd; }
            }
            Console.WriteLine($"{d.Name}: {dfa.StateCount,4} states  " + string.Join("  ", d.Rules.Select((r, k) => $"{r.Name}={counts[k]}")) + $"  errors={errors}");
        }
        Console.WriteLine($"total minimised states: {LexerGenerator.TotalStates}");
    }
}
