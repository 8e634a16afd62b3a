using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace EphemerisTable
{
    public sealed class OrbitalElements
    {
        public string Name;
        public double SemiMajorAxis, Eccentricity, Inclination, Node, Perihelion, MeanLongitude, DailyMotion;

        public OrbitalElements(string name, double a, double e, double i, double node, double peri, double l0, double n)
        {
            Name = name; SemiMajorAxis = a; Eccentricity = e; Inclination = i; Node = node; Perihelion = peri; MeanLongitude = l0; DailyMotion = n;
        }
    }

    // Port of an old Fortran ephemeris routine. It keeps its working set in statics, as the original did.
    public static class LegacyEphemeris
    {
        public static readonly object Sync = new object();
        static double s_lastJd;
        static double s_anomaly;
        static readonly double[] s_terms = new double[64];
        static int s_calls;

        public static double[] Position(OrbitalElements el, double jd)
        {
            s_calls++;
            double d = jd - 2451545.0;
            double m = Normalize(el.MeanLongitude + el.DailyMotion * d - el.Perihelion);
            // Warm start from the previous call's anomaly when the epoch is close, as the original did.
            double e0 = Math.Abs(jd - s_lastJd) < 2.0 ? s_anomaly : m;
            double ecc = e0;
            for (int k = 0; k < 50; k++)
                ecc = ecc - (ecc - el.Eccentricity * Math.Sin(ecc) - m) / (1 - el.Eccentricity * Math.Cos(ecc));
            s_anomaly = ecc;
            s_lastJd = jd;

            double perturb = 0;
            for (int t = 0; t < s_terms.Length; t++)
            {
                s_terms[t] = Math.Sin((t + 1) * m + el.Node * 0.01 * t) / (t + 1.5);
                for (int h = 0; h < 40; h++) perturb += s_terms[t] * Math.Cos(h * 0.05 * ecc) * 1e-7;
            }

            double x = el.SemiMajorAxis * (Math.Cos(ecc) - el.Eccentricity) + perturb;
            double y = el.SemiMajorAxis * Math.Sqrt(1 - el.Eccentricity * el.Eccentricity) * Math.Sin(ecc);
            double w = el.Perihelion - el.Node, ci = Math.Cos(el.Inclination), cn = Math.Cos(el.Node), sn = Math.Sin(el.Node);
            double xr = x * Math.Cos(w) - y * Math.Sin(w), yr = x * Math.Sin(w) + y * Math.Cos(w);
            return new[] { xr * cn - yr * ci * sn, xr * sn + yr * ci * cn, yr * Math.Sin(el.Inclination) };
        }

        public static int Calls { get { return s_calls; } }

        static double Normalize(double angle)
        {
            double twoPi = 2 * Math.PI;
            angle %= twoPi;
            return angle < 0 ? angle + twoPi : angle;
        }
    }

    public static class Catalogue
    {
        static List<OrbitalElements> s_planets;
        static readonly object s_initLock = new object();

        public static List<OrbitalElements> Planets
        {
            get
            {
                if (s_planets == null)
                {
                    lock (s_initLock)
                    {
                        if (s_planets == null)
                        {
                            s_planets = new List<OrbitalElements>
                            {
                                new OrbitalElements("Mercury", 0.387, 0.2056, 0.122, 0.843, 1.352, 4.402, 0.07142),
                                new OrbitalElements("Venus", 0.723, 0.0068, 0.059, 1.338, 2.296, 3.176, 0.02796),
                                new OrbitalElements("Earth", 1.000, 0.0167, 0.000, 0.000, 1.796, 1.753, 0.01720),
                                new OrbitalElements("Mars", 1.524, 0.0934, 0.032, 0.865, 5.865, 6.204, 0.00915),
                                new OrbitalElements("Jupiter", 5.203, 0.0484, 0.023, 1.753, 0.257, 0.600, 0.00145),
                                new OrbitalElements("Saturn", 9.537, 0.0539, 0.043, 1.984, 1.613, 0.872, 0.00058),
                            };
                        }
                    }
                }
                return s_planets;
            }
        }
    }

    public sealed class DailyRow
    {
        public int Day;
        public double[] Distances;
    }

    class Program
    {
        static void Main(string[] args)
        {
            const int days = 3000;
            double jd0 = 2460000.5;
            var planets = Catalogue.Planets;
            var rows = new List<DailyRow>();
            var rowsGate = new object();

            Parallel.For(0, days, day =>
            {
                var distances = new double[planets.Count];
                lock (LegacyEphemeris.Sync)
                {
                    var earth = LegacyEphemeris.Position(planets[2], jd0 + day);
                    for (int p = 0; p < planets.Count; p++)
                    {
                        var pos = LegacyEphemeris.Position(planets[p], jd0 + day);
                        double dx = pos[0] - earth[0], dy = pos[1] - earth[1], dz = pos[2] - earth[2];
                        distances[p] = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                    }
                }

                var row = new DailyRow { Day = day, Distances = distances };
                lock (rowsGate)
                {
                    rows.Add(row);
                }
            });

            rows.Sort((a, b) => a.Day.CompareTo(b.Day));
            Console.WriteLine("rows: " + rows.Count + ", engine calls: " + LegacyEphemeris.Calls);
            for (int p = 0; p < planets.Count; p++)
            {
                double min = rows.Min(r => r.Distances[p]);
                double max = rows.Max(r => r.Distances[p]);
                Console.WriteLine(string.Format("{0,-8} min {1,7:F3} AU  max {2,7:F3} AU", planets[p].Name, min, max));
            }
        }
    }
}
