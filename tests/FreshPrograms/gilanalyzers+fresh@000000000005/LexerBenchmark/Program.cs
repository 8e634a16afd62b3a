using System.Text;

namespace LexerBenchmark;

enum TokenKind { Identifier, Keyword, Number, StringLiteral, Operator, Punctuation }

readonly record struct Token(TokenKind Kind, int Start, int Length);

sealed class Lexer
{
    static readonly HashSet<string> Keywords = new() { "if", "else", "while", "for", "return", "var", "func", "let" };
    readonly string _text;
    int _pos;

    public Lexer(string text) { _text = text; }

    public IEnumerable<Token> Tokens()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (char.IsWhiteSpace(c)) { _pos++; continue; }
            int start = _pos;
            if (char.IsLetter(c) || c == '_')
            {
                while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
                var word = _text.AsSpan(start, _pos - start).ToString();
                yield return new Token(Keywords.Contains(word) ? TokenKind.Keyword : TokenKind.Identifier, start, _pos - start);
            }
            else if (char.IsDigit(c))
            {
                while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] == '.')) _pos++;
                yield return new Token(TokenKind.Number, start, _pos - start);
            }
            else if (c == '"')
            {
                _pos++;
                while (_pos < _text.Length && _text[_pos] != '"') _pos++;
                _pos++;
                yield return new Token(TokenKind.StringLiteral, start, _pos - start);
            }
            else if ("+-*/=<>!&|".IndexOf(c) >= 0)
            {
                _pos++;
                if (_pos < _text.Length && _text[_pos] == '=') _pos++;
                yield return new Token(TokenKind.Operator, start, _pos - start);
            }
            else
            {
                _pos++;
                yield return new Token(TokenKind.Punctuation, start, 1);
            }
        }
    }

    public string Text(Token t) => _text.Substring(t.Start, t.Length);
}

sealed class CorpusStats
{
    public readonly Dictionary<TokenKind, int> KindCounts = new();
    public readonly Dictionary<string, int> IdentifierCounts = new(StringComparer.Ordinal);
}

static class SourceGenerator
{
    static readonly string[] Names = { "count", "index", "buffer", "total", "node", "left", "right", "value", "item", "result" };

    public static string Make(int seed, int functions)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (int f = 0; f < functions; f++)
        {
            sb.Append("func ").Append(Names[rng.Next(Names.Length)]).Append(f).Append("(a, b) {\n");
            for (int s = 0; s < 12; s++)
            {
                string n = Names[rng.Next(Names.Length)];
                sb.Append("  let ").Append(n).Append(" = a * ").Append(rng.Next(1000)).Append(" + b / 3.5;\n");
                sb.Append("  if (").Append(n).Append(" >= 10) { return \"big\"; } else { ").Append(n).Append(" += 1; }\n");
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }
}

class Program
{
    static readonly object ConsoleGate = new();

    static void Main()
    {
        var files = Enumerable.Range(0, 96).Select(i => SourceGenerator.Make(i, 120)).ToList();
        var stats = new CorpusStats();
        int filesDone = 0;

        Parallel.ForEach(files, source =>
        {
            var lexer = new Lexer(source);
            lock (stats)
            {
                foreach (var token in lexer.Tokens())
                {
                    stats.KindCounts[token.Kind] = stats.KindCounts.GetValueOrDefault(token.Kind) + 1;
                    if (token.Kind == TokenKind.Identifier)
                    {
                        string name = lexer.Text(token);
                        stats.IdentifierCounts[name] = stats.IdentifierCounts.GetValueOrDefault(name) + 1;
                    }
                }
            }

            int done = Interlocked.Increment(ref filesDone);
            if (done % 24 == 0)
            {
                lock (ConsoleGate)
                {
                    Console.WriteLine($"lexed {done}/{files.Count} files");
                }
            }
        });

        long totalChars = 0;
        Parallel.For(0, files.Count, () => 0L, (i, _, local) => local + files[i].Length,
            local => { lock (ConsoleGate) { totalChars += local; } });

        Console.WriteLine($"characters: {totalChars}");
        foreach (var kv in stats.KindCounts.OrderBy(k => k.Key))
            Console.WriteLine($"{kv.Key,-14}{kv.Value,8}");
        foreach (var kv in stats.IdentifierCounts.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Take(5))
            Console.WriteLine($"  {kv.Key,-10}{kv.Value,6}");
    }
}
