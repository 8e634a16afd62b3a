namespace GilAnalyzers.Processes.Tests;

internal static class ProcessInfo
{
    /// <summary>True while a process with this id exists and is not a zombie (Linux /proc).</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }

        int close = stat.LastIndexOf(')');
        char state = stat[close + 2];
        return state != 'Z' && state != 'X';
    }

    public static async Task<bool> WaitUntilGoneAsync(IEnumerable<int> pids, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (pids.All(p => !IsAlive(p)))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return pids.All(p => !IsAlive(p));
    }
}
