using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A top-N list kept under the lock — add the new candidate, sort, trim back to N — is bookkeeping: the list never holds
/// more than N + 1 items when it is sorted, so the sort is a few compares while the candidates are scored unlocked. The
/// trim to a constant is what tells it apart: a list that is only added to and sorted grows with the items, and its
/// sort under the lock is real serialised work; so is a trim to a bound that is not a constant.
/// </summary>
public class BoundedTopListTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks;\n";

    private const string Candidate = """
        sealed class Plan
        {
            public Plan(int id, double score) { Id = id; Score = score; }
            public int Id { get; }
            public double Score { get; }
        }

        static class Scoring
        {
            public static double Score(int seed)
            {
                var rng = new Random(seed);
                double s = 0;
                for (int k = 0; k < 20000; k++) s += rng.NextDouble() * Math.Sin(k);
                return s;
            }
        }

        """;

    [Fact]
    public async Task TopTenTrimmedAfterTheSort_DoesNotReport()
    {
        var source = Usings + Candidate + """
            static class Search
            {
                public static List<Plan> Best(int samples)
                {
                    var top = new List<Plan>();
                    Parallel.For(0, samples, i =>
                    {
                        var plan = new Plan(i, Scoring.Score(i));
                        lock (top)
                        {
                            if (top.Count < 10 || plan.Score > top[top.Count - 1].Score)
                            {
                                top.Add(plan);
                                top.Sort((a, b) => b.Score.CompareTo(a.Score));
                                if (top.Count > 10) top.RemoveAt(top.Count - 1);
                            }
                        }
                    });
                    return top;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task FieldListTrimmedByRemoveRange_DoesNotReport()
    {
        var source = Usings + Candidate + """
            class Leaderboard
            {
                private const int Keep = 5;
                private readonly List<Plan> _leaders = new List<Plan>();

                public void Run(int[] seeds)
                {
                    Parallel.ForEach(seeds, seed =>
                    {
                        var plan = new Plan(seed, Scoring.Score(seed));
                        lock (_leaders)
                        {
                            _leaders.Add(plan);
                            _leaders.Sort((a, b) => b.Score.CompareTo(a.Score));
                            if (_leaders.Count > Keep) _leaders.RemoveRange(Keep, _leaders.Count - Keep);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task ListOnlyAddedToAndSorted_Reports()
    {
        var source = Usings + Candidate + """
            class Ranking
            {
                private readonly List<Plan> _all = new List<Plan>();

                public void Run(int[] seeds)
                {
                    Parallel.ForEach(seeds, seed =>
                    {
                        var plan = new Plan(seed, Scoring.Score(seed));
                        {|#0:lock (_all)|}
                        {
                            _all.Add(plan);
                            _all.Sort((a, b) => b.Score.CompareTo(a.Score));
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_all", "List.Sort (sorting)", "a Parallel.ForEach body"));
    }

    [Fact]
    public async Task TrimmedToACallersBound_Reports()
    {
        var source = Usings + Candidate + """
            class Ranking
            {
                private readonly List<Plan> _kept = new List<Plan>();

                public void Run(int[] seeds, int keep)
                {
                    Parallel.ForEach(seeds, seed =>
                    {
                        var plan = new Plan(seed, Scoring.Score(seed));
                        {|#0:lock (_kept)|}
                        {
                            _kept.Add(plan);
                            _kept.Sort((a, b) => b.Score.CompareTo(a.Score));
                            if (_kept.Count > keep) _kept.RemoveAt(_kept.Count - 1);
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
                .WithArguments("_kept", "List.Sort (sorting)", "a Parallel.ForEach body"));
    }
}
