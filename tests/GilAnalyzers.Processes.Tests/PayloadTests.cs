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
