using System.Collections.Generic;
using System.Threading;

namespace OrderBookReplay
{
    internal sealed class ReplayStats
    {
        public long Trades;
        public decimal Vwap;
        public int RestingOrders;
    }

    /// <summary>Replays each symbol's order flow through a fresh matching engine on a pool thread.</summary>
    internal sealed class ReplayCoordinator
    {
        private readonly ReferenceData _reference;
        private readonly TradeLog _log;

        public ReplayCoordinator(ReferenceData reference, TradeLog log)
        {
            _reference = reference;
            _log = log;
        }

        private sealed class ReplayJob
        {
            public string Symbol;
            public List<OrderEvent> Events;
            public ReplayStats Result;
        }

        public Dictionary<string, ReplayStats> ReplayAll(Dictionary<string, List<OrderEvent>> feed)
        {
            List<ReplayJob> jobs = new List<ReplayJob>();
            foreach (KeyValuePair<string, List<OrderEvent>> kv in feed)
            {
                jobs.Add(new ReplayJob { Symbol = kv.Key, Events = kv.Value });
            }

            int pending = jobs.Count;
            using (ManualResetEvent allDone = new ManualResetEvent(false))
            {
                foreach (ReplayJob job in jobs)
                {
                    ThreadPool.QueueUserWorkItem(delegate (object state)
                    {
                        ReplayJob j = (ReplayJob)state;
                        j.Result = ReplaySymbol(j.Symbol, j.Events);
                        if (Interlocked.Decrement(ref pending) == 0)
                        {
                            allDone.Set();
                        }
                    }, job);
                }
                allDone.WaitOne();
            }

            Dictionary<string, ReplayStats> results = new Dictionary<string, ReplayStats>();
            foreach (ReplayJob job in jobs) results[job.Symbol] = job.Result;
            return results;
        }

        private ReplayStats ReplaySymbol(string symbol, List<OrderEvent> events)
        {
            SymbolInfo info = _reference.Lookup(symbol);
            MatchingEngine engine = new MatchingEngine(info);
            ReplayStats stats = new ReplayStats();
            decimal notional = 0;
            long volume = 0;

            foreach (OrderEvent e in events)
            {
                foreach (Fill fill in engine.Submit(e))
                {
                    stats.Trades++;
                    notional += fill.Price * fill.Quantity;
                    volume += fill.Quantity;
                    if (stats.Trades % 2000 == 0)
                    {
                        _log.Write(symbol, fill);
                    }
                }
            }
            stats.Vwap = volume == 0 ? 0 : notional / volume;
            stats.RestingOrders = engine.RestingCount;
            return stats;
        }
    }
}
