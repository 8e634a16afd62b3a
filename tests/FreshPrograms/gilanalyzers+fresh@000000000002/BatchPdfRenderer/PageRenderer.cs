using System.Text;

namespace BatchPdfRenderer;

public sealed class RenderedPage
{
    public string DocumentId { get; }
    public int Number { get; }
    public byte[] Content { get; }

    public RenderedPage(string documentId, int number, byte[] content)
    {
        DocumentId = documentId;
        Number = number;
        Content = content;
    }
}

public sealed class PageRenderer
{
    private const double PageWidth = 595 - 2 * 56;
    private const int LinesPerPage = 58;
    private readonly FontMetrics _font;

    public PageRenderer(FontMetrics font)
    {
        _font = font;
    }

    public IEnumerable<RenderedPage> Render(Document doc)
    {
        List<string> lines = new List<string>();

        // FontMetrics keeps a glyph-width cache that is filled while measuring, so the whole
        // line-breaking pass runs under its lock.
        lock (_font.SyncRoot)
        {
            foreach (string paragraph in doc.Paragraphs)
            {
                StringBuilder current = new StringBuilder();
                foreach (string word in paragraph.Split(' '))
                {
                    string candidate = current.Length == 0 ? word : current + " " + word;
                    if (_font.MeasureWidth(candidate) > PageWidth && current.Length > 0)
                    {
                        lines.Add(current.ToString());
                        current.Clear().Append(word);
                    }
                    else
                    {
                        current.Clear().Append(candidate);
                    }
                }
                if (current.Length > 0) lines.Add(current.ToString());
                lines.Add(string.Empty);
            }
        }

        int pageNo = 1;
        for (int start = 0; start < lines.Count; start += LinesPerPage)
        {
            StringBuilder stream = new StringBuilder("BT /F1 10.5 Tf\n");
            int y = 790;
            for (int i = start; i < Math.Min(lines.Count, start + LinesPerPage); i++, y -= 13)
            {
                stream.Append("56 ").Append(y).Append(" Td (").Append(lines[i].Replace("(", "\\(")).Append(") Tj\n");
            }
            stream.Append("ET\n");
            yield return new RenderedPage(doc.Id, pageNo++, Encoding.ASCII.GetBytes(stream.ToString()));
        }
    }
}
