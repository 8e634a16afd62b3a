using Xunit;
using Verify004 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// The pool item's state object made with a bare <c>new</c> and then filled one member per statement (the slice bounds,
/// the shared arrays, the item's done event) before it is queued, the callback a method group that casts its state back
/// and sets the event at the end; the caller waits for the event array with <c>WaitHandle.WaitAll</c>. The join travels
/// in the state as it does with an object initializer or a constructor argument.
/// </summary>
public class StateFilledMemberByMemberTests
{
    private const string Head = """
        using System;
        using System.Threading;

        public sealed class Smoother
        {
            private float[] _input = new float[0];
            private float[] _output = new float[0];

            private sealed class Slice
            {
                public float[] Input;
                public float[] Output;
                public int From;
                public int To;
                public ManualResetEvent Done;
            }

            private static void SmoothSlice(object state)
            {
                var slice = (Slice)state;
                for (int i = slice.From; i < slice.To; i++)
                {
                    float sum = 0;
                    for (int k = 0; k < 9; k++) sum += slice.Input[(i + k) % slice.Input.Length];
                    slice.Output[i] = sum / 9;
                }

                slice.Done.Set();
            }

        """;

    [Fact]
    public async Task EventStoredInTheStateByAStatement_JoinedByWaitAll_IsGil004()
    {
        var source = Head + """
                public void Smooth()
                {
                    int parts = Environment.ProcessorCount;
                    var finished = new ManualResetEvent[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        finished[p] = new ManualResetEvent(false);
                        var slice = new Slice();
                        slice.Input = _input;
                        slice.Output = _output;
                        slice.From = _input.Length * p / parts;
                        slice.To = _input.Length * (p + 1) / parts;
                        slice.Done = finished[p];
                        {|#0:ThreadPool.QueueUserWorkItem(SmoothSlice, slice)|};
                    }

                    WaitHandle.WaitAll(finished);
                }
            }
            """;
        await Verify004.VerifyAnalyzerAsync(source,
            Verify004.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'parts'", "ThreadPool.QueueUserWorkItem + ManualResetEvent[] + WaitHandle.WaitAll", "for loop"));
    }

    [Fact]
    public async Task EventMadeForTheStateButAnotherArrayWaited_NoDiagnostic()
    {
        // The item sets an event of its own that nobody collects; WaitAll waits for an unrelated array: no join.
        var source = Head + """
                public void Smooth()
                {
                    int parts = Environment.ProcessorCount;
                    var started = new ManualResetEvent[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        started[p] = new ManualResetEvent(true);
                        var slice = new Slice();
                        slice.Input = _input;
                        slice.Output = _output;
                        slice.From = _input.Length * p / parts;
                        slice.To = _input.Length * (p + 1) / parts;
                        slice.Done = new ManualResetEvent(false);
                        ThreadPool.QueueUserWorkItem(SmoothSlice, slice);
                    }

                    WaitHandle.WaitAll(started);
                }
            }
            """;
        await Verify004.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EventMemberAssignedTwice_NoDiagnostic()
    {
        // Two different values for the member: which one the item sets cannot be told, so no join is assumed.
        var source = Head + """
                public void Smooth(bool late)
                {
                    int parts = Environment.ProcessorCount;
                    var finished = new ManualResetEvent[parts];
                    var spare = new ManualResetEvent(false);
                    for (int p = 0; p < parts; p++)
                    {
                        finished[p] = new ManualResetEvent(false);
                        var slice = new Slice();
                        slice.From = _input.Length * p / parts;
                        slice.To = _input.Length * (p + 1) / parts;
                        slice.Done = finished[p];
                        if (late) slice.Done = spare;
                        ThreadPool.QueueUserWorkItem(SmoothSlice, slice);
                    }

                    WaitHandle.WaitAll(finished);
                }
            }
            """;
        await Verify004.VerifyAnalyzerAsync(source);
    }
}
