using GilAnalyzers.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer, GilAnalyzers.CodeFixes.SynchronizedCpuMethodFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL002's narrowed lock with a CPU-bound loop left in it (issue 16): a Synchronized trainer that bumps a document count
/// and then normalises every token before counting it. The tokens are normalised unlocked; the count bump and the
/// per-token updates run under the new private lock, in the original order.
/// </summary>
public class SplitLoopSynchronizedFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Runtime.CompilerServices;\nusing System.Threading;\n";

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task TokenCounts_NormalisedOutside_CountedUnderTheNewLock(LanguageVersion version)
    {
        var driver = SynchronizedCpuMethodFixerTests.Driver("model.Train(texts[i]);", "var model = new TokenModel(); var texts = new string[8];");
        var test = new VerifyCS.Test
        {
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            TestCode = Usings + """
                sealed class TokenModel
                {
                    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
                    private int _documents;

                    [MethodImpl(MethodImplOptions.Synchronized)]
                    public void {|GIL002:Train|}(string text)
                    {
                        _documents++;
                        foreach (string token in text.Split(' '))
                        {
                            string key = new string(token.Where(char.IsLetter).Select(char.ToLowerInvariant).ToArray());
                            int seen;
                            _counts[key] = _counts.TryGetValue(key, out seen) ? seen + 1 : 1;
                        }
                    }
                }
                """,
            FixedCode = Usings + """
                sealed class TokenModel
                {
                    private readonly Dictionary<string, int> _counts = new Dictionary<string, int>();
                    private int _documents;
                    private readonly object _trainLock = new object();

                    public void Train(string text)
                    {
                        var pending = new List<string>();
                        try
                        {
                            foreach (string token in text.Split(' '))
                            {
                                string key = new string(token.Where(char.IsLetter).Select(char.ToLowerInvariant).ToArray());
                                pending.Add(key);
                            }
                        }
                        finally
                        {
                            lock (_trainLock)
                            {
                                _documents++;
                                foreach (var key in pending)
                                {
                                    int seen;
                                    _counts[key] = _counts.TryGetValue(key, out seen) ? seen + 1 : 1;
                                }
                            }
                        }
                    }
                }
                """,
            CodeActionEquivalenceKey = SynchronizedCpuMethodFixer.NarrowLockKey,
            LanguageVersion = version,
        };
        test.TestState.Sources.Add(("Driver.cs", driver));
        test.FixedState.Sources.Add(("Driver.cs", driver));
        await test.RunAsync(CancellationToken.None);
    }
}
