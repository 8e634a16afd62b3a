namespace GilAnalyzers.CodeFixes.Refusals;

/// <summary>
/// One documented reason why a fixer offers no code action at a site. The id (<c>GIL001-N3</c>) is stable and listed,
/// with the same title, in the rule's page under "When no fix is offered, and why".
/// </summary>
internal sealed class NoFixReason
{
    public NoFixReason(string id, string title)
    {
        Id = id;
        Title = title;
    }

    /// <summary><c>GIL00x-Nk</c>: the rule whose page documents it, and its number there.</summary>
    public string Id { get; }

    /// <summary>What stops the fix, in one line.</summary>
    public string Title { get; }

    /// <summary>The rule id the reason belongs to (its page documents it).</summary>
    public string Rule => Id.Substring(0, Id.IndexOf('-'));

    public override string ToString() => Id + ": " + Title;
}
