namespace WeatherGridInterpolator;

// Managed port of a Fortran-era kriging routine. Like the original, it keeps its covariance work
// matrix and fitted variogram in statics and refits lazily when the station set changes.
internal static class LegacyKriging
{
    private static double[,] _work = new double[0, 0];
    private static int _fittedFor = -1;
    private static double _sill, _range;

    public static double Estimate(Station[] stations, int stationSetId, double x, double y)
    {
        int n = stations.Length;
        if (_fittedFor != stationSetId)
        {
            double sum = 0; int pairs = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) { sum += Math.Pow(stations[i].Value - stations[j].Value, 2) / 2; pairs++; }
            _sill = sum / Math.Max(1, pairs);
            _range = 0.3;
            _work = new double[n + 1, n + 2];
            _fittedFor = stationSetId;
        }
        // simple kriging system solved by Gaussian elimination in the static work matrix
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) _work[i, j] = Cov(stations[i], stations[j].X, stations[j].Y);
            _work[i, n] = 1; _work[i, n + 1] = Cov(stations[i], x, y);
        }
        for (int j = 0; j < n; j++) _work[n, j] = 1;
        _work[n, n] = 0; _work[n, n + 1] = 1;
        int m = n + 1;
        for (int c = 0; c < m; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < m; r++) if (Math.Abs(_work[r, c]) > Math.Abs(_work[pivot, c])) pivot = r;
            for (int k = 0; k <= m; k++) (_work[c, k], _work[pivot, k]) = (_work[pivot, k], _work[c, k]);
            for (int r = 0; r < m; r++)
            {
                if (r == c || _work[c, c] == 0) continue;
                double f = _work[r, c] / _work[c, c];
                for (int k = c; k <= m; k++) _work[r, k] -= f * _work[c, k];
            }
        }
        double estimate = 0;
        for (int i = 0; i < n; i++) estimate += _work[i, m] / _work[i, i] * stations[i].Value;
        return estimate;
    }

    private static double Cov(Station s, double x, double y)
    {
        double h = Math.Sqrt((s.X - x) * (s.X - x) + (s.Y - y) * (s.Y - y));
        return _sill * Math.Exp(-3 * h / _range);
    }
}
