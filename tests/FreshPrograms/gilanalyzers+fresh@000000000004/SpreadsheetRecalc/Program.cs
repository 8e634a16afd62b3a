using System.Globalization;

namespace SpreadsheetRecalc;

public sealed class Sheet
{
    private readonly ReaderWriterLockSlim _cellsLock = new();
    private readonly Dictionary<string, double> _values = new();
    private readonly Dictionary<string, string> _formulas = new();

    public void SetValue(string cell, double v) => _values[cell] = v;
    public void SetFormula(string cell, string formula) => _formulas[cell] = formula;
    public IEnumerable<string> FormulaCells => _formulas.Keys;

    public double Get(string cell)
    {
        _cellsLock.EnterReadLock();
        try
        {
            return _values.TryGetValue(cell, out var v) ? v : 0;
        }
        finally
        {
            _cellsLock.ExitReadLock();
        }
    }

    // All formula cells in this sheet only reference plain value cells, so one level is enough.
    public void Recalculate()
    {
        Parallel.ForEach(_formulas.ToList(), entry =>
        {
            _cellsLock.EnterWriteLock();
            try
            {
                double result = 0;
                foreach (var term in entry.Value.TrimStart('=').Split('+'))
                {
                    var parts = term.Split('*');
                    double factor = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
                    var expr = parts[0];
                    if (expr.StartsWith("SUM(") || expr.StartsWith("AVG("))
                    {
                        var range = expr[4..^1].Split(':');
                        var (c0, r0) = Parse(range[0]);
                        var (c1, r1) = Parse(range[1]);
                        double sum = 0; int n = 0;
                        for (char c = c0; c <= c1; c++)
                            for (int r = r0; r <= r1; r++) { sum += _values.GetValueOrDefault($"{c}{r}"); n++; }
                        result += factor * (expr.StartsWith("AVG(") ? sum / n : sum);
                    }
                    else
                    {
                        result += factor * _values.GetValueOrDefault(expr);
                    }
                }
                _values[entry.Key] = result;
            }
            finally
            {
                _cellsLock.ExitWriteLock();
            }
        });
    }

    private static (char Col, int Row) Parse(string a1) => (a1[0], int.Parse(a1.AsSpan(1), CultureInfo.InvariantCulture));

    public double[] ColumnValues(char col, int rows) =>
        Enumerable.Range(1, rows).Select(r => _values.GetValueOrDefault($"{col}{r}")).ToArray();
}

public static class Program
{
    public static void Main()
    {
        var sheet = new Sheet();
        var rng = new Random(23);
        const int rows = 2000;
        for (char c = 'A'; c <= 'H'; c++)
            for (int r = 1; r <= rows; r++)
                sheet.SetValue($"{c}{r}", Math.Round(rng.NextDouble() * 1000, 2));

        for (int r = 1; r <= 1500; r++)
        {
            int lo = 1 + rng.Next(rows - 400), hi = lo + 100 + rng.Next(300);
            string fn = r % 3 == 0 ? "AVG" : "SUM";
            sheet.SetFormula($"J{r}", $"={fn}(A{lo}:H{hi})*0.5+B{r}+{fn}(C{r}:D{Math.Min(rows, r + 20)})*1.25");
        }

        sheet.Recalculate();
        var totals = sheet.ColumnValues('J', 1500);
        double grand = totals.AsParallel().Where(v => v > 0).Select(v => Math.Round(v, 2)).Sum();
        Console.WriteLine($"J1 = {sheet.Get("J1"):F2}, J1500 = {sheet.Get("J1500"):F2}");
        Console.WriteLine($"{sheet.FormulaCells.Count()} formulas recalculated, grand total {grand:N2}");
    }
}
