namespace FuzzyCatalogSearch;

public sealed class FuzzySearcher(IReadOnlyList<string> catalog)
{
    public async Task<Answer[]> SearchManyAsync(IReadOnlyList<string> queries, QueryLog log)
    {
        var pending = new List<Task<Answer>>();
        foreach (string q in queries)
        {
            pending.Add(SearchOneAsync(q, log));
        }
        return await Task.WhenAll(pending);
    }

    private async Task<Answer> SearchOneAsync(string query, QueryLog log)
    {
        string q = query.ToLowerInvariant();
        string best = "";
        int bestDistance = int.MaxValue;
        foreach (string item in catalog)
        {
            // compare against the product-name part only (before " model ")
            int cut = item.IndexOf(" model ", StringComparison.Ordinal);
            string name = cut > 0 ? item[..cut] : item;
            int space = name.IndexOf(' ');
            string product = space > 0 ? name[(space + 1)..] : name;
            int d = Levenshtein(q, product);
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(item, best) < 0))
            {
                bestDistance = d;
                best = item;
            }
        }

        await log.AppendAsync($"{query}\t{best}\t{bestDistance}");
        return new Answer(query, best, bestDistance);
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}

public sealed class QueryLog(string path)
{
    private readonly SemaphoreSlim _appendGate = new(1, 1);

    public string Path => path;

    public async Task AppendAsync(string line)
    {
        await _appendGate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(path, line + Environment.NewLine);
        }
        finally
        {
            _appendGate.Release();
        }
    }
}
