namespace GilAnalyzers.Processes.Hosting;

/// <summary>Entry point used when the pool starts this assembly as a worker process.</summary>
internal static class Program
{
    private static int Main(string[] args) => WorkerHost.Run(args);
}
