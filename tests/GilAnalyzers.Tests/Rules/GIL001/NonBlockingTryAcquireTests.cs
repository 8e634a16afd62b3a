using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A try-acquire that returns at once — <c>Monitor.TryEnter(gate)</c>, <c>gate.Wait(0)</c>, <c>TryEnterWriteLock(0)</c>,
/// <c>WaitOne(0)</c>, <c>Lock.TryEnter()</c>, a <c>TimeSpan.Zero</c> timeout — whose failure skips the work (a live preview
/// that whichever worker finds free redraws, a cache refresh nobody waits for). A worker that finds the lock taken goes on
/// with its own item, so nobody queues: GIL001 stays quiet, in the parallel body and in a method parallel code calls. A
/// try-acquire with a real timeout waits, and is reported as before.
/// </summary>
public class NonBlockingTryAcquireTests
{
    private const string Usings = "using System; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    private static string Preview(string field, string guarded) => Usings + """
        sealed class Preview
        {
            FIELD
            private readonly double[] _pixels = new double[64 * 64];
            private int _redraws;

            public void Render(double[][] frames)
            {
                Parallel.For(0, frames.Length, f =>
                {
                    GUARDED
                });
            }

            private void Redraw(double[] frame)
            {
                for (int y = 0; y < 64; y++)
                    for (int x = 0; x < 64; x++)
                        _pixels[y * 64 + x] = Enumerable.Range(0, 16).Average(k => frame[(y * 64 + x + k) % frame.Length]);
                _redraws++;
            }
        }
        """.Replace("FIELD", field).Replace("GUARDED", guarded);

    [Theory]
    [InlineData("private readonly object _gate = new object();", "if (!Monitor.TryEnter(_gate)) return; try { Redraw(frames[f]); } finally { Monitor.Exit(_gate); }")]
    [InlineData("private readonly object _gate = new object();", "bool taken = false; if (Monitor.TryEnter(_gate)) { try { Redraw(frames[f]); } finally { Monitor.Exit(_gate); } }")]
    [InlineData("private readonly object _gate = new object();", "if (Monitor.TryEnter(_gate, 0)) { try { Redraw(frames[f]); } finally { Monitor.Exit(_gate); } }")]
    [InlineData("private readonly object _gate = new object();", "if (Monitor.TryEnter(_gate, TimeSpan.Zero)) { try { Redraw(frames[f]); } finally { Monitor.Exit(_gate); } }")]
    [InlineData("private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);", "if (_gate.Wait(0)) { try { Redraw(frames[f]); } finally { _gate.Release(); } }")]
    [InlineData("private readonly Mutex _gate = new Mutex();", "if (_gate.WaitOne(0)) { try { Redraw(frames[f]); } finally { _gate.ReleaseMutex(); } }")]
    [InlineData("private readonly ReaderWriterLockSlim _gate = new ReaderWriterLockSlim();", "if (!_gate.TryEnterWriteLock(0)) return; try { Redraw(frames[f]); } finally { _gate.ExitWriteLock(); }")]
    public async Task TryAcquireThatSkipsWhenTaken_InAParallelBody_NoDiagnostic(string field, string guarded)
        => await VerifyCS.VerifyAnalyzerAsync(Preview(field, guarded));

    [Fact]
    public async Task LockTryEnterThatSkipsWhenTaken_NoDiagnostic()
    {
        var test = new VerifyCS.Test
        {
            TestCode = Preview("private readonly Lock _gate = new Lock();", "if (_gate.TryEnter()) { try { Redraw(frames[f]); } finally { _gate.Exit(); } }"),
            ReferenceAssemblies = TestReferences.Net90,
        };
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("private readonly object _gate = new object();", "if ({|#0:Monitor.TryEnter(_gate, 250)|}) { try { Redraw(frames[f]); } finally { Monitor.Exit(_gate); } }")]
    [InlineData("private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);", "if (!{|#0:_gate.Wait(TimeSpan.FromSeconds(1))|}) return; try { Redraw(frames[f]); } finally { _gate.Release(); }")]
    public async Task TryAcquireWithATimeout_Waits_Reports(string field, string guarded)
        => await VerifyCS.VerifyAnalyzerAsync(Preview(field, guarded),
            VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("_gate", "calls 'Redraw' (nested loop, 3 levels)", "a Parallel.For body"));

    [Fact]
    public async Task TryEnterInAMethodParallelCodeCalls_NoDiagnostic()
    {
        var source = Usings + """
            sealed class Dashboard
            {
                private readonly object _gate = new object();
                private double _summary;

                public void Refresh(double[] samples)
                {
                    if (!Monitor.TryEnter(_gate)) return;
                    try
                    {
                        double s = 0;
                        for (int r = 0; r < 200; r++)
                            for (int i = 0; i < samples.Length; i++) s += Math.Sqrt(Math.Abs(samples[i] * r));
                        _summary = s;
                    }
                    finally { Monitor.Exit(_gate); }
                }
            }

            static class Runner
            {
                static void Run(Dashboard board, double[][] batches) => Parallel.For(0, batches.Length, i => board.Refresh(batches[i]));
            }
            """;
        await VerifyCallee.VerifyAnalyzerAsync(source);
    }
}
