namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>The code a throwaway consumer project compiles.</summary>
public static class ConsumerSources
{
    /// <summary>Where GIL001 squiggles: the <c>lock (x)</c> header.</summary>
    public const string LockMarker = "lock (Gate)";

    /// <summary>GIL001's anti-pattern: every Parallel.For worker computes while holding the same static lock.</summary>
    public static string AntiPattern(string ns) => $$"""
        using System;
        using System.Threading.Tasks;

        namespace {{ns}};

        public static class AntiPattern
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

        """;

    /// <summary>The same work done right: computed outside the lock, which guards only the shared update.</summary>
    public const string CorrectPattern = """
        using System;
        using System.Threading.Tasks;

        namespace Consumer;

        public static class CorrectPattern
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

        """;
}
