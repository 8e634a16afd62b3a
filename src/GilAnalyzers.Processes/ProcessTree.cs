using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GilAnalyzers.Processes;

/// <summary>
/// Kills a worker and the processes it started, on Linux with one light pass over <c>/proc</c>.
/// <see cref="System.Diagnostics.Process.Kill(bool)"/> with <c>entireProcessTree: true</c> does the same by building a
/// <see cref="System.Diagnostics.Process"/> object for every process of the machine (several files read for each): about
/// 15–60 ms of CPU and wall time per worker on the project machine, paid at the exit of every program that used
/// <see cref="ProcessPool.Shared"/> (its workers are killed by the exit handler). Here each process costs one read of
/// <c>/proc/&lt;pid&gt;/stat</c> to learn its parent.
/// </summary>
internal static class ProcessTree
{
    private const int SIGKILL = 9;
    private const int SIGSTOP = 19;

    /// <summary>
    /// Kills <paramref name="pid"/> and its descendants: the process is stopped first (so it starts no new child), its
    /// descendants found from the parent pids in <c>/proc</c> and killed, then the process itself. False where this is
    /// not available (not Linux, <c>/proc</c> unreadable): the caller falls back to <see cref="System.Diagnostics.Process.Kill(bool)"/>.
    /// </summary>
    public static bool TryKill(int pid)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self"))
        {
            return false;
        }

        try
        {
            if (kill(pid, SIGSTOP) != 0)
            {
                return true; // already gone (or not ours): nothing to kill
            }

            List<int>? descendants = Descendants(pid);
            if (descendants is null)
            {
                return false; // the caller's fallback kills the (stopped) process and its tree
            }

            foreach (int child in descendants)
            {
                kill(child, SIGKILL);
            }

            kill(pid, SIGKILL);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Every descendant of <paramref name="root"/> alive now (children before grandchildren), or null when <c>/proc</c> cannot be listed.</summary>
    internal static List<int>? Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Span<byte> stat = stackalloc byte[512];
        foreach (string entry in entries)
        {
            ReadOnlySpan<char> name = entry.AsSpan(6); // after "/proc/"
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, out int pid) || pid == root)
            {
                continue;
            }

            if (ReadParent(entry, stat) is int parent)
            {
                if (!children.TryGetValue(parent, out List<int>? list))
                {
                    children[parent] = list = new List<int>();
                }

                list.Add(pid);
            }
        }

        var found = new List<int>();
        var todo = new Queue<int>();
        todo.Enqueue(root);
        while (todo.Count > 0)
        {
            if (children.TryGetValue(todo.Dequeue(), out List<int>? list))
            {
                foreach (int child in list)
                {
                    found.Add(child);
                    todo.Enqueue(child);
                }
            }
        }

        return found;
    }

    /// <summary>The parent pid from <c>/proc/&lt;pid&gt;/stat</c> ("pid (comm) state ppid ..."; comm may hold spaces and parentheses).</summary>
    private static int? ReadParent(string processDirectory, Span<byte> buffer)
    {
        int read;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(processDirectory + "/stat", FileMode.Open, FileAccess.Read);
            read = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // exited meanwhile
        }

        ReadOnlySpan<byte> text = buffer[..read];
        int close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 4 >= text.Length)
        {
            return null;
        }

        ReadOnlySpan<byte> rest = text[(close + 4)..]; // skip ") S "
        int end = rest.IndexOf((byte)' ');
        int ppid = 0;
        foreach (byte b in end < 0 ? rest : rest[..end])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return null;
            }

            ppid = (ppid * 10) + (b - '0');
        }

        return ppid;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int kill(int pid, int signal);
}
