namespace LineSimplifier;

public readonly record struct LonLat(double Lon, double Lat);
public readonly record struct XY(double X, double Y);

public sealed record Feature(int Id, string Kind, LonLat[] Points);

public interface IProjection
{
    object SyncRoot { get; }
    XY Forward(LonLat p);
}

/// <summary>Spherical Web Mercator with a small memo of the last latitude's log-tan term (callers lock SyncRoot).</summary>
public sealed class WebMercator : IProjection
{
    private const double R = 6378137.0;
    private double _lastLat = double.NaN, _lastY;
    public object SyncRoot { get; } = new();

    public XY Forward(LonLat p)
    {
        if (p.Lat != _lastLat)
        {
            _lastLat = p.Lat;
            _lastY = R * Math.Log(Math.Tan(Math.PI / 4 + p.Lat * Math.PI / 360));
        }
        return new XY(R * p.Lon * Math.PI / 180, _lastY);
    }
}

public static class DouglasPeucker
{
    public static List<XY> Simplify(IReadOnlyList<XY> pts, double tolerance)
    {
        var keep = new bool[pts.Count];
        keep[0] = keep[^1] = true;
        var stack = new Stack<(int, int)>();
        stack.Push((0, pts.Count - 1));
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            double maxD = 0;
            int index = -1;
            for (int i = a + 1; i < b; i++)
            {
                double d = Distance(pts[i], pts[a], pts[b]);
                if (d > maxD) { maxD = d; index = i; }
            }
            if (index >= 0 && maxD > tolerance)
            {
                keep[index] = true;
                stack.Push((a, index));
                stack.Push((index, b));
            }
        }
        var result = new List<XY>();
        for (int i = 0; i < pts.Count; i++) if (keep[i]) result.Add(pts[i]);
        return result;
    }

    private static double Distance(XY p, XY a, XY b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        double len2 = dx * dx + dy * dy;
        if (len2 == 0) return Math.Sqrt((p.X - a.X) * (p.X - a.X) + (p.Y - a.Y) * (p.Y - a.Y));
        return Math.Abs(dy * p.X - dx * p.Y + b.X * a.Y - b.Y * a.X) / Math.Sqrt(len2);
    }
}
