using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL002 now reports constant-bound nests (trip-count products): its fix must handle them — narrow the lock to the
/// shared update after the nest — or not be offered when the nest itself writes the shared state.
/// </summary>
public class RealCostSynchronizedFixerTests
{
    [Fact]
    public async Task ConstantNestIntoALocal_NarrowsTheLockToTheSharedUpdate()
    {
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = """
                using System;
                using System.Runtime.CompilerServices;
                class Tally
                {
                    private double _total;

                    [MethodImpl(MethodImplOptions.Synchronized)]
                    public void {|GIL002:Fold|}(double[] w)
                    {
                        double s = 0;
                        for (int a = 0; a < 8; a++)
                            for (int b = 0; b < 8; b++)
                                for (int c = 0; c < 8; c++)
                                    for (int d = 0; d < 8; d++)
                                        s += w[(a + b + c + d) % w.Length];
                        _total += s;
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Runtime.CompilerServices;
                class Tally
                {
                    private double _total;
                    private readonly object _foldLock = new object();

                    public void Fold(double[] w)
                    {
                        double s = 0;
                        for (int a = 0; a < 8; a++)
                            for (int b = 0; b < 8; b++)
                                for (int c = 0; c < 8; c++)
                                    for (int d = 0; d < 8; d++)
                                        s += w[(a + b + c + d) % w.Length];
                        lock (_foldLock)
                        {
                            _total += s;
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowLockKey,
        };
        var driver = SynchronizedCpuMethodFixerTests.Driver("tally.Fold(new double[16]);", "var tally = new Tally();");
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ConstantNestWritingTheSharedTable_IsReportedButNotFixed()
    {
        var offers = await CodeFixOffers.ForAsync("""
            using System;
            using System.Runtime.CompilerServices;
            class Palette
            {
                private readonly byte[,,] _lut = new byte[16, 16, 16];
                private int _version;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Rebuild(int gamma)
                {
                    for (int r = 0; r < 16; r++)
                        for (int g = 0; g < 16; g++)
                            for (int b = 0; b < 16; b++)
                                _lut[r, g, b] = (byte)((r * g * b * gamma) & 0xFF);
                    _version++;
                }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("palette.Rebuild(2);", "var palette = new Palette();"));
        var only = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.SynchronizedCpuMethod, only.Id);
        Assert.Empty(only.Keys);
    }
}
