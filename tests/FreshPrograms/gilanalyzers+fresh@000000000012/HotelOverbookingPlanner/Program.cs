using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace HotelOverbookingPlanner;

public sealed record RoomType(string Code, int Capacity, double[] Fares, double ShowRate, double WalkCost, double Popularity);

public sealed record BookingPolicy(string Code, int Overbook, int[] Limits, double ExpectedRevenue);

public sealed record SeasonOutcome(string Code, double Revenue, double Walked, double Occupancy);

public interface IDemandModel
{
    double Arrival(RoomType room, int fareClass, int periodsOut);
}

public sealed class SeasonalDemand(int horizon) : IDemandModel
{
    public double Arrival(RoomType room, int fareClass, int periodsOut)
    {
        double lateness = 1.0 - periodsOut / (double)horizon;
        double shape = fareClass < 2 ? lateness * lateness : 1.0 - lateness * 0.8;
        return Math.Min(0.25, room.Popularity * shape * (0.06 + 0.015 * fareClass));
    }
}

public sealed class PolicyStore(IDemandModel demand, int horizon)
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<string, BookingPolicy> _policies = new();
    private double[] _value = Array.Empty<double>();
    private double[] _previous = Array.Empty<double>();

    public void Rebuild(RoomType room)
    {
        _rw.EnterWriteLock();
        try
        {
            int overbook = (int)Math.Ceiling(room.Capacity * (1 - room.ShowRate) * 1.5);
            int states = room.Capacity + overbook + 2, classes = room.Fares.Length;
            if (_value.Length < states) { _value = new double[states]; _previous = new double[states]; }

            for (int x = 0; x < states; x++)
            {
                double walked = 0, p = Math.Pow(1 - room.ShowRate, x);
                for (int k = 0; k <= x; k++)
                {
                    walked += p * Math.Max(0, k - room.Capacity);
                    p = k < x ? p * (x - k) / (k + 1) * room.ShowRate / (1 - room.ShowRate) : 0;
                }
                _previous[x] = -room.WalkCost * walked;
            }

            var limits = new int[horizon * classes];
            for (int t = 1; t <= horizon; t++)
            {
                for (int j = 0; j < classes; j++)
                {
                    int limit = 0;
                    while (limit < states - 1 && room.Fares[j] >= _previous[limit] - _previous[limit + 1]) limit++;
                    limits[(t - 1) * classes + j] = Math.Min(limit, room.Capacity + overbook);
                }
                for (int x = 0; x < states; x++)
                {
                    double v = _previous[x], stay = 1.0;
                    for (int j = 0; j < classes; j++)
                    {
                        double pj = demand.Arrival(room, j, t);
                        stay -= pj;
                        double accept = x + 1 < states ? room.Fares[j] + _previous[x + 1] : double.MinValue;
                        v += pj * (Math.Max(accept, _previous[x]) - _previous[x]);
                    }
                    _value[x] = v;
                }
                (_value, _previous) = (_previous, _value);
            }
            _policies[room.Code] = new BookingPolicy(room.Code, overbook, limits, _previous[0]);
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    public BookingPolicy Find(string code)
    {
        _rw.EnterReadLock();
        try { return _policies.TryGetValue(code, out var policy) ? policy : throw new KeyNotFoundException(code); }
        finally { _rw.ExitReadLock(); }
    }
}

public static class Program
{
    private static SeasonOutcome Simulate(RoomType room, BookingPolicy policy, IDemandModel demand, int horizon, int seasons)
    {
        var rng = new Random(room.Code.Sum(c => c) * 31);
        double revenue = 0, walked = 0, occupied = 0;
        int classes = room.Fares.Length;
        for (int s = 0; s < seasons; s++)
        {
            int sold = 0;
            for (int t = horizon; t >= 1; t--)
                for (int j = 0; j < classes; j++)
                    if (rng.NextDouble() < demand.Arrival(room, j, t) && sold < policy.Limits[(t - 1) * classes + j])
                    {
                        sold++;
                        revenue += room.Fares[j];
                    }
            int shows = Enumerable.Range(0, sold).Count(_ => rng.NextDouble() < room.ShowRate);
            walked += Math.Max(0, shows - room.Capacity);
            revenue -= room.WalkCost * Math.Max(0, shows - room.Capacity);
            occupied += Math.Min(shows, room.Capacity) / (double)room.Capacity;
        }
        return new SeasonOutcome(room.Code, revenue / seasons, walked / seasons, occupied / seasons);
    }

    public static void Main()
    {
        const int Horizon = 1200;
        var demand = new SeasonalDemand(Horizon);
        var rooms = Enumerable.Range(0, 24).Select(i => new RoomType(
            $"{(i % 3 == 0 ? "STE" : i % 3 == 1 ? "DBL" : "KNG")}-{i:D2}",
            Capacity: 40 + 9 * (i % 7),
            Fares: new[] { 420.0, 310, 240, 180, 129 }.Select(f => f * (1 + 0.04 * (i % 5))).ToArray(),
            ShowRate: 0.86 + 0.01 * (i % 9),
            WalkCost: 380 + 25 * (i % 4),
            Popularity: 0.8 + 0.05 * (i % 6))).ToList();

        var store = new PolicyStore(demand, Horizon);
        Parallel.ForEach(rooms, store.Rebuild);

        var outcomes = new SeasonOutcome[rooms.Count];
        using (var countdown = new CountdownEvent(rooms.Count))
        {
            for (int r = 0; r < rooms.Count; r++)
            {
                ThreadPool.QueueUserWorkItem(state =>
                {
                    int idx = (int)state!;
                    try { outcomes[idx] = Simulate(rooms[idx], store.Find(rooms[idx].Code), demand, Horizon, seasons: 300); }
                    finally { countdown.Signal(); }
                }, r);
            }
            countdown.Wait();
        }

        foreach (var o in outcomes.OrderByDescending(o => o.Revenue).Take(6))
        {
            var p = store.Find(o.Code);
            Console.WriteLine($"{o.Code}: overbook +{p.Overbook}, DP value {p.ExpectedRevenue:N0}, simulated {o.Revenue:N0}, " +
                              $"walked {o.Walked:F2} per season, occupancy {o.Occupancy:P1}");
        }
        Console.WriteLine($"portfolio: simulated revenue {outcomes.Sum(o => o.Revenue):N0}, walks {outcomes.Sum(o => o.Walked):F1}");
    }
}
