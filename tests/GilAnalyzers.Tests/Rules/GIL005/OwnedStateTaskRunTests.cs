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

    private static string PerClassProgram(string countsField) => Usings + """
        sealed class SpamModel
        {
        """ + countsField + """

            public void Train(string text, bool spam)
            {
                int c = spam ? 1 : 0;
                for (int pass = 0; pass < 50; pass++)
                    foreach (var word in text.Split(' '))
                        _byClass[c][word] = _byClass[c].TryGetValue(word, out var n) ? n + 1 : 1;
            }

            public int Distinct => _byClass[0].Count + _byClass[1].Count;
        }

        static class Folds
        {
            internal static readonly Dictionary<string, int> Shared = new Dictionary<string, int>();

            static async Task<int> FoldAsync(string[] texts)
            {
                var model = new SpamModel();
                foreach (var text in texts) model.Train(text, text.Length % 2 == 0);
                await File.WriteAllTextAsync(Path.GetTempFileName(), model.Distinct.ToString());
                return model.Distinct;
            }

            public static Task<int[]> RunAll(string[][] folds)
                => MARK;
        }
        """;

    [Theory]
    [InlineData("    private readonly Dictionary<string, int>[] _byClass = { new Dictionary<string, int>(), new Dictionary<string, int>() };")]
    [InlineData("    private readonly Dictionary<string, int>[] _byClass = [new(), new()];")]
    public async Task ModelFillsTheDictionariesOfItsOwnArray_CallsStartedWithTaskRun(string field)
    {
        // _byClass[c][word] = … stores into one of the dictionaries the model's own array holds: the model's own state.
        var source = PerClassProgram(field).Replace("MARK", "[|Task.WhenAll(folds.Select(f => FoldAsync(f)))|]");
        var fixedSource = PerClassProgram(field).Replace("MARK", "Task.WhenAll(folds.Select(f => Task.Run(() => FoldAsync(f))))");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Theory]
    [InlineData("    private readonly Dictionary<string, int>[] _byClass = { Folds.Shared, new Dictionary<string, int>() };")]
    [InlineData("    private readonly Dictionary<string, int>[] _byClass = new Dictionary<string, int>[2];\n    public SpamModel() { _byClass[0] = Folds.Shared; _byClass[1] = new Dictionary<string, int>(); }")]
    public async Task AnElementOfTheArrayIsASharedDictionary_NoFix(string field)
    {
        // One slot holds the dictionary every model shares: started together, the calls would race on it.
        var source = PerClassProgram(field.Replace("\\n", "\n")).Replace("MARK", "[|Task.WhenAll(folds.Select(f => FoldAsync(f)))|]");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
