using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL002's narrowed lock (issue 16) on a Synchronized matcher whose loop runs an expensive test per pair and writes
/// shared state only when it passes (<c>if (Matches(a, b)) { _matched++; }</c>), over a deconstructed pair list and
/// with an <c>Interlocked</c> total among the writes: the tests run unlocked, the writes under the new private lock in
/// the original order. A test that reads what the writes change keeps the method as it is.
/// </summary>
public class TestedWritesSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    private static string Driver => SynchronizedCpuMethodFixerTests.Driver(
        "matcher.Scan(pairs);",
        "var matcher = new Matcher(); var pairs = new System.Collections.Generic.List<(string, string)> { (\"ab\", \"ba\") };");

    private static Task VerifyAsync(string source, string fixedSource, LanguageVersion version = LanguageVersion.Latest)
    {
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowLockKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", Driver));
        test.FixedState.Sources.Add(("Driver.cs", Driver));
        return test.RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task PairTests_RunUnlocked_MatchesCountedUnderTheNewLock(LanguageVersion version)
    {
        await VerifyAsync("""
            sealed class Matcher
            {
                private int _matched;
                private long _letters;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Scan|}(List<(string, string)> pairs)
                {
                    foreach (var (left, right) in pairs)
                    {
                        if (Matches(left, right, out int common))
                        {
                            _matched++;
                            Interlocked.Add(ref _letters, common);
                        }
                    }
                }

                private static bool Matches(string left, string right, out int common)
                {
                    common = 0;
                    for (int i = 0; i < left.Length; i++)
                    {
                        for (int j = 0; j < right.Length; j++)
                        {
                            if (left[i] == right[j]) common++;
                        }
                    }

                    return common > left.Length / 2;
                }
            }
            """, """
            sealed class Matcher
            {
                private int _matched;
                private long _letters;
                private readonly object _scanLock = new object();

                public void Scan(List<(string, string)> pairs)
                {
                    var pending = new List<(int common, bool test)>();
                    try
                    {
                        foreach (var (left, right) in pairs)
                        {
                            var test = Matches(left, right, out int common);
                            pending.Add((common, test));
                        }
                    }
                    finally
                    {
                        lock (_scanLock)
                        {
                            foreach (var (common, test) in pending)
                            {
                                if (test)
                                {
                                    _matched++;
                                    Interlocked.Add(ref _letters, common);
                                }
                            }
                        }
                    }
                }

                private static bool Matches(string left, string right, out int common)
                {
                    common = 0;
                    for (int i = 0; i < left.Length; i++)
                    {
                        for (int j = 0; j < right.Length; j++)
                        {
                            if (left[i] == right[j]) common++;
                        }
                    }

                    return common > left.Length / 2;
                }
            }
            """, version);
    }

    [Fact]
    public async Task TestReadsTheCountTheWritesChange_NoNarrowing()
    {
        // Each test reads how many matched so far: testing every pair first would see none of this call's matches.
        var source = """
            sealed class Matcher
            {
                private int _matched;

                [MethodImpl(MethodImplOptions.Synchronized)]
                public void {|GIL002:Scan|}(List<(string, string)> pairs)
                {
                    foreach (var (left, right) in pairs)
                    {
                        if (Matches(left, right, _matched))
                        {
                            _matched++;
                        }
                    }
                }

                private static bool Matches(string left, string right, int bias)
                {
                    int common = bias;
                    for (int i = 0; i < left.Length; i++)
                    {
                        for (int j = 0; j < right.Length; j++)
                        {
                            if (left[i] == right[j]) common++;
                        }
                    }

                    return common > left.Length / 2;
                }
            }
            """;
        await VerifyAsync(source, source);
    }
}
