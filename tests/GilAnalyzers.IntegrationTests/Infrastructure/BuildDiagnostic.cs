using System.Text.RegularExpressions;

namespace GilAnalyzers.IntegrationTests.Infrastructure;

/// <summary>One <c>file(line,col): warning ID: message</c> line of MSBuild's console output.</summary>
public sealed partial record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    public static IReadOnlyList<BuildDiagnostic> Parse(string output) =>
        DiagnosticLine().Matches(output)
            .Select(m => new BuildDiagnostic(
                m.Groups["file"].Value,
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["severity"].Value,
                m.Groups["id"].Value,
                m.Groups["message"].Value.TrimEnd()))
            .Distinct()
            .ToList();

    public override string ToString() => $"{File}({Line},{Column}): {Severity} {Id}: {Message}";

    [GeneratedRegex(@"^\s*(?<file>[^\r\n]+?)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): (?<severity>warning|error) (?<id>[A-Za-z]+\d+): (?<message>[^\r\n]*?)(?: \[[^\]\r\n]+\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}
