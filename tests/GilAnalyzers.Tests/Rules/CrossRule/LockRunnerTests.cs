using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Gil001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Gil006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Issue 14: a process-wide lock taken by a small runner method that runs the lambda it is handed
/// (<c>Exclusive.Run(() => { … })</c> over <c>static void Run(Action a) { lock (Sync) { a(); } }</c>) — the code in the
/// lambda runs under that lock, so the call site is the lock site.
/// </summary>
public class LockRunnerTests
{
    private const string Usings = "using System; using System.Runtime.InteropServices; using System.Threading.Tasks;\n";

    private const string Runner = """
        static class Exclusive
        {
            private static readonly object Sync = new object();
            public static void Run(Action work) { lock (Sync) { work(); } }
            public static T Get<T>(Func<T> work) { lock (Sync) return work(); }
            public static void Logged(Action work) { lock (Sync) { Console.WriteLine("start"); work(); } }
        }
        """;

    [Fact]
    public async Task CpuWorkHandedToAProcessWideLockRunner_Reports()
    {
        var source = Usings + Runner + """
            static class Stats
            {
                public static double Total;
                public static void Fold(double[] data) => {|#0:Exclusive.Run|}(() =>
                {
                    for (int i = 0; i < data.Length; i++)
                        for (int j = 0; j < data.Length; j++) Total += data[i] * data[j];
                });
                public static double Norm(double[] data) => {|#1:Exclusive.Get|}(() =>
                {
                    double s = 0;
                    for (int i = 0; i < data.Length; i++)
                        for (int j = 0; j < data.Length; j++) s += Math.Abs(data[i] - data[j]);
                    return s;
                });
            }
            """;
        await Gil001.VerifyAnalyzerAsync(
            source,
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Sync", "nested loop, 2 levels", "'Fold', a process-wide lock that every calling thread queues for"),
            Gil001.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(1).WithArguments("Sync", "nested loop, 2 levels", "'Norm', a process-wide lock that every calling thread queues for"));
    }

    [Fact]
    public async Task NativeBulkWorkHandedToTheRunner_IsGil006()
    {
        var source = Usings + Runner + """
            static class Codec
            {
                [DllImport("codec")] private static extern int codec_encode_frame(IntPtr encoder, byte[] frame, byte[] output);
                public static int Encode(IntPtr encoder, byte[] frame, byte[] output)
                {
                    int written = 0;
                    {|#0:Exclusive.Run|}(() => written = codec_encode_frame(encoder, frame, output));
                    return written;
                }
            }
            """;
        await Gil006.VerifyAnalyzerAsync(
            source,
            Gil006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "Sync", "'codec_encode_frame' (bulk work in a native library)", "'Encode', a process-wide lock that every calling thread queues for", "the work calls native code ('codec_encode_frame')"));
    }

    [Fact]
    public async Task LightWorkOrARunnerThatDoesMoreThanRunTheLambda_DoNotReport()
    {
        var source = Usings + Runner + """
            static class Stats
            {
                public static double Total;
                public static void Add(double v) => Exclusive.Run(() => Total += v);
                public static void Fold(double[] data) => Exclusive.Logged(() =>
                {
                    for (int i = 0; i < data.Length; i++)
                        for (int j = 0; j < data.Length; j++) Total += data[i] * data[j];
                });
                public static void Later(double[] data) => Task.Run(() =>
                {
                    for (int i = 0; i < data.Length; i++)
                        for (int j = 0; j < data.Length; j++) Total += data[i] * data[j];
                });
            }
            """;
        await Gil001.VerifyAnalyzerAsync(source);
    }
}
