using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Text;
using System.Threading;
using MessagePack;

namespace GilAnalyzers.Processes;

/// <summary>
/// PROTOTYPE (issue 18, "large arrays may go through shared memory — measure before deciding"), off unless the
/// environment variable <see cref="Variable"/> is "1" in the parent and its workers, Linux only. A <c>byte[]</c> or
/// <c>double[]</c> of at least <see cref="Threshold"/> bytes is written into a file of <c>/dev/shm</c> (tmpfs: memory,
/// no disk) through a <see cref="MemoryMappedFile"/>; the frame carries a MessagePack extension with the element count
/// and the file's name instead of the elements. The reader maps the file, copies the elements into a new array and
/// deletes the file. Files a reader never consumed are deleted by their writer's side: the parent deletes the files of
/// a chunk's items once the chunk is answered or failed, and a worker's result files when the worker is gone.
/// </summary>
internal static class SharedMemoryPayload
{
    public const string Variable = "GIL_PROCESSES_SHARED_MEMORY";

    /// <summary>Arrays this large (in bytes) or larger go through shared memory when the switch is on.</summary>
    public const int Threshold = 1 << 20;

    /// <summary>The MessagePack extension type of a shared-memory array (application types are 0–127).</summary>
    public const sbyte ExtensionType = 71;

    private const string Folder = "/dev/shm";
    private static long s_counter;

    [ThreadStatic]
    private static List<string>? t_created;

    [ThreadStatic]
    private static bool t_capturing;

    /// <summary>True when an array of <paramref name="byteLength"/> bytes should go through shared memory.</summary>
    public static bool Use(long byteLength) => byteLength >= Threshold && Enabled;

    /// <summary>The MessagePack extension type of an array written as its raw little-endian bytes in the frame (the "raw" variant).</summary>
    public const sbyte RawExtensionType = 72;

    /// <summary>
    /// The comparison variant (<see cref="Variable"/> = "raw"): a large <c>double[]</c> crosses the pipes as its raw
    /// little-endian bytes in one extension value instead of one MessagePack float64 per element — to tell how much of
    /// the shared-memory gain on numbers comes from not encoding them element by element.
    /// </summary>
    public static bool UseRaw(long byteLength) => byteLength >= Threshold && Environment.GetEnvironmentVariable(Variable) == "raw";

    public static void WriteRaw<T>(ref MessagePackWriter writer, T[] values)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        writer.WriteExtensionFormatHeader(new ExtensionHeader(RawExtensionType, bytes.Length));
        writer.WriteRaw(bytes);
    }

    public static T[] ReadRaw<T>(ref MessagePackReader reader)
        where T : unmanaged
    {
        ExtensionHeader header = reader.ReadExtensionFormatHeader();
        ReadOnlySequence<byte> raw = reader.ReadRaw(header.Length);
        var values = new T[header.Length / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        raw.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>True when the next value is an extension of type <see cref="RawExtensionType"/>.</summary>
    public static bool IsRawNext(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Extension)
        {
            return false;
        }

        MessagePackReader peek = reader;
        return peek.ReadExtensionFormatHeader().TypeCode == RawExtensionType;
    }

    /// <summary>The switch: Linux, <see cref="Variable"/> = "1", and a <c>/dev/shm</c>.</summary>
    public static bool Enabled => OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(Variable) == "1" && Directory.Exists(Folder);

    /// <summary>The name prefix of the files written by process <paramref name="pid"/>.</summary>
    public static string Prefix(int pid) => "gil-shm-" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-";

    /// <summary>Starts recording the files this thread writes (the parent, around a chunk's serialisation).</summary>
    public static void BeginCapture()
    {
        t_created = null;
        t_capturing = true;
    }

    /// <summary>The files written on this thread since <see cref="BeginCapture"/>, or null.</summary>
    public static List<string>? EndCapture()
    {
        List<string>? created = t_created;
        t_created = null;
        t_capturing = false;
        return created;
    }

    public static void Write<T>(ref MessagePackWriter writer, T[] values)
        where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        long bytes = (long)values.Length * size;
        string name = Prefix(Environment.ProcessId) + Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string path = Path.Combine(Folder, name);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
            using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(file, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
            view.WriteArray(0, values, 0, values.Length);
        }
        catch
        {
            TryDelete(path);
            throw;
        }

        if (t_capturing)
        {
            (t_created ??= new List<string>()).Add(path);
        }

        int nameLength = Encoding.UTF8.GetByteCount(name);
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionType, 4 + nameLength));
        Span<byte> body = writer.GetSpan(4 + nameLength);
        BinaryPrimitives.WriteInt32LittleEndian(body, values.Length);
        Encoding.UTF8.GetBytes(name, body[4..]);
        writer.Advance(4 + nameLength);
    }

    /// <summary>True when the next value is a shared-memory array (read it with <see cref="Read{T}"/>).</summary>
    public static bool IsNext(ref MessagePackReader reader) => reader.NextMessagePackType == MessagePackType.Extension;

    public static T[] Read<T>(ref MessagePackReader reader)
        where T : unmanaged
    {
        ExtensionHeader header = reader.ReadExtensionFormatHeader();
        if (header.TypeCode != ExtensionType || header.Length < 4)
        {
            throw new InvalidDataException($"Unexpected MessagePack extension {header.TypeCode} where an array was expected.");
        }

        ReadOnlySequence<byte> raw = reader.ReadRaw(header.Length);
        byte[] body = raw.ToArray();
        int count = BinaryPrimitives.ReadInt32LittleEndian(body);
        string name = Encoding.UTF8.GetString(body, 4, body.Length - 4);
        if (!name.StartsWith("gil-shm-", StringComparison.Ordinal) || name.IndexOf('/') >= 0)
        {
            throw new InvalidDataException($"Unexpected shared-memory name '{name}'.");
        }

        string path = Path.Combine(Folder, name);
        var values = new T[count];
        try
        {
            long bytes = (long)count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.Read);
            view.ReadArray(0, values, 0, count);
        }
        finally
        {
            TryDelete(path);
        }

        return values;
    }

    /// <summary>Deletes the given files (those of a chunk, once it is answered or failed).</summary>
    public static void Delete(List<string>? paths)
    {
        if (paths is null)
        {
            return;
        }

        foreach (string path in paths)
        {
            TryDelete(path);
        }
    }

    /// <summary>Deletes every file process <paramref name="pid"/> wrote and nobody consumed (the worker is gone).</summary>
    public static void DeleteAllOf(int pid)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            foreach (string path in Directory.EnumerateFiles(Folder, Prefix(pid) + "*"))
            {
                TryDelete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
