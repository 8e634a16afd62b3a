using System.Runtime.CompilerServices;

namespace PdfLayoutEngine;

internal static class TextMetrics
{
    private static readonly Dictionary<char, double> Advance = BuildAdvanceTable();

    private static Dictionary<char, double> BuildAdvanceTable()
    {
        var table = new Dictionary<char, double>();
        for (char c = ' '; c <= '~'; c++)
            table[c] = c switch { 'i' or 'l' or '.' or ',' => 0.28, 'm' or 'w' or 'M' or 'W' => 0.86, ' ' => 0.30, _ => 0.55 };
        return table;
    }

    public static double Width(string word, double size) => word.Sum(c => Advance.GetValueOrDefault(c, 0.55)) * size;

    // Minimum-raggedness line breaking (dynamic programming over all break points).
    [MethodImpl(MethodImplOptions.Synchronized)]
    public static List<int> BreakLines(string[] words, double lineWidth, double size)
    {
        int n = words.Length;
        var widths = words.Select(w => Width(w, size)).ToArray();
        double space = Advance[' '] * size;
        var cost = new double[n + 1];
        var from = new int[n + 1];
        Array.Fill(cost, double.PositiveInfinity);
        cost[0] = 0;
        for (int j = 1; j <= n; j++)
        {
            double w = -space;
            for (int i = j - 1; i >= 0; i--)
            {
                w += widths[i] + space;
                if (w > lineWidth) break;
                double slack = lineWidth - w;
                double c = cost[i] + (j == n ? 0 : slack * slack * slack);
                if (c < cost[j]) { cost[j] = c; from[j] = i; }
            }
        }
        var breaks = new List<int>();
        for (int j = n; j > 0; j = from[j]) breaks.Add(j);
        breaks.Reverse();
        return breaks;
    }
}
