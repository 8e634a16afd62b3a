using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace FormulaSheetEngine;

// Cells hold either a number or a formula in reverse Polish form: "A1 B2 + 1.05 *".
public sealed class Workbook
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<string, string> _formulas = new();
    private readonly Dictionary<string, double> _values = new();
    private readonly Dictionary<string, string[]> _parsed = new();
    private readonly Dictionary<string, string> _names = new() { ["Total"] = "R199" };

    public void Set(string cell, string formula) => _formulas[cell] = formula;

    public string ResolveName(string name)
    {
        _rw.EnterReadLock();
        try { return _names.TryGetValue(name, out var cell) ? cell : name; }
        finally { _rw.ExitReadLock(); }
    }

    private string[] Tokens(string cell)
    {
        lock (_parsed)
        {
            if (_parsed.TryGetValue(cell, out var cached)) return cached;
        }
        var tokens = _formulas[cell].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        lock (_parsed)
        {
            _parsed[cell] = tokens;
        }
        return tokens;
    }

    // What-if run: overwrite the inputs, recalculate every formula in order, return one cell.
    public double Recalculate(IReadOnlyDictionary<string, double> inputs, string resultCell)
    {
        _rw.EnterWriteLock();
        try
        {
            _values.Clear();
            foreach (var (cell, v) in inputs) _values[cell] = v;
            for (int sweep = 0; sweep < 40; sweep++)
            {
                foreach (var cell in _formulas.Keys)
                {
                    if (inputs.ContainsKey(cell)) continue;
                    _values[cell] = Evaluate(Tokens(cell));
                }
            }
            return _values[resultCell];
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    private double Evaluate(string[] tokens)
    {
        var stack = new Stack<double>();
        foreach (var t in tokens)
        {
            switch (t)
            {
                case "+": { double b = stack.Pop(); stack.Push(stack.Pop() + b); break; }
                case "-": { double b = stack.Pop(); stack.Push(stack.Pop() - b); break; }
                case "*": { double b = stack.Pop(); stack.Push(stack.Pop() * b); break; }
                case "/": { double b = stack.Pop(); stack.Push(b == 0 ? 0 : stack.Pop() / b); break; }
                default:
                    stack.Push(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
                        ? n : _values.GetValueOrDefault(t));
                    break;
            }
        }
        return stack.Pop();
    }
}

public static class Program
{
    public static void Main()
    {
        var book = new Workbook();
        for (int r = 0; r < 200; r++)
        {
            book.Set($"R{r}", r == 0 ? "Rate Growth *" : $"R{r - 1} 1 Growth + * Rate 0.01 * + R{Math.Max(0, r - 7)} 0.002 * -");
        }

        var scenarios = Enumerable.Range(0, 160).Select(i => new Dictionary<string, double>
        {
            ["Rate"] = 100 + i,
            ["Growth"] = 0.001 * (i % 20),
        }).ToList();

        var results = new double[scenarios.Count];
        string total = book.ResolveName("Total");
        Parallel.For(0, scenarios.Count, i =>
        {
            results[i] = book.Recalculate(scenarios[i], book.ResolveName("Total"));
        });

        Console.WriteLine($"scenarios: {results.Length}, result cell: {total}");
        Console.WriteLine($"min {results.Min():F2}  max {results.Max():F2}  mean {results.Average():F2}");
        for (int i = 0; i < 160; i += 40) Console.WriteLine($"  scenario {i}: {results[i]:F4}");
    }
}
