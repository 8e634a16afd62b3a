namespace SyslogParser;

readonly record struct SyslogRecord(int Priority, string Month, int Day, string Time, string Host, string Program, int Pid, string Message)
{
    public int Severity => Priority % 8;
    public int Facility => Priority / 8;

    // "<34>Oct 11 22:14:15 web-03 sshd[4721]: Failed password for root"
    public static bool TryParse(string line, out SyslogRecord record)
    {
        record = default;
        if (line.Length < 20 || line[0] != '<') return false;
        int close = line.IndexOf('>');
        if (close < 2 || !int.TryParse(line.AsSpan(1, close - 1), out int pri)) return false;
        int p = close + 1;
        string month = line.Substring(p, 3);
        p += 4;
        int day = 0;
        while (p < line.Length && line[p] == ' ') p++;
        while (p < line.Length && char.IsDigit(line[p])) day = day * 10 + (line[p++] - '0');
        p++;
        string time = line.Substring(p, 8);
        p += 9;
        int hostEnd = line.IndexOf(' ', p);
        string host = line.Substring(p, hostEnd - p);
        p = hostEnd + 1;
        int bracket = line.IndexOf('[', p), colon = line.IndexOf(": ", p, StringComparison.Ordinal);
        if (colon < 0) return false;
        string program = bracket > 0 && bracket < colon ? line.Substring(p, bracket - p) : line.Substring(p, colon - p);
        int pid = 0;
        if (bracket > 0 && bracket < colon)
            for (int i = bracket + 1; i < colon && char.IsDigit(line[i]); i++) pid = pid * 10 + (line[i] - '0');
        record = new SyslogRecord(pri, month, day, time, host, program, pid, line.Substring(colon + 2));
        return true;
    }
}

sealed class HostIndex
{
    private readonly ReaderWriterLockSlim _rw = new();
    private readonly Dictionary<string, int[]> _severityByHost = new();
    private readonly Dictionary<string, Dictionary<string, int>> _programsByHost = new();

    public void Ingest(IReadOnlyList<string> lines)
    {
        _rw.EnterWriteLock();
        try
        {
            foreach (var line in lines)
            {
                if (!SyslogRecord.TryParse(line, out var rec)) continue;
                if (!_severityByHost.TryGetValue(rec.Host, out var sev)) _severityByHost[rec.Host] = sev = new int[8];
                sev[rec.Severity]++;
                if (!_programsByHost.TryGetValue(rec.Host, out var progs)) _programsByHost[rec.Host] = progs = new Dictionary<string, int>();
                progs[rec.Program] = progs.GetValueOrDefault(rec.Program) + 1;
            }
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    public int[] Severities(string host)
    {
        _rw.EnterReadLock();
        try
        {
            return _severityByHost.TryGetValue(host, out var sev) ? (int[])sev.Clone() : new int[8];
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    public IReadOnlyCollection<string> Hosts => _severityByHost.Keys;
}

class Program
{
    static readonly string[] Hosts = { "web-01", "web-02", "web-03", "db-01", "db-02", "cache-01", "lb-01", "batch-01" };
    static readonly string[] Programs = { "sshd", "nginx", "postgres", "cron", "kernel", "systemd", "redis" };
    static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    static async Task Main()
    {
        var rng = new Random(99);
        var lines = new List<string>(400_000);
        for (int i = 0; i < 400_000; i++)
            lines.Add($"<{rng.Next(8) * 8 + rng.Next(8)}>{Months[i / 40_000 % 12]} {1 + rng.Next(28),2} {rng.Next(24):D2}:{rng.Next(60):D2}:{rng.Next(60):D2} {Hosts[rng.Next(Hosts.Length)]} {Programs[rng.Next(Programs.Length)]}[{rng.Next(1, 32000)}]: event {rng.Next(1000)} status={(rng.Next(5) == 0 ? "fail" : "ok")} user=u{rng.Next(500)}");

        var index = new HostIndex();
        Parallel.ForEach(lines.Chunk(5_000), chunk => index.Ingest(chunk));

        string outDir = Path.Combine(Path.GetTempPath(), $"syslog-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        var summaries = await Task.WhenAll(Hosts.Select(async host =>
        {
            var failures = new Dictionary<string, int>();
            foreach (var line in lines)
                if (SyslogRecord.TryParse(line, out var rec) && rec.Host == host && rec.Message.Contains("status=fail", StringComparison.Ordinal))
                {
                    string user = rec.Message[(rec.Message.LastIndexOf("user=", StringComparison.Ordinal) + 5)..];
                    failures[user] = failures.GetValueOrDefault(user) + 1;
                }
            var worst = failures.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(10).ToList();
            await File.WriteAllLinesAsync(Path.Combine(outDir, host + ".txt"), worst.Select(kv => $"{kv.Key} {kv.Value}"));
            return (Host: host, Failures: failures.Values.Sum(), Errors: index.Severities(host).Take(4).Sum());
        }));

        foreach (var s in summaries)
            Console.WriteLine($"{s.Host,-9} failures {s.Failures,6}  emerg..err {s.Errors,6}");
        Console.WriteLine($"hosts indexed: {index.Hosts.Count}, report files: {Directory.GetFiles(outDir).Length}");
        Directory.Delete(outDir, recursive: true);
    }
}
