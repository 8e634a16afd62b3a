using System.Text;

namespace PasswordAuditTool;

// Security audit job: checks an exported account table (legacy "LC2" hashes) against a
// dictionary of common passwords with simple mangling rules.
internal static class Program
{
    private static void Main()
    {
        var accounts = AccountExport.Synthetic(count: 120, seed: 3);
        var words = Wordlist.Build(size: 150);
        var auditLog = new StringWriter();
        var findings = new FindingSink(auditLog);

        var auditor = new DictionaryAuditor(accounts, words, findings);
        auditor.Run(workerCount: 3);

        Console.WriteLine($"accounts audited: {accounts.Count}");
        Console.WriteLine($"weak passwords:   {findings.Count}");
        Console.WriteLine($"hashes computed:  {auditor.HashesComputed}");
        foreach (string line in auditLog.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
        {
            Console.WriteLine(line);
        }
    }
}

public sealed record Account(string User, string Salt, string Hash);

public static class Wordlist
{
    private static readonly string[] Stems = ["password", "welcome", "dragon", "monkey", "sunshine", "letmein", "football", "princess", "qwerty", "admin", "summer", "winter", "autumn"];

    public static List<string> Build(int size)
    {
        var list = new List<string>();
        for (int i = 0; list.Count < size; i++)
        {
            list.Add(Stems[i % Stems.Length] + (i / Stems.Length == 0 ? "" : (i / Stems.Length).ToString()));
        }
        return list;
    }
}

public static class AccountExport
{
    public static List<Account> Synthetic(int count, int seed)
    {
        var rng = new Random(seed);
        var words = Wordlist.Build(150);
        var list = new List<Account>();
        for (int i = 0; i < count; i++)
        {
            string salt = $"{rng.Next(0x10000):x4}";
            string password = rng.NextDouble() < 0.2
                ? Mangle(words[rng.Next(words.Count)], rng.Next(3))
                : new string(Enumerable.Range(0, 12).Select(_ => (char)rng.Next('a', 'z' + 1)).ToArray());
            list.Add(new Account($"user{i:D3}", salt, Lc2.Hash(password, salt)));
        }
        return list;
    }

    public static string Mangle(string word, int rule) => rule switch
    {
        0 => word,
        1 => char.ToUpperInvariant(word[0]) + word[1..],
        _ => word + "!",
    };
}

public sealed class FindingSink(TextWriter output)
{
    private readonly object _gate = new();
    private readonly SortedSet<string> _users = new(StringComparer.Ordinal);

    public int Count { get { lock (_gate) return _users.Count; } }

    public void Report(string user, string password)
    {
        lock (_gate)
        {
            if (_users.Add(user)) output.WriteLine($"  weak: {user} uses a dictionary word of length {password.Length}");
        }
    }
}
