using System.Diagnostics;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>
/// A throwaway PostgreSQL server: initdb in a temp folder, started on a free loopback port (no Unix socket outside the
/// folder), stopped and deleted on dispose. Needs PostgreSQL's server binaries (initdb, pg_ctl, postgres) on the PATH or
/// in /usr/lib/postgresql/*/bin (Debian: apt-get install -y postgresql); fails with that message otherwise. As root,
/// it runs the server as the 'postgres' (or 'nobody') user, since PostgreSQL refuses to run as root.
/// </summary>
internal sealed class PostgreSqlServer : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string? _runAs;

    private PostgreSqlServer(string bin, string root, string? runAs, int port)
    {
        _bin = bin;
        _root = root;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5";

    public static PostgreSqlServer Start()
    {
        string bin = FindBinaries();
        string root = Directory.CreateTempSubdirectory("gil-pg-").FullName;
        string? runAs = Environment.UserName == "root" ? (UserExists("postgres") ? "postgres" : "nobody") : null;
        if (runAs is not null)
        {
            Run("chown", ["-R", runAs, root]);
        }

        int port = LocalCluster.FreePort();
        var server = new PostgreSqlServer(bin, root, runAs, port);
        try
        {
            server.RunTool("initdb", ["-D", Path.Combine(root, "data"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
            server.RunTool("pg_ctl", ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "log"), "-w", "-t", "60",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off", "start"]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path.Combine(_root, "data")))
            {
                RunTool("pg_ctl", ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], check: false);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")));
        }

        foreach (string dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            "The PostgreSQL membership test needs PostgreSQL's server binaries (initdb, pg_ctl, postgres) on the PATH or in /usr/lib/postgresql/<version>/bin. " +
            "On Debian/Ubuntu: apt-get install -y postgresql.");
    }

    private static bool UserExists(string name) => File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private void RunTool(string tool, string[] args, bool check = true)
    {
        string path = Path.Combine(_bin, tool);
        if (_runAs is null)
        {
            Run(path, args, check);
        }
        else
        {
            Run("runuser", ["-u", _runAs, "--", path, .. args], check);
        }
    }

    private static void Run(string file, string[] args, bool check = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {stdout.Result}{stderr.Result}");
        }
    }
}
