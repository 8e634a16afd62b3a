using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A shared lock around a lookup in a sorted array written out as a binary search (<c>while (low &lt;= high) { mid =
/// (low + high) &gt;&gt; 1; … low = mid + 1; … high = mid - 1; }</c>), as data structures keep their own sorted indexes: a few
/// dozen passes at most, not a loop over the data. A search per element of a loop under the lock, a linear scan written
/// as a while loop, and a search whose ends move by one step stay reported.
/// </summary>
public class Locks64BinarySearchTests
{
    private const string Index = """
        using System;
        using System.Threading.Tasks;

        public sealed class SortedIndex
        {
            private static readonly object s_sync = new object();
            private readonly object _gate = new object();
            private readonly int[] _keys;
            private readonly long[] _hits;
            private readonly int _count;

            public SortedIndex(int[] keys)
            {
                _keys = keys;
                _hits = new long[keys.Length];
                _count = keys.Length;
            }

            private static int Find(int[] store, int key, int length)
            {
                if (length == 0) return -1;
                int low = 0, high = length - 1, mid;
                while (low <= high)
                {
                    mid = (low + high) >> 1;
                    if (key < store[mid])
                        high = mid - 1;
                    else if (key > store[mid])
                        low = mid + 1;
                    else
                        return mid;
                }

                return ~low;
            }

            private static int Scan(int[] store, int key, int length)
            {
                int i = 0;
                while (i < length)
                {
                    if (store[i] == key)
                        return i;
                    i = i + 1;
                }

                return -1;
            }

        """;

    [Fact]
    public async Task CountInSortedIndexUnderLockInParallelFor_NoDiagnostic()
    {
        var source = Index + """
                public void Count(int[] samples)
                {
                    Parallel.For(0, samples.Length, i =>
                    {
                        lock (_gate)
                        {
                            var pos = Find(_keys, samples[i], _count);
                            if (pos >= 0) _hits[pos]++;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task InlineBinarySearchUnderLockInParallelFor_NoDiagnostic()
    {
        // lo + (hi - lo) / 2, the end moved to the midpoint itself: the other common spelling.
        var source = Index + """
                public void Bin(double[] samples, double[] bounds)
                {
                    Parallel.For(0, samples.Length, i =>
                    {
                        lock (_gate)
                        {
                            int lo = 0, hi = bounds.Length;
                            while (lo < hi)
                            {
                                int mid = lo + (hi - lo) / 2;
                                if (bounds[mid] <= samples[i]) lo = mid + 1; else hi = mid;
                            }

                            _hits[lo]++;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SearchPerSampleUnderLock_IsReported()
    {
        // The lock holds a loop over a whole batch, each sample looked up: the batch is the work.
        var source = Index + """
                public void Count(int[][] batches)
                {
                    Parallel.For(0, batches.Length, b =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            foreach (var key in batches[b])
                            {
                                var pos = Find(_keys, key, _count);
                                if (pos >= 0) _hits[pos]++;
                            }
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("GIL001").WithLocation(0).WithArguments("_gate", "foreach loop", "a Parallel.For body"));
    }

    [Fact]
    public async Task LinearScanUnderLock_IsReported()
    {
        var source = Index + """
                public void Count(int[] samples)
                {
                    Parallel.For(0, samples.Length, i =>
                    {
                        {|#0:lock (_gate)|}
                        {
                            var pos = Scan(_keys, samples[i], _count);
                            if (pos >= 0) _hits[pos]++;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic("GIL001").WithLocation(0).WithArguments("_gate", "calls 'Scan' (while loop)", "a Parallel.For body"));
    }
}
