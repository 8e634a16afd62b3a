namespace SeismicLocator;

public sealed record Station(string Code, double X, double Y);

public sealed record Pick(string Station, double ArrivalSeconds);

public sealed record SeismicEvent(int Id, IReadOnlyList<Pick> Picks, float[] Trace);

/// <summary>
/// Managed port of the observatory's legacy TTIMES routine. The layered velocity model, the
/// interpolation cursor and the scratch table are module-level state, exactly as in the original.
/// </summary>
public static class LegacyTravelTime
{
    public static readonly object Sync = new();

    private static readonly double[] LayerTop = [0, 5, 15, 30, 45];
    private static readonly double[] LayerVelocity = [4.8, 5.9, 6.4, 7.1, 8.0];
    private static int _cursor;
    private static readonly double[] _scratch = new double[LayerTop.Length];
    public static long Calls;

    public static double PWave(double epicentralKm, double depthKm)
    {
        Calls++;
        while (_cursor > 0 && LayerTop[_cursor] > depthKm) _cursor--;
        while (_cursor < LayerTop.Length - 1 && LayerTop[_cursor + 1] <= depthKm) _cursor++;
        for (int l = 0; l < LayerTop.Length; l++)
        {
            double thickness = l == _cursor ? depthKm - LayerTop[l] : l < _cursor ? LayerTop[l + 1] - LayerTop[l] : 0;
            _scratch[l] = thickness / LayerVelocity[l];
        }
        double vertical = 0;
        for (int l = 0; l <= _cursor; l++) vertical += _scratch[l];
        double direct = Math.Sqrt(epicentralKm * epicentralKm + depthKm * depthKm) / LayerVelocity[_cursor];
        double headWave = epicentralKm / LayerVelocity[^1] + vertical * 0.9 + 4.2;
        return Math.Min(direct, headWave);
    }
}
