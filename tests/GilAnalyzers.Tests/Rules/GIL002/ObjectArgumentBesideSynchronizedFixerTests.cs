using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A Synchronized compute method that takes its input as an object (a job record, an array of samples) beside other
/// Synchronized methods of its type. The hidden lock only made its use of the argument exclusive of those methods if the
/// argument can be an object they read or write; when no type reachable from the parameter's type (its fields, array
/// elements, collection items) can hold such an object, the fixes treat the argument like a number: the flag goes from a
/// method that touches nothing shared, and the hidden lock is narrowed to the shared update of one that does.
/// </summary>
public class ObjectArgumentBesideSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Runtime.CompilerServices;\n";

    private static async Task VerifyAsync(string source, string fixedSource, string key, string driver, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = key,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    private const string Job = """
        sealed class Job
        {
            public readonly int Size;
            public readonly double[] Weights;
            public Job(int size, double[] weights) { Size = size; Weights = weights; }
        }

        """;

    private static readonly string PlannerDriver = SynchronizedCpuMethodFixerTests.Driver(
        "planner.Plan(new Job(64, new double[] { 0.5, 1.5 })); planner.MarkDone();", "var planner = new Planner();");

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task JobArgumentBesideACounterMethod_WorkLeavesLockThisKeepsTheAdd(LanguageVersion version)
    {
        await VerifyAsync(Job + """
            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private int _done;

                public int Done => _done;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Plan|}(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[0] + b * job.Weights[1]);
                    _costs.Add(cost);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone()
                {
                    _done++;
                }
            }
            """, Job + """
            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private int _done;

                public int Done => _done;

                public void Plan(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[0] + b * job.Weights[1]);
                    lock (this)
                    {
                        _costs.Add(cost);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone()
                {
                    _done++;
                }
            }
            """, SynchronizedCpuMethodFixer.NarrowHiddenLockKey, PlannerDriver, version);
    }

    [Fact]
    public async Task PureArrayMethodBesideALogOfStrings_FlagGoes()
    {
        // Log changes a list of strings; no double[] can be one, or hold one.
        await VerifyAsync("""
            sealed class Meter
            {
                private readonly List<string> _log = new List<string>();

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Energy|}(double[] samples)
                {
                    double e = 0;
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < samples.Length; i++)
                            e += Math.Sqrt(Math.Abs(samples[i] * r));
                    return e;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Log(string line) { _log.Add(line); }
            }
            """, """
            sealed class Meter
            {
                private readonly List<string> _log = new List<string>();

                public double Energy(double[] samples)
                {
                    double e = 0;
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < samples.Length; i++)
                            e += Math.Sqrt(Math.Abs(samples[i] * r));
                    return e;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Log(string line) { _log.Add(line); }
            }
            """, SynchronizedCpuMethodFixer.RemoveSynchronizedKey,
            SynchronizedCpuMethodFixerTests.Driver("meter.Energy(new double[64]); meter.Log(\"x\");", "var meter = new Meter();"));
    }

    [Fact]
    public async Task FixAll_TwoJobMethodsBesideTheCounter()
    {
        const string Before = """
            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private int _done;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Plan|}(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[0] + b * job.Weights[1]);
                    _costs.Add(cost);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:PlanReverse|}(Job job)
                {
                    double cost = 0;
                    for (int a = job.Size; a > 0; a--)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[1] + b * job.Weights[0]);
                    _costs.Add(-cost);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """;
        const string After = """
            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private int _done;

                public void Plan(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[0] + b * job.Weights[1]);
                    lock (this)
                    {
                        _costs.Add(cost);
                    }
                }

                public void PlanReverse(Job job)
                {
                    double cost = 0;
                    for (int a = job.Size; a > 0; a--)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[1] + b * job.Weights[0]);
                    lock (this)
                    {
                        _costs.Add(-cost);
                    }
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """;
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + Job + Before,
            FixedCode = Usings + Job + After,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowHiddenLockKey,
        };
        var driver = SynchronizedCpuMethodFixerTests.Driver(
            "var j = new Job(64, new double[] { 0.5, 1.5 }); planner.Plan(j); planner.PlanReverse(j); planner.MarkDone();", "var planner = new Planner();");
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    // The look-alikes that must stay refused: the argument can be (or lead to) what the other methods use.

    [Fact]
    public async Task JobHoldsItsPlanner_NotNarrowed()
    {
        // Job.Owner is a Planner: MarkDone's counter lives in an object the job reaches.
        var source = Usings + """
            sealed class Job
            {
                public readonly int Size;
                public Planner Owner;
                public Job(int size, Planner owner) { Size = size; Owner = owner; }
            }

            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private int _done;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Plan(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a + b + job.Owner._done);
                    _costs.Add(cost);
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void MarkDone() { _done++; }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("planner.Plan(new Job(64, planner)); planner.MarkDone();", "var planner = new Planner();");
        var offers = await CodeFixOffers.ForAsync(source);
        var plan = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.NarrowHiddenLockKey, plan.Keys);
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.RemoveSynchronizedKey, plan.Keys);
    }

    [Fact]
    public async Task SiblingFillsAnArrayOfTheSameType_FlagStays_OnlyTheReaderWriterLock()
    {
        // Fill writes a double[] field; the array handed to Energy may be that very array: the flag stays unless the
        // reader/writer lock takes over (Energy in read mode still excludes Fill).
        var source = Usings + """
            sealed class Meter
            {
                private readonly double[] _window = new double[64];

                public double[] Window => _window;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double Energy(double[] samples)
                {
                    double e = 0;
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < samples.Length; i++)
                            e += Math.Sqrt(Math.Abs(samples[i] * r));
                    return e;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Fill(int seed) { _window[seed % 64] = seed; }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("meter.Energy(meter.Window); meter.Fill(i);", "var meter = new Meter();");
        var offers = await CodeFixOffers.ForAsync(source);
        var energy = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.Equal(new[] { SynchronizedCpuMethodFixer.ReaderWriterLockKey }, energy.Keys);
    }

    [Fact]
    public async Task InterfaceArgument_FlagStays_OnlyTheReaderWriterLock()
    {
        // An IList<double> may be any list, including the one Log's sibling changes: neither the flag nor the hidden lock
        // around the work can go. A reader/writer lock keeps the exclusion (Energy reads, Record writes) and lets the energies
        // run together.
        var source = Usings + """
            sealed class Meter
            {
                private readonly List<double> _history = new List<double>();

                public IList<double> History => _history;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double Energy(IList<double> samples)
                {
                    double e = 0;
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < samples.Count; i++)
                            e += Math.Sqrt(Math.Abs(samples[i] * r));
                    return e;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Record(double value) { _history.Add(value); }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("meter.Energy(meter.History); meter.Record(i);", "var meter = new Meter();");
        var offers = await CodeFixOffers.ForAsync(source);
        var energy = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.Equal(new[] { SynchronizedCpuMethodFixer.ReaderWriterLockKey }, energy.Keys);
    }

    [Fact]
    public async Task JobArgumentBesideALockThisThatChangesAnArray_NotNarrowed()
    {
        // The code under lock (this) changes a double[]; the job's weights are a double[] and may be that array.
        var source = Usings + Job + """
            sealed class Planner
            {
                private readonly List<double> _costs = new List<double>();
                private readonly double[] _factors = { 1.0, 1.0 };

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Plan(Job job)
                {
                    double cost = 0;
                    for (int a = 0; a < job.Size; a++)
                        for (int b = 0; b < job.Size; b++)
                            cost += Math.Sqrt(a * job.Weights[0] + b * job.Weights[1]);
                    _costs.Add(cost);
                }

                public void Scale(double f) { lock (this) { _factors[0] *= f; } }
            }
            """ + SynchronizedCpuMethodFixerTests.Driver("planner.Plan(new Job(64, new double[] { 0.5, 1.5 })); planner.Scale(1.1);", "var planner = new Planner();");
        var offers = await CodeFixOffers.ForAsync(source);
        var plan = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.NarrowHiddenLockKey, plan.Keys);
    }

    [Fact]
    public async Task RecordArgumentWhosePositionalArrayMayBeTheSiblingsArray_FlagStays_OnlyTheReaderWriterLock()
    {
        // A positional record keeps its array in a property's backing field: the reach test must see it. Only the
        // reader/writer lock is offered: Energy in read mode still excludes Fill.
        var source = Usings + """
            public sealed record Batch(int Rounds, double[] Samples);

            sealed class Meter
            {
                private readonly double[] _window = new double[64];

                public double[] Window => _window;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double Energy(Batch batch)
                {
                    double e = 0;
                    for (int r = 0; r < batch.Rounds; r++)
                        for (int i = 0; i < batch.Samples.Length; i++)
                            e += Math.Sqrt(Math.Abs(batch.Samples[i] * r));
                    return e;
                }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Fill(int seed) { _window[seed % 64] = seed; }
            }

            namespace System.Runtime.CompilerServices { static class IsExternalInit { } }
            """ + SynchronizedCpuMethodFixerTests.Driver("meter.Energy(new Batch(200, meter.Window)); meter.Fill(i);", "var meter = new Meter();");
        var offers = await CodeFixOffers.ForAsync(source);
        var energy = Assert.Single(offers, o => o.Id == "GIL002");
        Assert.Equal(new[] { SynchronizedCpuMethodFixer.ReaderWriterLockKey }, energy.Keys);
    }
}
