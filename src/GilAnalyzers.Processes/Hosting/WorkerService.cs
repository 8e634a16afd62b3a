using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using StreamJsonRpc;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>The RPC target in the worker: runs one chunk of items through the user's method.</summary>
internal sealed class WorkerService
{
    private readonly ConcurrentDictionary<string, ResolvedMethod> _methods = new(StringComparer.Ordinal);

    /// <summary>Reports items that run past their timeout (set by the host before listening).</summary>
    public ItemWatchdog? Watchdog { get; set; }

    /// <summary>Answers the worker's process id once it is ready to serve.</summary>
    [JsonRpcMethod(Protocol.PingMethod)]
    public int Ping() => Environment.ProcessId;

    [JsonRpcMethod(Protocol.RunChunkMethod)]
    public ChunkResponse RunChunk(ChunkRequest request)
    {
        int count = request.Items.ValueKind == JsonValueKind.Array ? request.Items.GetArrayLength() : 0;
        var results = new object?[count];
        var errors = new List<ItemError>();
        ResolvedMethod method;
        try
        {
            string key = request.Method.AssemblyPath + "|" + request.Method.MetadataToken.ToString(System.Globalization.CultureInfo.InvariantCulture);
            method = _methods.GetOrAdd(key, _ => Resolve(request.Method));
        }
        catch (Exception ex)
        {
            var error = RemoteError.From(RemoteErrorKinds.Resolve, ex);
            for (int i = 0; i < count; i++)
            {
                errors.Add(new ItemError { Index = i, Error = error });
            }

            return new ChunkResponse { Values = Payload.SerializeArray(count, _ => null, typeof(object)), Errors = errors.ToArray() };
        }

        var args = new object?[1];
        int index = 0;
        var failed = new bool[count];
        foreach (JsonElement item in request.Items.EnumerateArray())
        {
            int i = index++;
            object? argument;
            try
            {
                argument = item.Deserialize(method.ParameterType, Payload.Options);
            }
            catch (Exception ex)
            {
                errors.Add(new ItemError { Index = i, Error = RemoteError.From(RemoteErrorKinds.Argument, ex) });
                failed[i] = true;
                continue;
            }

            if (request.ItemTimeoutMilliseconds is double timeout)
            {
                Watchdog?.Start(i, timeout);
            }

            try
            {
                args[0] = argument;
                results[i] = method.Method.Invoke(method.Target, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
            }
            catch (Exception ex)
            {
                errors.Add(new ItemError { Index = i, Error = RemoteError.From(RemoteErrorKinds.Exception, ex) });
                failed[i] = true;
            }
            finally
            {
                Watchdog?.Stop();
            }
        }

        // Serialise the results one by one first, so that one unserialisable result fails only its item.
        var encoded = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            if (failed[i])
            {
                continue;
            }

            try
            {
                encoded[i] = JsonSerializer.SerializeToUtf8Bytes(results[i], method.ReturnType, Payload.Options);
            }
            catch (Exception ex)
            {
                errors.Add(new ItemError { Index = i, Error = RemoteError.From(RemoteErrorKinds.Result, ex) });
            }
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartArray();
            foreach (byte[]? bytes in encoded)
            {
                if (bytes is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(bytes, skipInputValidation: true);
                }
            }

            writer.WriteEndArray();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = Payload.Options.MaxDepth + 1 });
        return new ChunkResponse
        {
            Values = JsonElement.ParseValue(ref reader),
            Errors = errors.Count == 0 ? null : errors.ToArray(),
        };
    }

    private static ResolvedMethod Resolve(WorkMethodIdentity id)
    {
        Assembly assembly = UserAssemblies.Load(id.AssemblyPath, id.AssemblyName);
        MethodBase? resolved = null;
        foreach (Module module in assembly.GetModules())
        {
            try
            {
                resolved = module.ResolveMethod(id.MetadataToken);
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (resolved is not null && resolved.Name == id.MethodName && resolved.DeclaringType?.FullName == id.TypeName)
            {
                break;
            }

            resolved = null;
        }

        if (resolved is not MethodInfo method)
        {
            throw new MissingMethodException(
                $"Method '{id.Display}' was not found in '{id.AssemblyPath}' (was the assembly rebuilt after the pool started?).");
        }

        object? target = null;
        if (id.OnLambdaSingleton)
        {
            Type type = method.DeclaringType!;
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            FieldInfo field = WorkMethod.FindSingletonField(type)
                ?? throw new MissingFieldException($"The lambda singleton of '{type.FullName}' was not found.");
            target = field.GetValue(null);
        }

        return new ResolvedMethod(method, target, method.GetParameters()[0].ParameterType, method.ReturnType);
    }

    private sealed record ResolvedMethod(MethodInfo Method, object? Target, Type ParameterType, Type ReturnType);
}
