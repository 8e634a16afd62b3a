using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A static lock with no parallel code in sight: loops over the static state it guards are maintenance and do not count,
/// but loops over one instance's own state are work that every instance's caller queues for behind the one lock.
/// </summary>
public class ProcessWideLockInstanceStateTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading;\n";

    [Fact]
    public async Task StaticLock_NestedLoopsOverThisInstancesGrid_Reports()
    {
        var source = Usings + """
            sealed class Sheet
            {
                private static readonly object s_sheetsGate = new object();
                private double[][] _cells = new double[0][];
                private int _rowCount;

                public double[][] Snapshot()
                {
                    var copy = new double[_rowCount][];
                    {|#0:lock (s_sheetsGate)|}
                    {
                        for (int r = 0; r < _rowCount; r++)
                        {
                            copy[r] = new double[_cells[r].Length];
                            for (int c = 0; c < _cells[r].Length; c++)
                                copy[r][c] = _cells[r][c];
                        }
                    }

                    return copy;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("s_sheetsGate", "nested loop, 2 levels", "'Snapshot', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task StaticLock_NestedLoopsOverTheStaticStateItGuards_NoDiagnostic()
    {
        var source = Usings + """
            static class Registry
            {
                private static readonly object s_gate = new object();
                private static readonly List<List<string>> s_groups = new List<List<string>>();
                private static int s_groupCount;

                public static int CountNamed(string name)
                {
                    int found = 0;
                    lock (s_gate)
                    {
                        for (int g = 0; g < s_groupCount; g++)
                            foreach (var member in s_groups[g])
                                if (member == name) found++;
                    }

                    return found;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task StaticLock_OneLoopOverThisInstancesList_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Listeners
            {
                private static readonly object s_gate = new object();
                private readonly List<Action<int>> _handlers = new List<Action<int>>();
                private int _version;

                public void Prune()
                {
                    lock (s_gate)
                    {
                        for (int i = _handlers.Count - 1; i >= 0; i--)
                            if (_handlers[i] == null) _handlers.RemoveAt(i);
                        _version++;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task InstanceLock_NestedLoopsOverOwnState_NoParallelInSight_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Grid
            {
                private readonly object _gate = new object();
                private double[][] _cells = new double[0][];

                public double Sum()
                {
                    double total = 0;
                    lock (_gate)
                    {
                        for (int r = 0; r < _cells.Length; r++)
                            for (int c = 0; c < _cells[r].Length; c++)
                                total += _cells[r][c];
                    }

                    return total;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
