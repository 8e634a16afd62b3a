using System.Collections.Generic;
using System.Text;

namespace GilAnalyzers.CodeFixes.Refusals;

/// <summary>
/// Collects why a fixer offered no action at one site. The fixers fill it as they refuse; the IDE path passes
/// <see cref="Ignored"/> and pays nothing but the calls. Only the first reason of each rewrite is kept (the one that
/// stopped it), in the order the rewrites were tried.
/// </summary>
internal sealed class Refusal
{
    private readonly List<(NoFixReason Reason, string? Detail)>? _reasons;

    private Refusal(bool record)
    {
        _reasons = record ? new List<(NoFixReason, string?)>() : null;
    }

    /// <summary>A collector that records nothing (the code-fix path).</summary>
    public static Refusal Ignored { get; } = new Refusal(false);

    public static Refusal Recording() => new Refusal(true);

    public bool IsRecording => _reasons is not null;

    public IReadOnlyList<(NoFixReason Reason, string? Detail)> Reasons
        => _reasons ?? (IReadOnlyList<(NoFixReason, string?)>)System.Array.Empty<(NoFixReason, string?)>();

    public void Add(NoFixReason reason, string? detail = null)
    {
        if (_reasons is null)
        {
            return;
        }

        foreach (var existing in _reasons)
        {
            if (existing.Reason == reason && existing.Detail == detail)
            {
                return;
            }
        }

        _reasons.Add((reason, detail));
    }

    /// <summary>Adds <paramref name="reason"/> and returns null, for <c>return why.Refuse&lt;T&gt;(…)</c>.</summary>
    public T? Refuse<T>(NoFixReason reason, string? detail = null)
        where T : class
    {
        Add(reason, detail);
        return null;
    }

    /// <summary>Every reason, one per line part: <c>GIL001-N3: … (call Foo)</c>, joined with "; ".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (reason, detail) in Reasons)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(reason.Id).Append(": ").Append(reason.Title);
            if (!string.IsNullOrEmpty(detail))
            {
                text.Append(" (").Append(detail).Append(')');
            }
        }

        return text.ToString();
    }
}
