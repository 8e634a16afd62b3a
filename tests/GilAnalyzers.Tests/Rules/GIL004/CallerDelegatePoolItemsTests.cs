using Xunit;
using Verify004 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules.GIL004;

/// <summary>
/// A library's own parallel-for stand-in (<c>ForEach(source, Action&lt;T&gt; body)</c>): one pool item per core pulls the
/// next element from a shared enumerator and runs the caller's delegate on it, a counter and an event joining them. The
/// items only run whatever body the caller passes — the method is infrastructure, not one computation split by hand, so
/// it is no GIL004 site. The same items doing their own CPU-bound work on each element are.
/// </summary>
public class CallerDelegatePoolItemsTests
{
    [Fact]
    public async Task PoolItemsRunningTheCallersDelegate_NoDiagnostic()
    {
        var source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;

            public static class Parallelism
            {
                public static void ForEach<T>(IEnumerable<T> items, Action<T> action)
                {
                    int pending = Environment.ProcessorCount;
                    Exception failure = null;
                    using (var cursor = items.GetEnumerator())
                    using (var finished = new ManualResetEvent(false))
                    {
                        for (int w = 0; w < Environment.ProcessorCount; w++)
                        {
                            ThreadPool.QueueUserWorkItem(_ =>
                            {
                                while (true)
                                {
                                    T current;
                                    lock (cursor)
                                    {
                                        if (!cursor.MoveNext()) break;
                                        current = cursor.Current;
                                    }

                                    try
                                    {
                                        action(current);
                                    }
                                    catch (Exception ex)
                                    {
                                        failure = ex;
                                        break;
                                    }
                                }

                                if (Interlocked.Decrement(ref pending) == 0) finished.Set();
                            });
                        }

                        finished.WaitOne();
                    }

                    if (failure != null) throw failure;
                }
            }
            """;
        await Verify004.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PoolItemsHashingEachElementThemselves_IsGil004()
    {
        // The same dispatch, but the item computes on each element itself: a hand-made split of this method's work.
        var source = """
            using System;
            using System.Collections.Generic;
            using System.Threading;

            public static class Checksums
            {
                public static void Fill(IEnumerable<uint[]> blocks, Action<uint> report)
                {
                    int pending = Environment.ProcessorCount;
                    using (var cursor = blocks.GetEnumerator())
                    using (var finished = new ManualResetEvent(false))
                    {
                        for (int w = 0; w < Environment.ProcessorCount; w++)
                        {
                            {|GIL004:ThreadPool.QueueUserWorkItem(_ =>
                            {
                                while (true)
                                {
                                    uint[] block;
                                    lock (cursor)
                                    {
                                        if (!cursor.MoveNext()) break;
                                        block = cursor.Current;
                                    }

                                    uint sum = 17;
                                    for (int round = 0; round < 64; round++)
                                    {
                                        for (int i = 0; i < block.Length; i++)
                                        {
                                            sum = (sum * 31) ^ (block[i] + (uint)round);
                                        }
                                    }

                                    report(sum);
                                }

                                if (Interlocked.Decrement(ref pending) == 0) finished.Set();
                            })|};
                        }

                        finished.WaitOne();
                    }
                }
            }
            """;
        await Verify004.VerifyAnalyzerAsync(source);
    }
}
