using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using StreamJsonRpc;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>The RPC target in the worker: runs one chunk of items through the user's method.</summary>
internal sealed class WorkerService
{
    private readonly ConcurrentDictionary<string, ResolvedMethod> _methods = new(StringComparer.Ordinal);

    [JsonRpcMethod(Protocol.RunChunkMethod)]
    public ChunkResponse RunChunk(ChunkRequest request)
    {
        var outcomes = new ItemOutcome[request.Items.Length];
        ResolvedMethod method;
        try
        {
            string key = request.Method.AssemblyPath + "|" + request.Method.MetadataToken.ToString(System.Globalization.CultureInfo.InvariantCulture);
            method = _methods.GetOrAdd(key, _ => Resolve(request.Method));
        }
        catch (Exception ex)
        {
            var error = RemoteError.From(RemoteErrorKinds.Resolve, ex);
            for (int i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = new ItemOutcome { Error = error };
            }

            return new ChunkResponse { Outcomes = outcomes };
        }

        var args = new object?[1];
        for (int i = 0; i < outcomes.Length; i++)
        {
            object? argument;
            try
            {
                argument = request.Items[i].Deserialize(method.ParameterType, Payload.Options);
            }
            catch (Exception ex)
            {
                outcomes[i] = new ItemOutcome { Error = RemoteError.From(RemoteErrorKinds.Argument, ex) };
                continue;
            }

            object? result;
            try
            {
                args[0] = argument;
                result = method.Method.Invoke(method.Target, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
            }
            catch (Exception ex)
            {
                outcomes[i] = new ItemOutcome { Error = RemoteError.From(RemoteErrorKinds.Exception, ex) };
                continue;
            }

            try
            {
                outcomes[i] = new ItemOutcome { Value = JsonSerializer.SerializeToElement(result, method.ReturnType, Payload.Options) };
            }
            catch (Exception ex)
            {
                outcomes[i] = new ItemOutcome { Error = RemoteError.From(RemoteErrorKinds.Result, ex) };
            }
        }

        return new ChunkResponse { Outcomes = outcomes };
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
