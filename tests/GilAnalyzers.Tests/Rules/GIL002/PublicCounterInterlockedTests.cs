using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A static Synchronized scoring method whose only shared write is a public tally (<c>public static long TreesScored;</c>,
/// read by the program's report). In a program no other assembly can write the field, so the whole compilation shows
/// every write: when they are all increments the tally becomes Interlocked and the attribute goes. In a library, or with
/// an assignment elsewhere, it stays refused.
/// </summary>
public class PublicCounterInterlockedTests
{
    private const string Usings = "using System;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    private static string Scorer(string attribute, string bump) => """
        public static class Parsimony
        {
            public static long TreesScored;

        """ + attribute + """

            public static int {|GIL002:Score|}(int[][] tree, byte[] states)
            {
                int score = 0;
                for (int site = 0; site < states.Length; site++)
                {
                    int Walk(int node)
                    {
                        int changes = 0;
                        foreach (int child in tree[node]) changes += Walk(child) + (states[(site + child) % states.Length] != states[site] ? 1 : 0);
                        return changes;
                    }

                    score += Walk(0);
                }

        """ + bump + """

                return score;
            }
        }
        """;

    private const string Driver = """
        static class Program
        {
            public static void Main()
            {
                var tree = new int[][] { new[] { 1, 2 }, new int[0], new int[0] };
                System.Threading.Tasks.Parallel.For(0, 64, i => Parsimony.Score(tree, new byte[512]));
                System.Console.WriteLine(Parsimony.TreesScored);
            }
        }
        """;

    private static VerifyCS.Test Test(string source, string fixedSource, OutputKind kind, string driver = Driver)
    {
        var test = new VerifyCS.Test
        {
            // Reported at compilation end, once the parallel caller in Driver.cs is seen (a non-local diagnostic).
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.InterlockedCounterKey,
        };
        test.TestState.OutputKind = kind;
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        return test;
    }

    [Fact]
    public async Task PublicTallyInAProgram_BecomesInterlocked()
    {
        var source = Scorer("    [MethodImpl(MethodImplOptions.Synchronized)]", "        TreesScored++;");
        var fixedSource = source.Replace("    [MethodImpl(MethodImplOptions.Synchronized)]\n", string.Empty)
            .Replace("{|GIL002:Score|}", "Score").Replace("TreesScored++;", "Interlocked.Increment(ref TreesScored);");
        await Test(source, fixedSource, OutputKind.ConsoleApplication).RunAsync();
    }

    [Fact]
    public async Task PublicTallyInALibrary_NoInterlockedCounter()
    {
        // Other assemblies may write Parsimony.TreesScored; nothing here can see how.
        var source = Scorer("    [MethodImpl(MethodImplOptions.Synchronized)]", "        TreesScored++;");
        var offers = await CodeFixOffers.ForAsync(Usings + source.Replace("{|GIL002:Score|}", "Score") + "\n" + Driver.Replace("public static void Main()", "public static void Run()"));
        var gil002 = Assert.Single(offers, o => o.Id == DiagnosticIds.SynchronizedCpuMethod);
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.InterlockedCounterKey, gil002.Keys);
    }

    [Fact]
    public async Task PublicTallyResetByTheProgram_NoInterlockedCounter()
    {
        // Main sets the tally back to zero between runs: an assignment an Interlocked bump could race with.
        var source = Scorer("    [MethodImpl(MethodImplOptions.Synchronized)]", "        TreesScored++;");
        var driver = Driver.Replace("System.Console.WriteLine(Parsimony.TreesScored);", "System.Console.WriteLine(Parsimony.TreesScored);\n        Parsimony.TreesScored = 0;");
        await Test(source, source, OutputKind.ConsoleApplication, driver).RunAsync();
    }
    [Fact]
    public async Task TheRecursiveWalkWritesAStaticField_NoInterlockedCounter()
    {
        // The walk is recursive (a local function calling itself) and records the deepest node in a static field: shared
        // state beside the tally, which the hidden lock still guards.
        var source = Scorer("    [MethodImpl(MethodImplOptions.Synchronized)]", "        TreesScored++;")
            .Replace("int changes = 0;", "int changes = 0; Deepest = Math.Max(Deepest, node);")
            .Replace("public static long TreesScored;", "public static long TreesScored;\n    public static int Deepest;");
        await Test(source, source, OutputKind.ConsoleApplication).RunAsync();
    }
    [Fact]
    public async Task InternalTallyOfALibraryWithFriendAssemblies_NoInterlockedCounter()
    {
        // [InternalsVisibleTo] lets another assembly write the internal tally; nothing here can see how.
        var source = Scorer("    [MethodImpl(MethodImplOptions.Synchronized)]", "        TreesScored++;")
            .Replace("public static class Parsimony", "internal static class Parsimony").Replace("public static long TreesScored;", "internal static long TreesScored;");
        var alone = Usings + source.Replace("{|GIL002:Score|}", "Score") + "\n" + Driver.Replace("public static void Main()", "public static void Run()");
        var offers = await CodeFixOffers.ForAsync(alone.Insert(Usings.Length, "[assembly: InternalsVisibleTo(\"Parsimony.Tests\")]\n"));
        var gil002 = Assert.Single(offers, o => o.Id == DiagnosticIds.SynchronizedCpuMethod);
        Assert.DoesNotContain(SynchronizedCpuMethodFixer.InterlockedCounterKey, gil002.Keys);

        // The same library without friends: the internal tally can only be written here, where every write is a bump.
        var withoutFriends = await CodeFixOffers.ForAsync(alone);
        Assert.Contains(SynchronizedCpuMethodFixer.InterlockedCounterKey, Assert.Single(withoutFriends, o => o.Id == DiagnosticIds.SynchronizedCpuMethod).Keys);
    }
}
