using System;
using System.Linq;
using System.Threading.Tasks;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>Entry point: <c>GilAnalyzers.Processes.Orleans.dll silo [options]</c> runs a silo of the pool's cluster.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "silo")
        {
            Console.Error.WriteLine(
                "usage: dotnet exec --depsfile MyApp.deps.json --runtimeconfig MyApp.runtimeconfig.json GilAnalyzers.Processes.Orleans.dll silo " +
                "[--membership localhost|postgres] [--silo-port 11111] [--gateway-port 30000] [--primary-port P] [--connection CS] " +
                "[--cluster-id ID] [--service-id ID] [--advertise IP] [--listen IP] [--workers N] [--parent-pid PID] [--tls-cert FILE.pfx] [--tls-password P]" + Environment.NewLine +
                "Runs a silo of the GilAnalyzers.Processes cluster with the application's own assemblies (docs/cluster.md).");
            return 2;
        }

        ClusterSiloOptions options;
        try
        {
            options = ClusterSiloOptions.Parse(args.Skip(1).ToArray());
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        await ClusterSilo.RunAsync(options).ConfigureAwait(false);
        return 0;
    }
}
