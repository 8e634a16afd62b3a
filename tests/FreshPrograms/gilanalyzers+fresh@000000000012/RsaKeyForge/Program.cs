using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;

namespace RsaKeyForge;

public sealed record RsaKey(string Label, BigInteger Modulus, BigInteger PublicExponent, BigInteger PrivateExponent)
{
    public int Bits => (int)Modulus.GetBitLength();
    public string Fingerprint => Convert.ToHexString(Modulus.ToByteArray(isUnsigned: true, isBigEndian: true)[..6]);
}

/// <summary>Probable-prime search for test keys: trial division by small primes, then Miller-Rabin.</summary>
public sealed class PrimeSearch
{
    private static int[]? s_smallPrimes;
    private static readonly object InitGate = new();
    private readonly Lock _statsLock = new();
    private long _candidates;
    private long _millerRabinRounds;

    public long Candidates => _candidates;
    public long MillerRabinRounds => _millerRabinRounds;

    private static int[] SmallPrimes()
    {
        if (s_smallPrimes == null)
        {
            lock (InitGate)
            {
                if (s_smallPrimes == null)
                {
                    var composite = new bool[4000];
                    var primes = new List<int>();
                    for (int i = 3; i < composite.Length; i += 2)
                    {
                        if (composite[i]) continue;
                        primes.Add(i);
                        for (int j = i * i; j < composite.Length; j += 2 * i) composite[j] = true;
                    }
                    s_smallPrimes = primes.ToArray();
                }
            }
        }
        return s_smallPrimes;
    }

    public BigInteger FindPrime(Random rng, int bits, BigInteger publicExponent)
    {
        var bytes = new byte[bits / 8 + 1];
        while (true)
        {
            rng.NextBytes(bytes);
            bytes[^1] = 0;
            bytes[^2] |= 0xC0;
            bytes[0] |= 1;
            var candidate = new BigInteger(bytes);
            using (_statsLock.EnterScope())
            {
                _candidates++;
            }
            if (SmallPrimes().Any(p => candidate % p == 0)) continue;
            if (!IsProbablePrime(candidate, rng, rounds: 20)) continue;
            if (BigInteger.GreatestCommonDivisor(candidate - 1, publicExponent) != 1) continue;
            return candidate;
        }
    }

    private bool IsProbablePrime(BigInteger n, Random rng, int rounds)
    {
        BigInteger d = n - 1;
        int s = 0;
        while (d.IsEven) { d >>= 1; s++; }
        var buffer = new byte[n.GetByteCount() + 1];
        for (int r = 0; r < rounds; r++)
        {
            Interlocked.Increment(ref _millerRabinRounds);
            rng.NextBytes(buffer);
            buffer[^1] = 0;
            var a = new BigInteger(buffer) % (n - 3) + 2;
            var x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == n - 1) continue;
            bool witness = true;
            for (int i = 1; i < s && witness; i++)
            {
                x = BigInteger.ModPow(x, 2, n);
                if (x == n - 1) witness = false;
            }
            if (witness) return false;
        }
        return true;
    }
}

public static class Program
{
    private const int PrimeBits = 512;
    private static readonly BigInteger E = 65537;

    private static BigInteger ModInverse(BigInteger a, BigInteger m)
    {
        BigInteger oldR = a, r = m, oldS = 1, s = 0;
        while (!r.IsZero)
        {
            var q = BigInteger.Divide(oldR, r);
            (oldR, r) = (r, oldR - q * r);
            (oldS, s) = (s, oldS - q * s);
        }
        return (oldS % m + m) % m;
    }

    private static RsaKey GenerateKey(PrimeSearch search, string label, int seed)
    {
        BigInteger p = BigInteger.Zero, q = BigInteger.Zero;
        var rngP = new Random(seed * 2);
        var rngQ = new Random(seed * 2 + 1);
        var pThread = new Thread(() => p = search.FindPrime(rngP, PrimeBits, E)) { Name = $"{label}-p" };
        var qThread = new Thread(() => q = search.FindPrime(rngQ, PrimeBits, E)) { Name = $"{label}-q" };
        pThread.Start();
        qThread.Start();
        pThread.Join();
        qThread.Join();

        var phi = (p - 1) * (q - 1);
        return new RsaKey(label, p * q, E, ModInverse(E, phi));
    }

    public static void Main()
    {
        var search = new PrimeSearch();
        string[] labels = { "ci-signing", "staging-tls", "sftp-host", "webhook-hmac-wrap", "backup-escrow", "device-fw" };
        var keys = labels.Select((label, i) => GenerateKey(search, label, seed: 5150 + i)).ToList();

        var message = new BigInteger(0x5EED_F00D_CAFE);
        foreach (var key in keys)
        {
            var cipher = BigInteger.ModPow(message, key.PublicExponent, key.Modulus);
            bool roundTrip = BigInteger.ModPow(cipher, key.PrivateExponent, key.Modulus) == message;
            Console.WriteLine($"{key.Label,-18} {key.Bits} bits  fp {key.Fingerprint}  round-trip {(roundTrip ? "ok" : "FAILED")}");
        }
        Console.WriteLine($"{search.Candidates:N0} candidates drawn, {search.MillerRabinRounds:N0} Miller-Rabin rounds");
    }
}
