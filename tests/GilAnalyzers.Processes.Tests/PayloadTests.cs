using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>Items and results travel as MessagePack: bytes as bytes, numbers as numbers, records by their members.</summary>
public sealed class PayloadTests
{
    [Fact]
    public async Task Bytes_numeric_arrays_and_records_round_trip_through_real_workers()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        var random = new Random(18);
        byte[][] frames = [.. Enumerable.Range(0, 3).Select(i => { var b = new byte[48 * 1024 + i]; random.NextBytes(b); return b; }), [], null!];

        byte[][] reversed = await pool.MapAsync<byte[], byte[]>(BinaryWork.Reverse, frames.Where(f => f is not null).ToArray());
        double[][] scaled = await pool.MapAsync<double[], double[]>(BinaryWork.Scale, [[1.5, double.NaN, -0.0, double.MaxValue / 4], []]);
        long[][] negated = await pool.MapAsync<long[], long[]>(BinaryWork.Negate, [[long.MaxValue, 1, -7]]);
        var packet = new Packet("p", [1, 2, 3], [7], new() { ["mean"] = 0.25 });
        Packet[] stamped = await pool.MapAsync<Packet, Packet>(BinaryWork.Stamp, [packet]);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(frames[i].Reverse(), reversed[i]);
        }

        Assert.Equal(new[] { 3.0, double.NaN, -0.0, double.MaxValue / 2 }, scaled[0]);
        Assert.Empty(scaled[1]);
        Assert.Equal(new[] { -long.MaxValue, -1, 7 }, negated[0]);
        Assert.Equal("p", stamped[0].Name);
        Assert.Equal(new byte[] { 3, 2, 1 }, stamped[0].Body);
        Assert.Equal(new[] { 7, 3 }, stamped[0].Sizes);
        Assert.Equal(0.25, stamped[0].Stats["mean"]);
    }

    [Fact]
    public async Task Internal_records_cross_too()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        InternalPoint[] mirrored = await pool.MapAsync<InternalPoint, InternalPoint>(BinaryWork.Mirror, [new InternalPoint(1, -2)]);
        Assert.Equal(new InternalPoint(-1, 2), mirrored[0]);
    }

    [Fact]
    public async Task A_member_that_cannot_be_serialised_fails_its_item_naming_the_type()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        var ex = await Assert.ThrowsAsync<WorkSerializationException>(() => pool.MapAsync<HoldsAction, int>(BinaryWork.TakesHolder, [new HoldsAction()]));
        Assert.Equal(0, ex.ItemIndex);
        Assert.Contains("'GilAnalyzers.Processes.Tests.HoldsAction'", ex.Message);
        Assert.Contains("System.Action", ex.Message);
    }
}

/// <summary>
/// Large arrays cross the pipes (docs/processes.md, "Large payloads"): byte[] as MessagePack binary, double[] and float[]
/// as one block of raw bytes; each comes back equal, bit for bit.
/// </summary>
public sealed class LargePayloadTests
{
    [Fact]
    public async Task Arrays_of_1_and_16_MiB_come_back_equal_from_real_workers()
    {
        using var pool = new ProcessPool(maxWorkers: 2);
        var random = new Random(1816);
        foreach (int mib in new[] { 1, 16 })
        {
            var bytes = new byte[mib << 20];
            random.NextBytes(bytes);
            var doubles = new double[(mib << 20) / sizeof(double)];
            for (int i = 0; i < doubles.Length; i++)
            {
                doubles[i] = BitConverter.Int64BitsToDouble(random.NextInt64()); // any bit pattern: NaN payloads, subnormals, -0.0
            }

            byte[][] bytesBack = await pool.MapAsync<byte[], byte[]>(BinaryWork.SameBytes, [bytes, bytes], chunkSize: 1);
            double[][] doublesBack = await pool.MapAsync<double[], double[]>(BinaryWork.SameDoubles, [doubles, doubles]);
            Assert.All(bytesBack, back => Assert.True(back.AsSpan().SequenceEqual(bytes)));
            Assert.All(doublesBack, back => Assert.True(MemoryMarshalBits(back).SequenceEqual(MemoryMarshalBits(doubles)), $"{mib} MiB double[] changed"));
        }

        float[] floats = [1.5f, float.NaN, -0.0f, float.Epsilon, float.MaxValue];
        Assert.Equal(new[] { 0.75f, float.NaN, -0.0f, 0f, float.MaxValue / 2 }, (await pool.MapAsync<float[], float[]>(BinaryWork.Halve, [floats]))[0]);
        Assert.Null((await pool.MapAsync<double[], double[]>(BinaryWork.SameDoubles, [null!]))[0]);

        // A method returning double[] through a Func with a wider result type reads the worker's bytes the same way.
        IReadOnlyList<double>[] ramps = await pool.MapAsync<int, IReadOnlyList<double>>(BinaryWork.Ramp, [0, 3, 200_000]);
        Assert.Empty(ramps[0]);
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, ramps[1]);
        Assert.Equal(99_999.5, ramps[2][^1]);
    }

    private static long[] MemoryMarshalBits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
