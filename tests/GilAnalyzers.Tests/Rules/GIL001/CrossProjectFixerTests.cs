using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// The locked code calls into another project of the solution (a project reference: the callee's source is in another
/// compilation). The fixer must not bind that source with this compilation's semantic model (it threw "SyntaxTree is
/// not part of the compilation" on real code); the call is unknown to the effects model — it could write what the loop
/// reads — so nothing is moved.
/// </summary>
public class CrossProjectFixerTests
{
    private const string Library = """
        namespace Shapes
        {
            public sealed class Pair
            {
                public Pair(int key, double value) { Key = key; Value = value; }
                public int Key { get; }
                public double Value { get; }
            }
        }
        """;

    [Fact]
    public async Task CallIntoAReferencedProject_NoActionAndNoException()
    {
        const string Before = """
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Shapes;

            class Report
            {
                static readonly object Gate = new object();

                static List<Pair> Run(int n)
                {
                    var pairs = new List<Pair>();
                    Parallel.For(0, n, i =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            double s = 0;
                            for (int k = 0; k < n; k++) s += Math.Sqrt(k * i);
                            pairs.Add(new Pair(i, s));
                        }
                    });
                    return pairs;
                }
            }
            """;
        var test = new VerifyCS.Test
        {
            TestCode = Before,
            FixedCode = Before,
            CodeActionEquivalenceKey = SharedLockAroundCpuWorkFixer.MoveOutOfLockKey,
        };
        var library = new ProjectState("Shapes", Microsoft.CodeAnalysis.LanguageNames.CSharp, "/Shapes/", "cs");
        library.Sources.Add(("/Shapes/Pair.cs", Library));
        test.TestState.AdditionalProjects.Add("Shapes", library);
        test.TestState.AdditionalProjectReferences.Add("Shapes");
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Gate", "for loop", "a Parallel.For body"));
        await test.RunAsync();
    }
}
