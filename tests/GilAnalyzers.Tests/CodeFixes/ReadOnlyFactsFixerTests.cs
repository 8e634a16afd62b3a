using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyGil001 = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;
using VerifyGil002 = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.CodeFixes;

/// <summary>
/// Facts about reads the lock fixes now know (issue 16, refusals seen on the fresh programs): a positional record's
/// property is an auto-property (no body to summarise), the compiler's <c>==</c> of a record of numbers runs no user
/// code, <c>ToArray()</c>/<c>ToList()</c> make a new collection the code may write into, and an array's length never
/// changes. Each with the shape that still must be refused.
/// </summary>
public class ReadOnlyFactsFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    // ------------------------------------------------------------ positional records

    private static string Routes(string lockBody) => Usings + """
        public record Leg(string From, string To, double Km);

        class Planner
        {
            static readonly object Gate = new object();
            static readonly List<double> costs = new List<double>();

            static double Cost(double km) { double c = 0; for (int i = 0; i < 20_000; i++) c += Math.Sqrt(km + i); return c; }

            static void Plan(List<Leg> legs)
            {
                Parallel.ForEach(legs, leg =>
                {
        """ + "\n" + lockBody + "\n" + """
                });
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.Latest)]
    public async Task PositionalRecordPropertyReadUnderTheLock_MovesOut(LanguageVersion version)
    {
        await VerifyGil001.VerifyCodeFixAsync(Routes("""
                        {|GIL001:lock (Gate)|}
                        {
                            costs.Add(Cost(leg.Km));
                        }
            """), Routes("""
                        var item = Cost(leg.Km);
                        lock (Gate)
                        {
                            costs.Add(item);
                        }
            """), SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, version);
    }

    [Fact]
    public async Task RecordPropertyWithAGetterThatCounts_IsStillRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            public record Leg(string From, string To, double Km)
            {
                public static int Reads;
                public double Distance { get { Reads++; return Km; } }
            }

            class Planner
            {
                static readonly object Gate = new object();
                static readonly List<double> costs = new List<double>();

                static double Cost(double km) { double c = 0; for (int i = 0; i < 20_000; i++) c += Math.Sqrt(km + i); return c; }

                static void Plan(List<Leg> legs)
                {
                    Parallel.ForEach(legs, leg =>
                    {
                        lock (Gate)
                        {
                            costs.Add(Cost(leg.Distance));
                        }
                    });
                }
            }
            """);

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Empty(keys);
    }

    // ------------------------------------------------------------ records compared with ==

    private static string Grid(string recordDeclaration) => Usings + recordDeclaration + "\n" + """
        class Search
        {
            static readonly object Gate = new object();
            static int found;

            static int Walk(Cell from, Cell to)
            {
                int steps = 0;
                var at = from;
                while (at != to && steps < 100_000)
                {
                    at = new Cell(at.X + Math.Sign(to.X - at.X), at.Y + Math.Sign(to.Y - at.Y));
                    steps++;
                }
                return steps;
            }

            static void Run(List<Cell> targets)
            {
                Parallel.ForEach(targets, target =>
                {
                    lock (Gate)
                    {
                        found += Walk(new Cell(0, 0), target);
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task RecordOfNumbersComparedWithEquals_MovesOutOrFoldsPerWorker()
    {
        var offers = await CodeFixOffers.ForAsync(Grid("public record struct Cell(int X, int Y);"));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, keys);
        Assert.Equal(SharedLockAroundCpuWorkFixer.ThreadLocalKey, keys[0]);
    }

    [Fact]
    public async Task RecordWithAnObjectFieldComparedWithEquals_IsRefused()
    {
        // Its == calls the field's Equals, user code the analysis does not follow.
        var offers = await CodeFixOffers.ForAsync(Grid("""
            public sealed class Tag { public override bool Equals(object? o) { Search2.Compared++; return base.Equals(o); } public override int GetHashCode() => 1; }
            static class Search2 { public static int Compared; }
            public record struct Cell(int X, int Y) { public Tag? Label { get; init; } }
            """));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Empty(keys);
    }

    // ------------------------------------------------------------ GIL002: Synchronized siblings, ToArray copies, lengths

    private static string Equity(string sibling) => Usings + """
        public sealed class EquityTable
        {
            private readonly List<string> _log = new List<string>();
            private int _calls;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public double Estimate(int heroCard, int trials, int seed)
            {
                var rng = new Random(seed);
                var deck = Enumerable.Range(0, 52).Where(c => c != heroCard).ToArray();
                double wins = 0;
                for (int t = 0; t < trials; t++)
                {
                    int j = rng.Next(deck.Length);
                    (deck[0], deck[j]) = (deck[j], deck[0]);
                    wins += deck[0] % 13 < heroCard % 13 ? 1 : 0;
                }
                return wins / trials;
            }

        """ + sibling + "\n" + """
        }

        static class EquityDriver
        {
            static void Run()
            {
                var table = new EquityTable();
                Parallel.For(0, 8, i => table.Estimate(i, 10_000, i));
            }
        }
        """;

    [Fact]
    public async Task SynchronizedBesideASiblingThatWritesItsOwnState_RemovesTheFlag()
    {
        const string Sibling = """
                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Audit(string line) { _log.Add(line); _calls++; }
            """;
        var before = Equity(Sibling).Replace("    [MethodImpl(MethodImplOptions.Synchronized)]\n    public double Estimate", "    [MethodImpl(MethodImplOptions.Synchronized)]\n    public double {|GIL002:Estimate|}", StringComparison.Ordinal);
        var after = Equity(Sibling).Replace("    [MethodImpl(MethodImplOptions.Synchronized)]\n    public double Estimate", "    public double Estimate", StringComparison.Ordinal);
        Assert.NotEqual(before, Equity(Sibling));

        await new VerifyGil002.Test
        {
            // Reported at compilation end, once the parallel caller is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = before,
            FixedCode = after,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.RemoveSynchronizedKey,
        }.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SynchronizedBesideASiblingThatMutatesAnObjectItCouldBeHanded_IsRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            public sealed class Checksums
            {
                private byte[] _buffer = new byte[4096];

                [MethodImpl(MethodImplOptions.Synchronized)]
                public uint Crc(byte[] data)
                {
                    uint crc = 0xFFFFFFFFu;
                    for (int r = 0; r < 64; r++)
                        for (int i = 0; i < data.Length; i++) crc = (crc >> 8) ^ (uint)(data[i] * 2654435761u);
                    return ~crc;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Fill(byte value) { for (int i = 0; i < _buffer.Length; i++) _buffer[i] = value; }

                public byte[] Buffer => _buffer;
            }

            static class Driver
            {
                static void Run()
                {
                    var sums = new Checksums();
                    Parallel.For(0, 8, i => { sums.Fill((byte)i); sums.Crc(sums.Buffer); });
                }
            }
            """);

        // Crc, then Fill (also CPU-bound under the hidden lock): Crc reads what Fill writes once it is handed Buffer, so
        // the flag stays; only the reader/writer lock is offered (Crc in read mode still excludes Fill).
        Assert.Equal(2, offers.Count(o => o.Id == "GIL002"));
        var crc = offers.First(o => o.Id == "GIL002");
        Assert.Equal(new[] { GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer.ReaderWriterLockKey }, crc.Keys);
    }

    [Fact]
    public async Task SynchronizedBesideAnExplicitLockOnThis_IsRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Equity("""
                public void Audit(string line) { lock (this) { _log.Add(line); _calls++; } }
            """));

        var estimate = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.Empty(estimate.Keys);
    }

    [Fact]
    public async Task ShufflingAnArrayThatAliasesAField_IsRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Usings + """
            public sealed class Shuffler
            {
                private readonly int[] _deck = Enumerable.Range(0, 52).ToArray();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Estimate(int trials, int seed)
                {
                    var rng = new Random(seed);
                    var deck = _deck;
                    int s = 0;
                    for (int t = 0; t < trials; t++)
                    {
                        int j = rng.Next(deck.Length);
                        (deck[0], deck[j]) = (deck[j], deck[0]);
                        s += deck[0];
                    }
                    return s;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Top() => _deck[0];
            }

            static class Driver
            {
                static void Run()
                {
                    var shuffler = new Shuffler();
                    Parallel.For(0, 8, i => shuffler.Estimate(10_000, i));
                }
            }
            """);

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL002", id);
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.RemoveSynchronizedKey, keys);
    }

    // ------------------------------------------------------------ lookup tables and stack memory

    private static string Verifier(string tableUse, string body = "") => Usings + """
        public sealed class ManifestCheck
        {
            private static readonly uint[] Table = MakeTable();
            private int _checked;
            private int _bad;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public uint Crc(byte[] data)
            {
                uint crc = 0xFFFFFFFFu;
                Span<uint> last = stackalloc uint[2];
                for (int r = 0; r < 16; r++)
                    for (int i = 0; i < data.Length; i++)
                    {
                        crc = Table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
                        last[i & 1] = crc;
                    }
                return ~crc ^ last[0];
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Record(bool ok) { _checked++; if (!ok) _bad++; }

            private static uint[] MakeTable()
            {
                var t = new uint[256];
                for (uint n = 0; n < 256; n++) { uint c = n; for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1; t[n] = c; }
                return t;
            }

        """ + tableUse + "\n" + """
        }

        static class ManifestDriver
        {
            static void Run(byte[][] blobs)
            {
                var check = new ManifestCheck();
                Parallel.For(0, blobs.Length, i => check.Record(check.Crc(blobs[i]) != 0));
            }
        }
        """;

    [Fact]
    public async Task SynchronizedChecksumReadingAPrivateLookupTableAndStackMemory_RemovesTheFlag()
    {
        var offers = await CodeFixOffers.ForAsync(Verifier("    public int Size => Table.Length;"));

        var crc = Assert.Single(offers);
        Assert.Equal("GIL002", crc.Id);
        Assert.Equal(SynchronizedCpuMethodFixer.RemoveSynchronizedKey, Assert.Single(crc.Keys));
    }

    [Fact]
    public async Task LookupTableChangedByAMethod_RemovalRefused_ReaderWriterLockOffered()
    {
        var offers = await CodeFixOffers.ForAsync(Verifier("    public void Patch(int i, uint v) { Table[i] = v; }"));

        // The removal stays refused; the type's reader/writer lock keeps every exclusion the hidden lock gave between Crc
        // and Record, and lets the checksums run together.
        var crc = Assert.Single(offers);
        Assert.Equal(new[] { GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer.ReaderWriterLockKey }, crc.Keys);
    }

    [Fact]
    public async Task LookupTableHandedOut_RemovalRefused_ReaderWriterLockOffered()
    {
        var offers = await CodeFixOffers.ForAsync(Verifier("    public uint[] Raw() => Table;"));

        // The removal stays refused; the type's reader/writer lock keeps every exclusion the hidden lock gave between Crc
        // and Record, and lets the checksums run together.
        var crc = Assert.Single(offers);
        Assert.Equal(new[] { GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer.ReaderWriterLockKey }, crc.Keys);
    }

    [Fact]
    public async Task SpanOverASharedArray_IsRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Verifier("    public static uint[] Scratch = new uint[2];").Replace(
            "Span<uint> last = stackalloc uint[2];", "Span<uint> last = Scratch;", StringComparison.Ordinal));

        var crc = Assert.Single(offers);
        Assert.Empty(crc.Keys);
    }

    // ------------------------------------------------------------ framework setters on the callee's own objects

    private static string Planner(string cacheWrite) => Usings + """
        public readonly record struct Spot(int X, int Y);

        public sealed class Board
        {
            private readonly Dictionary<Spot, int> _seen = new Dictionary<Spot, int>();

            public int Route(Spot from, Spot to)
            {
                var cost = new Dictionary<Spot, int>();
                var frontier = new Queue<Spot>();
                cost[from] = 0;
                frontier.Enqueue(from);
                while (frontier.Count > 0)
                {
                    var at = frontier.Dequeue();
                    if (at == to) break;
                    foreach (var next in new[] { new Spot(at.X + 1, at.Y), new Spot(at.X, at.Y + 1) })
                    {
                        if (next.X > 200 || next.Y > 200 || cost.ContainsKey(next)) continue;
                        cost[next] = cost[at] + 1;
                        frontier.Enqueue(next);
                    }
                }
        """ + cacheWrite + "\n" + """
                return cost.TryGetValue(to, out var c) ? c : -1;
            }
        }

        class Agents
        {
            private readonly object _gate = new object();
            public int Planned;

            public void Replan(Board board, List<Spot> targets)
            {
                Parallel.ForEach(targets, target =>
                {
                    int steps;
                    lock (_gate)
                    {
                        steps = board.Route(new Spot(0, 0), target);
                        Planned += steps;
                    }
                });
            }
        }
        """;

    [Fact]
    public async Task CalleeFillsADictionaryItCreated_MovesOut()
    {
        var offers = await CodeFixOffers.ForAsync(Planner(string.Empty));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Contains(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, keys);
    }

    [Fact]
    public async Task CalleeAlsoFillsADictionaryOfTheObject_IsRefused()
    {
        var offers = await CodeFixOffers.ForAsync(Planner("        _seen[to] = cost.Count;"));

        var (id, keys) = Assert.Single(offers);
        Assert.Equal("GIL001", id);
        Assert.Empty(keys);
    }
}
