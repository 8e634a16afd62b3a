using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A helper called once under a lock that only does a one-off I/O step (one File.Exists) weighs like that step written
/// in place: the rest of the locked work decides whether the lock serialises CPU work. A helper that does I/O in a loop,
/// or a region whose CPU part is light, stays I/O-bound.
/// </summary>
public class OneOffIoHelperUnderLockTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task NestedLoopsPlusOneOffExistenceCheckInAHelper_InParallelFor_Reports()
    {
        var source = Usings + """
            sealed class Atlas
            {
                private readonly object _sync = new object();

                private static bool HasOverride(string folder, int tile) => File.Exists(Path.Combine(folder, tile + ".png"));

                public void Build(int[][] tiles, string folder, bool[] overridden)
                {
                    Parallel.For(0, tiles.Length, t =>
                    {
                        {|#0:lock (_sync)|}
                        {
                            for (int i = 0; i < tiles[t].Length; i++)
                                for (int j = 0; j < tiles[t].Length; j++)
                                    tiles[t][i] ^= tiles[t][j] * 16777619;
                            overridden[t] = HasOverride(folder, t);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "nested loop, 2 levels", "a Parallel.For body"));
    }

    [Fact]
    public async Task HelperThatWritesInALoop_StaysIoBound_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Atlas
            {
                private readonly object _sync = new object();

                private static void WriteAll(TextWriter log, int[] tile)
                {
                    foreach (var v in tile) log.WriteLine(v);
                }

                public void Build(int[][] tiles, TextWriter log)
                {
                    Parallel.For(0, tiles.Length, t =>
                    {
                        lock (_sync)
                        {
                            for (int i = 0; i < tiles[t].Length; i++)
                                for (int j = 0; j < tiles[t].Length; j++)
                                    tiles[t][i] ^= tiles[t][j] * 16777619;
                            WriteAll(log, tiles[t]);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LightWorkPlusOneOffExistenceCheckInAHelper_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Atlas
            {
                private readonly object _sync = new object();
                private int _found;

                private static bool HasOverride(string folder, int tile) => File.Exists(Path.Combine(folder, tile + ".png"));

                public void Build(int count, string folder)
                {
                    Parallel.For(0, count, t =>
                    {
                        lock (_sync)
                        {
                            if (HasOverride(folder, t)) _found++;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
