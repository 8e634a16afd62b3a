using System.Runtime.InteropServices;

namespace SensorFusionBackfill;

// Parses exports with the same C routines the embedded gateway uses (strtok + strtod), so
// rounding matches the devices. strtok keeps its position in a hidden static of libc.
public sealed class NativeCsvParser
{
    private static readonly object StrtokLock = new();

    [DllImport("libc.so.6", CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr strtok(IntPtr str, [MarshalAs(UnmanagedType.LPStr)] string delim);

    [DllImport("libc.so.6", CallingConvention = CallingConvention.Cdecl)]
    private static extern double strtod(IntPtr str, IntPtr endptr);

    public Sample[] Parse(string csv)
    {
        var samples = new List<Sample>();
        IntPtr buffer = Marshal.StringToHGlobalAnsi(csv);
        try
        {
            lock (StrtokLock)
            {
                var fields = new double[4];
                int n = 0;
                for (IntPtr tok = strtok(buffer, ";\n"); tok != IntPtr.Zero; tok = strtok(IntPtr.Zero, ";\n"))
                {
                    fields[n++] = strtod(tok, IntPtr.Zero);
                    if (n == 4)
                    {
                        samples.Add(new Sample(fields[0], fields[1], fields[2], fields[3]));
                        n = 0;
                    }
                }
            }
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
        return samples.ToArray();
    }
}

public sealed class BackfillRunner(double alpha, RecentReadings recent)
{
    public FusedSeries[] RunAll(List<(string Device, Sample[] Samples)> devices)
    {
        var output = new FusedSeries[devices.Count];
        var done = new ManualResetEvent[devices.Count];
        for (int d = 0; d < devices.Count; d++)
        {
            done[d] = new ManualResetEvent(false);
            ThreadPool.QueueUserWorkItem(FuseDevice, new WorkItem(d, devices[d].Device, devices[d].Samples, output, done[d]));
        }
        WaitHandle.WaitAll(done);
        foreach (var e in done) e.Dispose();
        return output;
    }

    private void FuseDevice(object? state)
    {
        var item = (WorkItem)state!;
        try
        {
            var tilt = new double[item.Samples.Length];
            double angle = Math.Atan2(item.Samples[0].Ax, item.Samples[0].Az);
            double bias = 0;
            for (int i = 1; i < item.Samples.Length; i++)
            {
                Sample s = item.Samples[i];
                double dt = s.T - item.Samples[i - 1].T;
                // refine the gyro bias estimate with a short iterative least-squares fit
                for (int iter = 0; iter < 20; iter++)
                {
                    double accAngle = Math.Atan2(s.Ax, s.Az);
                    bias += 0.0005 * ((angle + (s.Gy - bias) * dt) - accAngle);
                }
                angle = alpha * (angle + (s.Gy - bias) * dt) + (1 - alpha) * Math.Atan2(s.Ax, s.Az);
                tilt[i] = angle;
            }
            tilt[0] = Math.Atan2(item.Samples[0].Ax, item.Samples[0].Az);
            item.Output[item.Index] = new FusedSeries(item.Device, tilt);
            recent.Push(item.Device, tilt[^1]);
        }
        finally
        {
            item.Done.Set();
        }
    }

    private sealed record WorkItem(int Index, string Device, Sample[] Samples, FusedSeries[] Output, ManualResetEvent Done);
}
