using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace GilAnalyzers.Tests.Meta;

/// <summary>
/// Issue 15's house rule: no method in <c>src/</c> longer than about 80 lines unless a comment says why. A method
/// (constructor, accessor or local function) whose declaration, signature to closing brace, spans more lines than
/// <see cref="MaxLines"/> (80 and the few lines "about" allows) needs a <c>// Long: reason</c> line in the comments just
/// above it.
/// </summary>
public sealed class MethodLengthTests
{
    public const int MaxLines = 85;

    public const string ReasonMarker = "// Long:";

    [Fact]
    public void No_method_in_src_is_longer_than_the_limit_without_a_reason()
    {
        var sourceRoot = Path.Combine(RepositoryFiles.Root, "src");
        var offenders = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(sourceRoot, path))
            .SelectMany(path => LongMethodsWithoutReason(path, File.ReadAllText(path)))
            .OrderBy(entry => entry, StringComparer.Ordinal)
            .ToList();

        Assert.True(
            offenders.Count == 0,
            $"Methods over {MaxLines} lines without a '{ReasonMarker} …' comment above them (split them, or say why not):\n  "
            + string.Join("\n  ", offenders));
    }

    [Fact]
    public void The_check_finds_a_long_method_and_accepts_a_stated_reason()
    {
        var body = string.Concat(Enumerable.Repeat("        x++;\n", MaxLines + 1));
        var without = "class C\n{\n    void M()\n    {\n        int x = 0;\n" + body + "    }\n}\n";
        var with = "class C\n{\n    " + ReasonMarker + " one table of cases, clearer in one place.\n    void M()\n    {\n        int x = 0;\n" + body + "    }\n}\n";
        var shortOne = "class C\n{\n    void M()\n    {\n        int x = 0;\n        x++;\n    }\n}\n";

        Assert.Single(LongMethodsWithoutReason("C.cs", without));
        Assert.Empty(LongMethodsWithoutReason("C.cs", with));
        Assert.Empty(LongMethodsWithoutReason("C.cs", shortOne));
    }

    internal static IEnumerable<string> LongMethodsWithoutReason(string path, string text)
    {
        var root = CSharpSyntaxTree.ParseText(text).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            if (node is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax))
            {
                continue;
            }

            var span = node.GetLocation().GetLineSpan();
            var lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
            if (lines > MaxLines && !StatesReason(node))
            {
                yield return $"{Path.GetFileName(path)}:{span.StartLinePosition.Line + 1} {Name(node)} ({lines} lines)";
            }
        }
    }

    private static bool StatesReason(SyntaxNode node) =>
        node.GetLeadingTrivia().Any(trivia =>
            trivia.IsKind(SyntaxKind.SingleLineCommentTrivia)
            && trivia.ToString().StartsWith(ReasonMarker, StringComparison.Ordinal)
            && trivia.ToString().Length > ReasonMarker.Length + 3);

    private static string Name(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax method => method.Identifier.Text,
        ConstructorDeclarationSyntax constructor => constructor.Identifier.Text + " (constructor)",
        LocalFunctionStatementSyntax local => local.Identifier.Text + " (local function)",
        AccessorDeclarationSyntax accessor => accessor.Keyword.Text + " accessor",
        _ => node.Kind().ToString(),
    };

    private static bool IsBuildOutput(string sourceRoot, string path)
    {
        var relative = Path.GetRelativePath(sourceRoot, path).Replace('\\', '/');
        return relative.Split('/').Any(part => part is "bin" or "obj");
    }
}
