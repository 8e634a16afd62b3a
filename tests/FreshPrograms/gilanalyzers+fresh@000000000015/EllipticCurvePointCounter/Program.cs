using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace EllipticCurvePointCounter;

public sealed record Curve(string Label, long A, long B);

public static class Primes
{
    private static int[]? s_table;
    private static readonly object s_sync = new();

    public static int[] Table
    {
        get
        {
            if (s_table == null)
            {
                lock (s_sync)
                {
                    if (s_table == null)
                    {
                        const int limit = 400_000;
                        var composite = new bool[limit + 1];
                        var list = new List<int>();
                        for (int i = 2; i <= limit; i++)
                        {
                            if (composite[i]) continue;
                            list.Add(i);
                            for (long j = (long)i * i; j <= limit; j += i) composite[j] = true;
                        }
                        s_table = list.ToArray();
                    }
                }
            }
            return s_table;
        }
    }
}

// Ported from an old C number-theory toolkit: one "current modulus" with a residue table, kept in statics.
public static class LegacyModArith
{
    public static readonly object Gate = new();
    private static long s_modulus;
    private static bool[] s_isSquare = Array.Empty<bool>();
    public static long TablesBuilt;

    public static void SetModulus(long p)
    {
        if (p == s_modulus) return;
        s_modulus = p;
        s_isSquare = new bool[p];
        for (long y = 0; y < p; y++) s_isSquare[y * y % p] = true;
        TablesBuilt++;
    }

    // #E(F_p) = p + 1 + sum over x of chi(x^3 + a x + b).
    public static long CountPoints(long a, long b)
    {
        long p = s_modulus, count = 1;
        for (long x = 0; x < p; x++)
        {
            long rhs = ((x * x % p * x + a % p * x + b) % p + p) % p;
            if (rhs == 0) count += 1;
            else if (s_isSquare[rhs]) count += 2;
        }
        return count;
    }
}

public static class Program
{
    public static void Main()
    {
        var curves = new[]
        {
            new Curve("11a1", -432, 8208), new Curve("37a1", 0, -16), new Curve("389a1", 1, 1),
            new Curve("5077a1", -7, 6), new Curve("y2=x3-x", -1, 0), new Curve("y2=x3+2", 0, 2),
            new Curve("y2=x3+x+7", 1, 7), new Curve("y2=x3-3x+5", -3, 5),
        };
        int[] primes = Primes.Table.Where(p => p > 3000 && p < 5200).Take(90).ToArray();

        // Group orders for every curve over a band of primes through the legacy residue tables.
        var jobs = (from c in curves from p in primes select (Curve: c, P: (long)p)).ToArray();
        var orders = new long[jobs.Length];
        Parallel.ForEach(Enumerable.Range(0, jobs.Length), k => orders[k] = CountViaLegacy(jobs[k].Curve, jobs[k].P));
        foreach (var c in curves.Take(4))
        {
            var mine = jobs.Select((j, k) => (j, k)).Where(t => t.j.Curve == c).Select(t => orders[t.k]).ToArray();
            Console.WriteLine($"{c.Label,-12} #E(F_p) over {mine.Length} primes: min {mine.Min()}, max {mine.Max()}");
        }
        Console.Error.WriteLine($"residue tables built: {LegacyModArith.TablesBuilt}");

        // Sato–Tate check for one curve: normalised Frobenius traces a_p / (2 sqrt p), two threads, half the primes each.
        var curve = curves[2];
        int[] band = Primes.Table.Where(p => p > 5 && p < 9000).ToArray();
        var normalised = new double[band.Length];
        int half = band.Length / 2;
        var t1 = new Thread(() => TraceRange(curve, band, 0, half, normalised));
        var t2 = new Thread(() => TraceRange(curve, band, half, band.Length, normalised));
        t1.Start();
        t2.Start();
        t1.Join();
        t2.Join();
        var bins = new int[10];
        foreach (double v in normalised) bins[Math.Clamp((int)((v + 1) * 5), 0, 9)]++;
        Console.WriteLine($"Sato-Tate histogram over {band.Length} primes: " + string.Join(" ", bins));

        // Hasse bound sanity: |a_p| <= 2 sqrt p everywhere.
        int violations = 0;
        Parallel.For(0, band.Length, i => { if (Math.Abs(normalised[i]) > 1.0000001) Interlocked.Increment(ref violations); });
        Console.WriteLine($"Hasse violations: {violations}");
    }

    private static long CountViaLegacy(Curve c, long p)
    {
        lock (LegacyModArith.Gate)
        {
            LegacyModArith.SetModulus(p);
            return LegacyModArith.CountPoints(c.A, c.B);
        }
    }

    private static void TraceRange(Curve c, int[] band, int from, int to, double[] output)
    {
        for (int i = from; i < to; i++)
        {
            long p = band[i];
            long disc = (4 * c.A * c.A % p * c.A + 27 * c.B * c.B) % p;
            if (disc == 0) { output[i] = 0; continue; }
            long count = 1;
            for (long x = 0; x < p; x++)
            {
                long rhs = ((x * x % p * x + c.A % p * x + c.B) % p + p) % p;
                count += 1 + Legendre(rhs, p);
            }
            output[i] = (p + 1 - count) / (2 * Math.Sqrt(p));
        }
    }

    private static int Legendre(long a, long p)
    {
        if (a == 0) return 0;
        long result = 1, b = a, e = (p - 1) / 2;
        while (e > 0)
        {
            if ((e & 1) == 1) result = result * b % p;
            b = b * b % p;
            e >>= 1;
        }
        return result == 1 ? 1 : -1;
    }
}
