using System.Globalization;

namespace AccessLogReport;

public readonly record struct LogLine(DateTime Timestamp, string Method, string Path, int Status, int Bytes, double Millis)
{
    // 2026-11-02T10:15:00Z GET /api/orders 200 5321 12.5
    public static bool TryParse(string line, out LogLine result)
    {
        result = default;
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            return false;
        }
        if (!DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var ts)
            || !int.TryParse(parts[3], out var status)
            || !int.TryParse(parts[4], out var bytes)
            || !double.TryParse(parts[5], CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }
        result = new LogLine(ts, parts[1], parts[2], status, bytes, ms);
        return true;
    }
}
