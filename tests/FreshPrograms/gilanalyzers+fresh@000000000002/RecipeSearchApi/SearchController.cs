namespace RecipeSearchApi;

public sealed record SearchHit(int Id, string Title, double Score);

public sealed record SearchResponse(string Query, IReadOnlyList<SearchHit> Hits);

/// <summary>GET /api/recipes/search?q=... — called concurrently by the web host for each request.</summary>
public sealed class SearchController(Bm25Index index, ResponseCache cache)
{
    private readonly object _indexLock = new();
    private int _cacheHits;

    public int CacheHits => _cacheHits;

    public SearchResponse Search(string query, int top)
    {
        if (cache.TryGet(query, out var cached))
        {
            Interlocked.Increment(ref _cacheHits);
            return cached;
        }

        List<SearchHit> hits;
        lock (_indexLock)
        {
            var terms = Bm25Index.Tokenize(query);
            var scores = new double[index.DocumentCount];
            foreach (string term in terms)
            {
                index.AccumulateScores(term, scores);
            }
            hits = scores
                .Select((score, doc) => (score, doc))
                .Where(x => x.score > 0)
                .OrderByDescending(x => x.score)
                .Take(top)
                .Select(x => new SearchHit(index.Documents[x.doc].Id, index.Documents[x.doc].Title, x.score))
                .ToList();
        }

        var response = new SearchResponse(query, hits);
        cache.Set(query, response);
        return response;
    }
}

/// <summary>Small LRU for hot queries.</summary>
public sealed class ResponseCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, SearchResponse Value)>> _map = new();
    private readonly LinkedList<(string Key, SearchResponse Value)> _order = new();
    private readonly object _sync = new();

    public bool TryGet(string key, out SearchResponse value)
    {
        lock (_sync)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }

    public void Set(string key, SearchResponse value)
    {
        lock (_sync)
        {
            if (_map.TryGetValue(key, out var existing)) _order.Remove(existing);
            var node = _order.AddFirst((key, value));
            _map[key] = node;
            if (_map.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
        }
    }
}
