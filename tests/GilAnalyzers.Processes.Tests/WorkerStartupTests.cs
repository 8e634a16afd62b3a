using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Xunit;

namespace GilAnalyzers.Processes.Tests;

/// <summary>
/// What the worker's start-up work of issue 18 promises: the host assembly is a ReadyToRun image on linux-x64, the
/// launcher finds the application's deps.json when the host was picked from runtimes/, and on Linux the frames own
/// private copies of the worker's standard input and output, so nothing the work does with descriptors 0 and 1 — nor a
/// process it starts — reaches them.
/// </summary>
public sealed class WorkerStartupTests
{
    [Fact]
    public void The_library_is_a_ReadyToRun_image_on_linux_x64_and_plain_IL_elsewhere()
    {
        string path = typeof(ProcessPool).Assembly.Location;
        using var pe = new PEReader(File.OpenRead(path));
        bool readyToRun = pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;

        bool linuxX64 = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;
        Assert.True(readyToRun == linuxX64, $"{path}: ReadyToRun {readyToRun}, expected {linuxX64} on {RuntimeInformation.RuntimeIdentifier}");
    }

    [Theory]
    [InlineData("/app", "/app", true)]
    [InlineData("/app", "/app/runtimes/linux-x64/lib/net8.0", true)]
    [InlineData("/app/", "/app/runtimes/linux-x64/lib/net8.0/", true)]
    [InlineData("/app", "/app/plugins/lib", false)]
    [InlineData("/app", "/application/runtimes/linux-x64/lib/net8.0", false)]
    [InlineData("/app", "/other", false)]
    public void The_deps_file_of_the_application_describes_its_runtimes_folder(string appDir, string hostDir, bool expected)
    {
        Assert.Equal(expected, WorkerLauncher.DescribesDirectory(appDir, hostDir));
    }

    [Fact]
    public void Native_writes_to_standard_output_do_not_corrupt_the_frames()
    {
        using var pool = new ProcessPool(maxWorkers: 1);

        Assert.Equal(new[] { 2, 3, 4 }, pool.Map<int, int>(DescriptorWork.WritesToDescriptorOne, [1, 2, 3]));
        Assert.Equal(new[] { 11, 12 }, pool.Map<int, int>(DescriptorWork.ReadsStandardInput, [1, 2]));
    }

    [Fact]
    public void A_process_the_work_starts_gets_dev_null_for_input_and_no_frame_pipe()
    {
        using var pool = new ProcessPool(maxWorkers: 1);
        int child = pool.Map<int, int>(DescriptorWork.StartsSleep, [30])[0];
        try
        {
            Assert.Equal("/dev/null", Target(child, "0"));

            // Descriptor 1 of the worker (and so of its child) is its standard error, not the pipe the frames go back on.
            Assert.Equal(Target(child, "2"), Target(child, "1"));

            // Anything else the child holds came down from this process's own environment (same number, same file),
            // not from the worker's frame pipes, which are closed on exec. Only descriptors the child keeps count: while it
            // starts, its loader opens and closes files of its own (a descriptor listed a moment ago may be gone).
            var kept = new HashSet<string>(Descriptors(child));
            for (int look = 0; look < 3; look++)
            {
                Thread.Sleep(200);
                kept.IntersectWith(Descriptors(child));
            }

            foreach (string fd in kept)
            {
                if (Target(child, fd) is not { } target)
                {
                    continue;
                }

                Assert.True(
                    File.Exists($"/proc/self/fd/{fd}") && Target(Environment.ProcessId, fd) == target,
                    $"the child holds descriptor {fd} -> {target}, which this process does not have");
            }
        }
        finally
        {
            using Process sleep = Process.GetProcessById(child);
            sleep.Kill();
        }
    }

    private static string? Target(int pid, string fd) => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget;

    /// <summary>The child's descriptors other than 0, 1 and 2.</summary>
    private static IEnumerable<string> Descriptors(int pid)
        => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Select(p => Path.GetFileName(p)).Where(n => n is not ("0" or "1" or "2"));
}

public static class DescriptorWork
{
    private static readonly byte[] s_line = "written to descriptor 1 by native code\n"u8.ToArray();

    public static int WritesToDescriptorOne(int x)
    {
        write(1, s_line, s_line.Length);
        return x + 1;
    }

    public static int ReadsStandardInput(int x)
    {
        // Neither the console reader nor the raw descriptor gets anything: standard input is at its end.
        if (Console.In.ReadLine() is not null || Console.OpenStandardInput().Read(new byte[16]) != 0)
        {
            throw new InvalidOperationException("the worker's standard input was not at its end");
        }

        return x + 10;
    }

    public static int StartsSleep(int seconds)
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) { UseShellExecute = false })!;
        return sleep.Id;
    }

    [DllImport("libc", EntryPoint = "write")]
    private static extern nint write(int fd, byte[] buffer, nint count);
}
