using Xunit;
using Verify003 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// <c>new Thread(work, maxStackSize)</c>: a stack size at or below the default (1 MB) only saves memory — pool threads,
/// which Parallel.For runs on, have a default-sized stack, so the work fits there too. Threads made with such a size and
/// joined are a hand-made thread split like any other (the fix keeps away: it would drop the argument). A stack larger
/// than the default is deliberate (deep recursion that a pool thread could not hold): those threads stay out.
/// </summary>
public class Threads45StackSizeTests
{
    private const string Hasher = """
        using System;
        using System.Threading;

        public static class Stretcher
        {
            public static void Mix(ulong[] state, int offset, int rounds)
            {
                var scratch = new ulong[64];
                for (int r = 0; r < rounds; r++)
                {
                    for (int k = 0; k < scratch.Length; k++)
                    {
                        scratch[k] = (state[offset + (k & 7)] * 6364136223846793005UL) ^ (scratch[(k + 1) & 63] >> 7);
                    }

                    state[offset + (r & 7)] ^= scratch[r & 63];
                }
            }

        """;

    [Fact]
    public async Task SmallStackThreadsClaimingLanesByCounter_IsGil003()
    {
        var source = Hasher + """
                public static void RunLanes(ulong[] state, int lanes, int rounds)
                {
                    int next = 0;
                    ThreadStart worker = delegate
                    {
                        while (true)
                        {
                            int lane = Interlocked.Increment(ref next) - 1;
                            if (lane >= lanes)
                            {
                                break;
                            }

                            Mix(state, lane * 8, rounds);
                        }
                    };

                    int count = Math.Max(1, Math.Min(Environment.ProcessorCount, lanes));
                    var helpers = new Thread[count - 1];
                    for (int i = 0; i < helpers.Length; i++)
                    {
                        (helpers[i] = {|GIL003:new Thread(worker, 64 * 1024)|}).Start();
                    }

                    worker();
                    for (int i = 0; i < helpers.Length; i++)
                    {
                        helpers[i].Join();
                    }
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task LargeStackThreadsClaimingLanesByCounter_NoDiagnostic()
    {
        // 64 MB each: the work is written for a deeper stack than a pool thread has.
        var source = Hasher + """
                public static void RunLanes(ulong[] state, int lanes, int rounds)
                {
                    int next = 0;
                    ThreadStart worker = delegate
                    {
                        while (true)
                        {
                            int lane = Interlocked.Increment(ref next) - 1;
                            if (lane >= lanes)
                            {
                                break;
                            }

                            Mix(state, lane * 8, rounds);
                        }
                    };

                    var helpers = new Thread[Environment.ProcessorCount];
                    for (int i = 0; i < helpers.Length; i++)
                    {
                        (helpers[i] = new Thread(worker, 64 * 1024 * 1024)).Start();
                    }

                    for (int i = 0; i < helpers.Length; i++)
                    {
                        helpers[i].Join();
                    }
                }
            }
            """;
        await Verify003.VerifyAnalyzerAsync(source);
    }
}
