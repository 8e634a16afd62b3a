using System.Diagnostics;

const int K = 21;
var reads = SimulateReads(count: 12_000, length: 150, seed: 7);
var sw = Stopwatch.StartNew();

var spectrum = new Dictionary<ulong, int>();
var gcHistogram = new long[11];
int readsDone = 0;
var progressGate = new object();

Parallel.ForEach(reads, read =>
{
    lock (spectrum)
    {
        ulong fwd = 0, rev = 0;
        ulong mask = (1UL << (2 * K)) - 1;
        int valid = 0;
        for (int i = 0; i < read.Bases.Length; i++)
        {
            int code = Encode(read.Bases[i]);
            if (code < 0) { valid = 0; continue; }
            fwd = ((fwd << 2) | (uint)code) & mask;
            rev = (rev >> 2) | ((ulong)(3 - code) << (2 * (K - 1)));
            if (++valid >= K)
            {
                ulong canonical = Math.Min(fwd, rev);
                spectrum[canonical] = spectrum.GetValueOrDefault(canonical) + 1;
            }
        }
    }

    if (Interlocked.Increment(ref readsDone) % 4000 == 0)
    {
        lock (progressGate)
        {
            Console.WriteLine($"  {readsDone} reads counted");
        }
    }
});

Parallel.For(0, reads.Count,
    () => new long[11],
    (i, _, local) =>
    {
        var bases = reads[i].Bases;
        int gc = 0;
        foreach (var b in bases) if (b is 'G' or 'C') gc++;
        local[gc * 10 / bases.Length]++;
        return local;
    },
    local =>
    {
        lock (gcHistogram)
        {
            for (int b = 0; b < local.Length; b++) gcHistogram[b] += local[b];
        }
    });

var solid = spectrum.Count(kv => kv.Value >= 3);
Console.WriteLine($"{reads.Count} reads, {spectrum.Count} distinct {K}-mers, {solid} solid, {sw.ElapsedMilliseconds} ms");
Console.WriteLine("GC histogram: " + string.Join(' ', gcHistogram));
var peak = spectrum.Values.GroupBy(v => v).Where(g => g.Key > 1).OrderByDescending(g => g.Count()).First();
Console.WriteLine($"coverage peak at multiplicity {peak.Key} ({peak.Count()} k-mers)");

static int Encode(char b) => b switch
{
    'A' => 0,
    'C' => 1,
    'G' => 2,
    'T' => 3,
    _ => -1,
};

static List<Read> SimulateReads(int count, int length, int seed)
{
    var rng = new Random(seed);
    const string alphabet = "ACGT";
    var genome = new char[40_000];
    for (int i = 0; i < genome.Length; i++) genome[i] = alphabet[rng.Next(4)];

    var list = new List<Read>(count);
    for (int r = 0; r < count; r++)
    {
        int start = rng.Next(genome.Length - length);
        var bases = new char[length];
        Array.Copy(genome, start, bases, 0, length);
        if (rng.Next(10) == 0) bases[rng.Next(length)] = 'N';
        list.Add(new Read($"read{r}", new string(bases)));
    }
    return list;
}

record Read(string Name, string Bases);
