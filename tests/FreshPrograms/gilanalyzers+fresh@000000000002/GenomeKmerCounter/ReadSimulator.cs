namespace GenomeKmerCounter;

/// <summary>Generates reads sampled from a random reference with a small sequencing error rate.</summary>
public static class ReadSimulator
{
    public static IReadOnlyList<string> Simulate(int readCount, int readLength, int seed)
    {
        var rng = new Random(seed);
        var reference = new char[200_000];
        for (int i = 0; i < reference.Length; i++) reference[i] = "ACGT"[rng.Next(4)];

        // a few repeated motifs so that the top of the spectrum is interesting
        string motif = "GATTACAGATTACACCGGT";
        for (int rep = 0; rep < 400; rep++)
        {
            int at = rng.Next(reference.Length - motif.Length);
            motif.CopyTo(0, reference, at, motif.Length);
        }

        var reads = new List<string>(readCount);
        var buffer = new char[readLength];
        for (int r = 0; r < readCount; r++)
        {
            int start = rng.Next(reference.Length - readLength);
            Array.Copy(reference, start, buffer, 0, readLength);
            for (int i = 0; i < readLength; i++)
            {
                if (rng.NextDouble() < 0.002) buffer[i] = rng.NextDouble() < 0.5 ? 'N' : "ACGT"[rng.Next(4)];
            }
            reads.Add(new string(buffer));
        }
        return reads;
    }
}
