using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

// GIL001: stretches one key per item with a chain of SHA-256 hashes (the shape of a password-hashing loop) and folds
// the results into a digest (a wrapping sum). A static SemaphoreSlim(1, 1) gate is held around the whole hash chain,
// not just the digest update, so the items hash one at a time. Unsigned wrapping addition makes the digest independent
// of order. The fix (GIL001.ThreadLocal) folds into a local per worker and merges it once per worker under the same
// semaphore.
public static class Sample
{
    /// <summary>Full size: items, about 2 s of single-core work.</summary>
    public const int FullSize = 800;

    private const int Rounds = 4_000;

    private static readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
    private static ulong digest;

    public static ulong Run() => Run(FullSize);

    public static ulong Run(int items)
    {
        digest = 0;
        Parallel.For(0, items, i =>
        {
            Gate.Wait();
            try
            {
                byte[] block = BitConverter.GetBytes((long)i * 7919);
                for (int round = 0; round < Rounds; round++)
                {
                    block = SHA256.HashData(block);
                }

                ulong value = BitConverter.ToUInt64(block, 0);
                digest += value;
            }
            finally
            {
                Gate.Release();
            }
        });
        return digest;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine($"digest={Sample.Run():X16}");
}
