using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;
using System.Threading;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 16: a lock that exists to protect a reused scratch buffer — the locked code clears a private field and fills it
/// again on every call (<c>Array.Clear(_taps)</c>, <c>_pairs.Clear()</c>) — in a method parallel code calls on one shared
/// object. A new buffer per call computes the same; once it is a local, the work writes nothing shared and leaves the lock.
/// </summary>
public class ScratchToLocalFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string filter) => Usings + filter + """

        static class Mixer
        {
            public static double Run(float[][] tracks)
            {
                var filter = new Filter(64);
                var peaks = new double[tracks.Length];
                Parallel.For(0, tracks.Length, i =>
                {
                    var output = filter.Apply(tracks[i]);
                    peaks[i] = output.Max();
                });
                return peaks.Sum();
            }
        }
        """;

    // The callee form is a compilation-end (non-local) diagnostic; the fix itself is local to the lock.
    private static Task VerifyAsync(string filter, string fixedFilter, LanguageVersion version = LanguageVersion.Latest)
        => new VerifyCS.Test
        {
            TestCode = Program(filter),
            FixedCode = Program(fixedFilter),
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.ScratchToLocalKey,
            LanguageVersion = version,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        }.RunAsync(CancellationToken.None);

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task MonitorAroundDelayLine_ClearedArrayBecomesALocal_AndTheLockGoes(LanguageVersion version)
    {
        var filter = """
            sealed class Filter
            {
                private readonly float[] _coefficients;
                private readonly float[] _taps;
                private readonly object _sync = new object();

                public Filter(int length)
                {
                    _coefficients = Enumerable.Range(0, length).Select(k => 1f / (k + 1)).ToArray();
                    _taps = new float[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:Monitor.Enter(_sync)|};
                    try
                    {
                        Array.Clear(_taps, 0, _taps.Length);
                        for (int n = 0; n < input.Length; n++)
                        {
                            Array.Copy(_taps, 0, _taps, 1, _taps.Length - 1);
                            _taps[0] = input[n];
                            float acc = 0f;
                            for (int k = 0; k < _taps.Length; k++) acc += _coefficients[k] * _taps[k];
                            output[n] = acc;
                        }
                    }
                    finally
                    {
                        Monitor.Exit(_sync);
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Filter
            {
                private readonly float[] _coefficients;
                private readonly float[] _taps;
                private readonly object _sync = new object();

                public Filter(int length)
                {
                    _coefficients = Enumerable.Range(0, length).Select(k => 1f / (k + 1)).ToArray();
                    _taps = new float[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    var taps = new float[_taps.Length];
                    for (int n = 0; n < input.Length; n++)
                    {
                        Array.Copy(taps, 0, taps, 1, taps.Length - 1);
                        taps[0] = input[n];
                        float acc = 0f;
                        for (int k = 0; k < taps.Length; k++) acc += _coefficients[k] * taps[k];
                        output[n] = acc;
                    }

                    return output;
                }
            }
            """, version);
    }

    [Fact]
    public async Task LockAroundPairList_ClearedListBecomesALocal_TheCountStaysLocked()
    {
        var filter = """
            sealed class Filter
            {
                private readonly List<int> _pairs = new List<int>();
                private readonly object _gate = new object();
                private long _matched;

                public Filter(int length) { }

                public long Matched => _matched;

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_gate)|}
                    {
                        _pairs.Clear();
                        Collect(input, _pairs);
                        foreach (var p in _pairs)
                        {
                            float s = 0;
                            for (int k = 0; k < input.Length; k++) s += input[k] * input[(k + p) % input.Length];
                            output[p % output.Length] += s;
                        }

                        _matched += _pairs.Count;
                    }

                    return output;
                }

                private static void Collect(float[] input, List<int> into)
                {
                    for (int i = 0; i < input.Length; i += 3) into.Add(i);
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Filter
            {
                private readonly List<int> _pairs = new List<int>();
                private readonly object _gate = new object();
                private long _matched;

                public Filter(int length) { }

                public long Matched => _matched;

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    var pairs = new List<int>();
                    Collect(input, pairs);
                    foreach (var p in pairs)
                    {
                        float s = 0;
                        for (int k = 0; k < input.Length; k++) s += input[k] * input[(k + p) % input.Length];
                        output[p % output.Length] += s;
                    }
                    lock (_gate)
                    {
                        _matched += pairs.Count;
                    }

                    return output;
                }

                private static void Collect(float[] input, List<int> into)
                {
                    for (int i = 0; i < input.Length; i += 3) into.Add(i);
                }
            }
            """);
    }

    [Fact]
    public async Task BufferReadOutsideTheLock_NoAction()
    {
        // Another member hands the buffer out: callers may rely on it being the one object.
        var filter = """
            sealed class Filter
            {
                private readonly float[] _taps;
                private readonly object _sync = new object();

                public Filter(int length) { _taps = new float[length]; }

                public float[] LastTaps => _taps;

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_sync)|}
                    {
                        Array.Clear(_taps);
                        for (int n = 0; n < input.Length; n++)
                        {
                            Array.Copy(_taps, 0, _taps, 1, _taps.Length - 1);
                            _taps[0] = input[n];
                            float acc = 0f;
                            for (int k = 0; k < _taps.Length; k++) acc += _taps[k] * k;
                            output[n] = acc;
                        }
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, filter);
    }

    [Fact]
    public async Task BufferHandedToAnotherObject_NoAction()
    {
        var filter = """
            sealed class Filter
            {
                private readonly List<float> _window = new List<float>();
                private readonly List<List<float>> _history = new List<List<float>>();
                private readonly object _sync = new object();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_sync)|}
                    {
                        _window.Clear();
                        for (int n = 0; n < input.Length; n++)
                        {
                            _window.Add(input[n]);
                            float acc = 0f;
                            for (int k = 0; k < _window.Count; k++) acc += _window[k] * k;
                            output[n] = acc;
                        }

                        _history.Add(_window);
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, filter);
    }

    [Fact]
    public async Task LocalBufferButTheWorkStillWritesSharedState_NoAction()
    {
        // The buffer could become a local, but each item's heavy step adds into a shared array as it goes: the work cannot
        // leave the lock, so no action is offered (and nothing half-done is).
        var filter = """
            sealed class Filter
            {
                private readonly List<int> _pairs = new List<int>();
                private readonly double[] _energy = new double[16];
                private readonly object _gate = new object();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_gate)|}
                    {
                        _pairs.Clear();
                        for (int i = 0; i < input.Length; i += 2) _pairs.Add(i);
                        foreach (var p in _pairs)
                        {
                            for (int k = 0; k < input.Length; k++) _energy[(p + k) & 15] += input[k] * input[p];
                        }
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, filter);
    }

    [Fact]
    public async Task HelperClearsItsOwnTable_TheTableBecomesTheHelpersLocal_AndTheLockGoes()
    {
        var filter = """
            sealed class Filter
            {
                private readonly int[] _table = new int[64];
                private readonly object _scoring = new object();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_scoring)|}
                    {
                        for (int n = 0; n < input.Length; n++)
                        {
                            output[n] = Score(input, n);
                        }
                    }

                    return output;
                }

                private float Score(float[] input, int at)
                {
                    Array.Clear(_table, 0, _table.Length);
                    for (int k = 0; k < input.Length; k++) _table[(int)(input[k] * 7 + at) & 63]++;
                    int peak = 0;
                    foreach (var count in _table) peak = Math.Max(peak, count);
                    return peak / (float)input.Length;
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Filter
            {
                private readonly int[] _table = new int[64];
                private readonly object _scoring = new object();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    for (int n = 0; n < input.Length; n++)
                    {
                        output[n] = Score(input, n);
                    }

                    return output;
                }

                private float Score(float[] input, int at)
                {
                    var table = new int[_table.Length];
                    for (int k = 0; k < input.Length; k++) table[(int)(input[k] * 7 + at) & 63]++;
                    int peak = 0;
                    foreach (var count in table) peak = Math.Max(peak, count);
                    return peak / (float)input.Length;
                }
            }
            """);
    }

    [Fact]
    public async Task FormatterOfAnotherClassReusesABuilder_TheBuilderBecomesItsLocal()
    {
        // The lock is taken on the formatter's public gate to protect its reused builder; formatting into a new builder per
        // call leaves nothing shared under the lock, and the line building runs in parallel.
        var filter = """
            sealed class Formatter
            {
                private readonly System.Text.StringBuilder _text = new System.Text.StringBuilder();
                public readonly object Gate = new object();

                public string Format(float value)
                {
                    _text.Clear();
                    _text.Append(Math.Round(value, 3)).Append(' ');
                    return value < 0 ? $"({_text})" : _text.ToString();
                }
            }

            sealed class Filter
            {
                private readonly Formatter _formatter = new Formatter();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var lines = new List<string>();
                    {|GIL001:lock (_formatter.Gate)|}
                    {
                        var sb = new System.Text.StringBuilder();
                        for (int n = 0; n < input.Length; n++)
                        {
                            sb.Append(n).Append(':').Append(_formatter.Format(input[n] * input[n]));
                        }

                        lines.Add(sb.ToString());
                    }

                    return new float[lines[0].Length];
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Formatter
            {
                private readonly System.Text.StringBuilder _text = new System.Text.StringBuilder();
                public readonly object Gate = new object();

                public string Format(float value)
                {
                    var text = new System.Text.StringBuilder();
                    text.Append(Math.Round(value, 3)).Append(' ');
                    return value < 0 ? $"({text})" : text.ToString();
                }
            }

            sealed class Filter
            {
                private readonly Formatter _formatter = new Formatter();

                public Filter(int length) { }

                public float[] Apply(float[] input)
                {
                    var lines = new List<string>();
                    var sb = new System.Text.StringBuilder();
                    for (int n = 0; n < input.Length; n++)
                    {
                        sb.Append(n).Append(':').Append(_formatter.Format(input[n] * input[n]));
                    }

                    lines.Add(sb.ToString());

                    return new float[lines[0].Length];
                }
            }
            """);
    }

    [Fact]
    public async Task LockAroundDistanceTable_FilledWithAConstant_BecomesARepeatedLocal()
    {
        // Array.Fill(_best, long.MaxValue) resets every element as a new array filled with that constant would hold.
        var filter = """
            sealed class Filter
            {
                private readonly long[] _best;
                private readonly object _gate = new object();

                public Filter(int length)
                {
                    _best = new long[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_gate)|}
                    {
                        Array.Fill(_best, long.MaxValue);
                        for (int n = 0; n < input.Length; n++)
                        {
                            int slot = n % _best.Length;
                            long cost = (long)(input[n] * 1000);
                            for (int k = 0; k < 200; k++) cost = (cost * 31 + k) % 1000003;
                            if (cost < _best[slot]) _best[slot] = cost;
                            output[n] = _best[slot];
                        }
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Filter
            {
                private readonly long[] _best;
                private readonly object _gate = new object();

                public Filter(int length)
                {
                    _best = new long[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    var best = Enumerable.Repeat<long>(long.MaxValue, _best.Length).ToArray();
                    for (int n = 0; n < input.Length; n++)
                    {
                        int slot = n % best.Length;
                        long cost = (long)(input[n] * 1000);
                        for (int k = 0; k < 200; k++) cost = (cost * 31 + k) % 1000003;
                        if (cost < best[slot]) best[slot] = cost;
                        output[n] = best[slot];
                    }

                    return output;
                }
            }
            """);
    }

    [Fact]
    public async Task LockAroundQueueAndTable_BothResetFirst_BothBecomeLocals()
    {
        // A search keeps its frontier queue and its cost table in fields, resetting both on every call.
        var filter = """
            sealed class Filter
            {
                private readonly int[] _cost;
                private readonly PriorityQueue<int, int> _open = new PriorityQueue<int, int>();
                private readonly object _gate = new object();

                public Filter(int length)
                {
                    _cost = new int[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    {|GIL001:lock (_gate)|}
                    {
                        Array.Fill(_cost, int.MaxValue);
                        _open.Clear();
                        _cost[0] = 0;
                        _open.Enqueue(0, 0);
                        while (_open.TryDequeue(out int at, out int d))
                        {
                            if (d > _cost[at]) continue;
                            for (int step = 1; step <= 3; step++)
                            {
                                int next = (at + step) % _cost.Length;
                                int nd = d + step * (1 + (int)(input[next % input.Length] * 10));
                                if (nd < _cost[next]) { _cost[next] = nd; _open.Enqueue(next, nd); }
                            }
                        }

                        for (int n = 0; n < input.Length; n++) output[n] = _cost[n % _cost.Length];
                    }

                    return output;
                }
            }
            """;
        await VerifyAsync(filter, """
            sealed class Filter
            {
                private readonly int[] _cost;
                private readonly PriorityQueue<int, int> _open = new PriorityQueue<int, int>();
                private readonly object _gate = new object();

                public Filter(int length)
                {
                    _cost = new int[length];
                }

                public float[] Apply(float[] input)
                {
                    var output = new float[input.Length];
                    var cost = Enumerable.Repeat<int>(int.MaxValue, _cost.Length).ToArray();
                    var open = new PriorityQueue<int, int>();
                    cost[0] = 0;
                    open.Enqueue(0, 0);
                    while (open.TryDequeue(out int at, out int d))
                    {
                        if (d > cost[at]) continue;
                        for (int step = 1; step <= 3; step++)
                        {
                            int next = (at + step) % cost.Length;
                            int nd = d + step * (1 + (int)(input[next % input.Length] * 10));
                            if (nd < cost[next]) { cost[next] = nd; open.Enqueue(next, nd); }
                        }
                    }

                    for (int n = 0; n < input.Length; n++) output[n] = cost[n % cost.Length];

                    return output;
                }
            }
            """);
    }

    [Fact]
    public async Task SetMadeWithAComparer_NotLocalised()
    {
        // A new HashSet<string>() would compare case-sensitively where the field's set ignored case.
        var source = Usings + """
            sealed class Filter
            {
                private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                private readonly object _gate = new object();

                public int Distinct(string[] words)
                {
                    lock (_gate)
                    {
                        _seen.Clear();
                        foreach (var w in words)
                            for (int k = 0; k < 50; k++) _seen.Add(w.Substring(0, 1 + (k % w.Length)));
                        return _seen.Count;
                    }
                }
            }

            static class Use
            {
                public static int Run(string[][] batches)
                {
                    var filter = new Filter();
                    var counts = new int[batches.Length];
                    Parallel.For(0, batches.Length, i => counts[i] = filter.Distinct(batches[i]));
                    return counts.Sum();
                }
            }
            """;
        var offers = await GilAnalyzers.Tests.Verifiers.CodeFixOffers.ForAsync(source);
        Assert.DoesNotContain(offers, o => o.Keys.Contains(SharedLockAroundCpuWorkFixer.ScratchToLocalKey));
    }
}
