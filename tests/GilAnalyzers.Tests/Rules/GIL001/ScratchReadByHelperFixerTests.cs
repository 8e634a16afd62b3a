using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a scratch collection field cleared at the top of the locked code and also read by a private helper that only
/// the locked code calls (a what-if evaluator whose cell table is rebuilt per run and looked up by <c>Eval</c>). The table
/// becomes the call's own local and the helper takes it as a last parameter; every call passes it, so each call sees the
/// table of its own run, as it did under the lock.
/// </summary>
public class ScratchReadByHelperFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string sheet) => Usings + sheet + """

        static class WhatIf
        {
            public static double Run(int scenarios)
            {
                var sheet = new Sheet();
                var results = new double[scenarios];
                Parallel.For(0, scenarios, s =>
                {
                    results[s] = sheet.Recalculate(new Dictionary<string, double> { ["a"] = s, ["b"] = 2 * s });
                });
                return results.Sum();
            }
        }
        """;

    private static Task VerifyAsync(string sheet, string fixedSheet, LanguageVersion version = LanguageVersion.Latest)
        => new VerifyCS.Test
        {
            TestCode = Program(sheet),
            FixedCode = Program(fixedSheet),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            LanguageVersion = version,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    private const string Helper = """

            private double Eval(string formula)
            {
                double total = 0;
                foreach (var term in formula.Split('+'))
                {
                    total += double.TryParse(term, out var number) ? number : _cells.GetValueOrDefault(term);
                }

                return total;
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task CellTableReadByAHelper_BecomesALocalHandedToIt_AndTheLockGoes(LanguageVersion version)
    {
        var sheet = """
            sealed class Sheet
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, double> _cells = new Dictionary<string, double>();
                private readonly string[] _formulas = { "a+b", "c+1", "d+c+a" };

                public double Recalculate(Dictionary<string, double> inputs)
                {
                    {|GIL001:lock (_sync)|}
                    {
                        _cells.Clear();
                        foreach (var input in inputs) _cells[input.Key] = input.Value;
                        for (int sweep = 0; sweep < 200; sweep++)
                        {
                            for (int f = 0; f < _formulas.Length; f++)
                            {
                                _cells[((char)('c' + f)).ToString()] = Eval(_formulas[f]);
                            }
                        }

                        return _cells["e"];
                    }
                }
            """ + "\n" + Helper;
        var fixedSheet = """
            sealed class Sheet
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, double> _cells = new Dictionary<string, double>();
                private readonly string[] _formulas = { "a+b", "c+1", "d+c+a" };

                public double Recalculate(Dictionary<string, double> inputs)
                {
                    var cells = new Dictionary<string, double>();
                    foreach (var input in inputs) cells[input.Key] = input.Value;
                    for (int sweep = 0; sweep < 200; sweep++)
                    {
                        for (int f = 0; f < _formulas.Length; f++)
                        {
                            cells[((char)('c' + f)).ToString()] = Eval(_formulas[f], cells);
                        }
                    }

                    return cells["e"];
                }

                private double Eval(string formula, Dictionary<string, double> cells)
                {
                    double total = 0;
                    foreach (var term in formula.Split('+'))
                    {
                        total += double.TryParse(term, out var number) ? number : cells.GetValueOrDefault(term);
                    }

                    return total;
                }
            }
            """;
        await VerifyAsync(sheet, fixedSheet, version);
    }

    [Fact]
    public async Task HelperAlsoCalledOutsideTheLock_NoAction()
    {
        // Peek reads the table between runs: the helper sees the shared table there, so it cannot be handed a local.
        var sheet = """
            sealed class Sheet
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, double> _cells = new Dictionary<string, double>();
                private readonly string[] _formulas = { "a+b", "c+1", "d+c+a" };

                public double Peek(string formula) => Eval(formula);

                public double Recalculate(Dictionary<string, double> inputs)
                {
                    {|GIL001:lock (_sync)|}
                    {
                        _cells.Clear();
                        foreach (var input in inputs) _cells[input.Key] = input.Value;
                        for (int sweep = 0; sweep < 200; sweep++)
                        {
                            for (int f = 0; f < _formulas.Length; f++)
                            {
                                _cells[((char)('c' + f)).ToString()] = Eval(_formulas[f]);
                            }
                        }

                        return _cells["e"];
                    }
                }
            """ + "\n" + Helper;
        await VerifyAsync(sheet, sheet);
    }

    [Fact]
    public async Task HelperIsAPublicMethod_NoAction()
    {
        // Other code may call a public helper at any time, on the shared table.
        var sheet = """
            sealed class Sheet
            {
                private readonly object _sync = new object();
                private readonly Dictionary<string, double> _cells = new Dictionary<string, double>();
                private readonly string[] _formulas = { "a+b", "c+1", "d+c+a" };

                public double Recalculate(Dictionary<string, double> inputs)
                {
                    {|GIL001:lock (_sync)|}
                    {
                        _cells.Clear();
                        foreach (var input in inputs) _cells[input.Key] = input.Value;
                        for (int sweep = 0; sweep < 200; sweep++)
                        {
                            for (int f = 0; f < _formulas.Length; f++)
                            {
                                _cells[((char)('c' + f)).ToString()] = Eval(_formulas[f]);
                            }
                        }

                        return _cells["e"];
                    }
                }
            """ + "\n" + Helper.Replace("private double Eval", "public double Eval", StringComparison.Ordinal);
        await VerifyAsync(sheet, sheet);
    }
}
