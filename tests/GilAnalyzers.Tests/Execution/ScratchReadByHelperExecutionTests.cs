using GilAnalyzers.Testing.Programs;
using Xunit;

namespace GilAnalyzers.Tests.Execution;

/// <summary>
/// GIL001's buffer per call for a cell table that a private helper reads (handed to it as a new parameter), run before
/// and after the first (FixAll) action: every scenario's result must print the same, bit for bit.
/// </summary>
public class ScratchReadByHelperExecutionTests
{
    private const string Program = """
        using System;
        using System.Collections.Generic;
        using System.Globalization;
        using System.Linq;
        using System.Threading.Tasks;

        public sealed class Sheet
        {
            private readonly object _sync = new object();
            private readonly Dictionary<string, double> _cells = new Dictionary<string, double>();
            private readonly string[] _formulas = { "a+b", "c+0.5", "d+c+a", "e+b+1.25" };

            public double Recalculate(Dictionary<string, double> inputs)
            {
                lock (_sync)
                {
                    _cells.Clear();
                    foreach (var input in inputs) _cells[input.Key] = input.Value;
                    for (int sweep = 0; sweep < 400; sweep++)
                    {
                        for (int f = 0; f < _formulas.Length; f++)
                        {
                            _cells[((char)('c' + f)).ToString()] = Eval(_formulas[f]) / (1 + sweep % 3);
                        }
                    }

                    return _cells["f"];
                }
            }

            private double Eval(string formula)
            {
                double total = 0;
                foreach (var term in formula.Split('+'))
                {
                    total += double.TryParse(term, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : _cells.GetValueOrDefault(term);
                }

                return total;
            }
        }

        public static class WhatIf
        {
            public static string Run(int scenarios)
            {
                var sheet = new Sheet();
                var results = new double[scenarios];
                Parallel.For(0, scenarios, s =>
                {
                    results[s] = sheet.Recalculate(new Dictionary<string, double> { ["a"] = s * 0.75, ["b"] = 2.5 - s });
                });
                return scenarios + ";" + string.Join(",", results.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            }
        }
        """;

    [Fact]
    public async Task CellTablePerRun_SameResultsAfterTheFirstAction()
    {
        var outcome = await SampleFixPipeline.ApplyAllFixesAsync(Program);

        Assert.Contains(outcome.Applied, fix => fix.EquivalenceKey == "GIL001.ScratchToLocal");
        Assert.Contains("private double Eval(string formula, Dictionary<string, double> cells)", outcome.Source, StringComparison.Ordinal);
        Assert.DoesNotContain("lock (_sync)", outcome.Source, StringComparison.Ordinal);

        var before = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(Program, "Sheet.Before"), "WhatIf.Run", 40);
        var after = SampleFixPipeline.Invoke(SampleFixPipeline.Compile(outcome.Source, "Sheet.After"), "WhatIf.Run", 40);

        Assert.NotNull(before);
        Assert.StartsWith("40;", (string)before!, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
