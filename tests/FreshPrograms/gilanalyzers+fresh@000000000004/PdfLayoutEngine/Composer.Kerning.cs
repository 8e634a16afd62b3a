namespace PdfLayoutEngine;

internal sealed partial class DocumentComposer
{
    private static readonly string[] KernPairs = { "AV", "AW", "Ty", "Wa", "Yo", "LT", "To", "Va", "av", "ke" };

    private void ComputeKerning(Paragraph paragraph)
    {
        Monitor.Enter(_kernLock);
        try
        {
            double adjust = 0;
            foreach (var word in paragraph.Words)
            {
                for (int i = 0; i + 1 < word.Length; i++)
                {
                    var pair = word.Substring(i, 2);
                    foreach (var kp in KernPairs)
                        if (string.Equals(pair, kp, StringComparison.OrdinalIgnoreCase))
                            adjust -= 0.08 * _fontSize * (char.IsUpper(pair[0]) ? 1.5 : 1.0);
                }
                adjust += Math.Round(TextMetrics.Width(word, _fontSize) * 1000) % 7 * 0.001;
            }
            _kerning[paragraph.Index] = adjust;
        }
        finally
        {
            Monitor.Exit(_kernLock);
        }
    }
}
