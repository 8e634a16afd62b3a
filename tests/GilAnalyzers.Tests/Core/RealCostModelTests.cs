using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace GilAnalyzers.Tests.Core;

/// <summary>
/// The cost model on the shapes real code has (issue 14): constant-bound nests multiply, copies are not pipelines, waiting
/// is not work, and under a lock the bookkeeping of the lock's own small collections and rare "new best" branches are not
/// computation — next to the look-alikes that still are.
/// </summary>
public class RealCostModelTests
{
    private static async Task<WorkCost> Cost(string members, bool lockBody = false)
    {
        var source = """
            using System; using System.Collections.Generic; using System.Linq; using System.Threading;
            using System.Threading.Tasks;
            interface IListener { void OnChanged(string key); }
            sealed class Job { public int Id; public double Weight; public int Priority; }
            sealed class Entry { public double Score; public int[] Moves; }
            class Host
            {
            """ + members + "\n}";
        var compilation = await TestCompilation.CreateAsync(source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Target");
        var body = (IMethodBodyOperation)model.GetOperation(method)!;
        var operation = body.BlockBody ?? (IOperation)body.ExpressionBody!;
        var costModel = WorkCostModel.For(KnownTypes.For(compilation));
        return lockBody ? costModel.AnalyzeLockBody(new[] { operation }) : costModel.Analyze(operation);
    }

    // ---- Constant-bound nests multiply their trip counts ----

    [Theory]
    [InlineData("""
        void Target(int[,,,] cube)
        {
            for (int a = 0; a < 8; a++)
                for (int b = 0; b < 8; b++)
                    for (int c = 0; c < 8; c++)
                        for (int d = 0; d < 8; d++)
                            cube[a, b, c, d] = a ^ b ^ c ^ d;
        }
        """, "nested loops, 4,096 iterations", 2)]
    [InlineData("""
        const int Side = 9;
        int Target(int[,] board)
        {
            var filled = 0;
            for (var row = 0; row < Side; row++)
            {
                for (var col = 0; col < Side; col++)
                {
                    if (board[row, col] != 0) filled++;
                }
            }
            return filled;
        }
        """, "nested loops, 81 iterations", 1)]
    [InlineData("""
        double Target(double[] v)
        {
            double acc = 0;
            for (int x = 1; x <= 8; x++)
                for (int y = 1; y <= 8; y++)
                    for (int z = 1; z <= 8; z++)
                        acc += v[(x * y + z) % v.Length];
            return acc;
        }
        """, "nested loops, 512 iterations", 1)]
    [InlineData("""
        long Target()
        {
            long s = 0;
            for (int i = 0; i < 100; i++) s += i * i;
            return s;
        }
        """, "for loop", 1)]
    [InlineData("""
        void Target(float[] samples, int frames)
        {
            for (int channel = 0; channel < 2; channel++)
                for (int f = 0; f < frames; f++)
                    samples[f * 2 + channel] *= 0.5f;
        }
        """, "for loop", 1)]
    public async Task ConstantNests_CountTripCountProducts(string members, string reason, int strength)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
        Assert.Equal(strength, cost.Strength);
    }

