using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Each call builds its own model object and fills the dictionary that object made for itself (<c>_freq[word] = …</c>)
/// before its first await. The race check counted the dictionary's indexer as shared state (only the field was seen as
/// the instance's own), so the calls were refused as racing. A dictionary handed in from outside still refuses.
/// </summary>
public class OwnedStateTaskRunTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading.Tasks;\n";

    private static string Program(string modelField, string modelConstructor) => Usings + """
        sealed class WordModel
        {
        """ + modelField + """

            public WordModel(Dictionary<string, int> seed)
            {
        """ + modelConstructor + """

            }

            public void Learn(string text)
            {
                for (int pass = 0; pass < 50; pass++)
                    foreach (var word in text.Split(' '))
                        _freq[word] = _freq.TryGetValue(word, out var n) ? n + 1 : 1;
            }

            public int Distinct => _freq.Count;
        }

        static class Trainer
        {
            static async Task<int> TrainAsync(string text, Dictionary<string, int> seed)
            {
                var model = new WordModel(seed);
                model.Learn(text);
                await File.WriteAllTextAsync(Path.GetTempFileName(), model.Distinct.ToString());
                return model.Distinct;
            }

            public static Task<int[]> RunAll(string[] texts, Dictionary<string, int> seed)
                => MARK;
        }
        """;

    private const string OwnField = "    private readonly Dictionary<string, int> _freq = new Dictionary<string, int>();";

    [Fact]
    public async Task ModelFillsItsOwnDictionary_CallsStartedWithTaskRun()
    {
        var source = Program(OwnField, string.Empty).Replace("MARK", "[|Task.WhenAll(texts.Select(t => TrainAsync(t, seed)))|]");
        var fixedSource = Program(OwnField, string.Empty).Replace("MARK", "Task.WhenAll(texts.Select(t => Task.Run(() => TrainAsync(t, seed))))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task ModelFillsTheDictionaryItWasHanded_NoFix()
    {
        // Every model writes into the one seed dictionary the callers share: started together they would race.
        const string field = "    private readonly Dictionary<string, int> _freq;";
        const string constructor = "        _freq = seed;";
        var source = Program(field, constructor).Replace("MARK", "[|Task.WhenAll(texts.Select(t => TrainAsync(t, seed)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
