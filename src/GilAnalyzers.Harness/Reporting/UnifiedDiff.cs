using System;
using System.Collections.Generic;
using System.Text;
using DiffPlex;
using DiffPlex.Model;

namespace GilAnalyzers.Harness.Reporting;

/// <summary>A unified diff (`diff -u` format, 3 lines of context) over DiffPlex's line diff.</summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    public static string Create(string oldName, string newName, string oldText, string newText)
    {
        string[] a = Lines(oldText);
        string[] b = Lines(newText);
        DiffResult diff = Differ.Instance.CreateLineDiffs(string.Join("\n", a), string.Join("\n", b), ignoreWhitespace: false, ignoreCase: false);
        if (diff.DiffBlocks.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldName).Append('\n');
        sb.Append("+++ ").Append(newName).Append('\n');

        int i = 0;
        while (i < diff.DiffBlocks.Count)
        {
            // Grow a hunk over blocks whose context windows touch.
            int j = i;
            while (j + 1 < diff.DiffBlocks.Count
                && diff.DiffBlocks[j + 1].DeleteStartA - (diff.DiffBlocks[j].DeleteStartA + diff.DiffBlocks[j].DeleteCountA) <= 2 * Context)
            {
                j++;
            }

            DiffBlock first = diff.DiffBlocks[i];
            DiffBlock last = diff.DiffBlocks[j];
            int startA = Math.Max(0, first.DeleteStartA - Context);
            int startB = Math.Max(0, first.InsertStartB - Context);
            int endA = Math.Min(a.Length, last.DeleteStartA + last.DeleteCountA + Context);
            int endB = Math.Min(b.Length, last.InsertStartB + last.InsertCountB + Context);

            var body = new StringBuilder();
            int posA = startA;
            for (int k = i; k <= j; k++)
            {
                DiffBlock block = diff.DiffBlocks[k];
                for (; posA < block.DeleteStartA; posA++)
                {
                    body.Append(' ').Append(a[posA]).Append('\n');
                }

                for (int d = 0; d < block.DeleteCountA; d++)
                {
                    body.Append('-').Append(a[block.DeleteStartA + d]).Append('\n');
                }

                for (int n = 0; n < block.InsertCountB; n++)
                {
                    body.Append('+').Append(b[block.InsertStartB + n]).Append('\n');
                }

                posA = block.DeleteStartA + block.DeleteCountA;
            }

            for (; posA < endA; posA++)
            {
                body.Append(' ').Append(a[posA]).Append('\n');
            }

            sb.Append("@@ -").Append(Range(startA, endA - startA)).Append(" +").Append(Range(startB, endB - startB)).Append(" @@\n");
            sb.Append(body);
            i = j + 1;
        }

        return sb.ToString();
    }

    private static string Range(int start, int count) =>
        count == 1 ? (start + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : count == 0 ? start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",0"
        : (start + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "," + count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Lines(string text)
    {
        string normalised = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (normalised.EndsWith('\n'))
        {
            normalised = normalised.Substring(0, normalised.Length - 1);
        }

        return normalised.Length == 0 ? Array.Empty<string>() : normalised.Split('\n');
    }
}
