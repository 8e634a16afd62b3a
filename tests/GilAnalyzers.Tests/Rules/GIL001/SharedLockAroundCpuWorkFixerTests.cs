using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

public class SharedLockAroundCpuWorkFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_HoistsLocalComputationAndKeepsUpdate(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static double Heavy(int x)
                {
                    double s = 0;
                    for (int k = 0; k < x; k++) s += Math.Sqrt(k);
                    return s;
                }

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            var r = Heavy(i);
                            for (int k = 0; k < 1000; k++)
                            {
                                r = r * 0.5 + k;
                            }
                            total += r;
                        }
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;

                static double Heavy(int x)
                {
                    double s = 0;
                    for (int k = 0; k < x; k++) s += Math.Sqrt(k);
                    return s;
                }

                static void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        var r = Heavy(i);
                        for (int k = 0; k < 1000; k++)
                        {
                            r = r * 0.5 + k;
                        }
                        lock (Gate)
                        {
                            total += r;
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Gate", "for loop", "a Parallel.For body"));
    }

    private static string Wrap(string body, string members = "") => Usings + """
        class C
        {
            static readonly object Gate = new object();
            static long count;
            static long hits;
            static int remaining;
            static double total;
            static double factor;
            static readonly List<string> names = new List<string>();
        """ + members + """

            static void Run(int n, List<int> items)
            {
        """ + "\n" + body + "\n" + """
            }
        }
        """;

    private static Task VerifyAsync(string body, string fixedBody, string key, LanguageVersion version = LanguageVersion.Latest, string members = "")
        => VerifyCS.VerifyCodeFixAsync(Wrap(body, members), Wrap(fixedBody, members), key, version);

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_ExtractsTheCallThatFeedsTheUpdate(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            names.Add(s.ToString("F2"));
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        var item = s.ToString("F2");
                        lock (Gate)
                        {
                            names.Add(item);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task MoveOut_WorkOnItsOwnBuffersThroughArrayAndConvertCalls_LeavesTheSharedUpdate()
    {
        // Array.Clear / Array.Copy write only the arrays handed to them (here made in the body), AsSpan makes a view and
        // Convert computes a new value: none of them reaches shared state, so only the update stays locked.
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var window = new byte[64];
                            var copy = new byte[64];
                            long mix = 0;
                            for (int round = 0; round < n; round++)
                            {
                                Array.Clear(window, 0, window.Length);
                                for (int k = 0; k < window.Length; k++) window[k] = (byte)(k * round + i);
                                Array.Copy(window, copy, window.Length);
                                mix += copy.AsSpan(0, 8)[3] + Convert.ToInt32(window[5]);
                            }
                            count += mix;
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        var window = new byte[64];
                        var copy = new byte[64];
                        long mix = 0;
                        for (int round = 0; round < n; round++)
                        {
                            Array.Clear(window, 0, window.Length);
                            for (int k = 0; k < window.Length; k++) window[k] = (byte)(k * round + i);
                            Array.Copy(window, copy, window.Length);
                            mix += copy.AsSpan(0, 8)[3] + Convert.ToInt32(window[5]);
                        }
                        lock (Gate)
                        {
                            count += mix;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task MoveOut_WritesThroughAnIndexFromTheEndOfItsOwnList()
    {
        // bits[^1] |= mask on a list the body made: an indexer write on its own object, not shared state.
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var bits = new List<byte>();
                            for (int k = 0; k < n; k++)
                                for (int b = 0; b < 32; b++)
                                {
                                    if (b % 8 == 0) bits.Add(0);
                                    if (((k * i) >> b & 1) == 1) bits[^1] |= (byte)(0x80 >> (b % 8));
                                }
                            count += bits.Count;
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        var bits = new List<byte>();
                        for (int k = 0; k < n; k++)
                            for (int b = 0; b < 32; b++)
                            {
                                if (b % 8 == 0) bits.Add(0);
                                if (((k * i) >> b & 1) == 1) bits[^1] |= (byte)(0x80 >> (b % 8));
                            }
                        lock (Gate)
                        {
                            count += bits.Count;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    private const string BitPacker = """
            sealed class Packer
            {
                private readonly List<byte> _bytes = new List<byte>();
                private int _bit;
                public void Put(bool on)
                {
                    if (_bit == 0) _bytes.Add(0);
                    if (on) _bytes[^1] |= (byte)(0x80 >> _bit);
                    Advance();
                }
                private void Advance() => _bit = (_bit + 1) & 7;
                public int Length => _bytes.Count;
            }
            sealed class SharedPacker
            {
                private readonly List<byte> _bytes;
                public SharedPacker(List<byte> into) { _bytes = into; }
                public void Put(bool on) => _bytes.Add(on ? (byte)1 : (byte)0);
            }

        """;

    [Fact]
    public async Task MoveOut_AHelperObjectMadeInTheLockChangesOnlyItself()
    {
        // Put and Length change and read only the Packer's own fields and the list it made: on a Packer made in the locked
        // code, nothing shared — the packing moves out, the shared update stays.
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            var packer = new Packer();
                            for (int k = 0; k < n; k++)
                                for (int b = 0; b < 32; b++) packer.Put(((k * i) >> b & 1) == 1);
                            count += packer.Length;
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        var packer = new Packer();
                        for (int k = 0; k < n; k++)
                            for (int b = 0; b < 32; b++) packer.Put(((k * i) >> b & 1) == 1);
                        lock (Gate)
                        {
                            count += packer.Length;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, members: BitPacker);
    }

    [Fact]
    public async Task AHelperObjectThatWritesIntoAListItWasHanded_OffersNoMoveOut()
    {
        // SharedPacker writes into the list its constructor was given — here one list every worker shares.
        var source = Wrap("""
                    var sink = new List<byte>();
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            var packer = new SharedPacker(sink);
                            for (int k = 0; k < n; k++)
                                for (int b = 0; b < 32; b++) packer.Put(((k * i) >> b & 1) == 1);
                            count += k0(i);
                        }
                    });
            """, BitPacker + "    static long k0(int i) => i;\n");
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.All(offers, o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, o.Keys));
    }

    private const string Relaxation = """
            static double[] NewGrid(int size)
            {
                var grid = new double[size];
                for (int j = 0; j < grid.Length; j++) grid[j] = 1.0;
                return grid;
            }
            static double[] Cached = new double[8];
            static double[] SharedGrid(int size) => size <= 8 ? Cached : new double[size];
            static long Relax(int size, bool inPlace) => Sweep(NewGrid(size), inPlace);
            static long Sweep(double[] start, bool inPlace)
            {
                var u = start.Length > 0 ? NewGrid(start.Length) : NewGrid(1);
                var next = inPlace ? u : NewGrid(u.Length);
                long sweeps = 0;
                for (int s = 0; s < u.Length; s++)
                {
                    for (int j = 1; j < u.Length - 1; j++) next[j] = 0.5 * (u[j - 1] + u[j + 1]);
                    (u, next) = (next, u);
                    sweeps++;
                }
                return sweeps;
            }
            static long RelaxShared(int size)
            {
                var u = SharedGrid(size);
                long sweeps = 0;
                for (int s = 0; s < size; s++)
                {
                    for (int j = 1; j < u.Length - 1; j++) u[j] = 0.5 * (u[j - 1] + u[j + 1]);
                    sweeps++;
                }
                return sweeps;
            }

        """;

    [Fact]
    public async Task MoveOut_WorkOnArraysFromASourceFactoryAndSwapped_LeavesTheSharedUpdate()
    {
        // NewGrid only ever returns the new array it filled, 'next' is 'u' or another new array, and the swap trades the two:
        // Relax writes only its own memory, so the call moves out of the lock and the sum stays.
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            count += Relax(n, i % 2 == 0);
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        var value = Relax(n, i % 2 == 0);
                        lock (Gate)
                        {
                            count += value;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, members: Relaxation);
    }

    [Fact]
    public async Task AFactoryThatMayReturnACachedArray_IsNotFresh()
    {
        // SharedGrid hands out the static Cached array for small sizes: writes through it are shared.
        var source = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            count += RelaxShared(n);
                        }
                    });
            """, Relaxation);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork || o.Id == DiagnosticIds.ProcessGlobalStateUnderLock);
        Assert.All(offers, o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, o.Keys));
    }

    [Fact]
    public async Task ArrayCallsOnASharedBuffer_OfferNoMoveOut()
    {
        // The same calls on one scratch buffer all workers share write shared state: moving them out would race.
        var source = Wrap("""
                    var scratch = new byte[64];
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            long mix = 0;
                            for (int round = 0; round < n; round++)
                            {
                                Array.Clear(scratch, 0, scratch.Length);
                                for (int k = 0; k < scratch.Length; k++) scratch[k] = (byte)(k * round + i);
                                mix += scratch[5];
                            }
                            count += mix;
                        }
                    });
            """);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Contains(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.All(offers, o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, o.Keys));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_IntegerLoopAccumulatesIntoALocalAndAddsOnce(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int k = 0; k < n; k++)
                            {
                                count += (k * i) % 7;
                            }
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        long countSum = 0;
                        for (int k = 0; k < n; k++)
                        {
                            countSum += (k * i) % 7;
                        }
                        lock (Gate)
                        {
                            count += countSum;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task Interlocked_LoopSumBecomesOneInterlockedAdd()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            for (int k = 0; k < n; k++)
                            {
                                count += (k * i) % 7;
                            }
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        long countSum = 0;
                        for (int k = 0; k < n; k++)
                        {
                            countSum += (k * i) % 7;
                        }
                        Interlocked.Add(ref count, countSum);
                    });
            """, SharedLockAroundCpuWorkFixer.InterlockedKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task Interlocked_LoneDecrementAfterLocalWork(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            remaining--;
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Interlocked.Decrement(ref remaining);
                    });
            """, SharedLockAroundCpuWorkFixer.InterlockedKey, version);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task ThreadLocal_IntegerSumUsesLocalInitAndLocalFinally(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            long inside = 0;
                            for (int k = 0; k < n; k++)
                            {
                                if ((k ^ i) % 3 == 0) inside++;
                            }
                            hits += inside;
                        }
                    });
            """, """
                    Parallel.For<long>(0, n, () => 0, (i, loopState, localHits) =>
                    {
                        long inside = 0;
                        for (int k = 0; k < n; k++)
                        {
                            if ((k ^ i) % 3 == 0) inside++;
                        }
                        localHits += inside;
                        return localHits;
                    }, localHits =>
                    {
                        lock (Gate)
                        {
                            hits += localHits;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey, version);
    }

    [Fact]
    public async Task ThreadLocal_MaxOverForEachStartsFromNegativeInfinity()
    {
        await VerifyAsync("""
                    double best = double.MinValue;
                    Parallel.ForEach(items, item =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < item; k++) s += Math.Sin(k);
                            best = Math.Max(best, s);
                        }
                    });
            """, """
                    double best = double.MinValue;
                    Parallel.ForEach<int, double>(items, () => double.NegativeInfinity, (item, loopState, localBest) =>
                    {
                        double s = 0;
                        for (int k = 0; k < item; k++) s += Math.Sin(k);
                        localBest = Math.Max(localBest, s);
                        return localBest;
                    }, localBest =>
                    {
                        lock (Gate)
                        {
                            best = Math.Max(best, localBest);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Fact]
    public async Task ThreadLocal_ListAddCollectsPerWorkerAndAddsRange()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        if (i % 2 == 0) return;
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            names.Add(s.ToString("F2"));
                        }
                    });
            """, """
                    Parallel.For<List<string>>(0, n, () => new List<string>(), (i, loopState, localNames) =>
                    {
                        if (i % 2 == 0) return localNames;
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        localNames.Add(s.ToString("F2"));
                        return localNames;
                    }, localNames =>
                    {
                        lock (Gate)
                        {
                            names.AddRange(localNames);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MoveOut_SemaphoreSlimGate(LanguageVersion version)
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:Sem.Wait()|};
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total = Math.Round(s);
                        }
                        finally
                        {
                            Sem.Release();
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        var value = Math.Round(s);
                        Sem.Wait();
                        try
                        {
                            total = value;
                        }
                        finally
                        {
                            Sem.Release();
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version, "    static readonly SemaphoreSlim Sem = new SemaphoreSlim(1, 1);\n");
    }

    [Fact]
    public async Task MoveOut_MonitorEnterTryFinally()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:Monitor.Enter(Gate)|};
                        try
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    });
            """, """
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        Monitor.Enter(Gate);
                        try
                        {
                            total += s;
                        }
                        finally
                        {
                            Monitor.Exit(Gate);
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task FixAll_FixesEveryLockInTheDocument(LanguageVersion version)
    {
        var source = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;
                static double other;

                static void A(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                    });
                }

                static void B(int n)
                {
                    Parallel.For(0, n, j =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Cos(k * j);
                            other += s;
                        }
                    });
                }
            }
            """;
        var fixedSource = Usings + """
            class C
            {
                static readonly object Gate = new object();
                static double total;
                static double other;

                static void A(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        lock (Gate)
                        {
                            total += s;
                        }
                    });
                }

                static void B(int n)
                {
                    Parallel.For(0, n, j =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Cos(k * j);
                        lock (Gate)
                        {
                            other += s;
                        }
                    });
                }
            }
            """;
        var test = new VerifyCS.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
            LanguageVersion = version,
        };
        await test.RunAsync(CancellationToken.None);
    }

    // ------------------------------------------------------------------ refusals: no code action at all

    [Theory]
    [InlineData("reads a captured variable the locked update writes", """
                    double scale = 1;
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double r = 0;
                            for (int k = 0; k < n; k++) r += scale * k;
                            scale = r;
                        }
                    });
            """)]
    [InlineData("floating-point sum regrouped", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            for (int k = 0; k < n; k++) total += Math.Sqrt(k * i);
                        }
                    });
            """)]
    [InlineData("checked arithmetic", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            checked
                            {
                                for (int k = 0; k < n; k++) count += k * i;
                            }
                        }
                    });
            """)]
    [InlineData("jump out of the locked loop", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            for (int k = 0; k < n; k++)
                            {
                                if (k * i == 42) return;
                            }
                            count++;
                        }
                    });
            """)]
    [InlineData("delegate call the analysis cannot see through", """
                    Func<int, double> f = x => Math.Sqrt(x);
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += f(k);
                            total += s;
                        }
                    });
            """)]
    [InlineData("shared write before the computation", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            remaining++;
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count += c;
                        }
                    });
            """)]
    [InlineData("the computation reads what another region on the same lock writes", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += factor * k;
                            total += s;
                        }
                    });
                    lock (Gate) { factor = n; }
            """)]
    [InlineData("another region on the same lock, written as a statement under an if, writes what the computation reads", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += factor * k;
                            total += s;
                        }
                    });
                    if (n > 1) lock (Gate) factor = n;
            """)]
    [InlineData("another region on the same lock, taken with Monitor.Enter(Gate, ref taken), writes what the computation reads", """
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += factor * k;
                            total += s;
                        }
                    });
                    bool taken = false;
                    try
                    {
                        Monitor.Enter(Gate, ref taken);
                        factor = n;
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(Gate);
                    }
            """)]
    public async Task Refusal_NoActionOffered(string why, string body)
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(body));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.True(gil001.Keys.Count == 0, why + ": offered " + string.Join(", ", gil001.Keys));
    }

    [Fact]
    public async Task LazyInitialisationWithCoalesceAssignment_IsAWriteTheLockKeeps()
    {
        // table ??= Build(n) writes the shared field (when it is null): moving it out of the lock would build the table on
        // several threads and publish whichever finishes last.
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            table ??= Build(n);
                        }
                    });
            """, """
                static double[] table;
                static double[] Build(int n)
                {
                    var t = new double[n];
                    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[i] += Math.Sqrt(i * j);
                    return t;
                }
            """));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, gil001.Keys);
    }

    [Fact]
    public async Task DoubleAccumulator_OffersMoveOutButNotThreadLocal()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                    });
            """));
        Assert.Equal(new string?[] { SharedLockAroundCpuWorkFixer.MoveOutOfLockKey }, Assert.Single(offers).Keys);
    }

    [Fact]
    public async Task IntegerFold_PrefersThreadLocalThenInterlockedThenMoveOut()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count += c;
                        }
                    });
            """));
        Assert.Equal(
            new string?[] { SharedLockAroundCpuWorkFixer.ThreadLocalKey, SharedLockAroundCpuWorkFixer.InterlockedKey, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey },
            Assert.Single(offers).Keys);
    }

    [Fact]
    public async Task AccumulatorReadElsewhereInTheBody_NoThreadLocal()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        if (count > 1000) return;
                        lock (Gate)
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count += c;
                        }
                    });
            """));
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, Assert.Single(offers).Keys);
    }

    [Fact]
    public async Task MoveOut_LockEnterScopeOnNet9()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        using ({|GIL001:Sync.EnterScope()|})
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            total += s;
                        }
                    });
            """, "    static readonly Lock Sync = new Lock();\n"),
            FixedCode = Wrap("""
                    Parallel.For(0, n, i =>
                    {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                        using (Sync.EnterScope())
                        {
                            total += s;
                        }
                    });
            """, "    static readonly Lock Sync = new Lock();\n"),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
            ReferenceAssemblies = TestReferences.Net90,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ThreadLocal_MergesWithTheSameSemaphoreForm()
    {
        await VerifyAsync("""
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:Sem.Wait()|};
                        try
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            hits += c;
                        }
                        finally
                        {
                            Sem.Release();
                        }
                    });
            """, """
                    Parallel.For<long>(0, n, () => 0, (i, loopState, localHits) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        localHits += c;
                        return localHits;
                    }, localHits =>
                    {
                        Sem.Wait();
                        try
                        {
                            hits += localHits;
                        }
                        finally
                        {
                            Sem.Release();
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey, LanguageVersion.CSharp7_3, "    static readonly SemaphoreSlim Sem = new SemaphoreSlim(1, 1);\n");
    }

    [Theory]
    [InlineData("element writes through an array that may be shared", """
                    var shared = new double[n];
                    Parallel.For(0, n, i =>
                    {
                        var view = shared;
                        lock (Gate)
                        {
                            for (int k = 0; k < n; k++) view[k] = Math.Sqrt(k * i);
                            total += view[0];
                        }
                    });
            """)]
    [InlineData("an array shared before the lock is filled by the computation", """
                    var published = new List<double[]>();
                    Parallel.For(0, n, i =>
                    {
                        var row = new double[n];
                        lock (Gate) { published.Add(row); }
                        lock (Gate)
                        {
                            for (int k = 0; k < n; k++) row[k] = Math.Sqrt(k * i);
                            total += row[0];
                        }
                    });
            """)]
    [InlineData("a mutating call on a shared collection inside the computation", """
                    var seen = new List<int>();
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) { s += Math.Sqrt(k * i); seen.Add(k); }
                            total += s;
                        }
                    });
            """)]
    public async Task Refusal_NoActionOffered_Aliasing(string why, string body)
    {
        var offers = await CodeFixOffers.ForAsync(Wrap(body));
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.True(gil001.Keys.Count == 0, why + ": offered " + string.Join(", ", gil001.Keys));
    }

    [Fact]
    public async Task Refusal_ComputationReadsWhatASynchronizedMethodWritesUnderTheSameThisLock()
    {
        var source = Usings + """
            using System.Runtime.CompilerServices;

            class Model
            {
                private double _scale = 1;
                private double _total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Rescale(double s) { _scale = s; }

                public void Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (this)
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += _scale * k;
                            _total += s;
                        }
                    });
                }
            }
            """;
        var offers = await CodeFixOffers.ForAsync(source);
        var gil001 = Assert.Single(offers, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork);
        Assert.Empty(gil001.Keys);

        // Without the Synchronized writer the same code is fixable.
        var withoutWriter = source.Replace("[MethodImpl(MethodImplOptions.Synchronized)]", string.Empty, StringComparison.Ordinal);
        var offersWithout = await CodeFixOffers.ForAsync(withoutWriter);
        Assert.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, Assert.Single(offersWithout, o => o.Id == DiagnosticIds.SharedLockAroundCpuWork).Keys);
    }

    [Fact]
    public async Task LockInAMethodThatParallelCodeCalls_MoveOutApplies()
    {
        var source = """
            using System;
            using System.Threading.Tasks;

            class Simulation
            {
                private readonly object _sync = new object();
                private double _energy;

                public void Step(int i)
                {
                    {|#0:lock (_sync)|}
                    {
                        double e = 0;
                        for (int k = 0; k < 10000; k++) e += Math.Sin(k * i);
                        _energy += e;
                    }
                }
            }

            class Runner
            {
                static void Run(Simulation sim, int n) => Parallel.For(0, n, i => sim.Step(i));
            }
            """;
        var fixedSource = """
            using System;
            using System.Threading.Tasks;

            class Simulation
            {
                private readonly object _sync = new object();
                private double _energy;

                public void Step(int i)
                {
                    double e = 0;
                    for (int k = 0; k < 10000; k++) e += Math.Sin(k * i);
                    lock (_sync)
                    {
                        _energy += e;
                    }
                }
            }

            class Runner
            {
                static void Run(Simulation sim, int n) => Parallel.For(0, n, i => sim.Step(i));
            }
            """;
        // The callee form is a compilation-end (non-local) diagnostic; the fix itself is local to the lock.
        var test = new CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, SharedLockAroundCpuWorkFixer>.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
            LanguageVersion = LanguageVersion.CSharp7_3,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        test.ExpectedDiagnostics.Add(CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, SharedLockAroundCpuWorkFixer>
            .Diagnostic(DiagnosticIds.SharedLockAroundCpuWork)
            .WithLocation(0).WithArguments("_sync", "for loop", "'Step', called from a Parallel.For body"));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ThreadLocal_KeepsParallelOptions()
    {
        await VerifyAsync("""
                    var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
                    Parallel.For(0, n, options, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            count -= c;
                        }
                    });
            """, """
                    var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
                    Parallel.For<long>(0, n, options, () => 0, (i, loopState, localCount) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        localCount -= c;
                        return localCount;
                    }, localCount =>
                    {
                        lock (Gate)
                        {
                            count += localCount;
                        }
                    });
            """, SharedLockAroundCpuWorkFixer.ThreadLocalKey);
    }

    [Theory]
    [InlineData(SharedLockAroundCpuWorkFixer.ThreadLocalKey)]
    [InlineData(SharedLockAroundCpuWorkFixer.InterlockedKey)]
    public async Task FixAll_IntegerFoldsInTwoLoops(string key)
    {
        string Loops(string first, string second) => Usings + """
            class C
            {
                static readonly object Gate = new object();
                static long a;
                static long b;

                static void Run(int n)
                {
            """ + "\n" + first + "\n" + second + "\n" + """
                }
            }
            """;
        const string BeforeA = """
                    Parallel.For(0, n, i =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k ^ i;
                            a += c;
                        }
                    });
            """;
        const string BeforeB = """
                    Parallel.For(0, n, j =>
                    {
                        {|GIL001:lock (Gate)|}
                        {
                            long c = 0;
                            for (int k = 0; k < n; k++) c += k & j;
                            b += c;
                        }
                    });
            """;
        var threadLocal = Loops("""
                    Parallel.For<long>(0, n, () => 0, (i, loopState, localA) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        localA += c;
                        return localA;
                    }, localA =>
                    {
                        lock (Gate)
                        {
                            a += localA;
                        }
                    });
            """, """
                    Parallel.For<long>(0, n, () => 0, (j, loopState, localB) =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k & j;
                        localB += c;
                        return localB;
                    }, localB =>
                    {
                        lock (Gate)
                        {
                            b += localB;
                        }
                    });
            """);
        var interlocked = Loops("""
                    Parallel.For(0, n, i =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k ^ i;
                        Interlocked.Add(ref a, c);
                    });
            """, """
                    Parallel.For(0, n, j =>
                    {
                        long c = 0;
                        for (int k = 0; k < n; k++) c += k & j;
                        Interlocked.Add(ref b, c);
                    });
            """);
        var expected = key == SharedLockAroundCpuWorkFixer.ThreadLocalKey ? threadLocal : interlocked;

        // Fixed one at a time, the second rewrite sees the first one's `loopState` in the method and picks another name;
        // FixAll computes both from the original document.
        var iterative = key == SharedLockAroundCpuWorkFixer.ThreadLocalKey
            ? expected.Replace("(j, loopState, localB)", "(j, loopState2, localB)", StringComparison.Ordinal)
            : expected;
        var test = new VerifyCS.Test
        {
            TestCode = Loops(BeforeA, BeforeB),
            FixedCode = iterative,
            BatchFixedCode = expected,
            CodeActionEquivalenceKey = key,
            LanguageVersion = LanguageVersion.CSharp7_3,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task NestedInsideAnotherLock_NoThreadLocal()
    {
        var offers = await CodeFixOffers.ForAsync(Wrap("""
                    var outer = new object();
                    Parallel.For(0, n, i =>
                    {
                        lock (outer)
                        {
                            lock (Gate)
                            {
                                long c = 0;
                                for (int k = 0; k < n; k++) c += k ^ i;
                                count += c;
                            }
                        }
                    });
            """));
        Assert.All(offers.Where(o => o.Id == DiagnosticIds.SharedLockAroundCpuWork),
            o => Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.ThreadLocalKey, o.Keys));
    }
}
