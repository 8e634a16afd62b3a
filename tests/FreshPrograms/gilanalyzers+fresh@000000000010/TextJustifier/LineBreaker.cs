#nullable disable
using System;
using System.Collections.Generic;
using System.Text;

namespace TextJustifier
{
    static class LineBreaker
    {
        // Knuth-Plass style total-fit: break after any word or hyphen point, minimise the sum of squared slack.
        public static void Justify(Paragraph para, int width)
        {
            var pieces = new List<(string Text, bool Hyphen)>();
            foreach (string h in para.Hyphenated)
            {
                string[] parts = h.Split('-');
                for (int i = 0; i < parts.Length; i++) pieces.Add((parts[i], i < parts.Length - 1));
            }
            int n = pieces.Count;
            var best = new double[n + 1];
            var from = new int[n + 1];
            Array.Fill(best, double.MaxValue);
            best[0] = 0;
            for (int j = 1; j <= n; j++)
            {
                int len = 0;
                for (int i = j - 1; i >= 0; i--)
                {
                    len += pieces[i].Text.Length + (i < j - 1 && !pieces[i].Hyphen ? 1 : 0);
                    int lineLen = len + (pieces[j - 1].Hyphen ? 1 : 0);
                    if (lineLen > width) break;
                    double slack = j == n ? 0 : width - lineLen;
                    double cost = best[i] + Math.Pow(1 + slack, 3) + (pieces[j - 1].Hyphen ? 50 : 0);
                    if (cost < best[j]) { best[j] = cost; from[j] = i; }
                }
            }
            var lines = new List<string>();
            for (int j = n; j > 0; j = from[j])
            {
                var sb = new StringBuilder();
                for (int i = from[j]; i < j; i++)
                    sb.Append(pieces[i].Text).Append(i < j - 1 && !pieces[i].Hyphen ? " " : "");
                if (pieces[j - 1].Hyphen) sb.Append('-');
                lines.Add(sb.ToString());
            }
            lines.Reverse();
            para.Lines = lines;
            para.Demerits = best[n];
        }
    }
}
