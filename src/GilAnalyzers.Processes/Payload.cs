using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GilAnalyzers.Processes;

/// <summary>
/// How arguments and results are serialised: System.Text.Json with public fields included (so value
/// tuples and plain structs travel) and named floating-point literals allowed (NaN, Infinity).
/// </summary>
internal static class Payload
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            IncludeFields = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            MaxDepth = 256,
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Writes <paramref name="count"/> items from <paramref name="start"/> as one JSON array, each serialised
    /// as <paramref name="type"/> (through the typed contract when <typeparamref name="T"/> is that type).
    /// </summary>
    /// <exception cref="PayloadItemException">An item could not be serialised (the index in the chunk says which).</exception>
    public static JsonElement SerializeArray<T>(IReadOnlyList<T> items, int start, int count, Type type)
    {
        JsonTypeInfo<T>? typed = type == typeof(T) ? (JsonTypeInfo<T>)Options.GetTypeInfo(type) : null;
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, count * 16));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int i = 0; i < count; i++)
            {
                T value = items[start + i];
                try
                {
                    if (typed is not null)
                    {
                        JsonSerializer.Serialize(writer, value, typed);
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, type, Options);
                    }
                }
                catch (Exception ex)
                {
                    throw new PayloadItemException(i, value?.GetType() ?? type, ex);
                }
            }

            writer.WriteEndArray();
        }

        return ToElement(buffer);
    }

    /// <summary>A JSON array of <paramref name="count"/> nulls.</summary>
    public static JsonElement Nulls(int count)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + count * 5);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (int i = 0; i < count; i++)
            {
                writer.WriteNullValue();
            }

            writer.WriteEndArray();
        }

        return ToElement(buffer);
    }

    public static JsonElement ToElement(ArrayBufferWriter<byte> buffer)
    {
        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = Options.MaxDepth + 1 });
        return JsonElement.ParseValue(ref reader);
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
        else
        {
            JsonTypeInfo? info = null;
            try
            {
                info = Options.GetTypeInfo(type);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                problem = ex.Message;
            }

            if (info is not null && info.Kind == JsonTypeInfoKind.Object)
            {
                if (type.IsInterface || type.IsAbstract)
                {
                    problem = "it is an interface or abstract class, which cannot be created on the other side; use a concrete type";
                }
                else if (info.Properties.Count == 0)
                {
                    problem = "it has no public properties or fields, so none of its state would reach the other side";
                }
            }
        }

        if (problem is not null)
        {
            throw new ArgumentException(
                $"The {role} type '{type.FullName}' of '{method}' cannot be serialised to a worker process: {problem}. " +
                "Arguments and results travel as JSON (System.Text.Json): use primitives, strings, arrays, " +
                "lists, dictionaries, records or classes/structs with public properties or fields.");
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
