using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DeadCodeEliminator;

// Three-address IR: "dst = op a b", "store a", "ret a". One function per file.
public sealed class Instr
{
    public string Dst = "", Op = "", A = "", B = "";
    public bool HasSideEffect => Op is "store" or "ret" or "call";
}

public sealed class Function
{
    public string Name = "";
    public List<Instr> Body = new();
    public int Removed;
}

public sealed class SymbolTable
{
    private readonly Dictionary<string, int> _ids = new();

    public int Intern(string name)
    {
        lock (_ids)
        {
            if (!_ids.TryGetValue(name, out int id)) { id = _ids.Count; _ids[name] = id; }
            return id;
        }
    }

    public int Count { get { lock (_ids) return _ids.Count; } }
}

public static class Program
{
    private static readonly SymbolTable Symbols = new();

    public static async Task Main()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dce-ir");
        Directory.CreateDirectory(dir);
        for (int f = 0; f < 40; f++) File.WriteAllLines(Path.Combine(dir, $"fn{f:D2}.ir"), Generate(f));

        var paths = Directory.GetFiles(dir, "*.ir").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        string[][] texts = await Task.WhenAll(paths.Select(p => File.ReadAllLinesAsync(p)));
        var functions = texts.Select((lines, i) => Parse(Path.GetFileNameWithoutExtension(paths[i]), lines)).ToList();

        using (var done = new CountdownEvent(functions.Count))
        {
            foreach (var fn in functions)
            {
                ThreadPool.QueueUserWorkItem(state =>
                {
                    try { Eliminate((Function)state!); }
                    finally { done.Signal(); }
                }, fn);
            }
            done.Wait();
        }

        int before = functions.Sum(f => f.Body.Count + f.Removed);
        int removed = functions.Sum(f => f.Removed);
        Console.WriteLine($"functions: {functions.Count}, instructions: {before}, removed: {removed}, symbols: {Symbols.Count}");
        foreach (var fn in functions.Take(4)) Console.WriteLine($"  {fn.Name}: kept {fn.Body.Count}, removed {fn.Removed}");
    }

    private static Function Parse(string name, string[] lines)
    {
        var fn = new Function { Name = name };
        foreach (var line in lines)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ins = parts[1] == "="
                ? new Instr { Dst = parts[0], Op = parts[2], A = parts[3], B = parts.Length > 4 ? parts[4] : "" }
                : new Instr { Op = parts[0], A = parts[1] };
            fn.Body.Add(ins);
        }
        return fn;
    }

    // Iterate backward liveness to a fixpoint, dropping dead pure instructions each round.
    private static void Eliminate(Function fn)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            var live = new HashSet<string>(StringComparer.Ordinal);
            var keep = new List<Instr>(fn.Body.Count);
            for (int i = fn.Body.Count - 1; i >= 0; i--)
            {
                var ins = fn.Body[i];
                if (!ins.HasSideEffect && !live.Contains(ins.Dst)) { fn.Removed++; changed = true; continue; }
                live.Remove(ins.Dst);
                if (ins.A.StartsWith('t')) live.Add(ins.A);
                if (ins.B.StartsWith('t')) live.Add(ins.B);
                keep.Add(ins);
            }
            keep.Reverse();
            fn.Body = keep;
        }
        foreach (var ins in fn.Body)
            if (ins.Dst.Length > 0) Symbols.Intern(fn.Name + "." + ins.Dst);
    }

    private static IEnumerable<string> Generate(int seed)
    {
        var rng = new Random(seed);
        string[] ops = { "add", "mul", "sub", "xor", "shl" };
        for (int i = 0; i < 15000; i++)
        {
            int r = rng.Next(100);
            string a = i > 0 ? $"t{rng.Next(Math.Max(1, i - 40), i)}" : "1", b = rng.Next(3) == 0 ? rng.Next(64).ToString() : a;
            if (r < 4) yield return $"store {a}";
            else yield return $"t{i} = {ops[rng.Next(ops.Length)]} {a} {b}";
        }
        yield return "ret t14999";
    }
}
