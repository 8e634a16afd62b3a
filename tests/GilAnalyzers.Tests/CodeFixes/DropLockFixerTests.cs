using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// GIL001's move-out when what stays under the lock touches no shared state at all (a process-wide lock kept "since the
/// first release" around a simulation that returns its own result): the lock guarded nothing, so the rewrite drops it
/// instead of leaving <c>lock (typeof(T)) { return total / years; }</c>. When what stays reads or writes shared state,
/// the lock stays.
/// </summary>
public class DropLockFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Reliability(string body) => Usings + """
        public sealed record Part(double FailuresPerYear, double RepairHours);

        public static class Outages
        {
            private static double _scale = 1.0;

            public static double Simulate(IReadOnlyList<Part> parts, int years, int seed)
            {
        """ + "\n" + body + "\n" + """
            }

            public static void Rescale(double s) { lock (typeof(Part)) { _scale = s; } }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.Latest)]
    public async Task LockAroundAComputationThatReturnsItsOwnResult_IsDropped(LanguageVersion version)
    {
        await VerifyCS.VerifyCodeFixAsync(Reliability("""
                    {|GIL001:lock (typeof(Part))|}
                    {
                        var rng = new Random(seed);
                        double hours = 0;
                        for (int y = 0; y < years; y++)
                        {
                            foreach (var part in parts)
                            {
                                double t = -Math.Log(1 - rng.NextDouble()) / part.FailuresPerYear * 8760;
                                while (t < 8760) { hours += part.RepairHours; t += 8760 / part.FailuresPerYear; }
                            }
                        }
                        return hours / years;
                    }
            """), Reliability("""
                    var rng = new Random(seed);
                    double hours = 0;
                    for (int y = 0; y < years; y++)
                    {
                        foreach (var part in parts)
                        {
                            double t = -Math.Log(1 - rng.NextDouble()) / part.FailuresPerYear * 8760;
                            while (t < 8760) { hours += part.RepairHours; t += 8760 / part.FailuresPerYear; }
                        }
                    }
                    return hours / years;
            """), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task WhatStaysReadsStateTheLockGuards_KeepsTheLock()
    {
        await VerifyCS.VerifyCodeFixAsync(Reliability("""
                    {|GIL001:lock (typeof(Part))|}
                    {
                        var rng = new Random(seed);
                        double hours = 0;
                        for (int y = 0; y < years; y++)
                        {
                            foreach (var part in parts)
                            {
                                double t = -Math.Log(1 - rng.NextDouble()) / part.FailuresPerYear * 8760;
                                while (t < 8760) { hours += part.RepairHours; t += 8760 / part.FailuresPerYear; }
                            }
                        }
                        return hours / years * _scale;
                    }
            """), Reliability("""
                    var rng = new Random(seed);
                    double hours = 0;
                    for (int y = 0; y < years; y++)
                    {
                        foreach (var part in parts)
                        {
                            double t = -Math.Log(1 - rng.NextDouble()) / part.FailuresPerYear * 8760;
                            while (t < 8760) { hours += part.RepairHours; t += 8760 / part.FailuresPerYear; }
                        }
                    }
                    lock (typeof(Part))
                    {
                        return hours / years * _scale;
                    }
            """), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }
}
