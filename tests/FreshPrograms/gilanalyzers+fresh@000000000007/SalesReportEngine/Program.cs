using System.Globalization;
using System.Text;

namespace Contoso.Reporting
{
    public class Sale
    {
        public int Region;
        public int Day;
        public decimal Amount;
    }

    public class RegionSummary
    {
        public int Region;
        public decimal Total;
        public decimal Median;
        public decimal P95;
        public double[] MovingAverage;
    }

    /// <summary>Report engine singleton (was a COM+ component in the 2009 version).</summary>
    public sealed class ReportEngine
    {
        private static ReportEngine _instance;
        private static readonly object InstanceLock = new object();
        private int _reportsBuilt;

        private ReportEngine() { }

        public static ReportEngine Instance
        {
            get
            {
                if (_instance == null)
                {
                    lock (InstanceLock)
                    {
                        if (_instance == null)
                            _instance = new ReportEngine();
                    }
                }
                return _instance;
            }
        }

        public int ReportsBuilt => _reportsBuilt;

        public RegionSummary Summarise(int region, IList<Sale> sales)
        {
            lock (this)
            {
                var amounts = sales.Where(s => s.Region == region).Select(s => s.Amount).OrderBy(a => a).ToList();
                var daily = new double[365];
                foreach (var s in sales)
                    if (s.Region == region) daily[s.Day] += (double)s.Amount;
                var moving = new double[365];
                for (int d = 0; d < 365; d++)
                {
                    double sum = 0; int n = 0;
                    for (int k = Math.Max(0, d - 29); k <= d; k++) { sum += daily[k]; n++; }
                    moving[d] = sum / n;
                }
                _reportsBuilt++;
                return new RegionSummary
                {
                    Region = region,
                    Total = amounts.Sum(),
                    Median = amounts[amounts.Count / 2],
                    P95 = amounts[(int)(amounts.Count * 0.95)],
                    MovingAverage = moving,
                };
            }
        }
    }

    internal static class Program
    {
        private static async Task<string> RenderSectionAsync(RegionSummary summary, string dir)
        {
            var sb = new StringBuilder();
            sb.AppendFormat(CultureInfo.InvariantCulture, "Region {0}: total {1:N2}, median {2:N2}, p95 {3:N2}\n", summary.Region, summary.Total, summary.Median, summary.P95);
            // Sparkline: resample the moving average to 2000 points with cubic smoothing.
            for (int i = 0; i < 2000; i++)
            {
                double t = i * 364.0 / 1999.0;
                int k = (int)t; double f = t - k;
                double a = summary.MovingAverage[Math.Max(0, k - 1)], b = summary.MovingAverage[k];
                double c = summary.MovingAverage[Math.Min(364, k + 1)], d = summary.MovingAverage[Math.Min(364, k + 2)];
                double v = b + 0.5 * f * (c - a + f * (2 * a - 5 * b + 4 * c - d + f * (3 * (b - c) + d - a)));
                sb.Append(v.ToString("F1", CultureInfo.InvariantCulture)).Append(i % 20 == 19 ? '\n' : ' ');
            }
            string path = Path.Combine(dir, $"region-{summary.Region}.txt");
            await File.WriteAllTextAsync(path, sb.ToString());
            return path;
        }

        private static async Task Main()
        {
            var rng = new Random(7);
            var sales = new List<Sale>(400_000);
            for (int i = 0; i < 400_000; i++)
                sales.Add(new Sale { Region = rng.Next(8), Day = rng.Next(365), Amount = Math.Round((decimal)(rng.NextDouble() * 500), 2) });

            Task<RegionSummary>[] work = Enumerable.Range(0, 8)
                .Select(region => Task.Run(() => ReportEngine.Instance.Summarise(region, sales)))
                .ToArray();
            Task.WaitAll(work);
            RegionSummary[] summaries = work.Select(t => t.Result).ToArray();

            string dir = Directory.CreateTempSubdirectory("sales-report").FullName;
            string[] files = await Task.WhenAll(summaries.Select(s => RenderSectionAsync(s, dir)));

            Console.WriteLine($"reports={ReportEngine.Instance.ReportsBuilt} files={files.Length} grand={summaries.Sum(s => s.Total):N2}");
            Directory.Delete(dir, true);
        }
    }
}
