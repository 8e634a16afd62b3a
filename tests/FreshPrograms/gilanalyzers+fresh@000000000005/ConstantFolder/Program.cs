using System.Text;

namespace ConstantFolder;

abstract record Expr;
sealed record Num(long Value) : Expr;
sealed record Sym(int Id) : Expr;
sealed record Bin(char Op, Expr Left, Expr Right) : Expr;

sealed class SymbolTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public int Intern(string name)
    {
        lock (_ids)
        {
            if (!_ids.TryGetValue(name, out int id))
            {
                id = _ids.Count;
                _ids[name] = id;
            }
            return id;
        }
    }

    public int Count { get { lock (_ids) return _ids.Count; } }
}

sealed class PrefixParser(string text, SymbolTable symbols)
{
    private int _pos;

    public List<Expr> ParseAll()
    {
        var list = new List<Expr>();
        while (SkipSpace() < text.Length) list.Add(Parse());
        return list;
    }

    private int SkipSpace() { while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++; return _pos; }

    private Expr Parse()
    {
        SkipSpace();
        if (text[_pos] == '(')
        {
            char op = text[_pos + 1];
            _pos += 2;
            var left = Parse();
            var right = Parse();
            SkipSpace();
            _pos++; // ')'
            return new Bin(op, left, right);
        }
        int start = _pos;
        while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] != ')') _pos++;
        string token = text[start.._pos];
        return long.TryParse(token, out long n) ? new Num(n) : new Sym(symbols.Intern(token));
    }
}

static class Optimizer
{
    public static Expr Run(Expr e, out int rewrites)
    {
        rewrites = 0;
        for (int pass = 0; pass < 6; pass++)
        {
            var cse = new Dictionary<string, Expr>(StringComparer.Ordinal);
            int before = rewrites;
            e = Simplify(e, cse, ref rewrites);
            if (rewrites == before) break;
        }
        return e;
    }

    private static Expr Simplify(Expr e, Dictionary<string, Expr> cse, ref int rewrites)
    {
        if (e is not Bin b) return e;
        var l = Simplify(b.Left, cse, ref rewrites);
        var r = Simplify(b.Right, cse, ref rewrites);
        Expr result = (b.Op, l, r) switch
        {
            (_, Num x, Num y) => new Num(b.Op switch { '+' => x.Value + y.Value, '-' => x.Value - y.Value, '*' => x.Value * y.Value, _ => y.Value == 0 ? 0 : x.Value / y.Value }),
            ('*', Num { Value: 0 }, _) or ('*', _, Num { Value: 0 }) => new Num(0),
            ('*', Num { Value: 1 }, var y) => y,
            ('*', var x, Num { Value: 1 }) => x,
            ('+' or '-', var x, Num { Value: 0 }) => x,
            ('-', var x, var y) when x == y => new Num(0),
            _ => l == b.Left && r == b.Right ? b : new Bin(b.Op, l, r),
        };
        if (!ReferenceEquals(result, b)) rewrites++;
        string key = Key(result);
        if (cse.TryGetValue(key, out var shared)) return shared;
        cse[key] = result;
        return result;
    }

    private static string Key(Expr e) => e switch
    {
        Num n => n.Value.ToString(),
        Sym s => "v" + s.Id,
        Bin b => "(" + b.Op + Key(b.Left) + " " + Key(b.Right) + ")",
        _ => "?",
    };
}

class Program
{
    static string RandomExpr(Random rng, int depth) => depth == 0 || rng.Next(10) < 2
        ? (rng.Next(3) == 0 ? $"v{rng.Next(40)}" : rng.Next(4).ToString())
        : $"({"+-*/"[rng.Next(4)]} {RandomExpr(rng, depth - 1)} {RandomExpr(rng, depth - 1)})";

    static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"folder-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        var rng = new Random(77);
        for (int m = 0; m < 24; m++)
        {
            var sb = new StringBuilder();
            for (int f = 0; f < 40; f++) sb.AppendLine(RandomExpr(rng, 11));
            File.WriteAllText(Path.Combine(dir, $"module{m:D2}.pfx"), sb.ToString());
        }

        var paths = Directory.GetFiles(dir).OrderBy(p => p, StringComparer.Ordinal).ToArray();
        var sources = new string[paths.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, paths.Length), async (i, ct) =>
        {
            sources[i] = await File.ReadAllTextAsync(paths[i], ct);
        });

        var symbols = new SymbolTable();
        var modules = new List<Expr>[sources.Length];
        Parallel.For(0, sources.Length, i => modules[i] = new PrefixParser(sources[i], symbols).ParseAll());

        var report = new Dictionary<string, (int Functions, int Rewrites)>();
        using var gate = new SemaphoreSlim(1, 1);
        await Parallel.ForEachAsync(Enumerable.Range(0, modules.Length), async (i, ct) =>
        {
            await gate.WaitAsync(ct);
            try
            {
                int total = 0;
                for (int f = 0; f < modules[i].Count; f++)
                {
                    modules[i][f] = Optimizer.Run(modules[i][f], out int rewrites);
                    total += rewrites;
                }
                report[Path.GetFileName(paths[i])] = (modules[i].Count, total);
            }
            finally
            {
                gate.Release();
            }
        });

        Console.WriteLine($"symbols interned: {symbols.Count}");
        foreach (var (name, r) in report.OrderByDescending(kv => kv.Value.Rewrites).ThenBy(kv => kv.Key).Take(4))
            Console.WriteLine($"{name}: {r.Functions} functions, {r.Rewrites} rewrites");
        Console.WriteLine($"total rewrites: {report.Values.Sum(r => r.Rewrites)}");
        Directory.Delete(dir, recursive: true);
    }
}
