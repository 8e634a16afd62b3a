using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace GilAnalyzers.Processes;

/// <summary>
/// How arguments and results are serialised: MessagePack (MessagePack-CSharp, contractless: public properties
/// and fields, records through their constructors; see <see cref="DepthLimitedResolver"/>), so <c>byte[]</c> travels as MessagePack binary and numbers as
/// numbers. <c>int</c>, <c>long</c>, <c>double</c>, <c>float</c>, <c>bool</c>, <c>string</c>, <c>byte[]</c> and arrays
/// of those numbers are written directly, so a worker whose items are of those types never builds the resolvers (tens of
/// milliseconds of start-up): with the bytes MessagePack's own formatters write, except <c>double[]</c> and
/// <c>float[]</c>, which go as one block of raw bytes (<see cref="RawArrays"/>).
/// </summary>
internal static class Payload
{
    /// <summary>The serializer options (built on first use of a type outside the direct ones).</summary>
    public static MessagePackSerializerOptions Options => StandardOptions.Value;

    private static class StandardOptions
    {
        public static readonly MessagePackSerializerOptions Value = MessagePackSerializerOptions.Standard.WithResolver(DepthLimitedResolver.Instance);
    }

    /// <summary>
    /// Writes <paramref name="count"/> items from <paramref name="start"/> as one MessagePack array, each serialised
    /// as <paramref name="type"/> (through the typed codec when <typeparamref name="T"/> is that type).
    /// </summary>
    /// <exception cref="PayloadItemException">An item could not be serialised (the index in the chunk says which).</exception>
    public static ReadOnlyMemory<byte> SerializeArray<T>(IReadOnlyList<T> items, int start, int count, Type type)
    {
        Codec<T>? typed = type == typeof(T) ? Codec<T>.Instance : null;
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, count * 8));
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
        {
            T value = items[start + i];
            try
            {
                if (typed is not null)
                {
                    typed.Write(ref writer, value);
                }
                else
                {
                    MessagePackSerializer.Serialize(type, ref writer, value, Options);
                }
            }
            catch (Exception ex)
            {
                throw new PayloadItemException(i, value?.GetType() ?? type, Unwrap(ex));
            }
        }

        writer.Flush();
        return buffer.WrittenMemory;
    }

    /// <summary>
    /// The same as <see cref="SerializeArray{T}(IReadOnlyList{T}, int, int, Type)"/>, into a rented buffer of about
    /// <paramref name="sizeHint"/> bytes (the caller disposes it once the bytes have been sent): a map's chunks reuse
    /// the same memory instead of taking fresh large arrays for every chunk.
    /// </summary>
    /// <exception cref="PayloadItemException">An item could not be serialised (the index in the chunk says which).</exception>
    public static PooledBufferWriter SerializeArrayPooled<T>(IReadOnlyList<T> items, int start, int count, Type type, int sizeHint)
    {
        Codec<T>? typed = type == typeof(T) ? Codec<T>.Instance : null;
        var buffer = new PooledBufferWriter(Math.Max(256, sizeHint));
        try
        {
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(count);
            for (int i = 0; i < count; i++)
            {
                T value = items[start + i];
                try
                {
                    if (typed is not null)
                    {
                        typed.Write(ref writer, value);
                    }
                    else
                    {
                        MessagePackSerializer.Serialize(type, ref writer, value, Options);
                    }
                }
                catch (Exception ex)
                {
                    throw new PayloadItemException(i, value?.GetType() ?? type, Unwrap(ex));
                }
            }

            writer.Flush();
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Reads one value written as <paramref name="type"/> (the typed codec when <typeparamref name="T"/> is that type).</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes, Type type)
    {
        var reader = new MessagePackReader(bytes);
        if (type == typeof(T))
        {
            return Codec<T>.Instance.Read(ref reader);
        }

        // A method whose declared result is a direct type, called through a delegate with a wider result type (a method
        // returning double[] as a Func<int, IReadOnlyList<double>>): the worker wrote it with the direct codec.
        return Codec.Direct(type) is CodecBase direct ? (T)direct.ReadObject(ref reader)! : (T)MessagePackSerializer.Deserialize(type, ref reader, Options)!;
    }

    /// <summary>A MessagePack array of <paramref name="count"/> nils.</summary>
    public static ReadOnlyMemory<byte> Nulls(int count)
    {
        var buffer = new ArrayBufferWriter<byte>(8 + count);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        for (int i = 0; i < count; i++)
        {
            writer.WriteNil();
        }

        writer.Flush();
        return buffer.WrittenMemory;
    }

    /// <summary>The element count of a MessagePack array, or -1 when the bytes are not one.</summary>
    public static int ArrayLength(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            return reader.NextMessagePackType == MessagePackType.Array ? reader.ReadArrayHeader() : -1;
        }
        catch (MessagePackSerializationException)
        {
            return -1;
        }
        catch (System.IO.EndOfStreamException)
        {
            return -1;
        }
    }

    /// <summary>MessagePackSerializer wraps what a formatter throws; the cause is what the user needs.</summary>
    public static Exception Unwrap(Exception ex)
    {
        while (ex.InnerException is Exception inner &&
               (ex is TypeInitializationException || (ex is MessagePackSerializationException && ex.Message.StartsWith("Failed to ", StringComparison.Ordinal))))
        {
            ex = inner;
        }

        return ex;
    }

    /// <summary>
    /// Fails early, naming the type, when <paramref name="type"/> cannot make the trip to a worker and back.
    /// </summary>
    public static void EnsureSerialisable(Type type, string role, string method)
    {
        string? problem = null;
        if (type == typeof(object))
        {
            problem = "'object' does not say what to rebuild on the other side; declare a concrete type";
        }
        else if (typeof(Delegate).IsAssignableFrom(type))
        {
            problem = "delegates cannot be serialised (the work itself must be the static method)";
        }
        else if (typeof(System.Threading.Tasks.Task).IsAssignableFrom(type) || type == typeof(System.Threading.Tasks.ValueTask) ||
                 (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Threading.Tasks.ValueTask<>)))
        {
            problem = "tasks cannot cross a process boundary; the work method must be synchronous and return the value itself";
        }
        else if (type.IsPointer || type.IsByRef || type == typeof(IntPtr) || type == typeof(UIntPtr))
        {
            problem = "pointers and handles only mean something inside one process";
        }
        else if (!Codec.IsDirect(type))
        {
            bool collection = typeof(IEnumerable).IsAssignableFrom(type);
            if (!collection && (type.IsInterface || type.IsAbstract))
            {
                problem = "it is an interface or abstract class, which cannot be created on the other side; use a concrete type";
            }
            else
            {
                object? formatter = null;
                try
                {
                    formatter = DepthLimitedResolver.Inner(type).GetFormatterDynamic(type);
                    if (formatter is null)
                    {
                        problem = "MessagePack has no formatter for it";
                    }
                }
                catch (Exception ex)
                {
                    problem = Unwrap(ex).Message.TrimEnd('.');
                }

                if (formatter is not null && formatter.GetType().Assembly.IsDynamic && !type.IsEnum && !collection && !HasState(type))
                {
                    problem = type.IsVisible
                        ? "it has no public properties or fields, so none of its state would reach the other side"
                        : "it has no fields or properties, so none of its state would reach the other side";
                }
            }
        }

        if (problem is not null)
        {
            throw new ArgumentException(
                $"The {role} type '{type.FullName}' of '{method}' cannot be serialised to a worker process: {problem}. " +
                "Arguments and results travel as MessagePack (MessagePack-CSharp, contractless): use primitives, strings, byte[], arrays, " +
                "lists, dictionaries, tuples, records or public classes/structs with public properties or fields.");
        }
    }

    private static bool HasState(Type type)
    {
        BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | (type.IsVisible ? 0 : BindingFlags.NonPublic);
        foreach (FieldInfo _ in type.GetFields(flags))
        {
            return true;
        }

        foreach (PropertyInfo p in type.GetProperties(flags))
        {
            if (p.GetMethod is not null && p.GetIndexParameters().Length == 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The resolver of <see cref="Payload.Options"/>: contractless — public properties and fields of public types; every
/// field and property of a non-public type (an <c>internal record</c>), which MessagePack can only build through its
/// "allow private" resolver — with a depth limit on serialisation, so a reference cycle fails its item instead of
/// overflowing the stack.
/// </summary>
internal sealed class DepthLimitedResolver : IFormatterResolver
{
    public const int MaxDepth = 256;

    public static readonly DepthLimitedResolver Instance = new();

    [ThreadStatic]
    private static int t_depth;

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    /// <summary>The MessagePack resolver that builds the formatter of <paramref name="type"/>.</summary>
    public static IFormatterResolver Inner(Type type) =>
        type.IsVisible ? ContractlessStandardResolver.Instance : ContractlessStandardResolverAllowPrivate.Instance;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = Wrap(Inner(typeof(T)).GetFormatter<T>());

        private static IMessagePackFormatter<T>? Wrap(IMessagePackFormatter<T>? inner) =>
            inner is null || typeof(T).IsValueType || typeof(T) == typeof(string) || typeof(T) == typeof(byte[]) ? inner : new Limited<T>(inner);
    }

    private sealed class Limited<T> : IMessagePackFormatter<T>
    {
        private readonly IMessagePackFormatter<T> _inner;

        public Limited(IMessagePackFormatter<T> inner) => _inner = inner;

        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (++t_depth > MaxDepth)
            {
                t_depth = 0;
                throw new MessagePackSerializationException(
                    $"The object graph of '{typeof(T).FullName}' is nested deeper than {MaxDepth} levels; does it contain a reference cycle? Object identity is not kept, so cycles cannot be serialised.");
            }

            try
            {
                _inner.Serialize(ref writer, value, options);
            }
            finally
            {
                if (t_depth > 0)
                {
                    t_depth--;
                }
            }
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => _inner.Deserialize(ref reader, options);
    }
}

/// <summary>A codec, whatever its type: reads a value as an object.</summary>
internal abstract class CodecBase
{
    public abstract object? ReadObject(ref MessagePackReader reader);
}

/// <summary>Writes and reads one payload type.</summary>
internal abstract class Codec<T> : CodecBase
{
    public static readonly Codec<T> Instance = (Codec.Direct(typeof(T)) as Codec<T>) ?? new FormatterCodec<T>();

    public abstract void Write(ref MessagePackWriter writer, T value);

    public abstract T Read(ref MessagePackReader reader);

    public override object? ReadObject(ref MessagePackReader reader) => Read(ref reader);

    private sealed class FormatterCodec<TValue> : Codec<TValue>
    {
        private readonly IMessagePackFormatter<TValue> _formatter = Payload.Options.Resolver.GetFormatterWithVerify<TValue>();

        public override void Write(ref MessagePackWriter writer, TValue value) => _formatter.Serialize(ref writer, value, Payload.Options);

        public override TValue Read(ref MessagePackReader reader) => _formatter.Deserialize(ref reader, Payload.Options);
    }
}

/// <summary>
/// The types written directly: the same bytes as MessagePack's built-in formatters, except <c>double[]</c> and
/// <c>float[]</c>, which travel as one block of their raw little-endian bytes (<see cref="RawArrays"/>).
/// </summary>
internal static class Codec
{
    public static bool IsDirect(Type type) => Direct(type) is not null;

    public static object? Direct(Type type)
    {
        if (type == typeof(int)) return new Int32Codec();
        if (type == typeof(long)) return new Int64Codec();
        if (type == typeof(double)) return new DoubleCodec();
        if (type == typeof(float)) return new SingleCodec();
        if (type == typeof(bool)) return new BooleanCodec();
        if (type == typeof(string)) return new StringCodec();
        if (type == typeof(byte[])) return new BytesCodec();
        if (type == typeof(int[])) return new ArrayCodec<int>((ref MessagePackWriter w, int v) => w.Write(v), (ref MessagePackReader r) => r.ReadInt32(), raw: false);
        if (type == typeof(long[])) return new ArrayCodec<long>((ref MessagePackWriter w, long v) => w.Write(v), (ref MessagePackReader r) => r.ReadInt64(), raw: false);
        if (type == typeof(double[])) return new ArrayCodec<double>((ref MessagePackWriter w, double v) => w.Write(v), (ref MessagePackReader r) => r.ReadDouble(), raw: true);
        if (type == typeof(float[])) return new ArrayCodec<float>((ref MessagePackWriter w, float v) => w.Write(v), (ref MessagePackReader r) => r.ReadSingle(), raw: true);
        return null;
    }

    private sealed class Int32Codec : Codec<int>
    {
        public override void Write(ref MessagePackWriter writer, int value) => writer.Write(value);

        public override int Read(ref MessagePackReader reader) => reader.ReadInt32();
    }

    private sealed class Int64Codec : Codec<long>
    {
        public override void Write(ref MessagePackWriter writer, long value) => writer.Write(value);

        public override long Read(ref MessagePackReader reader) => reader.ReadInt64();
    }

    private sealed class DoubleCodec : Codec<double>
    {
        public override void Write(ref MessagePackWriter writer, double value) => writer.Write(value);

        public override double Read(ref MessagePackReader reader) => reader.ReadDouble();
    }

    private sealed class SingleCodec : Codec<float>
    {
        public override void Write(ref MessagePackWriter writer, float value) => writer.Write(value);

        public override float Read(ref MessagePackReader reader) => reader.ReadSingle();
    }

    private sealed class BooleanCodec : Codec<bool>
    {
        public override void Write(ref MessagePackWriter writer, bool value) => writer.Write(value);

        public override bool Read(ref MessagePackReader reader) => reader.ReadBoolean();
    }

    private sealed class StringCodec : Codec<string>
    {
        public override void Write(ref MessagePackWriter writer, string value) => writer.Write(value);

        public override string Read(ref MessagePackReader reader) => reader.ReadString()!;
    }

    private sealed class BytesCodec : Codec<byte[]>
    {
        public override void Write(ref MessagePackWriter writer, byte[] value) => writer.Write(value);

        public override byte[] Read(ref MessagePackReader reader) => reader.ReadBytes() is ReadOnlySequence<byte> bytes ? bytes.ToArray() : null!;
    }

    private delegate void WriteElement<T>(ref MessagePackWriter writer, T value);

    private delegate T ReadElement<T>(ref MessagePackReader reader);

    /// <summary>
    /// An array of one primitive element type, nil for null. Written element by element, as MessagePack's own array
    /// formatter writes it, or — when <c>raw</c> — as one block of raw bytes (<see cref="RawArrays"/>); a raw codec also
    /// reads the element-by-element form.
    /// </summary>
    private sealed class ArrayCodec<T> : Codec<T[]>
        where T : unmanaged
    {
        private readonly WriteElement<T> _writeElement;
        private readonly ReadElement<T> _readElement;
        private readonly bool _raw;

        public ArrayCodec(WriteElement<T> writeElement, ReadElement<T> readElement, bool raw)
        {
            _writeElement = writeElement;
            _readElement = readElement;
            _raw = raw;
        }

        public override void Write(ref MessagePackWriter writer, T[] value)
        {
            if (_raw)
            {
                RawArrays.Write(ref writer, value);
                return;
            }

            if (value is null)
            {
                writer.WriteNil();
                return;
            }

            writer.WriteArrayHeader(value.Length);
            foreach (T v in value)
            {
                _writeElement(ref writer, v);
            }
        }

        public override T[] Read(ref MessagePackReader reader)
        {
            if (reader.TryReadNil())
            {
                return null!;
            }

            if (_raw && RawArrays.IsNext(ref reader))
            {
                return RawArrays.Read<T>(ref reader);
            }

            var values = new T[reader.ReadArrayHeader()];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = _readElement(ref reader);
            }

            return values;
        }
    }
}

/// <summary>
/// <c>double[]</c> and <c>float[]</c> as one MessagePack extension value (type <see cref="ExtensionType"/>) holding the
/// elements' raw little-endian bytes, instead of one MessagePack float per element: a copy instead of a loop that
/// converts every element to big-endian and back, and 8 (4) bytes per element instead of 9 (5). A 1 MiB double[] went to
/// a worker and back in 5–16 ms element by element and in 1.5–3.0 ms as raw bytes (docs/processes.md, "Large payloads").
/// The reader also takes MessagePack arrays (what the standard formatters write, e.g. inside a record); a big-endian
/// machine writes arrays. NaN payloads and negative zeros come back bit for bit.
/// </summary>
internal static class RawArrays
{
    public const sbyte ExtensionType = 71;

    public static void Write<T>(ref MessagePackWriter writer, T[] values)
        where T : unmanaged
    {
        if (values is null)
        {
            writer.WriteNil();
            return;
        }

        if (!BitConverter.IsLittleEndian)
        {
            MessagePackSerializer.Serialize(ref writer, values, MessagePackSerializerOptions.Standard);
            return;
        }

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan());
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionType, bytes.Length));
        writer.WriteRaw(bytes);
    }

    /// <summary>True when the next value is a raw array (an extension of <see cref="ExtensionType"/>).</summary>
    public static bool IsNext(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Extension)
        {
            return false;
        }

        MessagePackReader peek = reader;
        return peek.ReadExtensionFormatHeader().TypeCode == ExtensionType;
    }

    public static T[] Read<T>(ref MessagePackReader reader)
        where T : unmanaged
    {
        ExtensionHeader header = reader.ReadExtensionFormatHeader();
        int size = Unsafe.SizeOf<T>();
        if (header.Length % size != 0)
        {
            throw new MessagePackSerializationException($"A raw array of {typeof(T).Name} cannot be {header.Length} bytes long.");
        }

        ReadOnlySequence<byte> raw = reader.ReadRaw(header.Length);
        var values = new T[header.Length / size];
        Span<byte> target = MemoryMarshal.AsBytes(values.AsSpan());
        raw.CopyTo(target);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach(target, size);
        }

        return values;
    }

    private static void ReverseEach(Span<byte> bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size)
        {
            bytes.Slice(i, size).Reverse();
        }
    }
}

/// <summary>A value of an array payload could not be serialised.</summary>
internal sealed class PayloadItemException : Exception
{
    public PayloadItemException(int index, Type type, Exception inner)
        : base(inner.Message, inner)
    {
        Index = index;
        Type = type;
    }

    public int Index { get; }

    public Type Type { get; }
}
