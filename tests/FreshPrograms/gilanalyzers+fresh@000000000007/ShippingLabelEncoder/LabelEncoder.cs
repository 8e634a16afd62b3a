using System.Runtime.CompilerServices;

namespace Warehouse.Labels;

/// <summary>Encodes parcel records into the carrier's Base32 label payload. See LabelEncoder.Encoding.cs.</summary>
public sealed partial class LabelEncoder : IDisposable
{
    private readonly StreamWriter _audit;
    private readonly List<string> _pendingAudit = new();
    private readonly byte[] _scratch = new byte[256];
    private int _encoded;

    public LabelEncoder(string auditPath)
    {
        _audit = new StreamWriter(auditPath);
    }

    public int Encoded => _encoded;

    [MethodImpl(MethodImplOptions.Synchronized)]
    public void Flush()
    {
        foreach (string line in _pendingAudit) _audit.WriteLine(line);
        _pendingAudit.Clear();
        _audit.Flush();
    }

    public void Dispose() => _audit.Dispose();
}
