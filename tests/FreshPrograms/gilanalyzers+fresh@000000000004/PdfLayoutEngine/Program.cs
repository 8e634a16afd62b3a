using System.Text;

namespace PdfLayoutEngine;

internal sealed record Paragraph(int Index, string[] Words);
internal sealed record LaidOutParagraph(int Index, List<int> Breaks, double Height, double KerningAdjust);

internal sealed partial class DocumentComposer
{
    private readonly object _pagesLock = new();
    private readonly object _kernLock = new();
    private readonly List<LaidOutParagraph> _laidOut = new();
    private readonly Dictionary<int, double> _kerning = new();
    private readonly double _lineWidth;
    private readonly double _fontSize;

    public DocumentComposer(double lineWidth, double fontSize)
    {
        _lineWidth = lineWidth;
        _fontSize = fontSize;
    }

    public IReadOnlyList<LaidOutParagraph> Compose(IReadOnlyList<Paragraph> paragraphs)
    {
        Parallel.ForEach(paragraphs, ComputeKerning);
        Parallel.For(0, paragraphs.Count, i =>
        {
            var p = paragraphs[i];
            var breaks = TextMetrics.BreakLines(p.Words, _lineWidth, _fontSize);
            var laid = new LaidOutParagraph(p.Index, breaks, breaks.Count * _fontSize * 1.2, _kerning[p.Index]);
            lock (_pagesLock)
            {
                _laidOut.Add(laid);
            }
        });
        return _laidOut.OrderBy(p => p.Index).ToList();
    }

    public static void Main()
    {
        var rng = new Random(15);
        var dictionary = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Wavy AVATAR Typography kerning".Split(' ');
        var paragraphs = Enumerable.Range(0, 400)
            .Select(i => new Paragraph(i, Enumerable.Range(0, 80 + rng.Next(400)).Select(_ => dictionary[rng.Next(dictionary.Length)]).ToArray()))
            .ToList();

        var composer = new DocumentComposer(lineWidth: 420, fontSize: 11);
        var laidOut = composer.Compose(paragraphs);
        double pageHeight = 700, y = 0;
        int pages = 1;
        foreach (var p in laidOut)
        {
            if (y + p.Height > pageHeight) { pages++; y = 0; }
            y += p.Height + 6;
        }
        var summary = new StringBuilder();
        summary.Append($"{laidOut.Count} paragraphs, {laidOut.Sum(p => p.Breaks.Count)} lines, {pages} pages");
        summary.Append($", kerning total {laidOut.Sum(p => p.KerningAdjust):F1}pt");
        Console.WriteLine(summary);
    }
}
