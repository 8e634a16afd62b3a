using System.Diagnostics;
using System.Reflection;
using Xunit.Abstractions;

namespace GilAnalyzers.Processes.Orleans.Tests;

[Collection("cluster")]
public sealed class BackendSelectionTests(ITestOutputHelper output)
{
    [Fact]
    public void The_orleans_backend_is_created_from_its_settings()
    {
        var settings = new Dictionary<string, string?> { ["GATEWAYS"] = "30100, 127.0.0.1:30101", ["CLUSTER_ID"] = "c1", ["NO_SILO_TIMEOUT"] = "7" };
        IWorkerPool? pool = WorkerPoolBackend.Create("orleans", name => settings.GetValueOrDefault(name));

        ClusterPool cluster = Assert.IsType<ClusterPool>(pool);
        Assert.Equal(ClusterMembership.Localhost, cluster.Options.Membership);
        Assert.Equal(new[] { 30100, 30101 }, cluster.Options.Gateways.Select(g => g.Port));
        Assert.Equal("c1", cluster.Options.ClusterId);
        Assert.Equal(TimeSpan.FromSeconds(7), cluster.Options.NoSiloTimeout);
        Assert.Null(WorkerPoolBackend.Create("local", _ => null));
        Assert.Null(WorkerPoolBackend.Create(null, _ => null));
    }

    [Fact]
    public void A_backend_whose_assembly_is_missing_fails_clearly()
    {
        var error = Assert.Throws<PoolBackendException>(() => WorkerPoolBackend.Create("Contoso.NoSuchBackend", _ => null));
        Assert.Contains("Contoso.NoSuchBackend", error.Message);
        Assert.Contains("GILANALYZERS_POOL_BACKEND", error.Message);

        var notABackend = Assert.Throws<PoolBackendException>(() => WorkerPoolBackend.Create("xunit.core", _ => null));
        Assert.Contains("WorkerPoolBackend", notABackend.Message);

        var badSetting = Assert.Throws<PoolBackendException>(() => WorkerPoolBackend.Create("orleans", n => n == "MEMBERSHIP" ? "postgres" : null));
        Assert.Contains("GILANALYZERS_POOL_CONNECTION", badSetting.Message);
    }

    [Fact]
    public async Task The_same_GIL006_shaped_binary_gives_equal_results_on_local_processes_and_on_a_three_silo_cluster()
    {
        string appDir = typeof(BackendSelectionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SharedAppDirectory").Value!;
        string app = Path.Combine(appDir, "SharedApp.dll");
        Assert.True(File.Exists(app), app + " was not built");

        string[] local = await RunAsync(app, new Dictionary<string, string?> { ["GILANALYZERS_POOL_BACKEND"] = null });

        // Silos of the application itself: GilAnalyzers.Processes.Orleans.dll in worker mode, with the app's deps.json.
        await using LocalCluster cluster = await LocalCluster.StartAsync(3);
        string[] remote = await RunAsync(app, new Dictionary<string, string?>
        {
            ["GILANALYZERS_POOL_BACKEND"] = "orleans",
            ["GILANALYZERS_POOL_GATEWAYS"] = string.Join(",", cluster.Silos.Select(s => s.Options.GatewayPort)),
            ["GILANALYZERS_POOL_CLUSTER_ID"] = cluster.ClusterId,
            ["GILANALYZERS_POOL_SERVICE_ID"] = cluster.ClusterId,
        });

        Assert.Equal("backend local", local[0]);
        Assert.Matches("^processes [0-9]+$", local[2]); // one parent: the app's own local pool
        Assert.Equal("backend ClusterPool", remote[0]);
        Assert.StartsWith("checksum ", local[1]);
        Assert.Equal(local[1], remote[1]);
        Assert.Equal("processes " + string.Join(",", cluster.Silos.Select(s => s.ProcessId).Order()), remote[2]);

        string[] missing = await RunAsync(app, new Dictionary<string, string?> { ["GILANALYZERS_POOL_BACKEND"] = "Contoso.NoSuchBackend" }, expectFailure: true);
        Assert.Contains(missing, line => line.Contains("PoolBackendException", StringComparison.Ordinal));
    }

    private async Task<string[]> RunAsync(string app, Dictionary<string, string?> environment, bool expectFailure = false)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(app);
        foreach ((string key, string? value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }

        using Process process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string text = await stdout;
        string errors = await stderr;
        output.WriteLine(text + errors);
        Assert.True(expectFailure ? process.ExitCode != 0 : process.ExitCode == 0, $"exit code {process.ExitCode}: {errors}");
        return (text + errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
