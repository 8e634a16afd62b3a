using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SequentialAsyncCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SequentialAsyncCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// A parser helper that hands its result back through an <c>out</c> parameter (<c>TryRead(line, out var entry)</c>) writes
/// the caller's variable, which the call site already counts; the race check counted the parameter itself as shared state
/// and refused the calls as racing. A helper that mutates the object a <c>ref</c> parameter refers to still counts.
/// </summary>
public class OutParameterHelperTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading.Tasks;\n";

    private static string Program(string helper, string use) => Usings + """
        readonly struct Entry
        {
            public Entry(string key, int size) { Key = key; Size = size; }
            public string Key { get; }
            public int Size { get; }
        }

        static class Report
        {
            static readonly List<string> Rejected = new List<string>();

        """ + helper + """

            public static Task<int[]> Run(string[] files, string[] lines)
                => [|Task.WhenAll(files.Select(async name =>
                {
                    int total = 0;
                    var mine = Rejected;
                    for (int pass = 0; pass < 20; pass++)
                        foreach (var line in lines)
                            if (
        """ + use + """
        ) total += entry.Size;
                    await File.WriteAllTextAsync(name, total.ToString());
                    return total;
                }))|];
        }
        """;

    private const string OutHelper = """
            static bool TryRead(string line, out Entry entry)
            {
                entry = default;
                int cut = line.IndexOf('=');
                if (cut < 1) return false;
                entry = new Entry(line.Substring(0, cut), line.Length - cut - 1);
                return true;
            }
        """;

    [Fact]
    public async Task HelperReturnsThroughOut_CallsStartedWithTaskRun()
    {
        var source = Program(OutHelper, "TryRead(line, out var entry)");
        var fixedSource = source.Replace("[|Task.WhenAll(files.Select(async name =>", "Task.WhenAll(files.Select(name => Task.Run(async () =>")
                                .Replace("}))|];", "})));");
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SequentialAsyncCpuWorkFixer.TaskRunKey);
    }

    [Fact]
    public async Task HelperAddsToTheListItIsHandedByRef_NoFix()
    {
        const string helper = """
            static bool TryRead(string line, ref List<string> rejects, out Entry entry)
            {
                entry = default;
                int cut = line.IndexOf('=');
                if (cut < 1) { rejects.Add(line); return false; }
                entry = new Entry(line.Substring(0, cut), line.Length - cut - 1);
                return true;
            }
        """;
        // mine is the lambda's own variable, but it holds the shared list: the Add inside the helper writes shared state.
        var source = Program(helper, "TryRead(line, ref mine, out var entry)");
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
