namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>The code a throwaway consumer project compiles.</summary>
public static class ConsumerSources
{
    /// <summary>Where GIL001 squiggles: the <c>lock (x)</c> header.</summary>
    public const string LockMarker = "lock (Gate)";

    /// <summary>
    /// GIL001's anti-pattern: every Parallel.For worker computes while holding the same static lock. Written in
    /// C# 7.3 (block-scoped namespace, no newer syntax) so consumers of every language version compile it.
    /// </summary>
    public static string AntiPattern(string ns, string typeName = "AntiPattern") => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            public static class {{typeName}}
            {
                private static readonly object Gate = new object();
                private static double total;

                public static double Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            for (int k = 0; k < 100000; k++)
                            {
                                total += Math.Sqrt(k + i);
                            }
                        }
                    });
                    return total;
                }
            }
        }

        """;

    /// <summary>
    /// The shape GIL001's "move the computation out of the lock" fix handles most simply: the lock guards a call
    /// to a CPU-heavy method whose result feeds the shared update. C# 7.3, so any consumer compiles it.
    /// </summary>
    /// <summary>
    /// A GIL001 site whose fix is refused: the locked computation reads <c>factor</c>, which another region on the same lock
    /// writes, so nothing may move out of the lock.
    /// </summary>
    public static string RefusedGil001(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            public static class Refused
            {
                private static readonly object Gate = new object();
                private static double total;
                private static double factor = 1;

                public static double Run(int n)
                {
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
                    return total;
                }
            }
        }

        """;

    public static string HeavyCallUnderLock(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            public static class HeavyCallUnderLock
            {
                private static readonly object Gate = new object();
                private static double total;

                public static double Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        lock (Gate)
                        {
                            double local = Heavy(i);
                            total += local;
                        }
                    });
                    return total;
                }

                private static double Heavy(int seed)
                {
                    double sum = 0;
                    for (int k = 0; k < 200000; k++)
                    {
                        sum += Math.Sqrt(k + seed);
                    }

                    return sum;
                }
            }
        }

        """;

    /// <summary>
    /// <see cref="AntiPattern"/> with the computation moved out of the lock (what the fixed file looks like),
    /// under the same type name so an editor can swap one text for the other.
    /// </summary>
    public static string FixedPattern(string ns, string typeName) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}}
        {
            public static class {{typeName}}
            {
                private static readonly object Gate = new object();
                private static double total;

                public static double Run(int n)
                {
                    Parallel.For(0, n, i =>
                    {
                        double local = 0;
                        for (int k = 0; k < 100000; k++)
                        {
                            local += Math.Sqrt(k + i);
                        }

                        lock (Gate)
                        {
                            total += local;
                        }
                    });
                    return total;
                }
            }
        }

        """;
}
