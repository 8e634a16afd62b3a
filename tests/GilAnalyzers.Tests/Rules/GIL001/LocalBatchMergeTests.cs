using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The recommended way to share results from parallel code — compute into a local, then take the lock once to merge it
/// into the shared result — is not serialised work when the merge only stores what was computed outside: a batch of
/// neighbours a query found added to a visited set, per-player totals a model computed. The merge is a cheap pass over
/// values that cost at least as much to make, outside the lock (a fixed-size vector merged per item is a different
/// matter: see WorkerCountMergeTests). A merge that computes per element,
/// a pass over shared data that a local only aliases, a batch computed inside the lock, or a batch that cost nothing to
/// make (a line split into words, counted under the lock: that pass is the work) stays reported.
/// </summary>
public class LocalBatchMergeTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading.Tasks;\n";

    [Fact]
    public async Task BatchFromAQueryAddedToASharedSet_DoesNotReport()
    {
        var source = Usings + """
            class Frontier
            {
                private readonly object _sync = new object();
                private readonly HashSet<int> _visited = new HashSet<int>();

                public void Expand(IEnumerable<int> nodes, Func<int, IEnumerable<int>> neighbours)
                {
                    Parallel.ForEach(nodes, node =>
                    {
                        var next = neighbours(node).Where(n => n % 2 == 0).ToList();
                        lock (_sync)
                        {
                            foreach (var n in next) _visited.Add(n);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task BatchWhoseMergeComputesPerElement_Reports()
    {
        var source = Usings + """
            class Scores
            {
                private readonly object _sync = new object();
                private readonly Dictionary<int, double> _best = new Dictionary<int, double>();

                public void Add(IEnumerable<int[]> groups)
                {
                    Parallel.ForEach(groups, group =>
                    {
                        var ids = group.Distinct().ToList();
                        {|#0:lock (_sync)|}
                        {
                            foreach (var id in ids)
                            {
                                double s = 0;
                                for (int k = 1; k < 10000; k++) s += Math.Sqrt(id * k);
                                _best[id] = s;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "nested loop, 2 levels", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task LocalThatOnlyAliasesSharedData_Reports()
    {
        var source = Usings + """
            class Totals
            {
                private readonly object _sync = new object();
                private readonly List<double> _samples = new List<double>();
                private double _sum;

                public void Recompute(int rounds)
                {
                    Parallel.For(0, rounds, r =>
                    {
                        var samples = _samples;
                        {|#0:lock (_sync)|}
                        {
                            foreach (var s in samples) _sum += s;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "foreach loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task ArrayFilledInsideTheLockThenMerged_Reports()
    {
        var source = Usings + """
            static class Blend
            {
                public static double[] Run(double[][] layers)
                {
                    var frame = new double[4096];
                    var gate = new object();
                    Parallel.ForEach(layers, layer =>
                    {
                        {|#0:lock (gate)|}
                        {
                            var weights = new double[frame.Length];
                            for (int i = 0; i < weights.Length; i++) weights[i] = Math.Exp(-layer[i % layer.Length] * i);
                            for (int i = 0; i < frame.Length; i++) frame[i] += weights[i];
                        }
                    });
                    return frame;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("gate", "for loop", "a Parallel.ForEach body"));
    }
    [Fact]
    public async Task PerItemTotalsFromAComputingCallMerged_DoesNotReport()
    {
        var source = Usings + """
            class Model
            {
                public Dictionary<int, double> PlayerScores(int[] events)
                {
                    var scores = new Dictionary<int, double>();
                    for (int i = 0; i < events.Length; i++)
                    {
                        double s = 0;
                        for (int k = 0; k < 1000; k++) s += Math.Exp(-k * 0.001) * events[i];
                        scores[events[i] % 22] = s;
                    }
                    return scores;
                }
            }

            static class Season
            {
                public static Dictionary<int, double> Total(Model model, List<int[]> matches)
                {
                    var season = new Dictionary<int, double>();
                    Parallel.ForEach(matches, match =>
                    {
                        var perPlayer = model.PlayerScores(match);
                        lock (season)
                        {
                            foreach (var pair in perPlayer)
                                season[pair.Key] = (season.TryGetValue(pair.Key, out var old) ? old : 0) + pair.Value;
                        }
                    });
                    return season;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task BatchThatCostsNothingToMake_CountedUnderTheLock_Reports()
    {
        var source = Usings + """
            class Vocabulary
            {
                private readonly object _sync = new object();
                private readonly HashSet<string> _words = new HashSet<string>();

                public void AddAll(IEnumerable<string> lines)
                {
                    Parallel.ForEach(lines, line =>
                    {
                        var words = line.Split(' ');
                        {|#0:lock (_sync)|}
                        {
                            foreach (var w in words) _words.Add(w);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_sync", "foreach loop", "a Parallel.ForEach body"));
    }
}
