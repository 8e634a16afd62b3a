using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

public class SynchronizedCpuMethodFixerTests
{
    private const string Usings = "using System;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    /// <summary>
    /// GIL002 needs evidence that threads meet on the hidden lock: a second file whose Parallel.For calls the method
    /// (<paramref name="calls"/>, statements run by every iteration, the loop variable is <c>i</c>; shared objects are
    /// declared in <paramref name="setup"/>).
    /// </summary>
    internal static string Driver(string calls, string setup = "")
        => "static class ParallelDriver\n{\n    public static void Run()\n    {\n        " + setup
            + "\n        System.Threading.Tasks.Parallel.For(0, 8, i => { " + calls + " });\n    }\n}\n";

    private static async Task VerifyAsync(string source, string fixedSource, string key, string driver, LanguageVersion version = LanguageVersion.Latest, bool net9 = false)
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
        if (net9)
        {
            test.ReferenceAssemblies = TestReferences.Net90;
        }

        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task RemoveSynchronized_PureComputation(LanguageVersion version)
    {
        await VerifyAsync("""
            static class Integrator
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public static double {|GIL002:Integrate|}(int steps)
                {
                    double sum = 0;
                    for (int i = 0; i < steps; i++)
                    {
                        sum += Math.Sin(i * 0.001);
                    }
                    return sum;
                }
            }
            """, """
            static class Integrator
            {
                public static double Integrate(int steps)
                {
                    double sum = 0;
                    for (int i = 0; i < steps; i++)
                    {
                        sum += Math.Sin(i * 0.001);
                    }
                    return sum;
                }
            }
            """, SynchronizedCpuMethodFixer.RemoveSynchronizedKey, Driver("Integrator.Integrate(1000);"), version);
    }

    [Fact]
    public async Task RemoveSynchronized_KeepsTheOtherFlags()
    {
        await VerifyAsync("""
            static class Codec
            {
                [MethodImpl(MethodImplOptions.Synchronized | MethodImplOptions.NoInlining)]
                public static int {|GIL002:Checksum|}(byte[] data) => data.Aggregate(0, (a, b) => a * 31 + b);
            }
            """, """
            static class Codec
            {
                [MethodImpl(MethodImplOptions.NoInlining)]
                public static int Checksum(byte[] data) => data.Aggregate(0, (a, b) => a * 31 + b);
            }
            """, SynchronizedCpuMethodFixer.RemoveSynchronizedKey, Driver("Codec.Checksum(new byte[64]);"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task NarrowLock_InstanceMethodGetsAPrivateObjectLock(LanguageVersion version)
    {
        await VerifyAsync("""
            class Simulation
            {
                private double _energy;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|GIL002:Step|}(int particles)
                {
                    double e = 0;
                    for (int p = 0; p < particles; p++)
                        for (int q = 0; q < particles; q++)
                            e += Math.Exp(-Math.Abs(p - q));
                    _energy += e;
                    return e;
                }
            }
            """, """
            class Simulation
            {
                private double _energy;
                private readonly object _stepLock = new object();

                public double Step(int particles)
                {
                    double e = 0;
                    for (int p = 0; p < particles; p++)
                        for (int q = 0; q < particles; q++)
                            e += Math.Exp(-Math.Abs(p - q));
                    lock (_stepLock)
                    {
                        _energy += e;
                    }
                    return e;
                }
            }
            """, SynchronizedCpuMethodFixer.NarrowLockKey, Driver("simulation.Step(10);", "var simulation = new Simulation();"), version);
    }

    [Fact]
    public async Task NarrowLock_StaticMethodOnNet9WithCSharp13GetsAStaticSystemThreadingLock()
    {
        await VerifyAsync("""
            static class Stats
            {
                private static long s_total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void {|GIL002:Record|}(int[] values)
                {
                    long sum = 0;
                    foreach (var v in values)
                    {
                        sum += v * (long)v;
                    }
                    s_total += sum;
                }
            }
            """, """
            static class Stats
            {
                private static long s_total;
                private static readonly Lock s_recordLock = new Lock();

                public static void Record(int[] values)
                {
                    long sum = 0;
                    foreach (var v in values)
                    {
                        sum += v * (long)v;
                    }
                    lock (s_recordLock)
                    {
                        s_total += sum;
                    }
                }
            }
            """, SynchronizedCpuMethodFixer.NarrowLockKey, Driver("Stats.Record(new int[64]);"), LanguageVersion.Latest, net9: true);
    }

    [Fact]
    public async Task NarrowLock_OnNet9ButCSharp12KeepsAnObjectLock()
    {
        await VerifyAsync("""
            static class Stats
            {
                private static long s_total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public static void {|GIL002:Record|}(int[] values)
                {
                    long sum = 0;
                    foreach (var v in values)
                    {
                        sum += v * (long)v;
                    }
                    s_total += sum;
                }
            }
            """, """
            static class Stats
            {
                private static long s_total;
                private static readonly object s_recordLock = new object();

                public static void Record(int[] values)
                {
                    long sum = 0;
                    foreach (var v in values)
                    {
                        sum += v * (long)v;
                    }
                    lock (s_recordLock)
                    {
                        s_total += sum;
                    }
                }
            }
            """, SynchronizedCpuMethodFixer.NarrowLockKey, Driver("Stats.Record(new int[64]);"), LanguageVersion.CSharp12, net9: true);
    }

    [Fact]
    public async Task FixAll_FixesEverySynchronizedMethod()
    {
        var source = """
            class A
            {
                private long _total;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Add|}(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++) s += i % 7;
                    _total += s;
                }
            }

            static class B
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public static double {|GIL002:Sum|}(int n)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += Math.Sqrt(i);
                    return s;
                }
            }
            """;
        var fixedSource = """
            class A
            {
                private long _total;
                private readonly object _addLock = new object();

                public void Add(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++) s += i % 7;
                    lock (_addLock)
                    {
                        _total += s;
                    }
                }
            }

            static class B
            {
                public static double Sum(int n)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += Math.Sqrt(i);
                    return s;
                }
            }
            """;
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            BatchFixedCode = Usings + fixedSource,
            LanguageVersion = LanguageVersion.CSharp7_3,
            // The two methods get different actions (NarrowLock, RemoveSynchronized): one FixAll pass per equivalence key.
            NumberOfFixAllIterations = 2,
            NumberOfFixAllInDocumentIterations = 2,
        };
        var driver = Driver("a.Add(i); B.Sum(i);", "var a = new A();");
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        test.BatchFixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("the computation reads the state it updates", """
            class C
            {
                private double _scale = 1;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Grow(int n)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += _scale * i;
                    _scale = s;
                }
            }
            """)]
    [InlineData("a delegate call the analysis cannot see through", """
            class C
            {
                private long _total;
                private readonly Func<int, long> _cost = i => i;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Add(int n)
                {
                    long s = 0;
                    for (int i = 0; i < n; i++) s += _cost(i);
                    _total += s;
                }
            }
            """)]
    public async Task Refusal_NoActionOffered(string why, string source)
    {
        var method = System.Text.RegularExpressions.Regex.Match(source, @"Synchronized\)\]\s+public void (\w+)\(int n\)").Groups[1].Value;
        var offers = await CodeFixOffers.ForAsync(Usings + source + "\n" + Driver("c." + method + "(i);", "var c = new C();"));
        var gil002 = Assert.Single(offers, o => o.Id == DiagnosticIds.SynchronizedCpuMethod);
        Assert.True(gil002.Keys.Count == 0, why + ": offered " + string.Join(", ", gil002.Keys));
    }
}
