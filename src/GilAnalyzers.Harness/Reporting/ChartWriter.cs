using System;
using System.Globalization;
using System.IO;
using System.Linq;
using ScottPlot;

namespace GilAnalyzers.Harness.Reporting;

/// <summary>A before/after chart (ScottPlot): wall-time median bars with min–max whiskers and every measured run as a dot.</summary>
public static class ChartWriter
{
    public static void Write(string path, BenchReport report)
    {
        if (report.Before is null || report.After is null)
        {
            return;
        }

        var plot = new Plot();
        var before = report.Before;
        var after = report.After;
        Color beforeColor = Color.FromHex("#d1495b");
        Color afterColor = Color.FromHex("#2e86ab");

        var bars = plot.Add.Bars(new[]
        {
            new Bar { Position = 1, Value = before.WallMs.Median, FillColor = beforeColor, Label = ReportWriters.Ms(before.WallMs.Median) },
            new Bar { Position = 2, Value = after.WallMs.Median, FillColor = afterColor, Label = ReportWriters.Ms(after.WallMs.Median) },
        });
        bars.ValueLabelStyle.FontSize = 14;

        var whiskers = new ScottPlot.Plottables.ErrorBar(
            xs: new double[] { 1, 2 },
            ys: new[] { before.WallMs.Median, after.WallMs.Median },
            xErrorsPositive: new double[] { 0, 0 },
            xErrorsNegative: new double[] { 0, 0 },
            yErrorsPositive: new[] { before.WallMs.Max - before.WallMs.Median, after.WallMs.Max - after.WallMs.Median },
            yErrorsNegative: new[] { before.WallMs.Median - before.WallMs.Min, after.WallMs.Median - after.WallMs.Min });
        plot.Add.Plottable(whiskers);
        whiskers.Color = Colors.Black;
        whiskers.LineWidth = 2;

        var measured = report.Runs.Where(r => !r.Warmup).ToList();
        if (measured.Count > 0)
        {
            // Spread the dots a little sideways so equal values stay visible.
            double[] xs = measured.Select((r, i) => (r.Variant == "before" ? 1 : 2) + 0.25 + 0.03 * (i % 5)).ToArray();
            double[] ys = measured.Select(r => r.WallMs).ToArray();
            var dots = plot.Add.Markers(xs, ys);
            dots.Color = Colors.Black.WithAlpha(0.6);
            dots.MarkerSize = 6;
            dots.LegendText = "one run";
        }

        plot.Axes.Bottom.SetTicks(new double[] { 1, 2 }, new[]
        {
            $"BEFORE\n{before.EffectiveCores.ToString("0.00", CultureInfo.InvariantCulture)} effective cores",
            $"AFTER\n{after.EffectiveCores.ToString("0.00", CultureInfo.InvariantCulture)} effective cores",
        });
        plot.Axes.SetLimitsX(0.4, 2.8);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.YLabel("wall time (ms)");
        string speed = report.Speedup is { } s ? $"speedup ×{s.Median.ToString("0.00", CultureInfo.InvariantCulture)}" + (s.Significant ? "" : " (not significant)") : "";
        plot.Title($"{Path.GetFileName(report.Input)}: {speed} on {report.Machine.Cores} cores");
        plot.ShowLegend(Alignment.UpperRight);

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (full.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            plot.SavePng(full, 800, 520);
        }
        else
        {
            plot.SaveSvg(full, 800, 520);
        }
    }
}
