using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// Tasks made with <c>new Task(...)</c> in a loop and started there, kept in no collection, whose items signal a
/// CountdownEvent (or set their event) that the caller waits on: the queued-item fan-out written with tasks. Reported
/// without a rewrite; unjoined tasks and tasks that signal before they compute stay quiet.
/// </summary>
public class SignalledTaskChunksTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    private static string Histogram(string item, string wait) => Usings
        + "public static class Histogram\n{\n"
        + "    public static long[] Build(int[][] blocks)\n    {\n"
        + "        var counts = new long[256];\n"
        + "        var done = new CountdownEvent(blocks.Length);\n"
        + "        for (int b = 0; b < blocks.Length; b++)\n        {\n"
        + "            var block = blocks[b];\n"
        + item + "\n"
        + "        }\n"
        + wait + "\n"
        + "        return counts;\n    }\n}\n";

    private const string Work = """
        var local = new long[256];
        foreach (var v in block) local[v & 255]++;
        for (int k = 0; k < 256; k++) Interlocked.Add(ref counts[k], local[k]);
        """;

    [Fact]
    public async Task NewTaskStartedInPlace_JoinedByCountdown_Reports()
    {
        var item = "{|#0:new Task(() =>\n{\n" + Work + "\ndone.Signal();\n})|}.Start();";
        await VerifyCS.VerifyAnalyzerAsync(Histogram(item, "done.Wait();"),
            VerifyCS.Diagnostic(DiagnosticIds.HandRolledPoolFanOut).WithLocation(0)
                .WithArguments("'blocks.Length'", "new Task + Start + CountdownEvent", "foreach loop"));
    }

    [Fact]
    public async Task NewTaskNeverWaitedFor_StaysQuiet()
    {
        var item = "new Task(() =>\n{\n" + Work + "\ndone.Signal();\n}).Start();";
        await VerifyCS.VerifyAnalyzerAsync(Histogram(item, string.Empty));
    }

    [Fact]
    public async Task NewTaskThatSignalsBeforeItComputes_StaysQuiet()
    {
        var item = "var task = new Task(() =>\n{\ndone.Signal();\n" + Work + "\n});\ntask.Start();";
        await VerifyCS.VerifyAnalyzerAsync(Histogram(item, "done.Wait();"));
    }
}
