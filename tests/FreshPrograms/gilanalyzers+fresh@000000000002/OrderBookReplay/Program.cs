using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace OrderBookReplay
{
    internal class Program
    {
        private static void Main(string[] args)
        {
            int ordersPerSymbol = args.Length > 0 ? int.Parse(args[0]) : 40000;
            string[] symbols = { "ASML", "SAP", "NESN", "ROG", "MC", "OR", "SIE", "TTE", "AIR", "SAN", "ALV", "BNP" };

            ReferenceData reference = new ReferenceData();
            foreach (string s in symbols) reference.Register(s, tickSize: 0.01m, lotSize: 10);

            string tradeLogPath = Path.Combine(Path.GetTempPath(), "replay-trades.csv");
            using (TradeLog log = new TradeLog(tradeLogPath))
            {
                ReplayCoordinator coordinator = new ReplayCoordinator(reference, log);
                Dictionary<string, List<OrderEvent>> feed = FeedGenerator.Generate(symbols, ordersPerSymbol, 2025);

                Stopwatch watch = Stopwatch.StartNew();
                Dictionary<string, ReplayStats> stats = coordinator.ReplayAll(feed);
                watch.Stop();

                long trades = 0;
                foreach (KeyValuePair<string, ReplayStats> kv in stats)
                {
                    trades += kv.Value.Trades;
                    Console.WriteLine("{0,-5} trades={1,7} vwap={2,9:F2} resting={3,6}", kv.Key, kv.Value.Trades, kv.Value.Vwap, kv.Value.RestingOrders);
                }
                Console.WriteLine("{0} trades replayed in {1} ms", trades, watch.ElapsedMilliseconds);
            }
        }
    }

    internal static class FeedGenerator
    {
        public static Dictionary<string, List<OrderEvent>> Generate(string[] symbols, int perSymbol, int seed)
        {
            Random rng = new Random(seed);
            Dictionary<string, List<OrderEvent>> feed = new Dictionary<string, List<OrderEvent>>();
            foreach (string symbol in symbols)
            {
                List<OrderEvent> events = new List<OrderEvent>(perSymbol);
                double mid = 50 + rng.Next(400);
                for (int i = 0; i < perSymbol; i++)
                {
                    mid += (rng.NextDouble() - 0.5) * 0.05;
                    bool buy = rng.Next(2) == 0;
                    double px = mid + (buy ? -1 : 1) * rng.NextDouble() * 0.3 + (rng.Next(10) == 0 ? (buy ? 0.4 : -0.4) : 0);
                    events.Add(new OrderEvent(i, buy, Math.Round((decimal)px, 2), 10 * (1 + rng.Next(20))));
                }
                feed[symbol] = events;
            }
            return feed;
        }
    }
}
