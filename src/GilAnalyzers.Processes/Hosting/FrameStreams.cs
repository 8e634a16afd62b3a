using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// The worker's two frame streams, taken from its standard input and output so that nothing else in the process
/// can write into the frames or read requests away.
/// <para>
/// On Linux the file descriptors move: the frames get private copies of descriptors 0 and 1 (closed on exec, so
/// processes the work starts do not inherit them), descriptor 1 becomes a copy of 2 (standard error, which the pool
/// relays) and descriptor 0 reads <c>/dev/null</c>. Whatever prints — <see cref="Console.Out"/>, native code
/// writing to descriptor 1, a child process — goes to standard error, and whatever reads standard input sees its
/// end. The worker does not load the console at all unless the work uses it.
/// </para>
/// <para>
/// Elsewhere (or if a descriptor call fails) the console streams are redirected instead: <see cref="Console.Out"/>
/// writes to standard error and <see cref="Console.In"/> reads nothing; native code writing to descriptor 1 would
/// still corrupt the frames there.
/// </para>
/// </summary>
internal static class FrameStreams
{
    public static (Stream Input, Stream Output) Open()
    {
        if (OperatingSystem.IsLinux() && TryMoveDescriptors(out Stream? input, out Stream? output))
        {
            return (input, output);
        }

        input = Console.OpenStandardInput();
        output = Console.OpenStandardOutput();
        Console.SetIn(TextReader.Null);
        Console.SetOut(new StandardErrorWriter());
        return (input, output);
    }

    private static bool TryMoveDescriptors(out Stream input, out Stream output)
    {
        input = Stream.Null;
        output = Stream.Null;
        int frameIn = -1, frameOut = -1;
        SafeFileHandle? nullIn = null;
        try
        {
            frameIn = fcntl(0, F_DUPFD_CLOEXEC, 3);
            frameOut = fcntl(1, F_DUPFD_CLOEXEC, 3);
            nullIn = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
            if (frameIn < 0 || frameOut < 0 || dup2(2, 1) < 0)
            {
                // Nothing has moved yet (descriptor 1 is only replaced by the last call, and only on success).
                Close(frameIn);
                Close(frameOut);
                return false;
            }

            if (dup2((int)nullIn.DangerousGetHandle(), 0) < 0)
            {
                // Standard input stays the request pipe: keep the console's reader away from it at least.
                Console.SetIn(TextReader.Null);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            // Before descriptor 1 moved (dup2 does not throw): close the copies, use the console's streams.
            Close(frameIn);
            Close(frameOut);
            return false;
        }
        finally
        {
            nullIn?.Dispose();
        }

        input = new FileStream(new SafeFileHandle(frameIn, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        output = new FileStream(new SafeFileHandle(frameOut, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        return true;
    }

    private static void Close(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    private const int F_DUPFD_CLOEXEC = 1030;

    // fcntl is variadic; with integer arguments only, the x64 and arm64 Linux calling conventions pass them as for
    // a fixed signature.
    [DllImport("libc", SetLastError = false)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", SetLastError = false)]
    private static extern int dup2(int from, int to);

    [DllImport("libc", SetLastError = false)]
    private static extern int close(int fd);
}
