using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

public class SynchronizedCpuMethodAnalyzerTests
{
    private const string Usings = "using System; using System.Linq; using System.Runtime.CompilerServices; using System.Threading.Tasks;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task SynchronizedInstanceMethodWithLoop_Reports(LanguageVersion version)
    {
        var source = Usings + """
            class Simulation
            {
                private double _energy;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public double {|#0:Step|}(int particles)
                {
                    double e = 0;
                    for (int p = 0; p < particles; p++)
                        for (int q = 0; q < particles; q++)
                            e += Math.Exp(-Math.Abs(p - q));
                    _energy += e;
                    return e;
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, version,
            VerifyCS.Diagnostic(DiagnosticIds.SynchronizedCpuMethod).WithLocation(0)
                .WithArguments("Step", "nested loop, 2 levels", "the instance"));
    }

    [Fact]
    public async Task SynchronizedStaticMethodWithCombinedFlags_Reports()
    {
        var source = Usings + """
            static class Codec
            {
                [MethodImpl(MethodImplOptions.Synchronized | MethodImplOptions.NoInlining)]
                public static int {|#0:Checksum|}(byte[] data) => data.Aggregate(0, (a, b) => a * 31 + b);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SynchronizedCpuMethod).WithLocation(0)
                .WithArguments("Checksum", "LINQ pipeline", "the type 'Codec'"));
    }

    [Fact]
    public async Task SynchronizedMethodCallingHeavyHelper_Reports()
    {
        var source = Usings + """
            class C
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public long {|#0:Run|}(int n) => Fib(n);

                private static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source,
            VerifyCS.Diagnostic(DiagnosticIds.SynchronizedCpuMethod).WithLocation(0)
                .WithArguments("Run", "recursion in 'Fib'", "the instance"));
    }

    [Fact]
    public async Task LightOrIoOrUnsynchronized_DoNotReport()
    {
        var source = Usings + """
            class C
            {
                private int _count;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Increment() { _count++; }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void Log(string[] lines) { foreach (var l in lines) Console.WriteLine(l); }

                [MethodImpl(MethodImplOptions.NoInlining)]
                public int NotSynchronized(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void SmallConstant(int[] a) { for (int i = 0; i < 4; i++) a[i] = 0; }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task MinWorkNestedLoop_IgnoresSingleLoop()
    {
        var source = Usings + """
            class C
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Sum(int[] a) { int s = 0; foreach (var x in a) s += x; return s; }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\ngil_analyzers.min_work = nested_loop\n"));
        await test.RunAsync();
    }
}
