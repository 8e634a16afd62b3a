using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GilAnalyzers.RealCode;

/// <summary>What one run of the analyzers over a compilation gave: diagnostics, exceptions and time per analyzer.</summary>
public sealed record AnalyzerPassResult(
    ImmutableArray<Diagnostic> Diagnostics,
    IReadOnlyList<(Exception Exception, DiagnosticAnalyzer Analyzer, Diagnostic Diagnostic)> Exceptions,
    IReadOnlyList<Diagnostic> UnexplainedAd0001,
    IReadOnlyDictionary<DiagnosticAnalyzer, TimeSpan> Times,
    Exception? DriverFailure);

/// <summary>
/// Runs analyzers through <see cref="CompilationWithAnalyzers"/> with execution-time logging; analyzer exceptions are
/// collected, never thrown. Used by the real-code runner and the corpus scorer alike.
/// </summary>
public static class AnalyzerPass
{
    public static async Task<AnalyzerPassResult> RunAsync(
        Compilation compilation, AnalyzerOptions options, ImmutableArray<DiagnosticAnalyzer> analyzers, CancellationToken cancellationToken)
    {
        var exceptions = new ConcurrentQueue<(Exception Exception, DiagnosticAnalyzer Analyzer, Diagnostic Diagnostic)>();
        var analyzerOptions = new CompilationWithAnalyzersOptions(
            options,
            onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue((exception, analyzer, diagnostic)),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        AnalysisResult result;
        try
        {
            result = await compilation.WithAnalyzers(analyzers, analyzerOptions).GetAnalysisResultAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new AnalyzerPassResult(ImmutableArray<Diagnostic>.Empty, exceptions.ToList(), Array.Empty<Diagnostic>(),
                new Dictionary<DiagnosticAnalyzer, TimeSpan>(), e);
        }

        var all = result.GetAllDiagnostics();
        var unexplained = all.Where(d => d.Id == "AD0001" && !exceptions.Any(e => e.Diagnostic.GetMessage() == d.GetMessage())).ToList();
        var found = all.Where(d => d.Id != "AD0001")
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        var times = result.AnalyzerTelemetryInfo.ToDictionary(kv => kv.Key, kv => kv.Value.ExecutionTime);
        return new AnalyzerPassResult(found, exceptions.ToList(), unexplained, times, null);
    }
}
