using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace BrewhouseRecipeTuner;

public sealed record BeerStyle(string Name, double Og, double Ibu, double Srm, double BatchLitres);
public sealed record Recipe(string Style, double BaseKg, double CrystalKg, double RoastKg,
    double BitterGrams, int BoilMinutes, double AromaGrams, double Og, double Ibu, double Srm, double Score);
public sealed record YeastStrain(string Name, double Attenuation, double OptimumC, double Rate);
public sealed record FermentResult(string Style, string Yeast, double TempC, double FinalGravity, double Abv, double DaysToTerminal);

public static class BrewMath
{
    private const double KgToLb = 2.20462, LitresPerGallon = 3.78541, Efficiency = 0.72;

    public static double OriginalGravity(double baseKg, double crystalKg, double roastKg, double litres)
    {
        double points = (baseKg * 37 + crystalKg * 34 + roastKg * 25) * KgToLb * Efficiency / (litres / LitresPerGallon);
        return 1.0 + points / 1000.0;
    }

    public static double Srm(double baseKg, double crystalKg, double roastKg, double litres)
    {
        double mcu = (baseKg * 3 + crystalKg * 60 + roastKg * 450) * KgToLb / (litres / LitresPerGallon);
        return 1.4922 * Math.Pow(mcu, 0.6859);
    }

    public static double TinsethIbu(double og, double grams, int minutes, double litres, double alpha)
    {
        double bigness = 1.65 * Math.Pow(0.000125, og - 1.0);
        double boilFactor = (1.0 - Math.Exp(-0.04 * minutes)) / 4.15;
        return bigness * boilFactor * alpha * grams * 1000.0 / litres;
    }
}

public sealed class FermentationSimulator
{
    private const double StepHours = 1.0 / 60.0;
    private const int Hours = 21 * 24;
    private readonly Mutex _gate = new Mutex();
    private readonly double[] _gravityTrace = new double[Hours + 1];

    public FermentResult Run(Recipe recipe, YeastStrain yeast, double tempC)
    {
        _gate.WaitOne();
        try
        {
            double og = (recipe.Og - 1.0) * 1000.0;
            double floor = og * (1.0 - yeast.Attenuation);
            double sugar = og, cells = 1.0, ethanol = 0.0;
            double mu = yeast.Rate * Math.Exp(-Math.Pow((tempC - yeast.OptimumC) / 6.0, 2));
            int perHour = (int)(1.0 / StepHours);
            for (int h = 0; h <= Hours; h++)
            {
                _gravityTrace[h] = sugar;
                for (int s = 0; s < perHour; s++)
                {
                    double avail = Math.Max(0.0, sugar - floor);
                    double monod = avail / (10.0 + avail);
                    double uptake = 8.0 * mu * cells * monod;
                    double death = 0.002 * cells * ethanol;
                    sugar -= uptake * StepHours;
                    ethanol += 0.131 * uptake * StepHours;
                    cells += (mu * cells * (1.0 - cells / 6.0) * monod - death) * StepHours;
                }
            }
            int terminal = Hours;
            for (int h = 0; h <= Hours; h++)
            {
                if (_gravityTrace[h] - floor < 1.0) { terminal = h; break; }
            }
            double fg = 1.0 + sugar / 1000.0;
            return new FermentResult(recipe.Style, yeast.Name, tempC, fg, (recipe.Og - fg) * 131.25, terminal / 24.0);
        }
        finally
        {
            _gate.ReleaseMutex();
        }
    }
}

