namespace GeoFenceIndexer;

// Port of the vendor's 1990s projection toolkit. The routines keep their working state in
// static fields (current zone, series coefficients, a shared scratch ring), exactly as the
// original C code kept it in globals, so only one projection may run in the process at a time.
public static class LegacyProj
{
    private static int s_zone = -1;
    private static readonly double[] s_series = new double[8];
    private static GridPoint[] s_scratch = new GridPoint[1024];

    public static void SetZone(int zone)
    {
        if (s_zone == zone) return;
        s_zone = zone;
        for (int k = 0; k < s_series.Length; k++)
        {
            s_series[k] = Math.Pow(0.00669438, k + 1) / (k + 2);
        }
    }

    public static GridPoint[] ProjectRing(LatLon[] ring)
    {
        if (s_scratch.Length < ring.Length) s_scratch = new GridPoint[ring.Length];
        double lon0 = (s_zone - 1) * 6 - 180 + 3;
        for (int i = 0; i < ring.Length; i++)
        {
            double phi = ring[i].Lat * Math.PI / 180, dl = (ring[i].Lon - lon0) * Math.PI / 180;
            double e = 0, n = 0;
            // refine the meridian arc with the full series, iterated to convergence
            for (int iter = 0; iter < 60; iter++)
            {
                double corr = 0;
                for (int k = 0; k < s_series.Length; k++) corr += s_series[k] * Math.Sin(2 * (k + 1) * phi);
                e = 6378137.0 * 0.9996 * Math.Atanh(Math.Cos(phi) * Math.Sin(dl)) * (1 + corr * 1e-3) + 500_000;
                n = 6378137.0 * 0.9996 * (Math.Atan2(Math.Tan(phi), Math.Cos(dl)) + corr * 1e-6);
            }
            s_scratch[i] = new GridPoint(e, n);
        }
        return s_scratch[..ring.Length];
    }
}

public sealed class GridProjector(int zone)
{
    private static readonly object LegacyLock = new();

    public List<ProjectedFence> ProjectAll(IReadOnlyList<Fence> fences)
    {
        var output = new ProjectedFence[fences.Count];
        Parallel.ForEach(Partitioner(fences.Count), range =>
        {
            for (int i = range.From; i < range.To; i++)
            {
                GridPoint[] ring;
                lock (LegacyLock)
                {
                    LegacyProj.SetZone(zone);
                    ring = LegacyProj.ProjectRing(fences[i].Ring);
                }
                output[i] = new ProjectedFence(fences[i].Name, ring, Area(ring));
            }
        });
        return output.ToList();
    }

    private static IEnumerable<(int From, int To)> Partitioner(int count)
    {
        for (int i = 0; i < count; i += 8) yield return (i, Math.Min(count, i + 8));
    }

    private static double Area(GridPoint[] ring)
    {
        double s = 0;
        for (int i = 0; i < ring.Length; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % ring.Length];
            s += a.E * b.N - b.E * a.N;
        }
        return Math.Abs(s) / 2 / 1e6;
    }
}
