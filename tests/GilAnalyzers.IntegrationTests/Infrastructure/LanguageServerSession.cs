using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GilAnalyzers.Testing.Processes;
using StreamJsonRpc;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>
/// A real language server started as a child process and spoken to over stdio with StreamJsonRpc (LSP's
/// <c>Content-Length</c> framing is <see cref="HeaderDelimitedMessageHandler"/>). Answers the server's own requests
/// (<c>workspace/configuration</c> with the given <c>csharp</c> section, capability registration, progress), keeps
/// counts for a transcript, and on dispose shuts the server down politely, then kills its whole process tree.
/// </summary>
public sealed class LanguageServerSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentQueue<string> _serverMessages = new();
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private LanguageServerSession(Process process, object csharpSettings)
    {
        _process = process;
        var formatter = new SystemTextJsonFormatter();
        var handler = new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter);
        _rpc = new JsonRpc(handler);
        _rpc.AddLocalRpcTarget(new ClientEndpoint(this, csharpSettings), new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        _rpc.StartListening();
    }

    /// <summary>How long <see cref="DisposeAsync"/> waits for each step of a polite shutdown before killing the tree.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time since the server process started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Requests and notifications this client sent, by method.</summary>
    public IReadOnlyDictionary<string, int> Sent => _sent;

    /// <summary>Requests and notifications the server sent to this client, by method.</summary>
    public IReadOnlyDictionary<string, int> Received => _received;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.
    /// <paramref name="csharpSettings"/> is the answer to the server's <c>workspace/configuration</c> request for the
    /// <c>csharp</c> section.
    /// </summary>
    public static LanguageServerSession Start(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        object csharpSettings,
        TimeSpan? shutdownTimeout = null)
    {
        var startInfo = ProcessRunner.CreateStartInfo(fileName, arguments, workingDirectory, environment);
        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start the language server `{fileName}` in {workingDirectory}: {e.Message}", e);
        }

        var session = new LanguageServerSession(process, csharpSettings) { ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10) };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (session._stderr)
                {
                    session._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        return session;
    }

    public async Task<JsonElement> RequestAsync(string method, object parameters, TimeSpan timeout)
    {
        _sent.AddOrUpdate(method, 1, (_, n) => n + 1);
        using var cancel = new CancellationTokenSource();
        var call = _rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters, cancel.Token);

        // A cancelled StreamJsonRpc call completes only when the server answers the $/cancelRequest, which a hung
        // server never does: time out here instead, cancel the call, and leave it behind (its outcome observed).
        if (await Task.WhenAny(call, Task.Delay(timeout)).ConfigureAwait(false) != call)
        {
            _ = call.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            cancel.Cancel();
            throw new TimeoutException($"The language server did not answer `{method}` within {timeout.TotalSeconds:F0} s. {Describe()}");
        }

        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (ConnectionLostException e)
        {
            throw new InvalidOperationException($"The language server closed the connection during `{method}`. {Describe()}", e);
        }
    }

    public async Task NotifyAsync(string method, object parameters)
    {
        _sent.AddOrUpdate(method, 1, (_, n) => n + 1);
        await _rpc.NotifyWithParameterObjectAsync(method, parameters).ConfigureAwait(false);
    }

    /// <summary>The server's exit state, its last log messages and standard error, for assertion messages.</summary>
    public string Describe()
    {
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        var exited = _process.HasExited ? $"exited with {_process.ExitCode}" : "still running";
        var messages = string.Join(Environment.NewLine, _serverMessages.TakeLast(30));
        return $"Server {exited} after {Elapsed.TotalSeconds:F1} s. Last log messages:{Environment.NewLine}{messages}"
            + $"{Environment.NewLine}Standard error (tail):{Environment.NewLine}{(stderr.Length > 4000 ? stderr[^4000..] : stderr)}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited && !_rpc.IsDisposed)
            {
                await RequestAsync("shutdown", new { }, ShutdownTimeout).ConfigureAwait(false);
                await NotifyAsync("exit", new { }).ConfigureAwait(false);
                using var wait = new CancellationTokenSource(ShutdownTimeout);
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or InvalidOperationException or ConnectionLostException or RemoteInvocationException or IOException)
        {
            // A server that will not stop politely is killed below.
        }
        finally
        {
            if (!_process.HasExited)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(TimeSpan.FromSeconds(30));
                }
                catch (InvalidOperationException)
                {
                    // It exited in the meantime.
                }
            }

            _rpc.Dispose();
            _process.Dispose();
        }
    }

    private void Received_(string method, string? log = null)
    {
        _received.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (log is not null)
        {
            _serverMessages.Enqueue(log);
            while (_serverMessages.Count > 200 && _serverMessages.TryDequeue(out _))
            {
            }
        }
    }

    /// <summary>What the server may call on the client.</summary>
    private sealed class ClientEndpoint(LanguageServerSession session, object csharpSettings)
    {
        [JsonRpcMethod("workspace/configuration", UseSingleObjectParameterDeserialization = true)]
        public object?[] Configuration(JsonElement parameters)
        {
            session.Received_("workspace/configuration");
            return parameters.GetProperty("items").EnumerateArray()
                .Select(item => item.TryGetProperty("section", out var section) && section.GetString() == "csharp" ? csharpSettings : null)
                .ToArray();
        }

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? RegisterCapability(JsonElement parameters)
        {
            session.Received_("client/registerCapability");
            return null;
        }

        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? CreateProgress(JsonElement parameters)
        {
            session.Received_("window/workDoneProgress/create");
            return null;
        }

        [JsonRpcMethod("workspace/diagnostic/refresh")]
        public object? RefreshDiagnostics()
        {
            session.Received_("workspace/diagnostic/refresh");
            return null;
        }

        [JsonRpcMethod("$/progress", UseSingleObjectParameterDeserialization = true)]
        public void Progress(JsonElement parameters) => session.Received_("$/progress");

        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JsonElement parameters) => session.Received_("textDocument/publishDiagnostics");

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(JsonElement parameters) =>
            session.Received_("window/logMessage", parameters.TryGetProperty("message", out var m) ? m.GetString() : null);

        [JsonRpcMethod("window/showMessage", UseSingleObjectParameterDeserialization = true)]
        public void ShowMessage(JsonElement parameters) =>
            session.Received_("window/showMessage", parameters.TryGetProperty("message", out var m) ? m.GetString() : null);

        [JsonRpcMethod("$/logTrace", UseSingleObjectParameterDeserialization = true)]
        public void LogTrace(JsonElement parameters) =>
            session.Received_("$/logTrace", parameters.TryGetProperty("message", out var m) ? m.GetString() : null);
    }
}