public static class Program
{
    private static async Task<Recipe> TuneStyleAsync(BeerStyle style, string folder)
    {
        Recipe? best = null;
        int[] boilTimes = { 30, 45, 60, 90 };
        for (double b = 3.0; b <= 7.0; b += 0.1)
        for (double c = 0.0; c <= 1.0; c += 0.05)
        for (double r = 0.0; r <= 0.4; r += 0.05)
        {
            double og = BrewMath.OriginalGravity(b, c, r, style.BatchLitres);
            if (Math.Abs(og - style.Og) > 0.005) continue;
            double srm = BrewMath.Srm(b, c, r, style.BatchLitres);
            for (int g = 10; g <= 90; g += 4)
            foreach (int minutes in boilTimes)
            for (int a = 0; a <= 60; a += 10)
            {
                double ibu = BrewMath.TinsethIbu(og, g, minutes, style.BatchLitres, 0.12)
                           + BrewMath.TinsethIbu(og, a, 10, style.BatchLitres, 0.06);
                double score = Math.Pow((og - style.Og) * 1000.0, 2) + Math.Pow(ibu - style.Ibu, 2) * 0.5
                             + Math.Pow(srm - style.Srm, 2) + 0.002 * (b + c + r) + 0.001 * (g + a);
                if (best is null || score < best.Score)
                    best = new Recipe(style.Name, b, c, r, g, minutes, a, og, ibu, srm, score);
            }
        }
        var sheet = string.Format(CultureInfo.InvariantCulture,
            "{0}: base {1:F1} kg, crystal {2:F2} kg, roast {3:F2} kg, {4} g @ {5} min, {6} g @ 10 min\n",
            style.Name, best!.BaseKg, best.CrystalKg, best.RoastKg, best.BitterGrams, best.BoilMinutes, best.AromaGrams);
        await File.WriteAllTextAsync(Path.Combine(folder, style.Name.Replace(' ', '_') + ".txt"), sheet);
        return best;
    }

    public static async Task Main()
    {
        var inv = CultureInfo.InvariantCulture;
        var styles = new List<BeerStyle>
        {
            new("Pale Ale", 1.050, 38, 8, 23), new("Dry Stout", 1.042, 35, 38, 23),
            new("Amber Lager", 1.052, 24, 14, 30), new("Barleywine", 1.090, 80, 17, 19),
            new("Brown Porter", 1.046, 28, 28, 23), new("Session IPA", 1.044, 45, 6, 30),
        };
        string folder = Path.Combine(Path.GetTempPath(), "brewhouse-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);

        Recipe[] recipes = await Task.WhenAll(styles.Select(style => TuneStyleAsync(style, folder)));

        string[] files = Directory.GetFiles(folder, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        string[] sheets = await Task.WhenAll(files.Select(f => File.ReadAllTextAsync(f)));
        Console.Write(string.Concat(sheets));

        var yeasts = new[]
        {
            new YeastStrain("Chico", 0.77, 19.0, 0.055), new YeastStrain("London", 0.71, 20.0, 0.060),
            new YeastStrain("Bohemian", 0.74, 11.0, 0.042),
        };
        double[] temps = { 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0 };
        var runs = (from r in recipes from y in yeasts from t in temps select (Recipe: r, Yeast: y, Temp: t)).ToArray();
        var results = new FermentResult[runs.Length];
        var simulator = new FermentationSimulator();
        Parallel.For(0, runs.Length, i => results[i] = simulator.Run(runs[i].Recipe, runs[i].Yeast, runs[i].Temp));

        foreach (var style in recipes)
        {
            var bestRun = results.Where(x => x.Style == style.Style).OrderBy(x => x.DaysToTerminal).ThenBy(x => x.FinalGravity).First();
            Console.WriteLine(string.Format(inv, "{0,-12} OG {1:F3} IBU {2,5:F1} SRM {3,4:F1} | {4,-8} @ {5:F0}C FG {6:F3} ABV {7:F1}% done in {8:F1} d",
                style.Style, style.Og, style.Ibu, style.Srm, bestRun.Yeast, bestRun.TempC, bestRun.FinalGravity, bestRun.Abv, bestRun.DaysToTerminal));
        }
        Console.WriteLine(string.Format(inv, "Checksum: {0:F4}", results.Sum(x => x.Abv + x.DaysToTerminal) + recipes.Sum(x => x.Score)));
        Directory.Delete(folder, true);
    }
}
