using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Fixing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GilAnalyzers.Harness.Diagnosing;

/// <summary>A GilAnalyzers diagnostic with the source lines of the lock region (or method) it is about.</summary>
public sealed class StaticFinding
{
    public string Id { get; set; } = "";

    public string File { get; set; } = "";

    public int Line { get; set; }

    public string Message { get; set; } = "";

    /// <summary>First and last line (1-based) of the lock statement the diagnostic is about, else of its enclosing method or lambda.</summary>
    public int RegionStartLine { get; set; }

    public int RegionEndLine { get; set; }

    public string? FixAvailable { get; set; }

    /// <summary>True when a contended site of this run lies in the region.</summary>
    public bool Exercised { get; set; }

    /// <summary>
    /// True for the rules about a lock (GIL001 shared lock, GIL002 synchronized method, GIL006 lock around global
    /// state): contention events can confirm them. GIL003–GIL005 (raw threads, hand-rolled fan-out, sequential async)
    /// take no lock, so a run without contention says nothing about them.
    /// </summary>
    public bool LockRule => Id is "GIL001" or "GIL002" or "GIL006";

    internal string FullPath { get; set; } = "";
}

/// <summary>Static meets dynamic: runs GilAnalyzers over the project and matches its diagnostics to the contended sites.</summary>
public static class StaticJoin
{
    public static async Task<List<StaticFinding>> AnalyzeAsync(FixEngine engine, Project project, Func<string, string> displayName, CancellationToken cancellationToken)
    {
        ImmutableArray<Diagnostic> diagnostics = await engine.AnalyzeAsync(project, cancellationToken).ConfigureAwait(false);
        var findings = new List<StaticFinding>();
        foreach (Diagnostic d in diagnostics)
        {
            SyntaxTree tree = d.Location.SourceTree!;
            SyntaxNode root = await tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
            SyntaxNode at = root.FindNode(d.Location.SourceSpan, getInnermostNodeForTie: true);
            SyntaxNode region = (SyntaxNode?)at.AncestorsAndSelf().OfType<LockStatementSyntax>().FirstOrDefault()
                ?? at.DescendantNodesAndSelf().OfType<LockStatementSyntax>().FirstOrDefault()
                ?? at.AncestorsAndSelf().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax)
                ?? at;
            FileLinePositionSpan lines = region.GetLocation().GetLineSpan();
            Document? document = project.GetDocument(tree);
            string? fix = null;
            if (document is not null)
            {
                CodeAction? action = await engine.ChooseActionAsync(document, d, Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
                fix = action?.Title;
            }

            string full = Path.GetFullPath(tree.FilePath);
            findings.Add(new StaticFinding
            {
                Id = d.Id,
                FullPath = full,
                File = displayName(full),
                Line = d.Location.GetLineSpan().StartLinePosition.Line + 1,
                Message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                RegionStartLine = lines.StartLinePosition.Line + 1,
                RegionEndLine = lines.EndLinePosition.Line + 1,
                FixAvailable = fix,
            });
        }

        return findings;
    }

    /// <summary>Marks each site with the diagnostic covering it (the narrowest region wins) and each diagnostic as exercised or not.</summary>
    public static void Join(IEnumerable<ContentionSite> sites, IReadOnlyList<StaticFinding> findings)
    {
        foreach (ContentionSite site in sites)
        {
            if (site.FullPath is null || site.Line is not int line)
            {
                continue;
            }

            var covering = findings
                .Where(f => string.Equals(f.FullPath, Path.GetFullPath(site.FullPath), StringComparison.Ordinal)
                            && f.RegionStartLine <= line && line <= f.RegionEndLine)
                .OrderBy(f => f.RegionEndLine - f.RegionStartLine)
                .ToList();
            if (covering.Count == 0)
            {
                continue;
            }

            covering.ForEach(f => f.Exercised = true);
            StaticFinding cover = covering[0];
            site.Diagnostic = $"{cover.Id} at {cover.File}:{cover.Line}";
            site.FixAvailable = cover.FixAvailable;
        }
    }
}
