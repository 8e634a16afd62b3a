using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// Generated native bindings (PDFiumCore) are called by bare name after <c>using static Namespace.Class;</c>. With the
/// package missing such a call binds to nothing, but the file's static import still names the wrapper: a bare call
/// named for bulk work (render a page) is native bulk work. Opening a document (<c>FPDF_LoadDocument</c>) and reading
/// counts are not.
/// </summary>
public class Native50StaticImportTests
{
    [Fact]
    public async Task PagesRenderedThroughStaticImportUnderProcessWideLock_IsGil001()
    {
        var source = """
            using System;
            using static PDFiumCore.fpdfview;

            static class PageExporter
            {
                private static readonly object s_engineGate = new object();

                public static void ExportAll(string file, IntPtr target)
                {
                    {|#0:lock (s_engineGate)|}
                    {
                        var doc = FPDF_LoadDocument(file, null);
                        var pages = FPDF_GetPageCount(doc);
                        for (var n = 0; n < pages; n++)
                        {
                            var page = FPDF_LoadPage(doc, n);
                            FPDF_RenderPageBitmap(target, page, 0, 0, 100, 100, 0, 0);
                            FPDF_ClosePage(page);
                        }

                        FPDF_CloseDocument(doc);
                    }
                }
            }
            """;
        var test = new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(VerifyCS.Diagnostic(DiagnosticIds.SharedLockAroundCpuWork).WithLocation(0).WithArguments(
            "s_engineGate", "'FPDF_LoadPage' (bulk work in a native library)", "'ExportAll', a process-wide lock that every calling thread queues for"));
        await test.RunAsync();
    }

    [Fact]
    public async Task DocumentOpenedForItsPageCountUnderProcessWideLock_IsNotReported()
    {
        var source = """
            using System;
            using static PDFiumCore.fpdfview;

            static class DocumentFacts
            {
                private static readonly object s_engineGate = new object();

                public static int CountPages(string file)
                {
                    lock (s_engineGate)
                    {
                        var doc = FPDF_LoadDocument(file, null);
                        try
                        {
                            return FPDF_GetPageCount(doc);
                        }
                        finally
                        {
                            FPDF_CloseDocument(doc);
                        }
                    }
                }
            }
            """;
        await new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
        await new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
    }

    [Fact]
    public async Task BareUnresolvedCallWithoutWrapperImport_IsNotReported()
    {
        var source = """
            using System;
            using static ReportTools.Layout;

            static class Reports
            {
                private static readonly object s_gate = new object();

                public static void Refresh(IntPtr target)
                {
                    lock (s_gate)
                    {
                        RenderSummary(target);
                    }
                }
            }
            """;
        await new VerifyCS.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
        await new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None }.RunAsync();
    }
}
