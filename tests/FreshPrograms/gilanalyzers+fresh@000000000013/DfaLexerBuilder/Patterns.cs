using System.Linq;

namespace DfaLexerBuilder;

public abstract record Rx;
public sealed record Chars(bool[] Set) : Rx;
public sealed record Seq(params Rx[] Parts) : Rx;
public sealed record Alt(params Rx[] Options) : Rx;
public sealed record Repeat(Rx Inner, bool AllowNone, bool AllowMany) : Rx;

// Small combinators the dialect tables are written with.
public static class Patterns
{
    public static Rx Set(string chars) { var s = new bool[128]; foreach (char c in chars) s[c] = true; return new Chars(s); }
    public static Rx Word(string w) => new Seq(w.Select(c => Set(c.ToString())).ToArray());
    public static Rx Star(Rx r) => new Repeat(r, true, true);
    public static Rx Plus(Rx r) => new Repeat(r, false, true);
    public static Rx Opt(Rx r) => new Repeat(r, true, false);
}
