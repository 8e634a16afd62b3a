using System;
using System.Linq;
using System.Threading.Channels;
using System.Threading.Tasks;

// GIL005: matches each incoming product name to its closest catalogue entry (Levenshtein distance to every entry, the
// lowest distance wins, ties to the lower index) in an async lambda that then publishes the match to a channel, and
// awaits all the lambdas with Task.WhenAll. An async lambda runs on the caller's thread up to its first await that
// does not complete at once (an unbounded channel's WriteAsync completes at once), so Select runs each lambda's whole
// matching before it even creates the next one: the WhenAll waits for nothing and the run uses one core. Every query's
// match is a pure function of its text, so the results do not depend on scheduling. The fix starts each lambda with
// Task.Run.
public static class Sample
{
    /// <summary>Full size: queries, about 2 s of single-core work.</summary>
    public const int FullSize = 600;

    private const int CatalogueSize = 1_500;

    public static long Run() => Run(FullSize);

    public static long Run(int queryCount) => MatchAllAsync(queryCount).GetAwaiter().GetResult();

    private static async Task<long> MatchAllAsync(int queryCount)
    {
        string[] catalogue = MakeNames(CatalogueSize, 2463534242);
        string[] queries = MakeNames(queryCount, 88172645);
        var published = Channel.CreateUnbounded<int>();

        int[] matches = await Task.WhenAll(queries.Select(async query =>
        {
            int bestIndex = -1;
            int bestDistance = int.MaxValue;
            for (int c = 0; c < catalogue.Length; c++)
            {
                int distance = Levenshtein(query, catalogue[c]);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    bestIndex = c;
                }
            }

            await published.Writer.WriteAsync(bestDistance);
            return bestIndex;
        }));
        published.Writer.Complete();

        long distances = 0;
        await foreach (int distance in published.Reader.ReadAllAsync())
        {
            distances += distance;
        }

        long combined = 17;
        foreach (int match in matches)
        {
            combined = unchecked(combined * 31 + match);
        }

        return combined ^ (distances << 40);
    }

    /// <summary>Edit distance with two rolling rows, as most implementations write it.</summary>
    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Product-like names: two to four syllable words from a small alphabet of syllables (xorshift32).</summary>
    private static string[] MakeNames(int count, uint seed)
    {
        string[] syllables = { "ka", "lo", "mi", "ste", "ron", "vel", "tra", "dex", "po", "lin", "quo", "zer" };
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            var name = new System.Text.StringBuilder();
            int words = 2 + (int)(Next(ref seed) % 3);
            for (int w = 0; w < words; w++)
            {
                if (w > 0)
                {
                    name.Append(' ');
                }

                int length = 2 + (int)(Next(ref seed) % 3);
                for (int s = 0; s < length; s++)
                {
                    name.Append(syllables[Next(ref seed) % (uint)syllables.Length]);
                }
            }

            names[i] = name.ToString();
        }

        return names;
    }

    private static uint Next(ref uint seed)
    {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        return seed;
    }
}

public static class Program
{
    public static void Main() => Console.WriteLine("matches: " + Sample.Run().ToString("X16", System.Globalization.CultureInfo.InvariantCulture));
}
