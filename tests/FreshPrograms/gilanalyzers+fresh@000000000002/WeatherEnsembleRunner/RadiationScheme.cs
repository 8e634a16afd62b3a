namespace WeatherEnsembleRunner;

/// <summary>
/// Grey two-stream radiation diagnostic, translated from the centre's legacy physics package. Like the
/// original COMMON blocks, the cloud state persists between calls: each call starts from the cloud fraction
/// the previous call left behind.
/// </summary>
public static class RadiationScheme
{
    private const int Levels = 30;
    private static readonly object PhysicsLock = new();
    private static double[] s_cloudFraction = new double[Levels];
    private static double[] s_fluxUp = new double[Levels + 1];
    private static double[] s_fluxDown = new double[Levels + 1];

    public static double ColumnHeating(double[] surfaceHeight, int nx, int ny)
    {
        lock (PhysicsLock)
        {
            double totalHeating = 0;
            for (int col = 0; col < nx * ny; col += 4)
            {
                double surfaceTemp = 288 + 0.01 * (surfaceHeight[col] - 1000);
                for (int l = 0; l < Levels; l++)
                {
                    double humidity = Math.Exp(-l / 8.0) * (0.6 + 0.002 * (surfaceHeight[col] - 1000));
                    s_cloudFraction[l] = 0.7 * s_cloudFraction[l] + 0.3 * Math.Clamp(humidity - 0.4, 0, 1);
                }

                s_fluxUp[0] = 5.67e-8 * Math.Pow(surfaceTemp, 4);
                for (int l = 0; l < Levels; l++)
                {
                    double tau = 0.05 + 0.4 * s_cloudFraction[l];
                    double layerTemp = surfaceTemp - 6.5 * l * 0.5;
                    s_fluxUp[l + 1] = s_fluxUp[l] * Math.Exp(-tau) + 5.67e-8 * Math.Pow(layerTemp, 4) * (1 - Math.Exp(-tau));
                }
                s_fluxDown[Levels] = 0;
                for (int l = Levels - 1; l >= 0; l--)
                {
                    double tau = 0.05 + 0.4 * s_cloudFraction[l];
                    double layerTemp = surfaceTemp - 6.5 * l * 0.5;
                    s_fluxDown[l] = s_fluxDown[l + 1] * Math.Exp(-tau) + 5.67e-8 * Math.Pow(layerTemp, 4) * (1 - Math.Exp(-tau));
                }
                for (int l = 0; l < Levels; l++)
                {
                    double net = (s_fluxUp[l] - s_fluxDown[l]) - (s_fluxUp[l + 1] - s_fluxDown[l + 1]);
                    totalHeating += net * 86400 / (1004 * 5000);
                }
            }
            return totalHeating / (nx * ny / 4.0 * Levels);
        }
    }
}
