using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCallee = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockInParallelCalleeAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// <c>System.Net.WebUtility.HtmlEncode</c> (and <c>IPAddress</c> parsing) only compute on strings: a page or an e-mail
/// rendered with it under a shared gate is CPU work, not network I/O. Real network calls under the same gate stay quiet.
/// </summary>
public class NetTextWorkTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Net; using System.Text; using System.Threading; using System.Threading.Tasks;\n";

    private const string Engine = """
        public sealed class ReportEngine
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public async Task<string> RenderAsync(IReadOnlyList<string> rows, CancellationToken ct)
            {
                await {|#0:_gate.WaitAsync(ct)|};
                try
                {
                    var sb = new StringBuilder();
                    for (int pass = 0; pass < 4; pass++)
                    {
                        foreach (var row in rows)
                        {
                            sb.Append("<tr><td>").Append(WORK).Append("</td></tr>");
                        }
                    }

                    return sb.ToString();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }

        public static class Program
        {
            public static async Task Main(List<IReadOnlyList<string>> reports)
            {
                var engine = new ReportEngine();
                long total = 0;
                await Parallel.ForEachAsync(reports, async (rows, ct) =>
                {
                    string html = await engine.RenderAsync(rows, ct);
                    Interlocked.Add(ref total, html.Length);
                });
            }
        }
        """;

    [Fact]
    public async Task HtmlRenderingUnderAGateTheParallelLoopAwaits_IsReported()
    {
        var source = Usings + Engine.Replace("WORK", "WebUtility.HtmlEncode(row)");
        await VerifyCallee.VerifyAnalyzerAsync(source, VerifyCallee.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0)
            .WithArguments("_gate", "foreach loop", "'RenderAsync', called from a Parallel.ForEachAsync body"));
    }

    [Fact]
    public async Task NetworkLookupsUnderTheSameGate_StayQuiet()
    {
        var source = Usings + Engine.Replace("await {|#0:_gate.WaitAsync(ct)|};", "await _gate.WaitAsync(ct);")
            .Replace("WORK", "Dns.GetHostAddresses(row).Length");
        await VerifyCallee.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task EncodingUnderALockInAParallelForBody_IsReported()
    {
        var source = Usings + """
            public static class Exporter
            {
                private static readonly object Gate = new object();

                public static void Export(string[][] tables, string[] pages)
                {
                    Parallel.For(0, tables.Length, t =>
                    {
                        {|#0:lock (Gate)|}
                        {
                            var sb = new StringBuilder();
                            for (int r = 0; r < tables[t].Length; r++)
                            {
                                sb.Append(WebUtility.HtmlEncode(tables[t][r])).Append(IPAddress.Parse("10.0.0.1"));
                            }

                            pages[t] = sb.ToString();
                        }
                    });
                }
            }
            """;
        await VerifyCS.VerifyAnalyzerAsync(source, VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments("Gate", "for loop", "a Parallel.For body"));
    }
}
