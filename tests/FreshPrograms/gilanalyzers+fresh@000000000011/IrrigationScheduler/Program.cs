using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace IrrigationScheduler;

public record Field(int Id, int Station, string Crop, double Kc, double RootDepthM, double AwcMmPerM);

public record WeatherDay(double TMin, double TMax, double RainMm, double Et0Mm);

// Managed port of the district's FORTRAN water-balance module. COMMON blocks became statics:
// the depletion and soil-evaporation state of the last simulated field seeds the next one
// (the original ran fields in sequence and "warmed up" the soil this way).
public static class LegacyWaterBalance
{
    public static readonly object Sync = new();
    private static double _depletion;
    private static double _evapReservoir = 9.0;
    private static double[] _dailyDepletion = new double[366];
    public static int FieldsRun;

    public static List<(int Day, double Mm)> Schedule(Field field, WeatherDay[] series)
    {
        var events = new List<(int, double)>();
        double taw = field.AwcMmPerM * field.RootDepthM, raw = 0.5 * taw;
        _depletion = Math.Min(_depletion, taw);
        if (_dailyDepletion.Length < series.Length) _dailyDepletion = new double[series.Length];
        for (int d = 0; d < series.Length; d++)
        {
            var w = series[d];
            double stage = Math.Min(1.0, d % 180 / 60.0);
            double kc = 0.3 + (field.Kc - 0.3) * stage;
            double ks = _depletion > raw ? Math.Max(0, (taw - _depletion) / (taw - raw)) : 1.0;
            double evap = Math.Min(_evapReservoir, 0.2 * w.Et0Mm);
            _evapReservoir = Math.Clamp(_evapReservoir - evap + w.RainMm * 0.4, 0, 9);
            double etc = ks * kc * w.Et0Mm + evap * (1 - stage);
            double effectiveRain = w.RainMm > 5 ? w.RainMm * 0.8 : 0;
            _depletion = Math.Clamp(_depletion + etc - effectiveRain, 0, taw);
            if (_depletion > 0.9 * raw)
            {
                double gross = _depletion / 0.85;
                events.Add((d, Math.Round(gross, 1)));
                _depletion = 0;
            }
            _dailyDepletion[d] = _depletion;
        }
        FieldsRun++;
        return events;
    }
}

public static class Program
{
    public static void Main()
    {
        const int stations = 4, days = 180, years = 60;
        var weather = new WeatherDay[stations][];
        var threads = new List<Thread>();
        for (int s = 0; s < stations; s++)
        {
            int station = s;
            var t = new Thread(() => weather[station] = SynthesiseSeries(station, days, years));
            threads.Add(t);
            t.Start();
        }
        threads.ForEach(t => t.Join());

        string[] crops = { "maize", "wheat", "alfalfa", "tomato" };
        var fields = Enumerable.Range(0, 400).Select(i => new Field(i, i % stations, crops[i % crops.Length],
            0.95 + 0.05 * (i % 5), 0.6 + 0.1 * (i % 7), 110 + 10 * (i % 9))).ToList();

        string path = Path.Combine(Path.GetTempPath(), $"irrigation-{Environment.ProcessId}.csv");
        double totalWater = 0;
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("field,day,mm");
            Parallel.ForEach(fields, field =>
            {
                List<(int Day, double Mm)> plan;
                lock (LegacyWaterBalance.Sync)
                {
                    plan = LegacyWaterBalance.Schedule(field, weather[field.Station]);
                }
                lock (writer)
                {
                    foreach (var (day, mm) in plan) writer.WriteLine($"{field.Id},{day},{mm}");
                    totalWater += plan.Sum(p => p.Mm);
                }
            });
        }

        Console.WriteLine($"fields scheduled: {LegacyWaterBalance.FieldsRun}, rows {File.ReadLines(path).Count() - 1}");
        Console.WriteLine($"mean seasonal irrigation {totalWater / fields.Count / years:F0} mm per field");
        File.Delete(path);
    }

    // A `years`-long synthetic daily series (Markov wet/dry chain, Hargreaves ET0), season after season.
    private static WeatherDay[] SynthesiseSeries(int station, int days, int years)
    {
        var rng = new Random(station * 31 + 5);
        var series = new WeatherDay[days * years];
        for (int y = 0; y < years; y++)
        {
            bool wet = false;
            for (int d = 0; d < days; d++)
            {
                double pWet = wet ? 0.55 : 0.18 - 0.02 * station;
                wet = rng.NextDouble() < pWet;
                double rain = wet ? -6.0 * Math.Log(1 - rng.NextDouble()) : 0;
                double seasonal = Math.Sin(Math.PI * d / days);
                double tMax = 22 + 10 * seasonal + 3 * (rng.NextDouble() - 0.5) - (wet ? 3 : 0);
                double tMin = tMax - 11 - 2 * rng.NextDouble();
                double ra = 28 + 12 * seasonal; // extraterrestrial radiation, MJ/m2/day
                double et0 = 0.0023 * 0.408 * ra * ((tMax + tMin) / 2 + 17.8) * Math.Sqrt(Math.Max(0, tMax - tMin));
                series[y * days + d] = new WeatherDay(tMin, tMax, rain, et0);
            }
        }
        return series;
    }
}
