using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace GilAnalyzers.Harness.Running;

/// <summary>
/// Compares two results (the serialised return value, or stdout). Text outside numbers must match
/// exactly; integers must match exactly; decimal numbers may differ by a relative tolerance, because
/// a parallel fix legitimately changes the order of floating-point additions.
/// </summary>
public sealed class ResultComparer
{
    private static readonly Regex Number = new(@"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", RegexOptions.CultureInvariant);
    private readonly double _tolerance;
    private readonly Regex? _ignoreLines;

    public ResultComparer(double tolerance, string? ignoreLinesPattern)
    {
        _tolerance = tolerance;
        _ignoreLines = ignoreLinesPattern is null ? null : new Regex(ignoreLinesPattern, RegexOptions.CultureInvariant);
    }

    public string Normalise(string? result)
    {
        string text = (result ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        if (_ignoreLines is null)
        {
            return text;
        }

        return string.Join("\n", text.Split('\n').Where(l => !_ignoreLines.IsMatch(l)));
    }

    /// <summary>Null when equal; otherwise a short description of the first difference.</summary>
    public string? Difference(string? expected, string? actual)
    {
        string a = Normalise(expected);
        string b = Normalise(actual);
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return null;
        }

        string[] skeletonA = Number.Split(a);
        string[] skeletonB = Number.Split(b);
        var numbersA = Number.Matches(a).Select(m => m.Value).ToList();
        var numbersB = Number.Matches(b).Select(m => m.Value).ToList();
        if (skeletonA.Length == skeletonB.Length && numbersA.Count == numbersB.Count && skeletonA.SequenceEqual(skeletonB, StringComparer.Ordinal))
        {
            var matchesA = Number.Matches(a);
            for (int i = 0; i < numbersA.Count; i++)
            {
                if (!NumbersMatch(numbersA[i], numbersB[i]))
                {
                    // Same text around the numbers, so the number sits on the same line in both: quote that line.
                    int line = LineOf(a, matchesA[i].Index);
                    string[] la = a.Split('\n');
                    string[] lb = b.Split('\n');
                    string y = line < lb.Length ? lb[line] : "<end>";
                    return $"line {line + 1}: '{Clip(la[line])}' vs '{Clip(y)}' ({numbersA[i]} vs {numbersB[i]})";
                }
            }

            return null;
        }

        return FirstDifferentLine(a, b);
    }

    private bool NumbersMatch(string x, string y)
    {
        if (string.Equals(x, y, StringComparison.Ordinal))
        {
            return true;
        }

        bool isDecimal = x.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0 || y.IndexOfAny(new[] { '.', 'e', 'E' }) >= 0;
        if (!isDecimal
            || !double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double dx)
            || !double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out double dy))
        {
            return false;
        }

        double scale = Math.Max(Math.Abs(dx), Math.Abs(dy));
        return Math.Abs(dx - dy) <= _tolerance * scale;
    }

    private static int LineOf(string text, int index)
    {
        int line = 0;
        for (int i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    private static string FirstDifferentLine(string a, string b)
    {
        string[] la = a.Split('\n');
        string[] lb = b.Split('\n');
        for (int i = 0; i < Math.Max(la.Length, lb.Length); i++)
        {
            string x = i < la.Length ? la[i] : "<end>";
            string y = i < lb.Length ? lb[i] : "<end>";
            if (!string.Equals(x, y, StringComparison.Ordinal))
            {
                return $"line {i + 1}: '{Clip(x)}' vs '{Clip(y)}'";
            }
        }

        return "texts differ";
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s.Substring(0, 77) + "...";
}