    [Theory]
    [InlineData("""
        double Target(double[,] image, int px, int py)
        {
            double sum = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    sum += image[py + dy, px + dx];
            return sum / 9;
        }
        """)]
    [InlineData("""
        void Target(int[,] m)
        {
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++)
                    m[r, c] = r == c ? 1 : 0;
        }
        """)]
    [InlineData("""
        int Target(int[] digits)
        {
            int s = 0;
            foreach (var w in new[] { 3, 1, 3, 1 })
                for (int k = 0; k < 3; k++)
                    s += w * digits[k];
            return s;
        }
        """)]
    public async Task SmallConstantNests_StayLight(string members)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.Light, cost.Kind);
    }

    // ---- Copies are not LINQ pipelines ----

    [Theory]
    [InlineData("int[] Target(List<int> ids) => ids.ToArray();")]
    [InlineData("List<Job> Target(IEnumerable<Job> jobs) { var copy = jobs.ToList(); return copy; }")]
    [InlineData("int[] Target(int[] board) => (int[])board.Clone();")]
    [InlineData("void Target(double[] from, double[] to) { from.CopyTo(to, 0); }")]
    [InlineData("List<string> Target(string[] names) => new List<string>(names);")]
    [InlineData("HashSet<int> Target(int[] seen) { var set = seen.ToHashSet(); return set; }")]
    [InlineData("Job Target(Queue<Job> q) => q.Count() > 0 ? q.First() : null;")]
    [InlineData("object[] Target(System.Collections.ArrayList items) => items.Cast<object>().ToArray();")]
    public async Task Copies_AreLight(string members)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.Light, cost.Kind);
    }

    [Theory]
    [InlineData("int[] Target(List<int> ids) => ids.Where(i => i % 2 == 0).ToArray();")]
    [InlineData("List<double> Target(Job[] jobs) => jobs.OrderByDescending(j => j.Weight).Select(j => j.Weight).ToList();")]
    [InlineData("int Target(Job[] jobs) => jobs.Count(j => j.Priority > 3);")]
    [InlineData("Job Target(List<Job> jobs) => jobs.First(j => j.Weight > 0.5);")]
    public async Task RealPipelines_StillCount(string members)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal("LINQ pipeline", cost.Reason);
    }

    // ---- Waiting is not work ----

    [Theory]
    [InlineData("readonly object _gate = new object(); bool _ready; void Target() { lock (_gate) { while (!_ready) Monitor.Wait(_gate); _ready = false; } }", "Monitor.Wait")]
    [InlineData("volatile bool _done; void Target() { while (!_done) Thread.Yield(); }", "Thread.Yield")]
    [InlineData("volatile bool _done; void Target() { while (!_done) { Thread.SpinWait(32); } }", "Thread.SpinWait")]
    [InlineData("volatile int _phase; void Target(int want) { var spinner = new SpinWait(); while (_phase != want) spinner.SpinOnce(); }", "SpinWait.SpinOnce")]
    [InlineData("readonly AutoResetEvent _tick = new AutoResetEvent(false); bool _stop; void Target() { do { _tick.WaitOne(); } while (!_stop); }", "WaitHandle.WaitOne")]
    [InlineData("readonly ManualResetEventSlim _go = new ManualResetEventSlim(); void Target() { while (!_go.Wait(50)) { } }", "ManualResetEventSlim.Wait")]
    [InlineData("volatile bool _ready; void Target() { while (!_ready) { } }", "spin-wait loop")]
    [InlineData("int _busy; void Target() { while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) ; }", "spin-wait loop")]
    public async Task WaitLoops_AreWaiting(string members, string reason)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.IoBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
    }

    [Fact]
    public async Task WaitTwoCallsDeep_SummarisesAsWaiting()
    {
        var cost = await Cost("""
            readonly object _turn = new object();
            int _current;
            bool _stopping;
            void Target(int me)
            {
                while (!_stopping)
                {
                    AwaitTurn(me);
                    _current = (me + 1) % 4;
                }
            }
            void AwaitTurn(int me) { BlockUntil(me); }
            void BlockUntil(int me)
            {
                lock (_turn)
                {
                    while (_current != me) Monitor.Wait(_turn);
                }
            }
            """);
        Assert.Equal(WorkKind.IoBound, cost.Kind);
        Assert.Contains("Monitor.Wait", cost.Reason);
    }

    [Theory]
    [InlineData("void Target(int x) { while (x > 1) x = x % 2 == 0 ? x / 2 : 3 * x + 1; }", "while loop")]
    [InlineData("int[] _perm = new int[10]; void Target() { while (NextPermutation(_perm)) ; } static bool NextPermutation(int[] p) { int i = p.Length - 2; while (i >= 0 && p[i] >= p[i + 1]) i--; return i >= 0; }", "calls 'NextPermutation' (while loop)")]
    [InlineData("readonly object _gate = new object(); void Target(double[] a) { lock (_gate) { Monitor.Pulse(_gate); } for (int i = 0; i < a.Length; i++) a[i] = Math.Sqrt(a[i]); }", "for loop")]
    [InlineData("int Target(string text) { int pos = 0; while (text[pos++] != ' ') ; return pos; }", "while loop")]
    [InlineData("int _cursor; char[] _buffer = new char[256]; void Target() { while (_buffer[_cursor] == ' ') { _cursor++; } }", "while loop")]
    public async Task LoopsThatComputeOrSignal_AreNotWaiting(string members, string reason)
    {
        var cost = await Cost(members);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
    }

    // ---- Under a lock: bookkeeping of the lock's own small collections ----

    [Theory]
    [InlineData("""
        readonly List<IListener> _listeners = new List<IListener>();
        void Target(string key) { foreach (var listener in _listeners) listener.OnChanged(key); }
        """)]
    [InlineData("""
        readonly Queue<Job> _pending = new Queue<Job>();
        readonly List<Job> _running = new List<Job>();
        void Target(int slots)
        {
            while (_pending.Count > 0 && _running.Count < slots)
            {
                var next = _pending.Dequeue();
                _running.Add(next);
            }
        }
        """)]
    [InlineData("""
        readonly List<Entry> _top = new List<Entry>();
        void Target(Entry candidate, int capacity)
        {
            int at = _top.Count;
            for (int i = 0; i < _top.Count; i++)
            {
                if (candidate.Score > _top[i].Score) { at = i; break; }
            }
            _top.Insert(at, candidate);
            if (_top.Count > capacity) _top.RemoveAt(_top.Count - 1);
        }
        """)]
    [InlineData("""
        static readonly Dictionary<string, Job> Registry = new Dictionary<string, Job>();
        static int Target(int minPriority)
        {
            var hits = 0;
            foreach (var pair in Registry)
                if (pair.Value.Priority >= minPriority) hits++;
            return hits;
        }
        """)]
    [InlineData("""
        readonly System.Collections.Concurrent.ConcurrentQueue<Job> _inbox = new System.Collections.Concurrent.ConcurrentQueue<Job>();
        readonly List<int> _seen = new List<int>();
        void Target() { while (_inbox.TryDequeue(out var job)) _seen.Add(job.Id); }
        """)]
    [InlineData("""
        readonly HashSet<int> _claimed = new HashSet<int>();
        readonly Queue<long> _tickets = new Queue<long>();
        long _served;
        void Target(int worker)
        {
            foreach (var id in _claimed) if (id == worker) _served++;
            while (_tickets.Count > 0) _served = _tickets.Dequeue();
        }
        """)]
    [InlineData("""
        readonly List<Job> _leases = new List<Job>();
        void Target(int now) { lock (_leases) { Expire(now); } }
        void Expire(int now) { for (int i = _leases.Count - 1; i >= 0; i--) if (_leases[i].Priority < now) _leases.RemoveAt(i); }
        """)]
    public async Task GuardedCollectionBookkeeping_IsLightUnderALock(string members)
    {
        Assert.Equal(WorkKind.Light, (await Cost(members, lockBody: true)).Kind);

        // The same loop outside a lock body is still a loop: the skip is for code the lock serialises.
        Assert.Equal(WorkKind.CpuBound, (await Cost(members)).Kind);
    }

    [Theory]
    [InlineData("""
        double[] _pixels = new double[1 << 20];
        void Target(double gain) { for (int i = 0; i < _pixels.Length; i++) _pixels[i] = Math.Min(1.0, _pixels[i] * gain); }
        """, "for loop", 1)]
    [InlineData("""
        readonly List<double> _samples = new List<double>();
        double Target() { double energy = 0; foreach (var s in _samples) energy += s * s; return energy; }
        """, "foreach loop", 1)]
    [InlineData("""
        readonly List<float[]> _rows = new List<float[]>();
        float Target() { float m = 0; foreach (var row in _rows) foreach (var v in row) m = Math.Max(m, v); return m; }
        """, "nested loop, 2 levels", 2)]
    [InlineData("""
        readonly Queue<Job> _work = new Queue<Job>();
        double Target()
        {
            double total = 0;
            while (_work.Count > 0) total += Simulate(_work.Dequeue());
            return total;
        }
        static double Simulate(Job job) { double x = job.Weight; for (int step = 0; step < job.Priority * 1000; step++) x = x * 0.99 + 0.01; return x; }
        """, "calls 'Simulate' (for loop)", 2)]
    [InlineData("""
        readonly List<Entry> _entries = new List<Entry>();
        void Target()
        {
            foreach (var e in _entries)
                for (int i = 0; i < e.Moves.Length; i++) e.Moves[i] = e.Moves[i] * 31 + i;
        }
        """, "nested loop, 2 levels", 2)]
    [InlineData("""
        readonly double[] _weights = new double[4096];
        void Target(double lr) { Decay(lr); }
        void Decay(double lr) { for (int i = 0; i < _weights.Length; i++) _weights[i] *= 1 - lr; }
        """, "calls 'Decay' (for loop)", 1)]
    public async Task DataLoopsUnderALock_StillCount(string members, string reason, int strength)
    {
        var cost = await Cost(members, lockBody: true);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
        Assert.Equal(strength, cost.Strength);
    }

    // ---- Under a lock: the rare "new best" branch ----

    [Theory]
    [InlineData("""
        double _bestScore = double.MinValue;
        int[] _bestBoard;
        List<int> _bestLine;
        void Target(double score, int[] board, IEnumerable<int> line)
        {
            if (score > _bestScore)
            {
                _bestScore = score;
                _bestBoard = (int[])board.Clone();
                _bestLine = line.ToList();
                for (int i = 0; i < board.Length; i++) board[i] = 0;
            }
        }
        """)]
    [InlineData("""
        Entry _best = new Entry { Score = double.MaxValue };
        void Target(Entry candidate)
        {
            if (candidate.Score < _best.Score)
                _best = new Entry { Score = candidate.Score, Moves = candidate.Moves.Select(m => m).ToArray() };
        }
        """)]
    public async Task RareNewBestBranch_IsLightUnderALock(string members)
    {
        Assert.Equal(WorkKind.Light, (await Cost(members, lockBody: true)).Kind);
        Assert.Equal(WorkKind.CpuBound, (await Cost(members)).Kind);
    }

    [Theory]
    [InlineData("""
        double _bestScore = double.MinValue;
        void Target(double[] weights)
        {
            var score = Evaluate(weights);
            if (score > _bestScore) _bestScore = score;
        }
        static double Evaluate(double[] w) { double s = 0; for (int i = 0; i < w.Length; i++) s += w[i] * w[i]; return s; }
        """, "calls 'Evaluate' (for loop)")]
    [InlineData("""
        readonly List<double> _batch = new List<double>();
        double _sum;
        void Target(double x)
        {
            _batch.Add(x);
            if (_batch.Count >= 512)
            {
                foreach (var v in _batch) _sum += Math.Log(1 + v);
                _batch.Clear();
            }
        }
        """, "foreach loop")]
    [InlineData("""
        void Target(Entry a, Entry b)
        {
            if (a.Score < b.Score)
            {
                a.Score = b.Score;
                for (int i = 0; i < a.Moves.Length; i++) a.Moves[i] = b.Moves[i % b.Moves.Length];
            }
        }
        """, "for loop")]
    public async Task WorkOutsideARareBranch_StillCounts(string members, string reason)
    {
        var cost = await Cost(members, lockBody: true);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
    }
}
