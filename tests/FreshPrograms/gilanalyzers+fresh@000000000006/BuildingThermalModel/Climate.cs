namespace BuildingThermalModel;

public sealed record Zone(string Name, double Area, double UValue, double WindowArea, int OrientationDeg, double Capacitance);

public interface ISolarGainSource
{
    double[] HourlyGains(int orientationDeg);
}

/// <summary>Clear-sky irradiance on vertical facades for a whole year, cached per orientation.</summary>
public sealed class ClearSkySolarModel : ISolarGainSource
{
    private readonly double _latitude;
    private readonly Dictionary<int, double[]> _byOrientation = new();
    private readonly ReaderWriterLockSlim _lock = new();

    public ClearSkySolarModel(double latitude) => _latitude = latitude;

    public double[] HourlyGains(int orientationDeg)
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_byOrientation.TryGetValue(orientationDeg, out var cached)) return cached;

            var gains = new double[8760];
            double lat = _latitude * Math.PI / 180, facade = orientationDeg * Math.PI / 180;
            for (int h = 0; h < gains.Length; h++)
            {
                int day = h / 24;
                double decl = 23.45 * Math.PI / 180 * Math.Sin(2 * Math.PI * (284 + day) / 365.0);
                double hourAngle = (h % 24 - 12) * 15 * Math.PI / 180;
                double altitude = Math.Asin(Math.Sin(lat) * Math.Sin(decl) + Math.Cos(lat) * Math.Cos(decl) * Math.Cos(hourAngle));
                if (altitude <= 0) continue;
                double azimuth = Math.Atan2(Math.Sin(hourAngle), Math.Cos(hourAngle) * Math.Sin(lat) - Math.Tan(decl) * Math.Cos(lat));
                double incidence = Math.Cos(altitude) * Math.Cos(azimuth - facade);
                double beam = 1000 * Math.Pow(0.7, Math.Pow(1 / Math.Sin(altitude), 0.678));
                gains[h] = Math.Max(0, beam * incidence) + 0.1 * beam;
            }

            _lock.EnterWriteLock();
            try { _byOrientation[orientationDeg] = gains; }
            finally { _lock.ExitWriteLock(); }
            return gains;
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    public static double OutdoorTemperature(int hour) =>
        10 - 8 * Math.Cos(2 * Math.PI * (hour / 24 - 20) / 365.0) - 4 * Math.Cos(2 * Math.PI * (hour % 24 - 3) / 24.0);
}
