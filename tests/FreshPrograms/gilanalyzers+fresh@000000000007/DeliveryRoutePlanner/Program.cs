namespace Logistics.Routing
{
    public class Stop { public int Id; public double Lat; public double Lon; }

    public class RoutingService
    {
        private readonly SemaphoreSlim _matrixGate = new SemaphoreSlim(1, 1);
        private readonly SemaphoreSlim _geocoderThrottle = new SemaphoreSlim(3);
        public int GeocoderCalls;

        public void Geocode(Stop stop)
        {
            _geocoderThrottle.Wait();
            try
            {
                Thread.Sleep(2); // external geocoder HTTP call (stubbed for the batch run)
                Interlocked.Increment(ref GeocoderCalls);
            }
            finally
            {
                _geocoderThrottle.Release();
            }
        }

        public double[,] BuildMatrix(IList<Stop> stops)
        {
            if (!_matrixGate.Wait(TimeSpan.FromSeconds(30)))
                throw new TimeoutException("distance matrix busy");
            try
            {
                int n = stops.Count;
                var d = new double[n, n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                        d[i, j] = Haversine(stops[i], stops[j]);
                // road network correction: shortest paths through intermediate stops (Floyd–Warshall)
                for (int k = 0; k < n; k++)
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < n; j++)
                            if (d[i, k] + d[k, j] * 1.05 < d[i, j]) d[i, j] = d[i, k] + d[k, j] * 1.05;
                return d;
            }
            finally
            {
                _matrixGate.Release();
            }
        }

        private static double Haversine(Stop a, Stop b)
        {
            double dLat = (b.Lat - a.Lat) * Math.PI / 180, dLon = (b.Lon - a.Lon) * Math.PI / 180;
            double h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(a.Lat * Math.PI / 180) * Math.Cos(b.Lat * Math.PI / 180) * Math.Pow(Math.Sin(dLon / 2), 2);
            return 12742 * Math.Asin(Math.Sqrt(h)) * (1.0 + ((a.Id * 31 + b.Id * 17) % 7) * 0.1);
        }
    }

    internal class RouteJob
    {
        public double[,] Matrix;
        public int[] Tour;
        public double Length;
    }

    internal static class Program
    {
        private static void TwoOpt(object state)
        {
            var job = (RouteJob)state;
            int n = job.Tour.Length;
            bool improved = true;
            while (improved)
            {
                improved = false;
                for (int i = 1; i < n - 1; i++)
                    for (int k = i + 1; k < n; k++)
                    {
                        int a = job.Tour[i - 1], b = job.Tour[i], c = job.Tour[k], d = job.Tour[(k + 1) % n];
                        if (job.Matrix[a, c] + job.Matrix[b, d] < job.Matrix[a, b] + job.Matrix[c, d] - 1e-9)
                        {
                            Array.Reverse(job.Tour, i, k - i + 1);
                            improved = true;
                        }
                    }
            }
            for (int i = 0; i < n; i++) job.Length += job.Matrix[job.Tour[i], job.Tour[(i + 1) % n]];
        }

        private static void Main()
        {
            var rng = new Random(5);
            var depots = Enumerable.Range(0, 6).Select(d => Enumerable.Range(0, 140)
                .Select(i => new Stop { Id = i, Lat = 52 + d * 0.3 + rng.NextDouble() * 0.2, Lon = 13 + rng.NextDouble() * 0.3 }).ToList()).ToList();
            var service = new RoutingService();
            foreach (var stop in depots[0].Take(12)) service.Geocode(stop);

            var matrices = new double[depots.Count][,];
            Parallel.ForEach(depots, (stops, _, index) => matrices[index] = service.BuildMatrix(stops));

            var jobs = new List<RouteJob>();
            foreach (var m in matrices)
                for (int v = 0; v < 4; v++)
                    jobs.Add(new RouteJob { Matrix = m, Tour = Enumerable.Range(v * 35, 35).ToArray() });

            int pending = jobs.Count;
            using (var allDone = new ManualResetEvent(false))
            {
                foreach (var job in jobs)
                {
                    ThreadPool.QueueUserWorkItem(state =>
                    {
                        TwoOpt(state);
                        if (Interlocked.Decrement(ref pending) == 0) allDone.Set();
                    }, job);
                }
                allDone.WaitOne();
            }

            Console.WriteLine($"geocoded={service.GeocoderCalls} routes={jobs.Count} totalKm={jobs.Sum(j => j.Length):F1}");
        }
    }
}
