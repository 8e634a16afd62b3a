using System.Text;

namespace PasswordAuditTool;

// Managed port of the mainframe's LC2 password hash. Like the original assembler routine it
// keys a global state table in place (static fields), so two hashes must never overlap.
public static class Lc2
{
    private static readonly uint[] s_state = new uint[256];
    private static uint s_i, s_j;
    public static long Computed;

    public static string Hash(string password, string salt)
    {
        byte[] key = Encoding.ASCII.GetBytes(salt + ":" + password);
        for (uint k = 0; k < 256; k++) s_state[k] = k * 2654435761u;
        s_i = s_j = 0;
        for (int round = 0; round < 4; round++)
        {
            for (int k = 0; k < 256; k++)
            {
                s_j = (s_j + s_state[k] + key[k % key.Length]) & 0xff;
                (s_state[k], s_state[s_j]) = (s_state[s_j], s_state[k]);
            }
        }
        var sb = new StringBuilder();
        for (int n = 0; n < 8; n++)
        {
            s_i = (s_i + 1) & 0xff;
            s_j = (s_j + s_state[s_i]) & 0xff;
            sb.Append((s_state[(s_state[s_i] + s_state[s_j]) & 0xff] & 0xff).ToString("x2"));
        }
        Computed++;
        return sb.ToString();
    }
}

public sealed class DictionaryAuditor(List<Account> accounts, List<string> words, FindingSink sink)
{
    private static readonly object Lc2Lock = new();

    public long HashesComputed => Lc2.Computed;

    public void Run(int workerCount)
    {
        var workers = Enumerable.Range(0, workerCount)
            .Select(w => new Thread(() => AuditShare(w, workerCount)) { Name = $"audit-{w}" })
            .ToList();
        workers.ForEach(t => t.Start());
        foreach (var t in workers) t.Join();
    }

    private void AuditShare(int worker, int stride)
    {
        for (int a = worker; a < accounts.Count; a += stride)
        {
            Account acct = accounts[a];
            foreach (string word in words)
            {
                for (int rule = 0; rule < 3; rule++)
                {
                    string candidate = AccountExport.Mangle(word, rule);
                    string hash;
                    lock (Lc2Lock)
                    {
                        hash = Lc2.Hash(candidate, acct.Salt);
                    }
                    if (hash == acct.Hash)
                    {
                        sink.Report(acct.User, candidate);
                        goto next;
                    }
                }
            }
        next:;
        }
    }
}
