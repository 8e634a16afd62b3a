namespace RecommendationScorer;

public sealed record Item(int Id, int Category, float[] Features, double Popularity);

public sealed record UserProfile(int Id, float[] Taste, HashSet<int> Seen);

public sealed record Recommendation(int UserId, int ItemId, double Score);

public interface IItemCatalog
{
    IReadOnlyList<Item> All { get; }
}

public sealed class InMemoryCatalog(IReadOnlyList<Item> items) : IItemCatalog
{
    public IReadOnlyList<Item> All => items;
}

public sealed class RecommendationService(IItemCatalog catalog, int topN)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Recommendation>> _byUser = new();

    public IReadOnlyDictionary<int, List<Recommendation>> Results => _byUser;

    public void ScoreUser(UserProfile user)
    {
        using (_gate.EnterScope())
        {
            var ranked = new List<Recommendation>(catalog.All.Count);
            foreach (var item in catalog.All)
            {
                if (user.Seen.Contains(item.Id)) continue;
                double affinity = 0;
                for (int f = 0; f < item.Features.Length; f++) affinity += user.Taste[f] * item.Features[f];
                double score = affinity + 0.15 * Math.Log(1 + item.Popularity);
                ranked.Add(new Recommendation(user.Id, item.Id, score));
            }
            ranked.Sort((a, b) => b.Score.CompareTo(a.Score));
            _byUser[user.Id] = ranked.Take(topN).ToList();
        }
    }
}

public static class Program
{
    public static void Main()
    {
        var rng = new Random(811);
        var items = Enumerable.Range(0, 12_000)
            .Select(i => new Item(i, i % 24, RandomVector(rng, 48), rng.NextDouble() * 5000))
            .ToList();
        var users = Enumerable.Range(0, 600)
            .Select(u => new UserProfile(u, RandomVector(rng, 48),
                Enumerable.Range(0, 40).Select(_ => rng.Next(0, items.Count)).ToHashSet()))
            .ToList();

        var service = new RecommendationService(new InMemoryCatalog(items), topN: 20);
        Parallel.ForEach(users, service.ScoreUser);

        var categoryCounts = new int[24];
        Parallel.ForEach(
            service.Results.Values,
            () => new int[24],
            (recs, _, local) =>
            {
                foreach (var r in recs) local[items[r.ItemId].Category]++;
                return local;
            },
            local =>
            {
                lock (categoryCounts)
                {
                    for (int c = 0; c < local.Length; c++) categoryCounts[c] += local[c];
                }
            });

        var first = service.Results[0];
        Console.WriteLine($"scored {service.Results.Count} users, {first.Count} recommendations each");
        Console.WriteLine($"user 0 top item {first[0].ItemId} score {first[0].Score:F3}");
        Console.WriteLine("category spread: " + string.Join(' ', categoryCounts));
    }

    private static float[] RandomVector(Random rng, int length)
    {
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }
}
