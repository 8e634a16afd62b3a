using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Work that looks like a loop nest or bulk hashing but is small by construction: a constant loop that strides over its
/// range (<c>for (k = 0; k &lt; 40; k += 8)</c> runs 5 times), a hash of a fixed buffer of a few bytes or of a digest, and
/// code that holds a database connection (its loops walk rows as the server sends them).
/// </summary>
public class RealLocks37SmallWorkTests
{
    [Fact]
    public async Task StridedConstantLoop_CountsItsTrips_NoDiagnostic()
    {
        var source = """
            static class Parity
            {
                private static readonly object s_tableGate = new object();

                public static int Fold(int[] words)
                {
                    lock (s_tableGate)
                    {
                        var acc = 0;
                        for (var i = 0; i < words.Length; i++)
                        {
                            for (var shift = 0; shift < 40; shift += 8)
                            {
                                acc ^= (words[i] >> (shift % 31)) & 0xFF;
                            }
                        }

                        return acc;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task UnitStepConstantLoop_IsStillANest()
    {
        var source = """
            static class Parity
            {
                private static readonly object s_tableGate = new object();

                public static int Fold(int[] words)
                {
                    {|#0:lock (s_tableGate)|}
                    {
                        var acc = 0;
                        for (var i = 0; i < words.Length; i++)
                        {
                            for (var shift = 0; shift < 40; shift++)
                            {
                                acc ^= (words[i] >> (shift % 31)) & 0xFF;
                            }
                        }

                        return acc;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "s_tableGate", "nested loop, 2 levels", "'Fold', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task HashChainOverAFewBytes_NoDiagnostic()
    {
        var source = """
            using System;
            using System.Security.Cryptography;

            static class SeatDraw
            {
                private static readonly SHA256 s_hasher = SHA256.Create();

                public static int[] Pick(byte[] seed, int seats)
                {
                    var picks = new int[seats];
                    lock (s_hasher)
                    {
                        Span<byte> block = stackalloc byte[32];
                        seed.AsSpan(0, 32).CopyTo(block);
                        var n = 0;
                        while (n < seats)
                        {
                            s_hasher.TryComputeHash(block, block, out var written);
                            block = block.Slice(0, written);
                            picks[n++] = block[0] | (block[1] << 8);
                        }
                    }

                    return picks;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task HashOfTheCallersData_InALoop_IsStillBulk()
    {
        var source = """
            using System;
            using System.Security.Cryptography;

            static class ChunkSigner
            {
                private static readonly SHA256 s_hasher = SHA256.Create();

                public static byte[][] Sign(byte[][] chunks)
                {
                    var digests = new byte[chunks.Length][];
                    {|#0:lock (s_hasher)|}
                    {
                        var n = 0;
                        while (n < chunks.Length)
                        {
                            digests[n] = s_hasher.ComputeHash(chunks[n]);
                            n++;
                        }
                    }

                    return digests;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "s_hasher", "HashAlgorithm.ComputeHash (hashing/cryptography)", "'Sign', a process-wide lock that every calling thread queues for"));
    }

    private const string Store = """
        using System.Collections.Generic;
        using System.Data;
        using System.Threading.Tasks;

        public interface IDatabase
        {
            IDbConnection OpenConnection();
        }

        public interface IRowMapper
        {
            List<int[]> Rows(IDbConnection connection, string sql);
        }

        """;

    [Fact]
    public async Task LockAroundCodeThatHoldsADatabaseConnection_NoDiagnostic()
    {
        var source = Store + """
            public sealed class ScoreBoard
            {
                private readonly object _sync = new object();
                private readonly IDatabase _database;
                private readonly IRowMapper _mapper;
                private long _total;

                public ScoreBoard(IDatabase database, IRowMapper mapper)
                {
                    _database = database;
                    _mapper = mapper;
                }

                public void Tally(List<int[]> weightSets)
                {
                    Parallel.ForEach(weightSets, weights =>
                    {
                        lock (_sync)
                        {
                            _total += Score(weights);
                        }
                    });
                }

                private long Score(int[] weights)
                {
                    using (var connection = _database.OpenConnection())
                    {
                        long score = 0;
                        foreach (var row in _mapper.Rows(connection, "select * from results"))
                        {
                            for (var i = 0; i < row.Length; i++)
                            {
                                score += row[i] * weights[i % weights.Length];
                            }
                        }

                        return score;
                    }
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task SameNestOverRowsAlreadyInMemory_IsGil001()
    {
        var source = Store + """
            public sealed class ScoreBoard
            {
                private readonly object _sync = new object();
                private readonly List<int[]> _rows;
                private long _total;

                public ScoreBoard(List<int[]> rows) => _rows = rows;

                public void Tally(List<int[]> weightSets)
                {
                    Parallel.ForEach(weightSets, weights =>
                    {
                        {|#0:lock (_sync)|}
                        {
                            _total += Score(weights);
                        }
                    });
                }

                private long Score(int[] weights)
                {
                    long score = 0;
                    foreach (var row in _rows)
                    {
                        for (var i = 0; i < row.Length; i++)
                        {
                            score += row[i] * weights[i % weights.Length];
                        }
                    }

                    return score;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
                "_sync", "calls 'Score' (nested loop, 2 levels)", "a Parallel.ForEach body"));
    }
}
