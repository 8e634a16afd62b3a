using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

using GilAnalyzers.CodeFixes.Refusals;

namespace GilAnalyzers.CodeFixes;

/// <summary>
/// A GilAnalyzers fixer that can say, per site, why it offers nothing. Each rule's fixer writes one
/// <see cref="RegisterAsync"/>; the light bulb (<see cref="RegisterCodeFixesAsync"/>) and <see cref="WhyNoFix"/> both
/// go through it, the light bulb ignoring the reasons.
/// </summary>
public abstract class ExplainingCodeFixProvider : CodeFixProvider
{
    private protected ExplainingCodeFixProvider()
    {
    }

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            await RegisterAsync(context.Document, diagnostic, action => context.RegisterCodeFix(action, diagnostic), Refusal.Ignored, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Registers the site's code actions, best first, through <paramref name="register"/>; every rewrite that is refused
    /// adds its reason to <paramref name="why"/>.
    /// </summary>
    private protected abstract Task RegisterAsync(Document document, Diagnostic diagnostic, Action<CodeAction> register, Refusal why, CancellationToken cancellationToken);

    /// <summary>For <see cref="WhyNoFix"/>: <see cref="RegisterAsync"/> with the reasons recorded.</summary>
    internal Task ExplainAsync(Document document, Diagnostic diagnostic, Action<CodeAction> register, Refusal why, CancellationToken cancellationToken)
        => RegisterAsync(document, diagnostic, register, why, cancellationToken);
}

/// <summary>
/// Why a GilAnalyzers diagnostic has no code fix. The fixers never put a do-nothing action in the light bulb; a tool
/// that lists unfixed sites (gil-bench, the real-code runner, your own script over an MSBuildWorkspace) asks here
/// instead and prints the answer: <c>GIL001-N3: the work calls or writes something the analysis cannot see through,
/// so it may touch shared state (call Price)</c>. Each id is documented in the rule's page.
/// </summary>
public static class WhyNoFix
{
    /// <summary>
    /// The documented reasons (<c>GIL00x-Nk: title (detail)</c>, joined with "; ") why no GilAnalyzers code action is
    /// offered for <paramref name="diagnostic"/> in <paramref name="document"/>; null when one is offered, or when the
    /// diagnostic is not one of GilAnalyzers' rules.
    /// </summary>
    public static async Task<string?> ExplainAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken = default)
    {
        if (document is null || diagnostic is null)
        {
            throw new ArgumentNullException(document is null ? nameof(document) : nameof(diagnostic));
        }

        var fixer = FixerFor(diagnostic.Id);
        if (fixer is null)
        {
            return null;
        }

        var why = Refusal.Recording();
        var offered = false;
        await fixer.ExplainAsync(document, diagnostic, _ => offered = true, why, cancellationToken).ConfigureAwait(false);
        if (offered)
        {
            return null;
        }

        if (why.Reasons.Count == 0)
        {
            why.Add(NoFixReasons.Unexplained);
        }

        return why.ToString();
    }

    private static ExplainingCodeFixProvider? FixerFor(string id) => id switch
    {
        DiagnosticIds.SharedLockAroundCpuWork => new SharedLockAroundCpuWorkFixer(),
        DiagnosticIds.SynchronizedCpuMethod => new SynchronizedCpuMethodFixer(),
        DiagnosticIds.RawThreadsCpuLoop => new RawThreadsCpuLoopFixer(),
        DiagnosticIds.HandRolledPoolFanOut => new HandRolledPoolFanOutFixer(),
        DiagnosticIds.SequentialAsyncCpuWork => new SequentialAsyncCpuWorkFixer(),
        DiagnosticIds.ProcessGlobalStateUnderLock => new ProcessGlobalStateUnderLockFixer(),
        _ => null,
    };
}
