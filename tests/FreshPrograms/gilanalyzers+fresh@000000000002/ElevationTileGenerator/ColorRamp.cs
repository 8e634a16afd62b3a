namespace ElevationTileGenerator;

/// <summary>Piecewise-linear colour ramp. Remembers the last segment because neighbouring pixels usually hit it again.</summary>
public sealed class ColorRamp
{
    private static ColorRamp? _terrain;
    private static readonly object InitLock = new();

    private readonly (float Height, byte R, byte G, byte B)[] _stops;
    private int _lastSegment;

    private ColorRamp((float, byte, byte, byte)[] stops) => _stops = stops;

    public static ColorRamp Terrain
    {
        get
        {
            if (_terrain == null)
            {
                lock (InitLock)
                {
                    if (_terrain == null)
                    {
                        _terrain = new ColorRamp(new (float, byte, byte, byte)[]
                        {
                            (-50f, 40, 80, 160), (0f, 90, 150, 80), (300f, 160, 190, 100),
                            (900f, 190, 160, 110), (1800f, 150, 120, 100), (3000f, 250, 250, 250),
                        });
                    }
                }
            }
            return _terrain;
        }
    }

    public (double R, double G, double B) Lookup(float height)
    {
        int seg = _lastSegment;
        if (height < _stops[seg].Height || height > _stops[Math.Min(seg + 1, _stops.Length - 1)].Height)
        {
            seg = 0;
            while (seg < _stops.Length - 2 && height > _stops[seg + 1].Height) seg++;
            _lastSegment = seg;
        }
        var a = _stops[seg];
        var b = _stops[seg + 1];
        double t = Math.Clamp((height - a.Height) / (b.Height - a.Height), 0, 1);
        return (a.R + t * (b.R - a.R), a.G + t * (b.G - a.G), a.B + t * (b.B - a.B));
    }
}
