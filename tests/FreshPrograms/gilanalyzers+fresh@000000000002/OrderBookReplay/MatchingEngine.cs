using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace OrderBookReplay
{
    internal struct OrderEvent
    {
        public readonly int Id;
        public readonly bool IsBuy;
        public readonly decimal Price;
        public readonly int Quantity;

        public OrderEvent(int id, bool isBuy, decimal price, int quantity)
        {
            Id = id; IsBuy = isBuy; Price = price; Quantity = quantity;
        }
    }

    internal struct Fill
    {
        public int Buyer, Seller, Quantity;
        public decimal Price;
    }

    internal sealed class SymbolInfo
    {
        public decimal TickSize;
        public int LotSize;
    }

    /// <summary>Price-time priority book with sorted price levels.</summary>
    internal sealed class MatchingEngine
    {
        private readonly SymbolInfo _info;
        private readonly SortedDictionary<decimal, Queue<OrderEvent>> _bids = new SortedDictionary<decimal, Queue<OrderEvent>>(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
        private readonly SortedDictionary<decimal, Queue<OrderEvent>> _asks = new SortedDictionary<decimal, Queue<OrderEvent>>();

        public MatchingEngine(SymbolInfo info) { _info = info; }

        public int RestingCount
        {
            get { int n = 0; foreach (var q in _bids.Values) n += q.Count; foreach (var q in _asks.Values) n += q.Count; return n; }
        }

        public List<Fill> Submit(OrderEvent order)
        {
            List<Fill> fills = new List<Fill>();
            var opposite = order.IsBuy ? _asks : _bids;
            int remaining = order.Quantity - order.Quantity % _info.LotSize;
            while (remaining > 0 && opposite.Count > 0)
            {
                var best = First(opposite);
                bool crosses = order.IsBuy ? best.Key <= order.Price : best.Key >= order.Price;
                if (!crosses) break;
                OrderEvent resting = best.Value.Peek();
                int qty = Math.Min(remaining, resting.Quantity);
                fills.Add(new Fill { Buyer = order.IsBuy ? order.Id : resting.Id, Seller = order.IsBuy ? resting.Id : order.Id, Quantity = qty, Price = best.Key });
                remaining -= qty;
                best.Value.Dequeue();
                if (resting.Quantity > qty)
                {
                    // partially filled resting orders lose time priority in this simplified book
                    best.Value.Enqueue(new OrderEvent(resting.Id, resting.IsBuy, resting.Price, resting.Quantity - qty));
                }
                if (best.Value.Count == 0) opposite.Remove(best.Key);
            }
            if (remaining > 0)
            {
                var own = order.IsBuy ? _bids : _asks;
                decimal level = Math.Round(order.Price / _info.TickSize) * _info.TickSize;
                if (!own.TryGetValue(level, out var queue)) own[level] = queue = new Queue<OrderEvent>();
                queue.Enqueue(new OrderEvent(order.Id, order.IsBuy, level, remaining));
            }
            return fills;
        }

        private static KeyValuePair<decimal, Queue<OrderEvent>> First(SortedDictionary<decimal, Queue<OrderEvent>> side)
        {
            foreach (var kv in side) return kv;
            throw new InvalidOperationException("empty side");
        }
    }

    internal sealed class ReferenceData
    {
        private readonly Dictionary<string, SymbolInfo> _symbols = new Dictionary<string, SymbolInfo>();
        private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();

        public void Register(string symbol, decimal tickSize, int lotSize)
        {
            _rw.EnterWriteLock();
            try { _symbols[symbol] = new SymbolInfo { TickSize = tickSize, LotSize = lotSize }; }
            finally { _rw.ExitWriteLock(); }
        }

        public SymbolInfo Lookup(string symbol)
        {
            _rw.EnterReadLock();
            try
            {
                return _symbols[symbol];
            }
            finally
            {
                _rw.ExitReadLock();
            }
        }
    }

    internal sealed class TradeLog : IDisposable
    {
        private readonly StreamWriter _writer;

        public TradeLog(string path) { _writer = new StreamWriter(path); }

        public void Write(string symbol, Fill fill)
        {
            lock (_writer)
            {
                _writer.WriteLine("{0},{1},{2},{3},{4}", symbol, fill.Buyer, fill.Seller, fill.Quantity, fill.Price);
            }
        }

        public void Dispose() { _writer.Dispose(); }
    }
}
