namespace ShipmentBinPacker;

public sealed record Item(string Sku, int Volume, int WeightGrams);

public sealed record Order(int Id, Item[] Items);

public sealed record PackResult(int OrderId, int Boxes, double Utilisation);

/// <summary>
/// Template for packing heuristics. Implementations reuse per-instance scratch (bin fill levels),
/// so the base class serialises calls.
/// </summary>
public abstract class PackingHeuristic
{
    protected readonly object Sync = new();
    protected int[] BinFill = new int[64];
    public int BoxVolume { get; }

    protected PackingHeuristic(int boxVolume) => BoxVolume = boxVolume;

    public virtual PackResult Pack(Order order)
    {
        lock (Sync)
        {
            if (BinFill.Length < order.Items.Length) BinFill = new int[order.Items.Length];
            Array.Clear(BinFill);
            int bins = PackCore(order.Items);
            long used = order.Items.Sum(i => (long)i.Volume);
            return new PackResult(order.Id, bins, (double)used / ((long)bins * BoxVolume));
        }
    }

    protected abstract int PackCore(Item[] items);
}

/// <summary>First-fit decreasing followed by pairwise swap repair to empty the last bin.</summary>
public sealed class FirstFitDecreasingWithRepair : PackingHeuristic
{
    public FirstFitDecreasingWithRepair(int boxVolume) : base(boxVolume) { }

    protected override int PackCore(Item[] items)
    {
        var sizes = items.Select(i => i.Volume).OrderByDescending(v => v).ToArray();
        int bins = 0;
        var assignment = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            int b = 0;
            while (b < bins && BinFill[b] + sizes[i] > BoxVolume) b++;
            if (b == bins) bins++;
            BinFill[b] += sizes[i];
            assignment[i] = b;
        }

        for (int pass = 0; pass < 40 && bins > 1; pass++)
        {
            int last = bins - 1;
            bool moved = false;
            for (int i = 0; i < sizes.Length && !moved; i++)
            {
                if (assignment[i] != last) continue;
                for (int j = 0; j < sizes.Length && !moved; j++)
                {
                    int target = assignment[j];
                    if (target == last || sizes[j] >= sizes[i]) continue;
                    for (int b = 0; b < last && !moved; b++)
                    {
                        if (b == target) continue;
                        if (BinFill[b] + sizes[j] <= BoxVolume && BinFill[target] - sizes[j] + sizes[i] <= BoxVolume)
                        {
                            BinFill[b] += sizes[j]; BinFill[target] += sizes[i] - sizes[j]; BinFill[last] -= sizes[i];
                            assignment[j] = b; assignment[i] = target;
                            moved = true;
                        }
                    }
                }
            }
            if (BinFill[last] == 0) bins--;
            if (!moved) break;
        }
        return bins;
    }
}
