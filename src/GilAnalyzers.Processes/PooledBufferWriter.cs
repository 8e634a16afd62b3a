using System;
using System.Buffers;

namespace GilAnalyzers.Processes;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, for the frames of a map.
/// A chunk of 36 frames of 48 KiB is 1.7 MB: written into fresh arrays (<c>ArrayBufferWriter</c>, which doubles from a
/// small start), every chunk cost the parent and the worker new large-object-heap memory that the kernel had to map in,
/// page by page, and the copies of each doubling. Rented arrays are reused from chunk to chunk.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, initialCapacity));
    }

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>The written bytes as a writable span (to fill in a length prefix).</summary>
    public Span<byte> WrittenSpanForUpdate => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void ResetWrittenCount() => _written = 0;

    /// <summary>Returns the array to the pool. The writer (and any memory taken from it) must not be used afterwards.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        int need = Math.Max(1, sizeHint);
        if (_buffer.Length - _written >= need)
        {
            return;
        }

        long target = Math.Max((long)_written + need, Math.Min((long)_buffer.Length * 2, Array.MaxLength));
        if (target > Array.MaxLength)
        {
            throw new OutOfMemoryException("A frame larger than the largest array was requested.");
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent((int)target);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
