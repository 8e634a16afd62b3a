using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL005 on shapes real code has: abstract Task methods whose overrides compute and return a completed task, plain
/// Task methods returning Task.FromResult, recursive divide-and-conquer async methods, and Task.WhenAll(a, b) against
/// .NET 9+ references (the params ReadOnlySpan overload).
/// </summary>
public class RealAsync2OverridesRecursionTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private const string Individuals = """
        abstract class Individual
        {
            public int[] Genome = new int[128];
            private double? _cached;

            public abstract Task<double> FitnessAsync();

            public async Task<double> CachedFitnessAsync()
            {
                if (_cached.HasValue) return _cached.Value;
                _cached = await FitnessAsync();
                return _cached.Value;
            }
        }

        sealed class RouteIndividual : Individual
        {
            public override Task<double> FitnessAsync()
            {
                double length = 0;
                for (int i = 1; i < Genome.Length; i++) length += Math.Sqrt(Genome[i] * (double)Genome[i - 1]);
                return Task.FromResult(length);
            }
        }

        sealed class BagIndividual : Individual
        {
            public override async Task<double> FitnessAsync()
            {
                double value = 0;
                foreach (var gene in Genome) value += gene * 0.75;
                return await Task.FromResult(value);
            }
        }

        """;

    [Fact]
    public async Task AbstractMethodWhoseOverridesComputeSynchronously_AwaitedThroughCachingWrapper_Reports()
    {
        var source = Usings + Individuals + """
            class Population
            {
                public List<Individual> Members = new List<Individual>();

                public async Task<double> BestAsync()
                    => (await {|#0:Task.WhenAll(Members.Select(m => m.CachedFitnessAsync()))|}).Max();

                public Task<double[]> ScoresAsync() => {|#1:Task.WhenAll(Members.Select(m => m.FitnessAsync()))|};
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "one call per element of 'Members'", "CachedFitnessAsync", "for loop"),
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(1)
                .WithArguments("WhenAll", "one call per element of 'Members'", "FitnessAsync", "for loop"));
    }

    [Fact]
    public async Task AbstractMethod_OneOverrideYieldsFirst_NoOverrides_OrTrivialOverride_NoDiagnostic()
    {
        var source = Usings + """
            abstract class Job
            {
                public int[] Data = new int[256];
                public abstract Task<double> RunAsync();
            }

            sealed class EagerJob : Job
            {
                public override Task<double> RunAsync()
                {
                    double s = 0;
                    for (int i = 0; i < Data.Length; i++) s += Data[i];
                    return Task.FromResult(s);
                }
            }

            sealed class PoliteJob : Job
            {
                public override async Task<double> RunAsync()
                {
                    await Task.Yield();
                    double s = 0;
                    for (int i = 0; i < Data.Length; i++) s += Data[i];
                    return s;
                }
            }

            abstract class Source
            {
                public abstract Task<string> LookupAsync(string key);
            }

            abstract class Probe
            {
                public abstract Task<int> PeekAsync();
            }

            sealed class FirstProbe : Probe
            {
                private readonly int[] _values = new int[8];
                public override Task<int> PeekAsync() => Task.FromResult(_values[0]);
            }

            static class Runner
            {
                public static Task<double[]> RunAll(List<Job> jobs) => Task.WhenAll(jobs.Select(j => j.RunAsync()));

                public static Task<string[]> LookupAll(Source source, string[] keys) => Task.WhenAll(keys.Select(k => source.LookupAsync(k)));

                public static Task<int[]> PeekAll(List<Probe> probes) => Task.WhenAll(probes.Select(p => p.PeekAsync()));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task InterfaceMethodWhoseImplementationReturnsFromResult_TasksCollectedInList_Reports()
    {
        var source = Usings + """
            interface IChecksum
            {
                Task<long> ComputeAsync(byte[] block);
            }

            sealed class PolynomialChecksum : IChecksum
            {
                public Task<long> ComputeAsync(byte[] block)
                {
                    long h = 17;
                    for (int i = 0; i < block.Length; i++) h = h * 31 + block[i];
                    return Task.FromResult(h);
                }
            }

            static class Checksums
            {
                public static async Task<long[]> AllAsync(IChecksum checksum, List<byte[]> blocks)
                {
                    var pending = new List<Task<long>>();
                    foreach (var block in blocks) pending.Add(checksum.ComputeAsync(block));
                    return await {|#0:Task.WhenAll(pending)|};
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "the calls added to 'pending'", "ComputeAsync", "for loop"));
    }

    [Fact]
    public async Task PlainTaskMethodReturningRealIo_NoDiagnostic()
    {
        var source = Usings + """
            static class Loader
            {
                static Task<byte[]> LoadAsync(string path) => File.ReadAllBytesAsync(path);

                static Task<int> CountAsync(int[] values)
                {
                    return Task.Run(() => { int c = 0; foreach (var v in values) if (v > 0) c++; return c; });
                }

                public static Task<byte[][]> LoadAll(string[] paths) => Task.WhenAll(paths.Select(p => LoadAsync(p)));

                public static Task<int[]> CountAll(List<int[]> sets) => Task.WhenAll(sets.Select(s => CountAsync(s)));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    private const string RecursiveFilter = """
        sealed class HalvingFilter
        {
            private readonly int _smallest;
            public HalvingFilter(int smallest) { _smallest = smallest; }

            public async Task<int[]> KeepAsync(int[] items, Func<int, bool> keep)
            {
                if (items.Length / 2 > _smallest)
                {
                    var first = KeepAsync(items.Take(items.Length / 2).ToArray(), keep);
                    var second = KeepAsync(items.Skip(items.Length / 2).ToArray(), keep);
                    var halves = await {|#0:Task.WhenAll(first, second)|};
                    return halves[0].Concat(halves[1]).ToArray();
                }

                return items.Where(keep).ToArray();
            }
        }
        """;

    [Fact]
    public async Task RecursiveDivideAndConquer_NeverYieldsBeforeTheLeafWork_Reports()
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + RecursiveFilter,
            VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
                .WithArguments("WhenAll", "2 calls", "KeepAsync", "LINQ pipeline"));
    }

    [Fact]
    public async Task RecursiveDivideAndConquer_AgainstNet10References_ParamsSpanOverload_Reports()
    {
        var test = new VerifyCS.Test { TestCode = Usings + RecursiveFilter, ReferenceAssemblies = Verifiers.TestReferences.Net100 };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SequentialAsyncCpuWork).WithLocation(0)
            .WithArguments("WhenAll", "2 calls", "KeepAsync", "LINQ pipeline"));
        await test.RunAsync();
    }

    [Fact]
    public async Task RecursiveDivideAndConquer_HalvesOffloadedOrYieldFirst_NoDiagnostic()
    {
        var source = Usings + """
            sealed class HalvingFilter
            {
                private readonly int _smallest;
                public HalvingFilter(int smallest) { _smallest = smallest; }

                public async Task<int[]> OffloadedAsync(int[] items, Func<int, bool> keep)
                {
                    if (items.Length / 2 > _smallest)
                    {
                        var first = Task.Run(() => OffloadedAsync(items.Take(items.Length / 2).ToArray(), keep));
                        var second = Task.Run(() => OffloadedAsync(items.Skip(items.Length / 2).ToArray(), keep));
                        var halves = await Task.WhenAll(first, second);
                        return halves[0].Concat(halves[1]).ToArray();
                    }

                    return items.Where(keep).ToArray();
                }

                public async Task<int[]> YieldingAsync(int[] items, Func<int, bool> keep)
                {
                    await Task.Yield();
                    if (items.Length / 2 > _smallest)
                    {
                        var first = YieldingAsync(items.Take(items.Length / 2).ToArray(), keep);
                        var second = YieldingAsync(items.Skip(items.Length / 2).ToArray(), keep);
                        var halves = await Task.WhenAll(first, second);
                        return halves[0].Concat(halves[1]).ToArray();
                    }

                    return items.Where(keep).ToArray();
                }

                public async Task<int[]> BranchWithoutRecursionAsync(int[] items, Stream log)
                {
                    if (items.Length == 0)
                    {
                        await log.WriteAsync(new byte[1], 0, 1);
                        return items;
                    }

                    return items.Where(i => i > 0).ToArray();
                }
            }

            static class Caller
            {
                public static Task<int[][]> Both(HalvingFilter f, int[] a, int[] b, Stream log)
                    => Task.WhenAll(f.BranchWithoutRecursionAsync(a, log), f.BranchWithoutRecursionAsync(b, log));
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }
}
