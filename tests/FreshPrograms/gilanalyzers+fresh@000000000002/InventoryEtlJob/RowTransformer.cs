using System.Globalization;
using System.Text;

namespace InventoryEtlJob;

public sealed record InventoryRecord(string Sku, string Warehouse, int Quantity, decimal UnitCost, uint Checksum);

public sealed record TransformResult(List<InventoryRecord> Records, List<string> Errors);

/// <summary>Parses, validates and normalises raw CSV rows from the warehouse export.</summary>
public sealed class RowTransformer
{
    private readonly object _gate = new object();
    private readonly StringBuilder _scratch = new StringBuilder(128);
    private readonly string[] _fields = new string[5];

    public TransformResult Transform(IReadOnlyList<string> rows)
    {
        var records = new List<InventoryRecord>(rows.Count);
        var errors = new List<string>();

        bool lockTaken = false;
        try
        {
            Monitor.Enter(_gate, ref lockTaken);
            foreach (string row in rows)
            {
                if (!Split(row))
                {
                    errors.Add("wrong field count: " + row);
                    continue;
                }

                string sku = NormaliseSku(_fields[0]);
                if (!int.TryParse(_fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int qty) || qty < 0)
                {
                    errors.Add("bad quantity: " + row);
                    continue;
                }
                if (!decimal.TryParse(_fields[3], NumberStyles.Number, CultureInfo.InvariantCulture, out decimal cost))
                {
                    errors.Add("bad cost: " + row);
                    continue;
                }

                records.Add(new InventoryRecord(sku, _fields[1].Trim().ToUpperInvariant(), qty, cost, Crc32(row)));
            }
        }
        finally
        {
            if (lockTaken) Monitor.Exit(_gate);
        }

        return new TransformResult(records, errors);
    }

    private bool Split(string row)
    {
        int field = 0;
        _scratch.Clear();
        bool quoted = false;
        foreach (char c in row)
        {
            if (c == '"') { quoted = !quoted; continue; }
            if (c == ',' && !quoted)
            {
                if (field >= _fields.Length) return false;
                _fields[field++] = _scratch.ToString();
                _scratch.Clear();
                continue;
            }
            _scratch.Append(c);
        }
        if (field >= _fields.Length) return false;
        _fields[field++] = _scratch.ToString();
        return field == _fields.Length;
    }

    private string NormaliseSku(string raw)
    {
        _scratch.Clear();
        foreach (char c in raw)
        {
            if (char.IsLetterOrDigit(c)) _scratch.Append(char.ToUpperInvariant(c));
        }
        return _scratch.ToString();
    }

    private static uint Crc32(string text)
    {
        uint crc = 0xFFFFFFFF;
        foreach (char ch in text)
        {
            crc ^= ch;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
